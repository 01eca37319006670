"""Reminders as records: which ones exist, when they fall due, and what each should say.

The database is the record (see ARCHITECTURE.md, "Reminders that fire exactly once"). This
module decides *what* to send, *to whom* and *whether it is stale*, and keeps the bookkeeping
(who was reached, sent/skipped). Sending through Discord lives in ``bot.reminders``.

Kinds of reminder rows:

- ``action``: before an action, at each of the coalition's offsets. Key
  ``action:<id>:s<sequence>:<offset>``: a reschedule raises the sequence, so old rows are stale.
- ``ask_deadline``: 7 days and 1 day before an ask's deadline, created by the periodic sweep.
  Key ``ask:<id>:<deadline epoch>:<offset>``.
- ``action_change``: the notice after a reschedule or a cancellation (an outbox row, due at
  once), so those DMs get the same exactly-once delivery and DM fallback as reminders.
- ``digest``: a coalition's weekly digest (see bot.services.digests).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Action,
    Ask,
    AskEvent,
    AskVersion,
    City,
    Coalition,
    Coordinator,
    Reminder,
    ReminderNotification,
    Representative,
    Rsvp,
)
from bot.db.uow import UnitOfWork
from bot.errors import InvalidInput
from bot.services.common import Actor
from bot.services.lookups import get_coalition
from bot.services.permissions import ensure_not_archived, require_coalition_manager

log = logging.getLogger("bot.services.reminders")

DEFAULT_OFFSETS = "7d,1d,2h"
MAX_OFFSETS = 5
MAX_OFFSET = timedelta(days=60)
ASK_OFFSETS = ("7d", "1d")
# A reminder sent more than this after its due time says it is late ("due <t:…>").
LATE_AFTER = timedelta(minutes=2)
MAX_ATTEMPTS = 5
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_OFFSET = re.compile(r"^(\d{1,5})\s*([mhdw])$")
OFFSETS_HELP = 'Write offsets like "7d,1d,2h" (units m, h, d, w).'


# --- offsets ---


def parse_offsets(text: str | None) -> list[tuple[str, timedelta]]:
    """ "7d, 1d,2h" -> [("7d", 7 days), ("1d", ...), ("2h", ...)], longest first."""
    parts = [p.strip().lower() for p in (text or "").split(",") if p.strip()]
    if not parts:
        raise InvalidInput(f"Please give at least one offset. {OFFSETS_HELP}")
    if len(parts) > MAX_OFFSETS:
        raise InvalidInput(f"At most {MAX_OFFSETS} reminders per action. Please remove some.")
    out: list[tuple[str, timedelta]] = []
    for part in parts:
        match = _OFFSET.match(part)
        if match is None:
            shown = part if len(part) <= 20 and part.isprintable() else "one of them"
            raise InvalidInput(f'I can\'t read "{shown}" as an offset. {OFFSETS_HELP}')
        amount, unit = int(match[1]), match[2]
        delta = timedelta(**{_UNITS[unit]: amount})
        label = f"{amount}{unit}"
        if amount <= 0:
            raise InvalidInput(f'"{label}" is not a positive offset. {OFFSETS_HELP}')
        if delta > MAX_OFFSET:
            raise InvalidInput(f'"{label}" is more than 60 days before; please choose less.')
        if any(d == delta for _, d in out):
            raise InvalidInput(f'"{label}" is listed twice (or equals another offset).')
        out.append((label, delta))
    return sorted(out, key=lambda p: p[1], reverse=True)


def offset_delta(label: str) -> timedelta:
    return parse_offsets(label)[0][1]


def coalition_offsets(coalition: Coalition) -> list[tuple[str, timedelta]]:
    try:
        return parse_offsets(coalition.reminder_offsets or DEFAULT_OFFSETS)
    except InvalidInput:
        log.warning("coalition %s has unreadable offsets; using defaults", coalition.id)
        return parse_offsets(DEFAULT_OFFSETS)


def describe_offset(label: str) -> str:
    amount, unit = int(label[:-1]), label[-1]
    word = {"m": "minute", "h": "hour", "d": "day", "w": "week"}[unit]
    return f"{amount} {word}{'s' if amount != 1 else ''}"


# --- creating and cancelling rows ---


async def insert_if_absent(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Insert reminder rows, silently keeping any that already exist (same dedupe key).

    Several processes may run the sweep at once; ON CONFLICT makes that harmless.
    """
    if not rows:
        return
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(
        insert(Reminder).values(rows).on_conflict_do_nothing(index_elements=["dedupe_key"])
    )


