"""Small lookups shared by the coalition services (internal)."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Coalition, Coordinator, Membership
from bot.db.uow import UnitOfWork
from bot.services.common import Actor


async def by_name_key(uow: UnitOfWork, actor: Actor, name_key: str) -> Coalition | None:
    return await uow.session.scalar(
        select(Coalition).where(
            Coalition.guild_id == actor.guild_id, Coalition.name_key == name_key
        )
    )


async def coordinator_ids(uow: UnitOfWork, coalition_id: int) -> list[int]:
    """The current coordinators, in the order they were added."""
    return list(
        (
            await uow.session.scalars(
                select(Coordinator.user_id)
                .where(Coordinator.coalition_id == coalition_id, Coordinator.removed_at.is_(None))
                .order_by(Coordinator.added_at, Coordinator.id)
            )
        ).all()
    )


async def current_membership(uow: UnitOfWork, coalition_id: int, city_id: int) -> Membership | None:
    return await uow.session.scalar(
        select(Membership).where(
            Membership.coalition_id == coalition_id,
            Membership.city_id == city_id,
            Membership.ended_at.is_(None),
        )
    )
