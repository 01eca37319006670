"""Nudges: a DM to one verified representative of each member city that has not signed an
ask yet, with the ask's title, the coordinator's message, the deadline and a **Sign for my
city** button.

- ``nudge`` (``/ask nudge``, coordinators): at most one nudge per ask in any 24 hours (the
  refusal says when the next may go); the cities nobody could be asked for are listed back
  (no verified representative, or every one of them turned nudges off in /me: reported as
  "has turned reminders off"); the nudge is recorded in the ask's history.
- ``auto_nudge``: the same, sent by the reminder worker ``days_before`` each ask's deadline
  (``/coalition settings nudges``; the ``ask_nudge`` reminder kind, exactly once per ask).
- ``set_auto_nudges``: that setting.

The DMs go through the outbox (template ``ask_nudge``, rendered by bot.ui.reminder_messages),
queued in the nudge's own unit of work; the command reports those whose DMs are closed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from bot.db.models import (
    Ask,
    AskEvent,
    AskNudge,
    AskVersion,
    Coalition,
    CoalitionNudges,
    Representative,
    SignOn,
)
from bot.db.models.enums import (
    AskEventKind,
    AskStatus,
    MembershipStatus,
    RepresentativeStatus,
)
from bot.db.uow import RemindersChanged, UnitOfWork
from bot.errors import Conflict, InvalidInput
from bot.services import me, outbox
from bot.services.common import Actor, clean_text
from bot.services.guards import managed_coalition
from bot.services.lookups import current_memberships, get_ask
from bot.services.permissions import ensure_not_archived, require_coalition_manager

NUDGE_EVERY = timedelta(hours=24)
MESSAGE_LEN = 1000
MAX_DAYS_BEFORE = 30
NUDGE_TEMPLATE = "ask_nudge"


@dataclass(frozen=True, slots=True)
class Nudged:
    city_name: str
    user_id: int


@dataclass(frozen=True, slots=True)
class NudgeResult:
    ask_id: int
    title: str
    coalition_name: str
    nudged: tuple[Nudged, ...]  # in the order of outbox_ids
    outbox_ids: tuple[int, ...]
    no_representative: tuple[str, ...]  # cities with no verified representative
    turned_off: tuple[str, ...]  # cities whose representatives all turned nudges off
    next_at: datetime  # when the next nudge of this ask may go


@dataclass(frozen=True, slots=True)
class AutoNudgeSettings:
    coalition_id: int
    coalition_name: str
    days_before: int  # 0: off


def when_text(at: datetime) -> str:
    epoch = int(at.timestamp())
    return f"<t:{epoch}:F> (<t:{epoch}:R>)"


async def _last_nudge(uow: UnitOfWork, ask_id: int) -> datetime | None:
    return await uow.session.scalar(
        select(func.max(AskNudge.sent_at)).where(AskNudge.ask_id == ask_id)
    )


async def _send(
    uow: UnitOfWork,
    ask: Ask,
    coalition: Coalition,
    version: AskVersion,
    *,
    sent_by: int | None,
    message: str | None,
) -> NudgeResult:
    """Queue the DMs, record the nudge; the caller checked who may and whether it is time."""
    session = uow.session
    members = [
        c
        for m, c in await current_memberships(session, coalition.id)
        if m.status == MembershipStatus.ACTIVE
    ]
    # Any current sign-on counts as "has signed" here (one awaiting re-confirmation has its
    # own DM); a withdrawn one or one that ended when the city left does not.
    signed = set(
        (
            await session.scalars(
                select(SignOn.city_id).where(SignOn.ask_id == ask.id, SignOn.withdrawn_at.is_(None))
            )
        ).all()
    )
    waiting = {c.id: c.name for c in members if c.id not in signed}
    reps: dict[int, list[int]] = defaultdict(list)
    if waiting:
        rows = await session.execute(
            select(Representative.city_id, Representative.user_id)
            .where(
                Representative.guild_id == ask.guild_id,
                Representative.city_id.in_(list(waiting)),
                Representative.status == RepresentativeStatus.VERIFIED,
                Representative.ended_at.is_(None),
            )
            .order_by(Representative.verified_at, Representative.id)
        )
        for city_id, user_id in rows:
            reps[city_id].append(user_id)
    off = await me.turned_off(
        uow, ask.guild_id, [u for users in reps.values() for u in users], me.DmKind.NUDGES
    )
    nudged: list[Nudged] = []
    no_rep: list[str] = []
    turned_off: list[str] = []
    for city_id, name in waiting.items():
        users = reps.get(city_id, [])
        if not users:
            no_rep.append(name)
            continue
        reachable = [u for u in users if u not in off]
        if not reachable:
            turned_off.append(name)
            continue
        nudged.append(Nudged(name, reachable[0]))
    data = {
        "ask_id": ask.id,
        "title": version.title,
        "coalition_name": coalition.name,
        "message": message,
        "deadline": ask.deadline.isoformat() if ask.deadline else None,
        "coordinator_id": sent_by,
    }
    ids = await outbox.dms(
        uow,
        messages=[(n.user_id, {**data, "city_name": n.city_name}) for n in nudged],
        template=NUDGE_TEMPLATE,
        guild_id=ask.guild_id,
    )
    session.add(
        AskNudge(
            guild_id=ask.guild_id,
            ask_id=ask.id,
            sent_by=sent_by,
            message=message,
            recipients=len(nudged),
            sent_at=uow.now,
        )
    )
    session.add(
        AskEvent(
            ask_id=ask.id,
            kind=AskEventKind.NUDGED,
            user_id=sent_by or 0,
            detail=(
                f"{'automatically, ' if sent_by is None else ''}"
                f"{len(nudged)} {'city' if len(nudged) == 1 else 'cities'} reached"
            ),
            created_at=uow.now,
        )
    )
    await session.flush()
    return NudgeResult(
        ask.id,
        version.title,
        coalition.name,
        tuple(nudged),
        ids,
        tuple(no_rep),
        tuple(turned_off),
        uow.now + NUDGE_EVERY,
    )


async def nudge(
    uow: UnitOfWork, actor: Actor, *, ask_id: int, message: str | None = None
) -> NudgeResult:
    """``/ask nudge`` (coordinators): DM the cities that have not signed ``ask_id``."""
    text = clean_text(message, field="message", max_len=MESSAGE_LEN, required=False, multiline=True)
    session = uow.session
    # The ask's row lock makes two nudges at once wait for each other: the second sees the
    # first and is refused.
    ask, coalition, version = await get_ask(session, actor, ask_id, lock="update")
    ensure_not_archived(coalition)
    await require_coalition_manager(session, actor, coalition, "nudge cities to sign its asks")
    if ask.status != AskStatus.OPEN:
        raise Conflict(f'"{version.title}" is closed: there is nothing to sign.')
    last = await _last_nudge(uow, ask.id)
    if last is not None and uow.now - last < NUDGE_EVERY:
        raise Conflict(
            f'"{version.title}" was nudged less than 24 hours ago. The next nudge may go '
            f"{when_text(last + NUDGE_EVERY)}."
        )
    return await _send(uow, ask, coalition, version, sent_by=actor.user_id, message=text)


async def auto_nudge(uow: UnitOfWork, ask_id: int) -> str:
    """The automatic nudge of ``ask_id`` (the reminder worker, in its unit of work): what
    happened, for the reminder's record. Sent only while the ask is open with its deadline
    ahead, and not within 24 hours of another nudge."""
    row = (
        await uow.session.execute(
            select(Ask, Coalition, AskVersion)
            .join(Coalition, Coalition.id == Ask.coalition_id)
            .join(AskVersion, AskVersion.ask_id == Ask.id)
            .where(Ask.id == ask_id, AskVersion.version == Ask.current_version)
            .with_for_update(of=Ask)
        )
    ).first()
    if row is None:
        return "cancelled: the ask vanished"
    ask, coalition, version = row
    if ask.status != AskStatus.OPEN or coalition.archived_at is not None:
        return "cancelled: the ask is closed"
    if ask.deadline is None or ask.deadline <= uow.now:
        return "skipped: no deadline ahead"
    last = await _last_nudge(uow, ask.id)
    if last is not None and uow.now - last < NUDGE_EVERY:
        return "skipped: nudged within 24 hours"
    result = await _send(uow, ask, coalition, version, sent_by=None, message=None)
    return f"queued: {len(result.nudged)} nudged"


async def set_auto_nudges(
    uow: UnitOfWork, actor: Actor, *, coalition_id: int, days_before: int
) -> AutoNudgeSettings:
    """``/coalition settings nudges days_before:<0–30>`` (coordinators); 0 turns it off."""
    if not 0 <= days_before <= MAX_DAYS_BEFORE:
        raise InvalidInput(
            f"days_before must be between 0 (off) and {MAX_DAYS_BEFORE} days before the deadline."
        )
    coalition = await managed_coalition(
        uow.session, actor, coalition_id, "change its nudges", lock="update"
    )
    row = await uow.session.get(CoalitionNudges, coalition.id)
    if row is None:
        row = CoalitionNudges(coalition_id=coalition.id, updated_by=actor.user_id)
        uow.session.add(row)
    row.days_before = days_before
    row.updated_by, row.updated_at = actor.user_id, uow.now
    await uow.session.flush()
    # The sweep makes, moves or cancels the ask_nudge rows; wake it to re-arm now.
    uow.wake(RemindersChanged())
    return AutoNudgeSettings(coalition.id, coalition.name, days_before)


def nudge_key(ask_id: int) -> str:
    """The automatic nudge's reminder row: one per ask, ever."""
    return f"nudge:{ask_id}"


__all__ = [
    "MAX_DAYS_BEFORE",
    "NUDGE_EVERY",
    "NUDGE_TEMPLATE",
    "AutoNudgeSettings",
    "NudgeResult",
    "Nudged",
    "auto_nudge",
    "nudge",
    "nudge_key",
    "set_auto_nudges",
    "when_text",
]
