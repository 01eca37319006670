"""The ``ask_deadline`` reminder kind: 7 days and 1 day before an open ask's deadline, made by
the periodic sweep. Key ``ask:<id>:<deadline epoch>:<offset>``, so a moved deadline makes the
old rows stale."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, select, update

from bot.db.models import Ask, AskEvent, AskVersion, Coalition, Reminder
from bot.db.models.enums import (
    AskEventKind,
    AskStatus,
    MembershipStatus,
    ReminderKind,
    ReminderStatus,
)
from bot.db.uow import UnitOfWork
from bot.services.lookups import current_memberships, signed_city_ids
from bot.services.reminders._recipients import coordinator_ids
from bot.services.reminders.offsets import ASK_OFFSETS, offset_delta
from bot.services.reminders.results import AskDeadlineContent, Plan, Skip
from bot.services.reminders.rows import insert_if_absent


def _deadline_epoch(dedupe_key: str) -> str:
    return dedupe_key.split(":")[2]


async def ensure_ask_reminders(uow: UnitOfWork) -> None:
    """Create the 7-day and 1-day reminders of open asks with a future deadline, and cancel
    pending ones whose ask closed or whose deadline moved. Three queries."""
    session, now = uow.session, uow.now
    edited = (
        select(AskEvent.ask_id, func.max(AskEvent.created_at).label("at"))
        .where(AskEvent.kind == AskEventKind.EDITED)
        .group_by(AskEvent.ask_id)
        .subquery()
    )
    asks = (
        await session.execute(
            select(Ask, edited.c.at)
            .join(Coalition, Coalition.id == Ask.coalition_id)
            .outerjoin(edited, edited.c.ask_id == Ask.id)
            .where(
                Ask.status == AskStatus.OPEN,
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
                    "kind": ReminderKind.ASK_DEADLINE,
                    "ask_id": ask.id,
                    "offset_label": label,
                    "dedupe_key": f"ask:{ask.id}:{int(ask.deadline.timestamp())}:{label}",
                    "due_at": due,
                    "status": ReminderStatus.PENDING,
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
            .where(
                Reminder.kind == ReminderKind.ASK_DEADLINE,
                Reminder.status == ReminderStatus.PENDING,
            )
        )
    ).all()
    gone = [
        rid
        for rid, key, status, deadline in stale
        if status != AskStatus.OPEN
        or deadline is None
        or _deadline_epoch(key) != str(int(deadline.timestamp()))
    ]
    if gone:
        await session.execute(
            update(Reminder)
            .where(Reminder.id.in_(gone), Reminder.status == ReminderStatus.PENDING)
            .values(status=ReminderStatus.CANCELLED, detail="ask closed or deadline changed")
            .execution_options(synchronize_session=False)
        )


async def plan_ask_deadline(
    uow: UnitOfWork, reminder: Reminder, coalition: Coalition, late: bool, common: dict[str, Any]
) -> Plan | Skip:
    session, now = uow.session, uow.now
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
        return Skip(reminder.id, ReminderStatus.CANCELLED, "ask vanished")
    ask, title = row
    if ask.status != AskStatus.OPEN or ask.deadline is None:
        return Skip(reminder.id, ReminderStatus.CANCELLED, "ask closed or deadline removed")
    if _deadline_epoch(reminder.dedupe_key) != str(int(ask.deadline.timestamp())):
        return Skip(reminder.id, ReminderStatus.CANCELLED, "deadline changed")
    if ask.deadline <= now:
        return Skip(reminder.id, ReminderStatus.SKIPPED, "the deadline had already passed")

    members = [
        c
        for m, c in await current_memberships(session, ask.coalition_id)
        if m.status == MembershipStatus.ACTIVE
    ]
    signed_ids = (await signed_city_ids(session, [ask.id]))[ask.id]
    return Plan(
        late=late,
        channel_id=None,
        dm_user_ids=await coordinator_ids(session, coalition.id),
        content=AskDeadlineContent(
            ask_id=ask.id,
            title=title,
            deadline=ask.deadline,
            offset_label=reminder.offset_label or "",
            signed=len(signed_ids),
            total=len(members),
            missing=[c.name for c in members if c.id not in signed_ids],
        ),
        **common,
    )
