"""Loading an action of the actor's server, and turning rows into ActionInfo."""

from __future__ import annotations

from sqlalchemy import and_, select

from bot.db.models import Action, AskVersion, Coalition
from bot.db.models.core import Ask
from bot.db.uow import UnitOfWork
from bot.errors import NotFound
from bot.services.actions._parsing import ACTION_NOT_FOUND, KINDS
from bot.services.actions.results import ActionInfo
from bot.services.common import Actor


async def get_action(
    uow: UnitOfWork, actor: Actor, action_id: int, *, lock: bool = False
) -> tuple[Action, Coalition]:
    if not 0 < action_id <= 2**31 - 1:
        raise NotFound(ACTION_NOT_FOUND)
    query = (
        select(Action, Coalition)
        .join(Coalition, Coalition.id == Action.coalition_id)
        .where(Action.id == action_id, Action.guild_id == actor.guild_id)
    )
    if lock:
        query = query.with_for_update(of=Action)
    row = (await uow.session.execute(query)).first()
    if row is None:
        raise NotFound(ACTION_NOT_FOUND)
    return row[0], row[1]


async def ask_title(uow: UnitOfWork, ask_id: int | None) -> str | None:
    if ask_id is None:
        return None
    return await uow.session.scalar(
        select(AskVersion.title)
        .join(Ask, and_(Ask.id == AskVersion.ask_id, AskVersion.version == Ask.current_version))
        .where(Ask.id == ask_id)
    )


def info(action: Action, coalition: Coalition, title_of_ask: str | None) -> ActionInfo:
    return ActionInfo(
        id=action.id,
        coalition_id=coalition.id,
        coalition_name=coalition.name,
        channel_id=coalition.channel_id,
        title=action.title,
        kind=action.kind,
        kind_label=KINDS.get(action.kind, action.kind),
        starts_at=action.starts_at,
        duration_minutes=action.duration_minutes,
        timezone=action.timezone,
        location=action.location,
        description=action.description,
        status=action.status,
        sequence=action.sequence,
        uid=action.uid,
        ask_id=action.ask_id,
        ask_title=title_of_ask,
        cancel_reason=action.cancel_reason,
        announcement_channel_id=action.announcement_channel_id,
        announcement_message_id=action.announcement_message_id,
        series_id=action.series_id,
        recurrence_at=action.recurrence_at,
    )


async def action_info(uow: UnitOfWork, actor: Actor, action_id: int) -> ActionInfo:
    action, coalition = await get_action(uow, actor, action_id)
    return info(action, coalition, await ask_title(uow, action.ask_id))