def _action_key(action: Action, label: str) -> str:
    return f"action:{action.id}:s{action.sequence}:{label}"


async def sync_action_reminders(
    session: AsyncSession, action: Action, coalition: Coalition, now: datetime
) -> list[datetime]:
    """Make the pending reminders of ``action`` match its time, sequence and the coalition's
    offsets. Offsets already past are not created. Returns the due times, soonest first."""
    wanted: dict[str, tuple[str, datetime]] = {}
    if action.status == "scheduled":
        for label, delta in coalition_offsets(coalition):
            due = action.starts_at - delta
            if due > now:
                wanted[_action_key(action, label)] = (label, due)
    existing = {
        r.dedupe_key: r
        for r in (
            await session.scalars(
                select(Reminder).where(Reminder.action_id == action.id, Reminder.kind == "action")
            )
        ).all()
    }
    for key, row in existing.items():
        if row.status == "pending" and key not in wanted:
            row.status = "cancelled"
            row.detail = "no longer wanted (rescheduled, cancelled or offsets changed)"
    for key, (label, due) in wanted.items():
        row = existing.get(key)
        if row is None:
            session.add(
                Reminder(
                    guild_id=action.guild_id,
                    coalition_id=action.coalition_id,
                    kind="action",
                    action_id=action.id,
                    offset_label=label,
                    dedupe_key=key,
                    due_at=due,
                    status="pending",
                    attempts=0,
                    created_at=now,
                )
            )
        elif row.status == "cancelled":
            row.status, row.due_at, row.attempts, row.detail = "pending", due, 0, None
    await session.flush()
    return sorted(due for _, due in wanted.values())


async def cancel_pending(session: AsyncSession, *where: Any, detail: str) -> None:
    """Cancel the pending reminders matching ``where`` (kept, with the reason, as history)."""
    await session.execute(
        update(Reminder)
        .where(Reminder.status == "pending", *where)
        .values(status="cancelled", detail=detail)
        .execution_options(synchronize_session=False)
    )


async def cancel_action_reminders(session: AsyncSession, action_id: int) -> None:
    await cancel_pending(
        session,
        Reminder.action_id == action_id,
        Reminder.kind == "action",
        detail="action cancelled",
    )


