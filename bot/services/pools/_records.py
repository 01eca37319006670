"""Reads the pool services share: a pool of this server, its live pledges, the city a
representative pledges for, and the values handed back."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import City, Coalition, Pledge, Pool, Representative
from bot.db.models.enums import MembershipStatus, PoolStatus, RepresentativeStatus
from bot.db.uow import UnitOfWork
from bot.errors import ChoiceNeeded, Conflict, NotFound
from bot.services.common import Actor
from bot.services.lookups import Lock, current_memberships
from bot.services.permissions import acting_city, ensure_not_archived, require_active_member
from bot.services.pools.results import PledgeLine, PoolInfo

POOL_NOT_FOUND = "I can't find that pool in this server. Pick one from the list as you type."

_MAX_ID = 2**31 - 1


def info(pool: Pool, coalition: Coalition) -> PoolInfo:
    return PoolInfo(
        id=pool.id,
        coalition_id=coalition.id,
        coalition_name=coalition.name,
        channel_id=coalition.channel_id,
        item=pool.item,
        unit=pool.unit,
        description=pool.description,
        deadline=pool.deadline,
        status=pool.status,
        created_at=pool.created_at,
        closed_at=pool.closed_at,
        closed_by=pool.closed_by,
    )


async def get_pool(
    session: AsyncSession, actor: Actor, pool_id: int, *, lock: Lock = None
) -> tuple[Pool, Coalition]:
    """The server's pool ``pool_id`` and its coalition; another server's is not found.

    ``lock="update"``: pledges, withdrawals and closing of one pool take turns (PostgreSQL;
    SQLite serialises writers anyway), so a pledge never lands in a pool being closed and
    two pledges of one city leave one live row.
    """
    if not 0 < pool_id <= _MAX_ID:
        raise NotFound(POOL_NOT_FOUND)
    if lock:
        # The pool row alone first, then the join by a new statement (as for asks: a row
        # changed by the transaction we waited for is then read as it is now).
        await session.execute(
            select(Pool.id)
            .where(Pool.id == pool_id, Pool.guild_id == actor.guild_id)
            .with_for_update(read=lock == "share")
        )
    row = (
        await session.execute(
            select(Pool, Coalition)
            .join(Coalition, Coalition.id == Pool.coalition_id)
            .where(Pool.id == pool_id, Pool.guild_id == actor.guild_id)
            .execution_options(populate_existing=True)
        )
    ).first()
    if row is None:
        raise NotFound(POOL_NOT_FOUND)
    return row[0], row[1]


def ensure_takes_pledges(uow: UnitOfWork, pool: Pool, coalition: Coalition) -> None:
    """Open, before its deadline, in a coalition that is not archived."""
    ensure_not_archived(coalition)
    if pool.status != PoolStatus.OPEN:
        raise Conflict(
            f'The pool "{pool.item}" is closed, so its pledges can no longer change. '
            "See the result with /pool show."
        )
    if pool.deadline is not None and pool.deadline <= uow.now:
        raise Conflict(
            f'The deadline of the pool "{pool.item}" has passed, so its pledges can no '
            "longer change. See the result with /pool show."
        )


async def pledging_city(
    session: AsyncSession, actor: Actor, coalition: Coalition, city_id: int | None
) -> tuple[City, str | None]:
    """The active member city the actor pledges for, and the title they were verified under.

    Without ``city_id``: their one verified city among the coalition's active members (a
    representative of several is asked to choose). Raises PermissionDenied, ChoiceNeeded.
    """
    if city_id is None:
        members = {
            c.id
            for m, c in await current_memberships(session, coalition.id)
            if m.status == MembershipStatus.ACTIVE
        }
        mine = (
            await session.execute(
                select(City, Representative.title)
                .join(Representative, Representative.city_id == City.id)
                .where(
                    City.guild_id == actor.guild_id,
                    Representative.guild_id == actor.guild_id,
                    Representative.user_id == actor.user_id,
                    Representative.status == RepresentativeStatus.VERIFIED,
                    Representative.ended_at.is_(None),
                )
                .order_by(City.name_key, City.id)
            )
        ).all()
        candidates = [(c, title) for c, title in mine if c.id in members]
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            names = [c.name for c, _ in candidates]
            raise ChoiceNeeded(
                f"You represent several cities of {coalition.name} ({', '.join(names)}). "
                "Pledge with /pool pledge and choose the city.",
                choices=names,
            )
    acting = await acting_city(session, actor, city_id, coalition_name=coalition.name)
    await require_active_member(session, coalition, acting.city)
    return acting.city, acting.title


async def live_pledge(session: AsyncSession, pool_id: int, city_id: int) -> Pledge | None:
    return await session.scalar(
        select(Pledge).where(
            Pledge.pool_id == pool_id, Pledge.city_id == city_id, Pledge.ended_at.is_(None)
        )
    )


async def live_pledges(session: AsyncSession, pool_id: int) -> list[PledgeLine]:
    """Every live pledge of the pool with its city, by city name."""
    rows = await session.execute(
        select(
            City.id,
            City.name,
            City.country,
            Pledge.quantity,
            Pledge.note,
            Pledge.user_id,
            Pledge.pledger_title,
            Pledge.pledged_at,
        )
        .join(City, City.id == Pledge.city_id)
        .where(Pledge.pool_id == pool_id, Pledge.ended_at.is_(None))
        .order_by(City.name_key, City.country_key, City.id)
    )
    return [PledgeLine(*row) for row in rows]


async def totals(session: AsyncSession, pool_id: int) -> tuple[int, int]:
    """(total quantity, number of cities) of the live pledges."""
    total, cities = (
        await session.execute(
            select(func.coalesce(func.sum(Pledge.quantity), 0), func.count(Pledge.id)).where(
                Pledge.pool_id == pool_id, Pledge.ended_at.is_(None)
            )
        )
    ).one()
    return int(total), int(cities)
