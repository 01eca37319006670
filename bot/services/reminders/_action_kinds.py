"""Reminder kinds about actions: ``action`` (before it starts, at each of the coalition's
offsets) and ``action_change`` (the notice after a reschedule or a cancellation)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Action, City, Coalition, Reminder, Representative, Rsvp
from bot.db.models.enums import (
    ActionStatus,
    MembershipStatus,
    ReminderStatus,
    RepresentativeStatus,
)
from bot.services.lookups import current_memberships
from bot.services.reminders._recipients import coordinator_ids
from bot.services.reminders.offsets import due_before, offset_delta
from bot.services.reminders.results import ActionContent, ChangeContent, Plan, Skip
from bot.services.reminders.rows import action_key


async def rsvp_groups(session: AsyncSession, action: Action) -> dict[str, list[str]]:
    """City names by current answer, "no_answer" for active members that did not answer."""
    members = [
        c
        for m, c in await current_memberships(session, action.coalition_id)
        if m.status == MembershipStatus.ACTIVE
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


async def plan_action(
    session: AsyncSession,
    reminder: Reminder,
    coalition: Coalition,
    now: datetime,
    late: bool,
    common: dict[str, Any],
) -> Plan | Skip:
    action = await session.get(Action, reminder.action_id) if reminder.action_id else None
    if action is None or action.status != ActionStatus.SCHEDULED:
        return Skip(reminder.id, ReminderStatus.CANCELLED, "action cancelled")
    label = reminder.offset_label or ""
    # Due at the local time of day for whole days (offsets.due_before); a row armed before
    # that rule counted elapsed time, and is just as current.
    current = {due_before(action.starts_at, label, action.timezone)}
    current.add(action.starts_at - offset_delta(label))
    if reminder.dedupe_key != action_key(action, label) or reminder.due_at not in current:
        return Skip(
            reminder.id, ReminderStatus.CANCELLED, "action rescheduled since this reminder was set"
        )
    if action.starts_at <= now:
        return Skip(
            reminder.id, ReminderStatus.SKIPPED, "the action had already begun when it fell due"
        )
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


async def plan_change(
    session: AsyncSession,
    reminder: Reminder,
    coalition: Coalition,
    now: datetime,
    late: bool,
    common: dict[str, Any],
) -> Plan | Skip:
    action = await session.get(Action, reminder.action_id) if reminder.action_id else None
    if action is None:
        return Skip(reminder.id, ReminderStatus.CANCELLED, "action vanished")
    # The representatives (today) of every city whose current answer is on record.
    reps = (
        await session.scalars(
            select(Representative.user_id)
            .join(Rsvp, Rsvp.city_id == Representative.city_id)
            .join(City, City.id == Representative.city_id)
            .where(
                Rsvp.action_id == action.id,
                Rsvp.superseded_at.is_(None),
                Representative.status == RepresentativeStatus.VERIFIED,
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