async def queue_change_notice(
    session: AsyncSession,
    action: Action,
    change: str,
    now: datetime,
    *,
    old: datetime | None = None,
) -> int:
    """An outbox row telling the cities that answered about a reschedule or cancellation."""
    row = Reminder(
        guild_id=action.guild_id,
        coalition_id=action.coalition_id,
        kind="action_change",
        action_id=action.id,
        offset_label=change,
        dedupe_key=f"change:{action.id}:s{action.sequence}:{change}",
        due_at=now,
        status="pending",
        attempts=0,
        detail=old.isoformat() if old else None,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row.id


# --- /coalition settings reminders ---


@dataclass(frozen=True, slots=True)
class OffsetsResult:
    coalition_id: int
    coalition_name: str
    offsets: list[str]
    actions_rearmed: int


async def set_reminder_offsets(
    uow: UnitOfWork, actor: Actor, *, coalition_id: int, offsets: str, now: datetime
) -> OffsetsResult:
    """Coordinators only; re-arms the pending reminders of every upcoming action."""
    parsed = parse_offsets(offsets)
    session = uow.session
    coalition = await get_coalition(session, actor, coalition_id, lock="update")
    ensure_not_archived(coalition)
    await require_coalition_manager(session, actor, coalition, "change its reminders")
    coalition.reminder_offsets = ",".join(label for label, _ in parsed)
    upcoming = (
        await session.scalars(
            select(Action).where(
                Action.coalition_id == coalition.id,
                Action.status == "scheduled",
                Action.starts_at > now,
            )
        )
    ).all()
    for action in upcoming:
        await sync_action_reminders(session, action, coalition, now)
    return OffsetsResult(coalition.id, coalition.name, [p[0] for p in parsed], len(upcoming))


# --- the periodic sweep's bookkeeping ---


async def ensure_ask_reminders(session: AsyncSession, now: datetime) -> None:
    """Create the 7-day and 1-day reminders of open asks with a future deadline, and cancel
    pending ones whose ask closed or whose deadline moved. Three queries."""
    edited = (
        select(AskEvent.ask_id, func.max(AskEvent.created_at).label("at"))
        .where(AskEvent.kind == "edited")
        .group_by(AskEvent.ask_id)
        .subquery()
    )
    asks = (
        await session.execute(
            select(Ask, edited.c.at)
            .join(Coalition, Coalition.id == Ask.coalition_id)
            .outerjoin(edited, edited.c.ask_id == Ask.id)
            .where(
                Ask.status == "open",
                Ask.deadline.is_not(None),
                Ask.deadline > now,
                Coalition.archived_at.is_(None),
            )
        )
    ).all()
    rows: list[dict[str, Any]] = []
    for ask, edited_at in asks:
        assert ask.deadline is not None
        # A reminder that was already past when the deadline was set would only be noise.
        set_at = max(ask.created_at, edited_at) if edited_at else ask.created_at
        for label in ASK_OFFSETS:
            due = ask.deadline - offset_delta(label)
            if due <= set_at:
                continue
            rows.append(
                {
                    "guild_id": ask.guild_id,
                    "coalition_id": ask.coalition_id,
                    "kind": "ask_deadline",
                    "ask_id": ask.id,
                    "offset_label": label,
                    "dedupe_key": f"ask:{ask.id}:{int(ask.deadline.timestamp())}:{label}",
                    "due_at": due,
                    "status": "pending",
                    "attempts": 0,
                    "late": False,
                    "created_at": now,
                }
            )
    await insert_if_absent(session, rows)
    stale = (
        await session.execute(
            select(Reminder.id, Reminder.dedupe_key, Ask.status, Ask.deadline)
            .join(Ask, Ask.id == Reminder.ask_id)
            .where(Reminder.kind == "ask_deadline", Reminder.status == "pending")
        )
    ).all()
    gone = [
        rid
        for rid, key, status, deadline in stale
        if status != "open"
        or deadline is None
        or key.split(":")[2] != str(int(deadline.timestamp()))
    ]
    if gone:
        await session.execute(
            update(Reminder)
            .where(Reminder.id.in_(gone), Reminder.status == "pending")
            .values(status="cancelled", detail="ask closed or deadline changed")
            .execution_options(synchronize_session=False)
        )


async def ensure_scheduled(uow: UnitOfWork, now: datetime) -> None:
    """The sweep's bookkeeping: ask-deadline and digest reminders exist and are current."""
    from bot.services import digests

    await ensure_ask_reminders(uow.session, now)
    await digests.ensure_digest_reminders(uow.session, now)


async def pending_before(uow: UnitOfWork, until: datetime) -> list[tuple[int, datetime]]:
    """Pending reminders due before ``until`` (for arming alarms), soonest first."""
    rows = await uow.session.execute(
        select(Reminder.id, Reminder.due_at)
        .where(Reminder.status == "pending", Reminder.due_at <= until)
        .order_by(Reminder.due_at, Reminder.id)
    )
    return [(rid, due) for rid, due in rows]


# --- planning one delivery ---


@dataclass(frozen=True, slots=True)
class ActionContent:
    action_id: int
    title: str
    kind_label: str
    starts_at: datetime
    timezone: str
    location: str | None
    offset_label: str
    going: list[str]
    maybe: list[str]
    not_going: list[str]
    no_answer: list[str]


@dataclass(frozen=True, slots=True)
class AskDeadlineContent:
    ask_id: int
    title: str
    deadline: datetime
    offset_label: str
    signed: int
    total: int
    missing: list[str]


@dataclass(frozen=True, slots=True)
class ChangeContent:
    action_id: int
    title: str
    change: str  # rescheduled | cancelled
    starts_at: datetime
    old_starts_at: datetime | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class Plan:
    """What one reminder sends. Delivery keys: "channel", "dm:<user id>"."""

    reminder_id: int
    kind: str
    due_at: datetime
    late: bool
    coalition_id: int
    coalition_name: str
    channel_id: int | None  # a post here (None: no channel post)
    dm_user_ids: list[int]  # a DM to each
    fallback_channel_id: int | None  # where refused DMs become a mention
    content: Any  # ActionContent | AskDeadlineContent | ChangeContent | digests.DigestContent
    done: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class Skip:
    reminder_id: int
    status: str  # cancelled | skipped
    reason: str


async def coordinator_ids(session: AsyncSession, coalition_id: int) -> list[int]:
    return list(
        (
            await session.scalars(
                select(Coordinator.user_id)
                .where(Coordinator.coalition_id == coalition_id, Coordinator.removed_at.is_(None))
                .order_by(Coordinator.added_at, Coordinator.id)
            )
        ).all()
    )


async def _done(session: AsyncSession, reminder_id: int) -> frozenset[str]:
    rows = await session.execute(
        select(ReminderNotification.user_id, ReminderNotification.outcome).where(
            ReminderNotification.reminder_id == reminder_id
        )
    )
    return frozenset("channel" if uid is None else f"dm:{uid}" for uid, _ in rows)


async def plan_reminder(uow: UnitOfWork, reminder_id: int, now: datetime) -> Plan | Skip:
    """Re-read everything a reminder depends on and decide what it sends, or why it doesn't."""
    session = uow.session
    reminder = await session.get(Reminder, reminder_id)
    if reminder is None:
        return Skip(reminder_id, "cancelled", "reminder row vanished")
    coalition = await session.get(Coalition, reminder.coalition_id)
    # A change notice still goes out: archiving cancels the upcoming actions, and the cities
    # that answered must hear of it.
    if coalition is None or (
        coalition.archived_at is not None and reminder.kind != "action_change"
    ):
        return Skip(reminder_id, "cancelled", "coalition archived")
    late = now - reminder.due_at > LATE_AFTER
    done = await _done(session, reminder_id)
    common = {
        "reminder_id": reminder_id,
        "kind": reminder.kind,
        "due_at": reminder.due_at,
        "coalition_id": coalition.id,
        "coalition_name": coalition.name,
        "fallback_channel_id": coalition.channel_id,
        "done": done,
    }
    if reminder.kind == "action":
        return await _plan_action(session, reminder, coalition, now, late, common)
    if reminder.kind == "ask_deadline":
        return await _plan_ask(session, reminder, coalition, now, late, common)
    if reminder.kind == "action_change":
        return await _plan_change(session, reminder, coalition, common)
    if reminder.kind == "digest":
        from bot.services import digests

        return await digests.plan_digest(session, reminder, coalition, now, late, common)
    return Skip(reminder_id, "cancelled", f"unknown reminder kind {reminder.kind!r}")


async def _plan_action(
    session: AsyncSession,
    reminder: Reminder,
    coalition: Coalition,
    now: datetime,
    late: bool,
    common: dict[str, Any],
) -> Plan | Skip:
    action = await session.get(Action, reminder.action_id) if reminder.action_id else None
    if action is None or action.status != "scheduled":
        return Skip(reminder.id, "cancelled", "action cancelled")
    label = reminder.offset_label or ""
    if reminder.dedupe_key != _action_key(
        action, label
    ) or reminder.due_at != action.starts_at - offset_delta(label):
        return Skip(reminder.id, "cancelled", "action rescheduled since this reminder was set")
    if action.starts_at <= now:
        return Skip(reminder.id, "skipped", "the action had already begun when it fell due")
    groups = await rsvp_groups(session, action)
    return Plan(
        late=late,
        channel_id=coalition.channel_id,
        dm_user_ids=await coordinator_ids(session, coalition.id),
        content=ActionContent(
            action_id=action.id,
            title=action.title,
            kind_label=action.kind.replace("_", " ").capitalize(),
            starts_at=action.starts_at,
            timezone=action.timezone,
            location=action.location,
            offset_label=label,
            **groups,
        ),
        **common,
    )


async def rsvp_groups(session: AsyncSession, action: Action) -> dict[str, list[str]]:
    """City names by current answer, "no_answer" for active members that did not answer."""
    from bot.db.repositories.progress import current_memberships

    members = [
        c
        for m, c in await current_memberships(session, action.coalition_id)
        if m.status == "active"
    ]
    answers = dict(
        (
            await session.execute(
                select(Rsvp.city_id, Rsvp.response).where(
                    Rsvp.action_id == action.id, Rsvp.superseded_at.is_(None)
                )
            )
        ).all()
    )
    groups: dict[str, list[str]] = {"going": [], "maybe": [], "not_going": [], "no_answer": []}
    for city in members:
        groups[answers.get(city.id, "no_answer")].append(city.name)
    return groups


async def _plan_ask(
    session: AsyncSession,
    reminder: Reminder,
    coalition: Coalition,
    now: datetime,
    late: bool,
    common: dict[str, Any],
) -> Plan | Skip:
    from bot.db.repositories.progress import current_memberships, signed_city_ids

    row = (
        await session.execute(
            select(Ask, AskVersion.title)
            .join(
                AskVersion,
                and_(AskVersion.ask_id == Ask.id, AskVersion.version == Ask.current_version),
            )
            .where(Ask.id == reminder.ask_id)
        )
    ).first()
    if row is None:
        return Skip(reminder.id, "cancelled", "ask vanished")
    ask, title = row
    if ask.status != "open" or ask.deadline is None:
        return Skip(reminder.id, "cancelled", "ask closed or deadline removed")
    if reminder.dedupe_key.split(":")[2] != str(int(ask.deadline.timestamp())):
        return Skip(reminder.id, "cancelled", "deadline changed")
    if ask.deadline <= now:
        return Skip(reminder.id, "skipped", "the deadline had already passed")

    members = [
        c for m, c in await current_memberships(session, ask.coalition_id) if m.status == "active"
    ]
    signed_ids = (await signed_city_ids(session, [ask.id]))[ask.id]
    signed = len(signed_ids)
    return Plan(
        late=late,
        channel_id=None,
        dm_user_ids=await coordinator_ids(session, coalition.id),
        content=AskDeadlineContent(
            ask_id=ask.id,
            title=title,
            deadline=ask.deadline,
            offset_label=reminder.offset_label or "",
            signed=signed,
            total=len(members),
            missing=[c.name for c in members if c.id not in signed_ids],
        ),
        **common,
    )


async def _plan_change(
    session: AsyncSession, reminder: Reminder, coalition: Coalition, common: dict[str, Any]
) -> Plan | Skip:
    action = await session.get(Action, reminder.action_id) if reminder.action_id else None
    if action is None:
        return Skip(reminder.id, "cancelled", "action vanished")
    # The representatives (today) of every city whose current answer is on record.
    reps = (
        await session.scalars(
            select(Representative.user_id)
            .join(Rsvp, Rsvp.city_id == Representative.city_id)
            .join(City, City.id == Representative.city_id)
            .where(
                Rsvp.action_id == action.id,
                Rsvp.superseded_at.is_(None),
                Representative.status == "verified",
                Representative.ended_at.is_(None),
            )
            .order_by(City.name_key, Representative.id)
        )
    ).all()
    users = list(dict.fromkeys(reps))
    old = datetime.fromisoformat(reminder.detail) if reminder.detail else None
    return Plan(
        late=False,
        channel_id=coalition.channel_id,
        dm_user_ids=users,
        content=ChangeContent(
            action_id=action.id,
            title=action.title,
            change=reminder.offset_label or "changed",
            starts_at=action.starts_at,
            old_starts_at=old,
            reason=action.cancel_reason,
        ),
        **common,
    )


# --- bookkeeping while sending ---


async def record_delivery(
    uow: UnitOfWork,
    reminder_id: int,
    *,
    owner: str,
    now: datetime,
    lease: timedelta,
    outcome: str,
    user_id: int | None = None,
    channel_id: int | None = None,
) -> bool:
    """Record who was reached (so a retry skips them) and renew the lease.

    False when this process no longer holds the reminder (its lease ran out and another
    process took it over): the caller must stop sending.
    """
    result = await uow.session.execute(
        update(Reminder)
        .where(
            Reminder.id == reminder_id,
            Reminder.status == "sending",
            Reminder.claimed_by == owner,
        )
        .values(lease_until=now + lease)
        .execution_options(synchronize_session=False)
    )
    if (result.rowcount or 0) != 1:  # type: ignore[attr-defined]
        return False
    uow.session.add(
        ReminderNotification(
            reminder_id=reminder_id,
            user_id=user_id,
            channel_id=channel_id,
            outcome=outcome,
            created_at=now,
        )
    )
    return True


async def still_held(uow: UnitOfWork, reminder_id: int, *, owner: str) -> bool:
    held = await uow.session.scalar(
        select(Reminder.id).where(
            Reminder.id == reminder_id,
            Reminder.status == "sending",
            Reminder.claimed_by == owner,
        )
    )
    return held is not None


async def finish(
    uow: UnitOfWork,
    reminder_id: int,
    *,
    owner: str,
    now: datetime,
    status: str,
    late: bool = False,
    detail: str | None = None,
) -> bool:
    """Mark a held reminder sent, skipped, cancelled or failed. False if no longer held."""
    result = await uow.session.execute(
        update(Reminder)
        .where(
            Reminder.id == reminder_id,
            Reminder.status == "sending",
            Reminder.claimed_by == owner,
        )
        .values(
            status=status,
            sent_at=now if status == "sent" else None,
            late=late,
            lease_until=None,
            detail=detail,
        )
        .execution_options(synchronize_session=False)
    )
    held = (result.rowcount or 0) == 1  # type: ignore[attr-defined]
    if held and status == "sent":
        kind = await uow.session.scalar(select(Reminder.kind).where(Reminder.id == reminder_id))
        if kind == "digest":
            from bot.services import digests

            await digests.mark_sent(uow.session, reminder_id, now)
    return held


async def release(
    uow: UnitOfWork, reminder_id: int, *, owner: str, now: datetime, error: str
) -> str:
    """A send failed for a passing reason (Discord down, network). The row stays held with a
    lease that runs out after a growing back-off, so the next sweep retries it (then a retry
    skips whoever was already reached); after MAX_ATTEMPTS it is marked failed.
    Returns the new status ("" when this process no longer holds it)."""
    attempts = await uow.session.scalar(
        select(Reminder.attempts).where(
            Reminder.id == reminder_id,
            Reminder.status == "sending",
            Reminder.claimed_by == owner,
        )
    )
    if attempts is None:
        return ""
    failed = attempts >= MAX_ATTEMPTS
    backoff = timedelta(seconds=min(60 * 2 ** (attempts - 1), 1800))
    await uow.session.execute(
        update(Reminder)
        .where(Reminder.id == reminder_id, Reminder.claimed_by == owner)
        .values(
            status="failed" if failed else "sending",
            lease_until=None if failed else now + backoff,
            detail=error[:500],
        )
        .execution_options(synchronize_session=False)
    )
    return "failed" if failed else "sending"
