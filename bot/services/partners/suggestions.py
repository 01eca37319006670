"""/coalition suggest: cities of this server, not yet in a coalition, that would strengthen it.

Points, added (docs/guide.md says the same):

- **first city of a country** the coalition has no member from: ``NEW_COUNTRY_POINTS``; else
  **first city of a region** it has no member from: ``NEW_REGION_POINTS``. (Asks have no goals
  yet; once they do, the missing regions of an ask's goal come first.)
- **a neighbour of a member**: within ``NEIGHBOUR_KM`` of the nearest member, up to
  ``NEIGHBOUR_POINTS`` falling linearly with distance ("93 km from Lyon").
- **in the coalition's own region** (its /coalition create region): ``HOME_REGION_POINTS``.

A city with no verified representative is still suggested (with that said), but cannot be
invited until someone is verified for it. Ties: nearer first, then by name and id.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Coalition, Membership, Representative
from bot.db.models.enums import RepresentativeStatus
from bot.db.uow import UnitOfWork
from bot.services.common import Actor, fold
from bot.services.lookups import get_coalition
from bot.services.partners import _facts
from bot.services.partners.ranking import check_limit
from bot.services.partners.scoring import Facts, distance_km, km
from bot.services.permissions import can_manage_coalition, ensure_not_archived

NEW_COUNTRY_POINTS = 30.0
NEW_REGION_POINTS = 20.0
NEIGHBOUR_KM = 300.0
NEIGHBOUR_POINTS = 30.0
HOME_REGION_POINTS = 10.0
# A degree of latitude is about 111 km (a degree of longitude is never longer): a member
# within NEIGHBOUR_KM lies within this many degrees of latitude.
KM_PER_DEGREE = 110.0
NO_REPRESENTATIVE = "no verified representative yet"


@dataclass(frozen=True, slots=True)
class Suggestion:
    city_id: int
    name: str
    country: str
    score: float
    reasons: tuple[str, ...]
    invitable: bool  # has a verified representative to DM


@dataclass(frozen=True, slots=True)
class Suggestions:
    coalition_id: int
    coalition_name: str
    members: int  # current members (active or waiting for approval)
    can_invite: bool  # the actor coordinates it (or is an admin): show Invite buttons
    suggestions: list[Suggestion]


@dataclass(frozen=True, slots=True)
class _Candidate:
    city: Facts
    score: float
    nearest: float | None
    reasons: tuple[str, ...]


class Members:
    """A coalition's members, indexed for judging thousands of candidates quickly: countries
    and regions as sets, coordinates sorted by latitude (a neighbour lies within a band)."""

    def __init__(self, members: list[Facts]) -> None:
        self.countries = {m.country_key for m in members}
        self.regions = {(m.country_key, m.region_key) for m in members if m.region_key}
        self.codes = {(m.country_key, m.region_code) for m in members if m.region_code}
        placed = sorted(
            (m for m in members if m.latitude is not None and m.longitude is not None),
            key=lambda m: (m.latitude, m.name_key),
        )
        self.placed = placed
        self.latitudes = [m.latitude or 0.0 for m in placed]

    def has_region(self, city: Facts) -> bool:
        """A member in the same region, by name or by gazetteer code."""
        by_name = city.region_key and (city.country_key, city.region_key) in self.regions
        by_code = city.region_code and (city.country_key, city.region_code) in self.codes
        return bool(by_name or by_code)

    def nearest(self, city: Facts) -> tuple[float, Facts] | None:
        """The nearest member within NEIGHBOUR_KM (ties: by name)."""
        if city.latitude is None:
            return None
        band = NEIGHBOUR_KM / KM_PER_DEGREE
        lo = bisect.bisect_left(self.latitudes, city.latitude - band)
        hi = bisect.bisect_right(self.latitudes, city.latitude + band)
        best: tuple[float, Facts] | None = None
        for m in self.placed[lo:hi]:
            d = distance_km(city, m)
            if d is None or d >= NEIGHBOUR_KM:
                continue
            if best is None or (d, m.name_key) < (best[0], best[1].name_key):
                best = (d, m)
        return best


def judge(coalition: Coalition, city: Facts, members: Members) -> _Candidate:
    """What ``city`` would bring to a coalition with these ``members``."""
    points = 0.0
    reasons: list[str] = []
    if city.country_key not in members.countries:
        points += NEW_COUNTRY_POINTS
        reasons.append(f"first city from {city.country}")
    elif (city.region_key or city.region_code) and not members.has_region(city):
        points += NEW_REGION_POINTS
        reasons.append(f"first city from {city.region or 'its region'}")
    nearest = members.nearest(city)
    if nearest is not None:
        points += NEIGHBOUR_POINTS * (1 - nearest[0] / NEIGHBOUR_KM)
        reasons.append(f"{km(nearest[0])} from {nearest[1].name}")
    if coalition.region and city.region_key and fold(coalition.region) == city.region_key:
        points += HOME_REGION_POINTS
        reasons.append("in the coalition's region")
    return _Candidate(city, round(points, 3), nearest[0] if nearest else None, tuple(reasons))


async def _members(session: AsyncSession, coalition_id: int) -> set[int]:
    rows = await session.scalars(
        select(Membership.city_id).where(
            Membership.coalition_id == coalition_id, Membership.ended_at.is_(None)
        )
    )
    return {int(r) for r in rows}


async def _represented(session: AsyncSession, actor: Actor) -> set[int]:
    rows = await session.scalars(
        select(Representative.city_id).where(
            Representative.guild_id == actor.guild_id,
            Representative.ended_at.is_(None),
            Representative.status == RepresentativeStatus.VERIFIED,
        )
    )
    return {int(r) for r in rows}


async def reasons_for(
    session: AsyncSession, actor: Actor, coalition: Coalition, city_id: int
) -> tuple[str, ...]:
    """Why ``city_id`` was suggested for ``coalition`` (for the invitation's text)."""
    everyone = await _facts.server_cities(session, actor)
    members = await _members(session, coalition.id)
    city = next((f for f in everyone if f.id == city_id), None)
    if city is None:
        return ()
    return judge(coalition, city, Members([f for f in everyone if f.id in members])).reasons


async def coalition_suggestions(
    uow: UnitOfWork, actor: Actor, coalition_id: int, *, limit: int | None = None
) -> Suggestions:
    """Anyone in the server may look; the Invite buttons are for its coordinators and admins."""
    limit = check_limit(limit)
    session = uow.session
    coalition = await get_coalition(session, actor, coalition_id)
    ensure_not_archived(coalition)
    everyone = await _facts.server_cities(session, actor)
    member_ids = await _members(session, coalition.id)
    members = Members([f for f in everyone if f.id in member_ids])
    represented = await _represented(session, actor)
    judged = [judge(coalition, f, members) for f in everyone if f.id not in member_ids]
    kept = [c for c in judged if c.score > 0]
    kept.sort(
        key=lambda c: (
            -c.score,
            c.nearest if c.nearest is not None else math.inf,
            c.city.name_key,
            c.city.id,
        )
    )
    out = [
        Suggestion(
            c.city.id,
            c.city.name,
            c.city.country,
            c.score,
            c.reasons + (() if c.city.id in represented else (NO_REPRESENTATIVE,)),
            c.city.id in represented,
        )
        for c in kept[:limit]
    ]
    can_invite = await can_manage_coalition(session, actor, coalition)
    return Suggestions(coalition.id, coalition.name, len(member_ids), can_invite, out)
