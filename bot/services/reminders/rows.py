"""Creating and cancelling reminder rows: an action's reminders follow its time and sequence,
and a reschedule or cancellation queues its change notice.

Each change wakes the reminder worker once the unit of work commits (``uow.wake``): it re-arms
its alarms, and sends a change notice at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Action, Coalition, Reminder
from bot.db.models.enums import ActionStatus, ReminderKind, ReminderStatus
from bot.db.uow import ReminderQueued, RemindersChanged, UnitOfWork
from bot.services.reminders.offsets import coalition_offsets, due_before


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


def action_key(action: Action, label: str) -> str:
    return f"action:{action.id}:s{action.sequence}:{label}"


async def sync_action_reminders(
    uow: UnitOfWork, action: Action, coalition: Coalition
) -> list[datetime]:
    """Make the pending reminders of ``action`` match its time, sequence and the coalition's
    offsets. Offsets already past are not created. Returns the due times, soonest first."""
    session, now = uow.session, uow.now
    wanted: dict[str, tuple[str, datetime]] = {}
    if action.status == ActionStatus.SCHEDULED:
        for label, _delta in coalition_offsets(coalition):
            due = due_before(action.starts_at, label, action.timezone)
            if due > now:
                wanted[action_key(action, label)] = (label, due)
    existing = {
        r.dedupe_key: r
        for r in (
            await session.scalars(
                select(Reminder).where(
                    Reminder.action_id == action.id, Reminder.kind == ReminderKind.ACTION
                )
            )
        ).all()
    }
    for key, row in existing.items():
        if row.status == ReminderStatus.PENDING and key not in wanted:
            row.status = ReminderStatus.CANCELLED
            row.detail = "no longer wanted (rescheduled, cancelled or offsets changed)"
    for key, (label, due) in wanted.items():
        current = existing.get(key)
        if current is None:
            session.add(
                Reminder(
                    guild_id=action.guild_id,
                    coalition_id=action.coalition_id,
                    kind=ReminderKind.ACTION,
                    action_id=action.id,
                    offset_label=label,
                    dedupe_key=key,
                    due_at=due,
                    status=ReminderStatus.PENDING,
                    attempts=0,
                    created_at=now,
                )
            )
        elif current.status == ReminderStatus.CANCELLED:
            current.status, current.due_at = ReminderStatus.PENDING, due
            current.attempts, current.detail = 0, None
    await session.flush()
    uow.wake(RemindersChanged())
    return sorted(due for _, due in wanted.values())


async def cancel_pending(session: AsyncSession, *where: Any, detail: str) -> None:
    """Cancel the pending reminders matching ``where`` (kept, with the reason, as history)."""
    await session.execute(
        update(Reminder)
        .where(Reminder.status == ReminderStatus.PENDING, *where)
        .values(status=ReminderStatus.CANCELLED, detail=detail)
        .execution_options(synchronize_session=False)
    )


async def cancel_action_reminders(uow: UnitOfWork, action_id: int) -> None:
    await cancel_pending(
        uow.session,
        Reminder.action_id == action_id,
        Reminder.kind == ReminderKind.ACTION,
        detail="action cancelled",
    )
    uow.wake(RemindersChanged())


async def queue_change_notice(
    uow: UnitOfWork, action: Action, change: str, *, old: datetime | None = None
) -> int:
    """An outbox row telling the cities that answered about a reschedule or cancellation."""
    row = Reminder(
        guild_id=action.guild_id,
        coalition_id=action.coalition_id,
        kind=ReminderKind.ACTION_CHANGE,
        action_id=action.id,
        offset_label=change,
        dedupe_key=f"change:{action.id}:s{action.sequence}:{change}",
        due_at=uow.now,
        status=ReminderStatus.PENDING,
        attempts=0,
        detail=old.isoformat() if old else None,
        created_at=uow.now,
    )
    uow.session.add(row)
    await uow.session.flush()
    uow.wake(ReminderQueued(row.id))
    return row.id
