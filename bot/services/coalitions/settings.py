"""A coalition's own settings: its announcement channel, whether joining needs approval, and
whether a sign-on must give its basis (proof of authority).

(Reminder offsets and the weekly digest are set by the reminders and digests services.)
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class AuthorityResult:
    coalition_id: int
    coalition_name: str
    authority_required: bool


async def set_authority(
    uow: UnitOfWork, actor: Actor, *, coalition_id: int, required: bool
) -> AuthorityResult:
    """Require (or stop requiring) the basis of every new sign-on: a council resolution or
    mayoral decision with its reference and date. Sign-ons already made are kept as they are."""
    coalition = await _managed(uow, actor, coalition_id)
    coalition.authority_required = bool(required)
    await uow.session.flush()
    return AuthorityResult(coalition.id, coalition.name, coalition.authority_required)
