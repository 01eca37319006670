"""Facts for /about."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.db.models import Coalition
from bot.db.uow import UnitOfWork
from bot.services import outbox
from bot.services.common import Actor


async def coalition_count(uow: UnitOfWork, actor: Actor) -> int:
    """Coalitions in the actor's server that are not archived."""
    stmt = select(func.count(Coalition.id)).where(
        Coalition.guild_id == actor.guild_id, Coalition.archived_at.is_(None)
    )
    return int(await uow.session.scalar(stmt) or 0)


async def outbox_backlog(uow: UnitOfWork, actor: Actor) -> outbox.Backlog | None:
    """For server admins: this server's messages waiting in the outbox (None for others)."""
    if not actor.is_admin:
        return None
    return await outbox.backlog(uow, guild_id=actor.guild_id)
