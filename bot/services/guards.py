"""Shared preludes of use cases, named once: each loads what a command acts on and checks it.

Use these instead of repeating "get → check → check" in every service function.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Coalition
from bot.services.common import Actor
from bot.services.lookups import Lock, get_coalition
from bot.services.permissions import ensure_not_archived, require_coalition_manager


async def managed_coalition(
    session: AsyncSession, actor: Actor, coalition_id: int, doing: str, *, lock: Lock = None
) -> Coalition:
    """The server's coalition ``coalition_id``, not archived, that the actor manages.

    ``doing`` completes "Only coordinators of X or server admins can …" (e.g. "edit asks").
    Raises NotFound, Conflict (archived) or PermissionDenied, in that order.
    """
    coalition = await get_coalition(session, actor, coalition_id, lock=lock)
    ensure_not_archived(coalition)
    await require_coalition_manager(session, actor, coalition, doing)
    return coalition
