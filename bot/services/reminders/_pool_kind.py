"""The pool reminder kinds (rows created with the pool: bot.services.pools.creating).

- ``pool_deadline``: 7 days and 1 day before a pool's deadline; its sending queues, through
  the outbox, a DM to each coordinator and a nudge to the representatives of member cities
  that have not pledged (bot.services.pools.reminding).
- ``pool_close``: at the deadline; its sending closes the pool. The reminder row is claimed
  by one process (bot.db.leases) and the close is itself a conditional UPDATE, so the pool
  closes once, with one post and one ``pool_closed`` event, across restarts and processes.

Both do their work while planning and send nothing through the reminder worker's sender: the
messages go through the outbox, queued in the planner's unit of work (committed with the
close, which wakes the outbox and webhook workers at once), and the plan is a ``Skip`` whose
status records the outcome.
"""

from __future__ import annotations

from typing import Any

from bot.db.models import Coalition, Reminder
from bot.db.models.enums import ReminderStatus
from bot.db.uow import UnitOfWork
from bot.services import pools
from bot.services.reminders.results import Plan, Skip


async def plan_pool_close(
    uow: UnitOfWork, reminder: Reminder, coalition: Coalition, late: bool, common: dict[str, Any]
) -> Plan | Skip:
    pool_id, epoch, _ = pools.parse_reminder_key(reminder.dedupe_key)
    outcome = await pools.close_at_deadline(uow, pool_id, epoch)
    status = ReminderStatus.SENT if outcome.startswith("closed") else ReminderStatus.CANCELLED
    return Skip(reminder.id, status, outcome)


async def plan_pool_deadline(
    uow: UnitOfWork, reminder: Reminder, coalition: Coalition, late: bool, common: dict[str, Any]
) -> Plan | Skip:
    pool_id, epoch, label = pools.parse_reminder_key(reminder.dedupe_key)
    outcome = await pools.remind_before_deadline(uow, pool_id, epoch, label)
    if outcome.startswith("queued"):
        return Skip(reminder.id, ReminderStatus.SENT, outcome)
    status = ReminderStatus.SKIPPED if "passed" in outcome else ReminderStatus.CANCELLED
    return Skip(reminder.id, status, outcome)
