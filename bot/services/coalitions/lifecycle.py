"""A coalition's life: /coalition create, and /coalition archive (its plan, then the archive)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.db.models import Action, Ask, Coalition, Coordinator
from bot.db.models.core import NAME_LEN
from bot.db.models.enums import ActionStatus, AskStatus
from bot.db.uow import UnitOfWork
from bot.errors import Conflict
from bot.services import actions, asks
from bot.services.coalitions._queries import by_name_key
from bot.services.coalitions.kinds import kind_slug
from bot.services.coalitions.queries import summary
from bot.services.coalitions.results import ArchivePlan, ArchiveResult, CoalitionSummary
from bot.services.common import Actor, clean_text, fold
from bot.services.guards import managed_coalition
from bot.services.permissions import require_coalition_creator

DESCRIPTION_LEN = 1000
ARCHIVED = "coalition archived"


def _name_taken(name: str) -> str:
    return (
        f'A coalition called "{name}" already exists in this server. '
        "Pick another name, or join that one with /coalition join."
    )


async def create_coalition(
    uow: UnitOfWork,
    actor: Actor,
    *,
    name: str,
    kind: str,
    description: str | None = None,
    region: str | None = None,
    channel_id: int | None = None,
    requires_approval: bool = False,
) -> CoalitionSummary:
    """/coalition create: the creator becomes its first coordinator.

    Who may: admins, the creator role, or everyone, as chosen in /setup (admins only until then).
    """
    name = clean_text(name, field="coalition name", max_len=NAME_LEN)  # type: ignore[assignment]
    slug = kind_slug(kind)
    description = clean_text(
        description, field="description", max_len=DESCRIPTION_LEN, required=False, multiline=True
    )
    region = clean_text(region, field="region", max_len=NAME_LEN, required=False)
    session = uow.session
    settings = await require_coalition_creator(session, actor)
    if channel_id is None and settings is not None:
        # The server's default announcement channel, chosen by an admin in /setup.
        channel_id = settings.announce_channel_id
    name_key = fold(name)
    if await by_name_key(uow, actor, name_key) is not None:
        raise Conflict(_name_taken(name))
    now = uow.now
    coalition = Coalition(
        guild_id=actor.guild_id,
        name=name,
        name_key=name_key,
        kind=slug,
        description=description,
        region=region,
        channel_id=channel_id,
        requires_approval=requires_approval,
        created_by=actor.user_id,
        created_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(coalition)
            await session.flush()
    except IntegrityError:
        raise Conflict(_name_taken(name)) from None
    session.add(
        Coordinator(
            coalition_id=coalition.id, user_id=actor.user_id, added_by=actor.user_id, added_at=now
        )
    )
    await session.flush()
    return summary(coalition, 0)


async def _to_wind_up(
    uow: UnitOfWork, coalition: Coalition, now: datetime
) -> tuple[list[int], list[int]]:
    """The ids of the coalition's open asks and of its upcoming scheduled actions."""
    session = uow.session
    ask_ids = (
        await session.scalars(
            select(Ask.id)
            .where(Ask.coalition_id == coalition.id, Ask.status == AskStatus.OPEN)
            .order_by(Ask.id)
        )
    ).all()
    action_ids = (
        await session.scalars(
            select(Action.id)
            .where(
                Action.coalition_id == coalition.id,
                Action.status == ActionStatus.SCHEDULED,
                Action.starts_at > now,
            )
            .order_by(Action.starts_at, Action.id)
        )
    ).all()
    return list(ask_ids), list(action_ids)


async def archive_plan(uow: UnitOfWork, actor: Actor, coalition_id: int) -> ArchivePlan:
    """Before the Confirm/Cancel prompt of /coalition archive: the same checks, and counts."""
    coalition = await managed_coalition(uow.session, actor, coalition_id, "archive it")
    ask_ids, action_ids = await _to_wind_up(uow, coalition, uow.now)
    return ArchivePlan(coalition.id, coalition.name, len(ask_ids), len(action_ids))


async def archive_coalition(uow: UnitOfWork, actor: Actor, coalition_id: int) -> ArchiveResult:
    """/coalition archive (after Confirm): read-only from now on.

    Each open ask is closed exactly as /ask close closes it, and each upcoming action is
    cancelled exactly as /action cancel cancels it (history, webhook events, reminders stopped,
    a change notice to the cities that answered), in the same transaction as the archive.
    """
    now = uow.now
    session = uow.session
    coalition = await managed_coalition(session, actor, coalition_id, "archive it", lock="update")
    ask_ids, action_ids = await _to_wind_up(uow, coalition, now)
    # Closed and cancelled while the coalition is still writable: those paths refuse archived
    # coalitions. The lock taken above keeps anyone else from changing it meanwhile.
    for ask_id in ask_ids:
        await asks.close_ask(uow, actor, ask_id, detail=ARCHIVED)
    cancelled = [
        await actions.cancel_action(
            uow,
            actor,
            action_id=action_id,
            reason=f"{coalition.name} was archived.",
        )
        for action_id in action_ids
    ]
    coalition.archived_at = now
    coalition.archived_by = actor.user_id
    await session.flush()
    return ArchiveResult(coalition.id, coalition.name, now, ask_ids, cancelled)
