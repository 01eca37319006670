"""Bookkeeping while the reminder worker sends: what to arm, who was reached, and how a held
reminder ends (sent, skipped, cancelled, or failed after retries).

Claiming and renewing leases is bot.db.leases; these keep the reminder rows' own record.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select, update

from bot.db.models import Reminder, ReminderNotification
from bot.db.models.enums import ReminderStatus
from bot.db.uow import UnitOfWork
from bot.services.reminders.planning import KINDS

MAX_ATTEMPTS = 5


async def pending_before(uow: UnitOfWork, until: datetime) -> list[tuple[int, datetime]]:
    """Pending reminders due before ``until`` (for arming alarms), soonest first."""
    rows = await uow.session.execute(
        select(Reminder.id, Reminder.due_at)
        .where(Reminder.status == ReminderStatus.PENDING, Reminder.due_at <= until)
        .order_by(Reminder.due_at, Reminder.id)
    )
    return [(rid, due) for rid, due in rows]


def _held(reminder_id: int, owner: str) -> tuple[ColumnElement[bool], ...]:
    return (
        Reminder.id == reminder_id,
        Reminder.status == ReminderStatus.SENDING,
        Reminder.claimed_by == owner,
    )


async def record_delivery(
    uow: UnitOfWork,
    reminder_id: int,
    *,
    owner: str,
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
        .where(*_held(reminder_id, owner))
        .values(lease_until=uow.now + lease)
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
            created_at=uow.now,
        )
    )
    return True


async def still_held(uow: UnitOfWork, reminder_id: int, *, owner: str) -> bool:
    held = await uow.session.scalar(select(Reminder.id).where(*_held(reminder_id, owner)))
    return held is not None


async def finish(
    uow: UnitOfWork,
    reminder_id: int,
    *,
    owner: str,
    status: str,
    late: bool = False,
    detail: str | None = None,
) -> bool:
    """Mark a held reminder sent, skipped, cancelled or failed. False if no longer held."""
    now = uow.now
    result = await uow.session.execute(
        update(Reminder)
        .where(*_held(reminder_id, owner))
        .values(
            status=status,
            sent_at=now if status == ReminderStatus.SENT else None,
            late=late,
            lease_until=None,
            detail=detail,
        )
        .execution_options(synchronize_session=False)
    )
    held = (result.rowcount or 0) == 1  # type: ignore[attr-defined]
    if held and status == ReminderStatus.SENT:
        kind = await uow.session.scalar(select(Reminder.kind).where(Reminder.id == reminder_id))
        handlers = KINDS.get(kind or "")
        if handlers is not None and handlers.after_sent is not None:
            await handlers.after_sent(uow.session, reminder_id, now)
    return held


async def release(uow: UnitOfWork, reminder_id: int, *, owner: str, error: str) -> str:
    """A send failed for a passing reason (Discord down, network). The row stays held with a
    lease that runs out after a growing back-off, so the next sweep retries it (then a retry
    skips whoever was already reached); after MAX_ATTEMPTS it is marked failed.
    Returns the new status ("" when this process no longer holds it)."""
    attempts = await uow.session.scalar(select(Reminder.attempts).where(*_held(reminder_id, owner)))
    if attempts is None:
        return ""
    failed = attempts >= MAX_ATTEMPTS
    backoff = timedelta(seconds=min(60 * 2 ** (attempts - 1), 1800))
    await uow.session.execute(
        update(Reminder)
        .where(Reminder.id == reminder_id, Reminder.claimed_by == owner)
        .values(
            status=ReminderStatus.FAILED if failed else ReminderStatus.SENDING,
            lease_until=None if failed else uow.now + backoff,
            detail=error[:500],
        )
        .execution_options(synchronize_session=False)
    )
    return ReminderStatus.FAILED if failed else ReminderStatus.SENDING
