"""A coalition's weekly digest for its coordinators (/coalition settings digest).

The schedule is a Digest row; each week's digest is a reminder row (kind "digest", key
``digest:<coalition>:<epoch>``) created by the sweep, so it is sent exactly once like any
reminder, late after downtime rather than never.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Action,
    Ask,
    AskEvent,
    AskVersion,
    City,
    Coalition,
    Digest,
    Reminder,
)
from bot.db.repositories.progress import current_memberships, signed_city_ids
from bot.db.uow import UnitOfWork
from bot.errors import InvalidInput
from bot.services import reminders
from bot.services.common import Actor, fold
from bot.services.lookups import get_coalition
from bot.services.permissions import ensure_not_archived, require_coalition_manager
from bot.services.timeparse import zone_from_name

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
HORIZON = timedelta(days=14)
FIRST_WINDOW = timedelta(days=7)  # what the first digest looks back over
_TIME = re.compile(r"^(\d{1,2})[:h.](\d{2})$")


@dataclass(frozen=True, slots=True)
class DigestSettingsResult:
    coalition_id: int
    coalition_name: str
    enabled: bool
    weekday: str | None
    local_time: str | None
    timezone: str | None
    next_at: datetime | None
    channel_id: int | None


@dataclass(frozen=True, slots=True)
class DigestAsk:
    ask_id: int
    title: str
    deadline: datetime
    missing: list[str]
    total: int


@dataclass(frozen=True, slots=True)
class DigestAction:
    action_id: int
    title: str
    starts_at: datetime
    no_answer: list[str]
    going: int
    total: int


@dataclass(frozen=True, slots=True)
class DigestEvent:
    kind: str  # signed | withdrawn
    ask_title: str
    city_name: str
    at: datetime


@dataclass(frozen=True, slots=True)
class DigestContent:
    coalition_name: str
    since: datetime
    asks: list[DigestAsk]  # closing within 14 days, soonest first
    actions: list[DigestAction]  # within 14 days, soonest first
    sign_ons: list[DigestEvent]
    withdrawals: list[DigestEvent]


def parse_weekday(value: str | None) -> int | None:
    """ "monday".."sunday" -> 0..6; "off" -> None."""
    key = fold(value or "")
    if key == "off":
        return None
    for i, name in enumerate(WEEKDAYS):
        if key in (name, name[:3]):
            return i
    raise InvalidInput('Please choose a day of the week, or "off" to stop the digest.')


def parse_time_of_day(value: str | None) -> str:
    match = _TIME.match((value or "").strip())
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise InvalidInput('Please give the time as HH:MM on a 24-hour clock, e.g. "09:00".')
    return f"{int(match[1]):02d}:{match[2]}"


def next_occurrence(weekday: int, local_time: str, tz_name: str, after: datetime) -> datetime:
    """The first ``weekday`` at ``local_time`` in ``tz_name`` strictly after ``after`` (UTC).

    On a night when that wall time does not exist (clocks jump forward), it is sent at the
    same instant the clocks jump to; when it happens twice, at the first.
    """
    zone = zone_from_name(tz_name)
    hour, minute = (int(p) for p in local_time.split(":"))
    local_after = after.astimezone(zone)
    day: date = local_after.date()
    for _ in range(15):
        if day.weekday() == weekday:
            candidate = datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)
            if candidate > after:
                return candidate
        day += timedelta(days=1)
    raise AssertionError("no weekday within 15 days")  # unreachable


def _key(coalition_id: int, due: datetime) -> str:
    return f"digest:{coalition_id}:{int(due.timestamp())}"


async def _cancel_pending(session: AsyncSession, coalition_id: int) -> None:
    await reminders.cancel_pending(
        session,
        Reminder.coalition_id == coalition_id,
        Reminder.kind == "digest",
        detail="digest settings changed",
    )


async def set_digest(
    uow: UnitOfWork,
    actor: Actor,
    *,
    coalition_id: int,
    weekday: str,
    local_time: str | None,
    timezone: str | None,
    now: datetime,
) -> DigestSettingsResult:
    """Coordinators only. ``weekday`` "off" turns the digest off."""
    from bot.services import reminders
    from bot.services.actions import remembered_timezone

    day = parse_weekday(weekday)
    session = uow.session
    coalition = await get_coalition(session, actor, coalition_id, lock="update")
    ensure_not_archived(coalition)
    await require_coalition_manager(session, actor, coalition, "change its digest")
    digest = await session.get(Digest, coalition.id)
    await _cancel_pending(session, coalition.id)
    if day is None:
        if digest is not None:
            digest.enabled = False
            digest.updated_by = actor.user_id
        await session.flush()
        return DigestSettingsResult(
            coalition.id, coalition.name, False, None, None, None, None, coalition.channel_id
        )
    clock = parse_time_of_day(local_time)
    zone_name = (timezone or "").strip() or await remembered_timezone(uow, actor.user_id)
    if not zone_name:
        raise InvalidInput("Please choose a time zone (for example Europe/Paris).")
    zone = zone_from_name(zone_name).key
    if digest is None:
        digest = Digest(coalition_id=coalition.id, updated_by=actor.user_id)
        session.add(digest)
    digest.enabled = True
    digest.weekday = day
    digest.local_time = clock
    digest.timezone = zone
    digest.updated_by = actor.user_id
    digest.updated_at = now
    await session.flush()
    due = next_occurrence(day, clock, zone, now)
    await reminders.insert_if_absent(session, [_row(coalition, due, now)])
    # A cancelled row with this very key (settings changed back and forth) comes back.
    await session.execute(
        update(Reminder)
        .where(Reminder.dedupe_key == _key(coalition.id, due), Reminder.status == "cancelled")
        .values(status="pending", attempts=0, detail=None)
        .execution_options(synchronize_session=False)
    )
    return DigestSettingsResult(
        coalition.id,
        coalition.name,
        True,
        WEEKDAYS[day].capitalize(),
        clock,
        zone,
        due,
        coalition.channel_id,
    )


def _row(coalition: Coalition, due: datetime, now: datetime) -> dict[str, Any]:
    return {
        "guild_id": coalition.guild_id,
        "coalition_id": coalition.id,
        "kind": "digest",
        "dedupe_key": _key(coalition.id, due),
        "due_at": due,
        "status": "pending",
        "attempts": 0,
        "late": False,
        "created_at": now,
    }


async def ensure_digest_reminders(session: AsyncSession, now: datetime) -> None:
    """Every enabled digest has its next week's reminder row (two queries + one insert)."""
    from bot.services import reminders

    waiting = (
        select(Reminder.coalition_id)
        .where(Reminder.kind == "digest", Reminder.status.in_(("pending", "sending")))
        .scalar_subquery()
    )
    rows = (
        await session.execute(
            select(Digest, Coalition)
            .join(Coalition, Coalition.id == Digest.coalition_id)
            .where(
                Digest.enabled.is_(True),
                Coalition.archived_at.is_(None),
                Digest.coalition_id.not_in(waiting),
            )
        )
    ).all()
    new = []
    for digest, coalition in rows:
        after = max(now, digest.last_sent_at) if digest.last_sent_at else now
        due = next_occurrence(digest.weekday, digest.local_time, digest.timezone, after)
        new.append(_row(coalition, due, now))
    await reminders.insert_if_absent(session, new)


