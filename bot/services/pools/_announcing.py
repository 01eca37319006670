"""A pool's live announcement (its embed with the **Pledge** button) through the outbox
(bot.services.outbox): posted when the pool opens and edited when it closes (the button gone,
the result shown), each queued in the unit of work of that change. The Discord side renders it
from the pool as it is when sent (``announcement_state``), so a post still waiting when the
pool closes goes out closed, and the edit queued behind it changes nothing."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Coalition, OutboxMessage, Pool
from bot.db.models.enums import OutboxKind
from bot.db.uow import UnitOfWork
from bot.services import outbox
from bot.services.pools._records import info, totals
from bot.services.pools.results import PoolAnnouncement

TEMPLATE = "pool_announcement"


def announcement_key(pool_id: int) -> str:
    """The outbox key of the pool's live post."""
    return f"pool:{pool_id}:announcement"


async def post_announcement(uow: UnitOfWork, pool: Pool, coalition: Coalition) -> tuple[int, ...]:
    if coalition.channel_id is None:
        return ()
    row = await outbox.post(
        uow,
        channel_id=coalition.channel_id,
        guild_id=pool.guild_id,
        key=announcement_key(pool.id),
        template=TEMPLATE,
        data={"pool_id": pool.id},
    )
    return (row,) if row is not None else ()


async def refresh_announcement(uow: UnitOfWork, pool: Pool) -> tuple[int, ...]:
    """Edit the announcement to show the pool as it is now, in the channel it was posted in
    (the coalition's channel may have changed since). Nothing when none was queued."""
    key = announcement_key(pool.id)
    channel_id = await uow.session.scalar(
        select(OutboxMessage.channel_id)
        .where(OutboxMessage.key == key, OutboxMessage.kind == OutboxKind.POST)
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    if channel_id is None:
        return ()
    row = await outbox.edit(
        uow,
        channel_id=channel_id,
        guild_id=pool.guild_id,
        key=key,
        template=TEMPLATE,
        data={"pool_id": pool.id},
    )
    return (row,) if row is not None else ()


async def announcement_state(uow: UnitOfWork, pool_id: int) -> PoolAnnouncement | None:
    """What the pool's announcement shows now (for the outbox, which has no actor). None when
    the pool is gone."""
    row = (
        await uow.session.execute(
            select(Pool, Coalition)
            .join(Coalition, Coalition.id == Pool.coalition_id)
            .where(Pool.id == pool_id)
        )
    ).first()
    if row is None:
        return None
    pool, coalition = row
    total, cities = await totals(uow.session, pool.id)
    return PoolAnnouncement(info(pool, coalition), total, cities)
