"""The ``ask_nudge`` reminder kind: the automatic nudge, ``days_before`` each open ask's
deadline (``/coalition settings nudges``; bot.services.nudges). One row per ask, ever (key
``nudge:<ask>``): a moved deadline or a changed setting moves the pending row, turning it off
cancels it, and once sent it never comes back. Its sending queues the DMs through the outbox
in the planner's unit of work; the plan is a ``Skip`` whose status records the outcome.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from bot.db.models import Ask, Coalition, CoalitionNudges, Reminder
from bot.db.models.enums import AskStatus, ReminderKind, ReminderStatus
from bot.db.uow import UnitOfWork
from bot.services import nudges
from bot.services.reminders.results import Plan, Skip
from bot.services.reminders.rows import insert_if_absent


async def ensure_nudge_reminders(uow: UnitOfWork) -> None:
    """Every open ask with a deadline ahead, in a coalition with automatic nudges, has its
    nudge row at the right time; pending rows no longer wanted are cancelled."""
    session, now = uow.session, uow.now
    rows = (
        await session.execute(
            select(Ask, CoalitionNudges.days_before)
            .join(Coalition, Coalition.id == Ask.coalition_id)
            .join(CoalitionNudges, CoalitionNudges.coalition_id == Ask.coalition_id)
            .where(
                CoalitionNudges.days_before > 0,
                Coalition.archived_at.is_(None),
                Ask.status == AskStatus.OPEN,
                Ask.deadline.is_not(None),
                Ask.deadline > now,
            )
        )
    ).all()
    wanted = {}
    for ask, days in rows:
        assert ask.deadline is not None
        wanted[nudges.nudge_key(ask.id)] = (ask, max(now, ask.deadline - timedelta(days=days)))
    await insert_if_absent(
        session,
        [
            {
                "guild_id": ask.guild_id,
                "coalition_id": ask.coalition_id,
                "kind": ReminderKind.ASK_NUDGE,
                "ask_id": ask.id,
                "dedupe_key": key,
                "due_at": due,
                "status": ReminderStatus.PENDING,
                "attempts": 0,
                "late": False,
                "created_at": now,
            }
            for key, (ask, due) in wanted.items()
        ],
    )
    pending = (
        await session.execute(
            select(Reminder.id, Reminder.dedupe_key, Reminder.due_at).where(
                Reminder.kind == ReminderKind.ASK_NUDGE,
                Reminder.status == ReminderStatus.PENDING,
            )
        )
    ).all()
    for rid, key, due in pending:
        if key not in wanted:
            values: dict[str, Any] = {
                "status": ReminderStatus.CANCELLED,
                "detail": "automatic nudges off, ask closed or deadline removed",
            }
        elif wanted[key][1] != due:
            values = {"due_at": wanted[key][1]}
        else:
            continue
        await session.execute(
            update(Reminder)
            .where(Reminder.id == rid, Reminder.status == ReminderStatus.PENDING)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


async def plan_nudge(
    uow: UnitOfWork, reminder: Reminder, coalition: Coalition, late: bool, common: dict[str, Any]
) -> Plan | Skip:
    setting = await uow.session.get(CoalitionNudges, coalition.id)
    if setting is None or setting.days_before <= 0 or reminder.ask_id is None:
        return Skip(reminder.id, ReminderStatus.CANCELLED, "automatic nudges turned off")
    outcome = await nudges.auto_nudge(uow, reminder.ask_id)
    if outcome.startswith("queued"):
        return Skip(reminder.id, ReminderStatus.SENT, outcome)
    status = ReminderStatus.SKIPPED if outcome.startswith("skipped") else ReminderStatus.CANCELLED
    return Skip(reminder.id, status, outcome)
