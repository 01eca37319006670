"""Who may do what with a letter.

Coordinators of the ask's coalition and server admins change the settings, preview and
finalise. Export and the list of versions are also open to verified representatives of the
coalition's active member cities: the letter speaks in their name.
"""

from __future__ import annotations

from sqlalchemy import exists
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Coalition, Representative
from bot.db.models.enums import RepresentativeStatus
from bot.errors import PermissionDenied
from bot.services.common import Actor
from bot.services.lookups import active_membership_clause
from bot.services.permissions import can_manage_coalition


async def _may_read(session: AsyncSession, actor: Actor, coalition: Coalition) -> bool:
    """Coordinators, admins, and verified representatives of active member cities."""
    if await can_manage_coalition(session, actor, coalition):
        return True
    return bool(
        await session.scalar(
            exists()
            .where(
                Representative.guild_id == actor.guild_id,
                Representative.user_id == actor.user_id,
                Representative.status == RepresentativeStatus.VERIFIED,
                Representative.ended_at.is_(None),
            )
            .where(active_membership_clause(coalition.id, Representative.city_id))
            .select()
        )
    )


async def require_reader(session: AsyncSession, actor: Actor, coalition: Coalition) -> None:
    if not await _may_read(session, actor, coalition):
        raise PermissionDenied(
            f"Only coordinators of {coalition.name}, server admins and verified representatives "
            f"of its member cities can export its letter. Ask a coordinator of {coalition.name} "
            "(listed in /coalition show) for a copy."
        )
