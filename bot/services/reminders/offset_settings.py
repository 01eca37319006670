"""/coalition settings reminders: when a coalition's action reminders go out."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Action
from bot.db.models.enums import ActionStatus
from bot.db.uow import RemindersChanged, UnitOfWork
from bot.services.common import Actor
from bot.services.guards import managed_coalition
from bot.services.reminders.offsets import parse_offsets
from bot.services.reminders.results import OffsetsResult
from bot.services.reminders.rows import sync_action_reminders


async def set_reminder_offsets(
    uow: UnitOfWork, actor: Actor, *, coalition_id: int, offsets: str
) -> OffsetsResult:
    """Coordinators only; re-arms the pending reminders of every upcoming action."""
    parsed = parse_offsets(offsets)
    session = uow.session
    coalition = await managed_coalition(
        session, actor, coalition_id, "change its reminders", lock="update"
    )
    coalition.reminder_offsets = ",".join(label for label, _ in parsed)
    upcoming = (
        await session.scalars(
            select(Action).where(
                Action.coalition_id == coalition.id,
                Action.status == ActionStatus.SCHEDULED,
                Action.starts_at > uow.now,
            )
        )
    ).all()
    for action in upcoming:
        await sync_action_reminders(uow, action, coalition)
    uow.wake(RemindersChanged())
    return OffsetsResult(coalition.id, coalition.name, [p[0] for p in parsed], len(upcoming))
