"""Planning one delivery: re-read everything a reminder depends on and decide what it sends,
or why it sends nothing (cancelled, stale, too late).

Each kind of reminder row has its handlers in ``KINDS``, one table: how to plan it, what the
periodic sweep must create for it, and what to record once it was sent. A new kind adds a
module here and a line to the table; nothing else learns about it.

Planners and sweep steps receive the unit of work (its session and its ``now``), so what they
queue (outbox rows, webhook deliveries) wakes its worker as soon as the planner's unit of work
commits. The action kinds (``_action_kinds``) still take a session and a time: ``_on_session``
adapts them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Coalition, Reminder, ReminderNotification
from bot.db.models.enums import ReminderKind, ReminderStatus
from bot.db.uow import UnitOfWork
from bot.services import me
from bot.services.reminders._action_kinds import plan_change
from bot.services.reminders._ask_kind import ensure_ask_reminders, plan_ask_deadline
from bot.services.reminders._digest_kind import ensure_digest_reminders, mark_sent, plan_digest
from bot.services.reminders._goal_sweep import ensure_goals_judged
from bot.services.reminders._nudge_kind import ensure_nudge_reminders, plan_nudge
from bot.services.reminders._participants import plan_action_for_participants
from bot.services.reminders._pool_kind import plan_pool_close, plan_pool_deadline
from bot.services.reminders.results import Plan, Skip

# A reminder sent more than this after its due time says it is late ("due <t:…>").
LATE_AFTER = timedelta(minutes=2)

Planner = Callable[[UnitOfWork, Reminder, Coalition, bool, dict[str, Any]], Awaitable[Plan | Skip]]
SessionPlanner = Callable[
    [AsyncSession, Reminder, Coalition, datetime, bool, dict[str, Any]], Awaitable[Plan | Skip]
]
SweepStep = Callable[[UnitOfWork], Awaitable[None]]
AfterSent = Callable[[AsyncSession, int, datetime], Awaitable[None]]


def _on_session(planner: SessionPlanner) -> Planner:
    """A planner written against a session and a time, as a unit-of-work planner."""

    async def plan(
        uow: UnitOfWork,
        reminder: Reminder,
        coalition: Coalition,
        late: bool,
        common: dict[str, Any],
    ) -> Plan | Skip:
        return await planner(uow.session, reminder, coalition, uow.now, late, common)

    return plan


@dataclass(frozen=True, slots=True)
class KindHandlers:
    plan: Planner
    sweep: SweepStep | None = None  # rows of this kind the periodic sweep creates
    after_sent: AfterSent | None = None
    # Still sent when the coalition is archived: archiving cancels the upcoming actions, and
    # the cities that answered must hear of it.
    outlives_archive: bool = False
    # Its DMs are reminders: people who turned reminders off in /me are left out.
    reminder_dms: bool = True


KINDS: Mapping[str, KindHandlers] = MappingProxyType(
    {
        ReminderKind.ACTION: KindHandlers(plan=plan_action_for_participants),
        ReminderKind.ASK_DEADLINE: KindHandlers(plan=plan_ask_deadline, sweep=ensure_ask_reminders),
        ReminderKind.ACTION_CHANGE: KindHandlers(
            plan=_on_session(plan_change), outlives_archive=True, reminder_dms=False
        ),
        ReminderKind.DIGEST: KindHandlers(
            plan=plan_digest, sweep=ensure_digest_reminders, after_sent=mark_sent
        ),
        ReminderKind.POOL_DEADLINE: KindHandlers(plan=plan_pool_deadline),
        ReminderKind.POOL_CLOSE: KindHandlers(plan=plan_pool_close),
        ReminderKind.ASK_NUDGE: KindHandlers(
            plan=plan_nudge, sweep=ensure_nudge_reminders, reminder_dms=False
        ),
    }
)


async def ensure_scheduled(uow: UnitOfWork) -> None:
    """The sweep's bookkeeping: ask-deadline, nudge and digest reminders exist and are current,
    and every goal's crossings are announced."""
    for handlers in KINDS.values():
        if handlers.sweep is not None:
            await handlers.sweep(uow)
    # No rows of its own: announces any goal crossing a missed judgement left unsaid.
    await ensure_goals_judged(uow)


async def _done(session: AsyncSession, reminder_id: int) -> frozenset[str]:
    rows = await session.execute(
        select(ReminderNotification.user_id, ReminderNotification.outcome).where(
            ReminderNotification.reminder_id == reminder_id
        )
    )
    return frozenset("channel" if uid is None else f"dm:{uid}" for uid, _ in rows)


async def plan_reminder(uow: UnitOfWork, reminder_id: int) -> Plan | Skip:
    """Re-read everything a reminder depends on and decide what it sends, or why it doesn't."""
    session, now = uow.session, uow.now
    reminder = await session.get(Reminder, reminder_id)
    if reminder is None:
        return Skip(reminder_id, ReminderStatus.CANCELLED, "reminder row vanished")
    handlers = KINDS.get(reminder.kind)
    coalition = await session.get(Coalition, reminder.coalition_id)
    if coalition is None or (
        coalition.archived_at is not None
        and not (handlers is not None and handlers.outlives_archive)
    ):
        return Skip(reminder_id, ReminderStatus.CANCELLED, "coalition archived")
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
    if handlers is None:
        return Skip(
            reminder_id, ReminderStatus.CANCELLED, f"unknown reminder kind {reminder.kind!r}"
        )
    plan = await handlers.plan(uow, reminder, coalition, late, common)
    if isinstance(plan, Plan) and handlers.reminder_dms and plan.dm_user_ids:
        off = await me.turned_off(uow, reminder.guild_id, plan.dm_user_ids, me.DmKind.REMINDERS)
        if off:
            plan = replace(plan, dm_user_ids=[u for u in plan.dm_user_ids if u not in off])
    return plan
