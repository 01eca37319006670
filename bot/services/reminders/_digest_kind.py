"""The ``digest`` reminder kind: a coalition's weekly digest for its coordinators.

The schedule is a Digest row (set by /coalition settings digest, bot.services.digests); each
week's digest is a reminder row (key ``digest:<coalition>:<epoch>``) created by the sweep, so it
is sent exactly once like any reminder, late after downtime rather than never.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Action,
    Ask,
    AskEvent,
    AskVersion,
    City,
    Coalition,
    Digest,
    GoalCrossing,
    Membership,
    Reminder,
    Representative,
    Rsvp,
)
from bot.db.models.enums import (
    ActionStatus,
    AskEventKind,
    AskStatus,
    MembershipStatus,
    ReminderKind,
    ReminderStatus,
    RepresentativeStatus,
    RsvpResponse,
)
from bot.db.uow import UnitOfWork
from bot.services.lookups import current_memberships, signed_city_ids
from bot.services.reminders._recipients import coordinator_ids
from bot.services.reminders.results import (
    DigestAction,
    DigestAsk,
    DigestContent,
    DigestEvent,
    DigestGoal,
    Plan,
    Skip,
)
from bot.services.reminders.rows import insert_if_absent
from bot.services.timeparse import zone_from_name

HORIZON = timedelta(days=14)
FIRST_WINDOW = timedelta(days=7)  # what the first digest looks back over


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
            candidate = _instant(datetime.combine(day, time(hour, minute)), zone)
            if candidate > after:
                return candidate
        day += timedelta(days=1)
    raise AssertionError("no weekday within 15 days")  # unreachable


def _instant(wall: datetime, zone: tzinfo) -> datetime:
    """The UTC instant of the naive wall time ``wall`` in ``zone``: the first of two when the
    clocks go back; the end of the gap (the instant they jump to) when they go forward."""
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == wall:
        return first  # the wall time exists
    # In a gap: fold=1 reads it with the offset after the jump, an instant before the jump;
    # fold=0 with the offset before it, an instant after. The jump is the first instant in
    # between whose wall time is past ``wall`` (found to the second).
    low = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = first
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).replace(tzinfo=None) > wall:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


def digest_key(coalition_id: int, due: datetime) -> str:
    return f"digest:{coalition_id}:{int(due.timestamp())}"


def digest_row(coalition: Coalition, due: datetime, now: datetime) -> dict[str, Any]:
    """The reminder row of ``coalition``'s digest due at ``due`` (for insert_if_absent)."""
    return {
        "guild_id": coalition.guild_id,
        "coalition_id": coalition.id,
        "kind": ReminderKind.DIGEST,
        "dedupe_key": digest_key(coalition.id, due),
        "due_at": due,
        "status": ReminderStatus.PENDING,
        "attempts": 0,
        "late": False,
        "created_at": now,
    }


async def ensure_digest_reminders(uow: UnitOfWork) -> None:
    """Every enabled digest has its next week's reminder row (two queries + one insert)."""
    session, now = uow.session, uow.now
    waiting = (
        select(Reminder.coalition_id)
        .where(
            Reminder.kind == ReminderKind.DIGEST,
            Reminder.status.in_((ReminderStatus.PENDING, ReminderStatus.SENDING)),
        )
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
        new.append(digest_row(coalition, due, now))
    await insert_if_absent(session, new)


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
    members = [
        c
        for m, c in await current_memberships(session, coalition.id)
        if m.status == MembershipStatus.ACTIVE
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
                Ask.status == AskStatus.OPEN,
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
                Action.status == ActionStatus.SCHEDULED,
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
            sum(1 for c in members if answers.get(a.id, {}).get(c.id) == RsvpResponse.GOING),
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
                AskEvent.kind.in_((AskEventKind.SIGNED, AskEventKind.WITHDRAWN)),
                AskEvent.created_at > since,
                AskEvent.created_at <= now,
            )
            .order_by(AskEvent.created_at, AskEvent.id)
        )
    ).all()
    events = [DigestEvent(kind, title, city, at) for kind, title, city, at in changes]
    crossings = (
        await session.execute(
            select(AskVersion.title, GoalCrossing.kind, GoalCrossing.created_at)
            .join(Ask, Ask.id == GoalCrossing.ask_id)
            .join(
                AskVersion,
                and_(AskVersion.ask_id == Ask.id, AskVersion.version == Ask.current_version),
            )
            .where(
                Ask.coalition_id == coalition.id,
                GoalCrossing.created_at > since,
                GoalCrossing.created_at <= now,
            )
            .order_by(GoalCrossing.created_at, GoalCrossing.id)
        )
    ).all()
    pending_reps = (
        await session.scalars(
            select(City.name)
            .join(Representative, Representative.city_id == City.id)
            .join(
                Membership,
                and_(Membership.city_id == City.id, Membership.coalition_id == coalition.id),
            )
            .where(
                Representative.status == RepresentativeStatus.PENDING,
                Representative.ended_at.is_(None),
                Membership.ended_at.is_(None),
            )
            .order_by(City.name_key, Representative.id)
        )
    ).all()
    return DigestContent(
        coalition_name=coalition.name,
        since=since,
        asks=digest_asks,
        actions=digest_actions,
        sign_ons=[e for e in events if e.kind == AskEventKind.SIGNED],
        withdrawals=[e for e in events if e.kind == AskEventKind.WITHDRAWN],
        waiting_representatives=list(pending_reps),
        waiting_joins=[
            c.name
            for m, c in await current_memberships(session, coalition.id)
            if m.status == MembershipStatus.PENDING
        ],
        goals=[DigestGoal(title, kind, at) for title, kind, at in crossings],
    )


async def plan_digest(
    uow: UnitOfWork, reminder: Reminder, coalition: Coalition, late: bool, common: dict[str, Any]
) -> Plan | Skip:
    session, now = uow.session, uow.now
    digest = await session.get(Digest, coalition.id)
    if digest is None or not digest.enabled:
        return Skip(reminder.id, ReminderStatus.CANCELLED, "digest turned off")
    since = digest.last_sent_at or (reminder.due_at - FIRST_WINDOW)
    content = await build_digest(session, coalition, since, now)
    return Plan(
        late=late,
        channel_id=coalition.channel_id,
        dm_user_ids=await coordinator_ids(session, coalition.id),
        content=content,
        **common,
    )