async def mark_sent(session: AsyncSession, reminder_id: int, now: datetime) -> None:
    coalition_id = await session.scalar(
        select(Reminder.coalition_id).where(Reminder.id == reminder_id)
    )
    digest = await session.get(Digest, coalition_id)
    if digest is not None:
        digest.last_sent_at = now


async def build_digest(
    session: AsyncSession, coalition: Coalition, since: datetime, now: datetime
) -> DigestContent:
    """What the digest says: six queries, whatever the number of cities."""
    from bot.db.models import Rsvp

    members = [
        c for m, c in await current_memberships(session, coalition.id) if m.status == "active"
    ]
    until = now + HORIZON
    asks = (
        await session.execute(
            select(Ask, AskVersion.title)
            .join(
                AskVersion,
                and_(AskVersion.ask_id == Ask.id, AskVersion.version == Ask.current_version),
            )
            .where(
                Ask.coalition_id == coalition.id,
                Ask.status == "open",
                Ask.deadline > now,
                Ask.deadline <= until,
            )
            .order_by(Ask.deadline, Ask.id)
        )
    ).all()
    signed = await signed_city_ids(session, [a.id for a, _ in asks])
    digest_asks = [
        DigestAsk(
            ask.id,
            title,
            ask.deadline,  # type: ignore[arg-type]
            [c.name for c in members if c.id not in signed.get(ask.id, set())],
            len(members),
        )
        for ask, title in asks
    ]
    actions = (
        await session.scalars(
            select(Action)
            .where(
                Action.coalition_id == coalition.id,
                Action.status == "scheduled",
                Action.starts_at > now,
                Action.starts_at <= until,
            )
            .order_by(Action.starts_at, Action.id)
        )
    ).all()
    answers: dict[int, dict[int, str]] = {}
    if actions:
        for action_id, city_id, response in await session.execute(
            select(Rsvp.action_id, Rsvp.city_id, Rsvp.response).where(
                Rsvp.action_id.in_([a.id for a in actions]), Rsvp.superseded_at.is_(None)
            )
        ):
            answers.setdefault(action_id, {})[city_id] = response
    digest_actions = [
        DigestAction(
            a.id,
            a.title,
            a.starts_at,
            [c.name for c in members if c.id not in answers.get(a.id, {})],
            sum(1 for c in members if answers.get(a.id, {}).get(c.id) == "going"),
            len(members),
        )
        for a in actions
    ]
    changes = (
        await session.execute(
            select(AskEvent.kind, AskVersion.title, City.name, AskEvent.created_at)
            .join(Ask, Ask.id == AskEvent.ask_id)
            .join(
                AskVersion,
                and_(AskVersion.ask_id == Ask.id, AskVersion.version == Ask.current_version),
            )
            .join(City, City.id == AskEvent.city_id)
            .where(
                Ask.coalition_id == coalition.id,
                AskEvent.kind.in_(("signed", "withdrawn")),
                AskEvent.created_at > since,
                AskEvent.created_at <= now,
            )
            .order_by(AskEvent.created_at, AskEvent.id)
        )
    ).all()
    events = [DigestEvent(kind, title, city, at) for kind, title, city, at in changes]
    return DigestContent(
        coalition_name=coalition.name,
        since=since,
        asks=digest_asks,
        actions=digest_actions,
        sign_ons=[e for e in events if e.kind == "signed"],
        withdrawals=[e for e in events if e.kind == "withdrawn"],
    )


async def plan_digest(
    session: AsyncSession,
    reminder: Reminder,
    coalition: Coalition,
    now: datetime,
    late: bool,
    common: dict[str, Any],
) -> Any:
    from bot.services import reminders

    digest = await session.get(Digest, coalition.id)
    if digest is None or not digest.enabled:
        return reminders.Skip(reminder.id, "cancelled", "digest turned off")
    since = digest.last_sent_at or (reminder.due_at - FIRST_WINDOW)
    content = await build_digest(session, coalition, since, now)
    return reminders.Plan(
        late=late,
        channel_id=coalition.channel_id,
        dm_user_ids=await reminders.coordinator_ids(session, coalition.id),
        content=content,
        **common,
    )
