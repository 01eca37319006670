"""Action reminders reach the people who act: besides the coordinators (``_action_kinds``),
the verified representatives of every city whose current answer is Going or Maybe get the
reminder by DM (those who turned reminders off in /me are left out by the planner)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select

from bot.db.models import City, Coalition, Reminder, Representative, Rsvp
from bot.db.models.enums import RepresentativeStatus, RsvpResponse
from bot.db.uow import UnitOfWork
from bot.services.reminders._action_kinds import plan_action
from bot.services.reminders.results import Plan, Skip

COMING = (RsvpResponse.GOING, RsvpResponse.MAYBE)


async def participant_ids(uow: UnitOfWork, action_id: int) -> list[int]:
    """The verified representatives of the cities answering Going or Maybe, by city name."""
    rows = await uow.session.scalars(
        select(Representative.user_id)
        .join(Rsvp, Rsvp.city_id == Representative.city_id)
        .join(City, City.id == Representative.city_id)
        .where(
            Rsvp.action_id == action_id,
            Rsvp.superseded_at.is_(None),
            Rsvp.response.in_(COMING),
            Representative.status == RepresentativeStatus.VERIFIED,
            Representative.ended_at.is_(None),
        )
        .order_by(City.name_key, Representative.id)
    )
    return list(dict.fromkeys(rows.all()))


async def plan_action_for_participants(
    uow: UnitOfWork, reminder: Reminder, coalition: Coalition, late: bool, common: dict[str, Any]
) -> Plan | Skip:
    plan = await plan_action(uow.session, reminder, coalition, uow.now, late, common)
    if isinstance(plan, Skip) or reminder.action_id is None:
        return plan
    coordinators = set(plan.dm_user_ids)
    extra = [u for u in await participant_ids(uow, reminder.action_id) if u not in coordinators]
    return replace(plan, dm_user_ids=[*plan.dm_user_ids, *extra], participant_ids=frozenset(extra))
