"""Who a reminder goes to."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Coordinator


async def coordinator_ids(session: AsyncSession, coalition_id: int) -> list[int]:
    return list(
        (
            await session.scalars(
                select(Coordinator.user_id)
                .where(Coordinator.coalition_id == coalition_id, Coordinator.removed_at.is_(None))
                .order_by(Coordinator.added_at, Coordinator.id)
            )
        ).all()
    )
