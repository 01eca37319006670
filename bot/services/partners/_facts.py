"""The reads partner ranking needs: each a single query, whatever the number of cities."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import City, Coalition, Membership, SignOn
from bot.db.models.enums import MembershipStatus
from bot.services.common import Actor, fold
from bot.services.partners.scoring import Facts

_COLUMNS = (
    City.id,
    City.name,
    City.name_key,
    City.country,
    City.country_key,
    City.region,
    City.region_code,
    City.population,
    City.latitude,
    City.longitude,
)


def _facts(row: Iterable[object]) -> Facts:
    id_, name, name_key, country, country_key, region, code, pop, lat, lon = tuple(row)
    return Facts(
        id=int(id_),  # type: ignore[call-overload]
        name=str(name),
        name_key=str(name_key),
        country=str(country),
        country_key=str(country_key),
        region=region if isinstance(region, str) else None,
        region_key=fold(region) if isinstance(region, str) and region else None,
        region_code=code if isinstance(code, str) else None,
        population=pop if isinstance(pop, int) else None,
        latitude=float(lat) if isinstance(lat, int | float) else None,
        longitude=float(lon) if isinstance(lon, int | float) else None,
    )


async def server_cities(session: AsyncSession, actor: Actor) -> list[Facts]:
    """Every city of the actor's server (plain columns, no ORM objects)."""
    rows = await session.execute(
        select(*_COLUMNS).where(City.guild_id == actor.guild_id).order_by(City.id)
    )
    return [_facts(r) for r in rows]


async def shared_asks(session: AsyncSession, city_id: int) -> dict[int, int]:
    """city id -> how many of the asks ``city_id`` has a live signature on it signed too."""
    mine = select(SignOn.ask_id).where(SignOn.city_id == city_id, SignOn.withdrawn_at.is_(None))
    rows = await session.execute(
        select(SignOn.city_id, SignOn.ask_id).where(
            SignOn.ask_id.in_(mine), SignOn.withdrawn_at.is_(None), SignOn.city_id != city_id
        )
    )
    counts: dict[int, int] = defaultdict(int)
    for other, _ in rows:
        counts[int(other)] += 1
    return dict(counts)


async def active_kinds(session: AsyncSession, actor: Actor) -> dict[int, set[str]]:
    """city id -> the kinds of the live coalitions it is an active member of."""
    rows = await session.execute(
        select(Membership.city_id, Coalition.kind)
        .join(Coalition, Coalition.id == Membership.coalition_id)
        .where(
            Coalition.guild_id == actor.guild_id,
            Coalition.archived_at.is_(None),
            Membership.ended_at.is_(None),
            Membership.status == MembershipStatus.ACTIVE,
        )
    )
    kinds: dict[int, set[str]] = defaultdict(set)
    for city_id, kind in rows:
        kinds[int(city_id)].add(str(kind))
    return dict(kinds)
