"""/city partners: the server's cities ranked as partners for one city, each with its reasons."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.uow import UnitOfWork
from bot.errors import InvalidInput
from bot.services.coalitions.kinds import kind_label
from bot.services.common import Actor
from bot.services.lookups import get_city
from bot.services.partners import _facts
from bot.services.partners.scoring import Scored, rank, score_pair

DEFAULT_LIMIT = 10
MAX_LIMIT = 25


@dataclass(frozen=True, slots=True)
class Partner:
    city_id: int
    name: str
    country: str
    score: float
    distance_km: float | None
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Partners:
    city_id: int
    city_name: str
    considered: int  # the other cities of the server
    partners: list[Partner]  # best first


def check_limit(limit: object) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"The limit must be a whole number from 1 to {MAX_LIMIT}.")
    return limit


def partner(s: Scored) -> Partner:
    c = s.city
    return Partner(c.id, c.name, c.country, s.score, s.distance_km, s.reasons)


async def city_partners(
    uow: UnitOfWork, actor: Actor, city_id: int, *, limit: int | None = None
) -> Partners:
    """Anyone in the server: cities of this server (never another's) to work with."""
    limit = check_limit(limit)
    session = uow.session
    city = await get_city(session, actor, city_id)
    everyone = await _facts.server_cities(session, actor)
    me = next(f for f in everyone if f.id == city.id)
    asks = await _facts.shared_asks(session, city.id)
    kinds = await _facts.active_kinds(session, actor)
    mine = kinds.get(city.id, set())
    scored = [
        score_pair(
            me,
            other,
            shared_asks=asks.get(other.id, 0),
            shared_kinds=[kind_label(k) for k in mine & kinds.get(other.id, set())],
        )
        for other in everyone
        if other.id != city.id
    ]
    best = rank(scored, limit)
    return Partners(city.id, city.name, len(everyone) - 1, [partner(s) for s in best])
