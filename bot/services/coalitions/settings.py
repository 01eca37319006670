"""A coalition's own settings: its announcement channel and whether joining needs approval.

(Reminder offsets and the weekly digest are set by the reminders and digests services.)
"""

from __future__ import annotations

from bot.db.models import Coalition
from bot.db.uow import UnitOfWork
from bot.services.coalitions.results import SettingsResult
from bot.services.common import Actor
from bot.services.guards import managed_coalition


async def _managed(uow: UnitOfWork, actor: Actor, coalition_id: int) -> Coalition:
    return await managed_coalition(
        uow.session, actor, coalition_id, "change its settings", lock="update"
    )


def _result(c: Coalition) -> SettingsResult:
    return SettingsResult(c.id, c.name, c.channel_id, c.requires_approval)


async def set_channel(
    uow: UnitOfWork, actor: Actor, *, coalition_id: int, channel_id: int | None
) -> SettingsResult:
    coalition = await _managed(uow, actor, coalition_id)
    coalition.channel_id = channel_id
    await uow.session.flush()
    return _result(coalition)


async def set_approval(
    uow: UnitOfWork, actor: Actor, *, coalition_id: int, required: bool
) -> SettingsResult:
    """Turning approval off does not approve waiting requests; coordinators still decide them."""
    coalition = await _managed(uow, actor, coalition_id)
    coalition.requires_approval = bool(required)
    await uow.session.flush()
    return _result(coalition)
