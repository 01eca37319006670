"""The partner score: deterministic, explainable, pure (no database).

Every part adds points and, when it counts, says why in words (docs/guide.md lists them):

- **near**: both cities have coordinates and lie within ``NEAR_KM``: up to ``NEAR_POINTS``,
  falling linearly with the great-circle distance; the reason is the distance ("93 km").
- **same region** (``REGION_POINTS``), otherwise **same country** (``COUNTRY_POINTS``).
- **similar size**: populations within a factor of 2: up to ``SIZE_POINTS`` × (small/big).
- **same asks signed**: ``ASK_POINTS`` per ask both have a live signature on, at most
  ``ASK_CAP`` asks.
- **same coalitions' kinds**: ``KIND_POINTS`` per kind of coalition both are active members of
  (city partnership, peer group…).

Ties go to the nearer city, then by name, then by id, so the same data always gives the same
order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)
NEAR_KM = 500.0
NEAR_POINTS = 40.0
REGION_POINTS = 20.0
COUNTRY_POINTS = 5.0
SIZE_RATIO = 0.5  # "similar size": the smaller at least half the bigger
SIZE_POINTS = 15.0
ASK_POINTS = 10.0
ASK_CAP = 3
KIND_POINTS = 5.0


@dataclass(frozen=True, slots=True)
class Facts:
    """What the score looks at, for one city."""

    id: int
    name: str
    name_key: str
    country: str
    country_key: str
    region: str | None
    region_key: str | None  # the folded region name
    region_code: str | None  # GeoNames admin1 code (gazetteer cities)
    population: int | None
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True, slots=True)
class Scored:
    city: Facts
    score: float
    distance_km: float | None
    reasons: tuple[str, ...]


def distance_km(a: Facts, b: Facts) -> float | None:
    """Great-circle (haversine) distance between two cities' coordinates."""
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        return None
    p1, p2 = math.radians(a.latitude), math.radians(b.latitude)
    dp, dl = p2 - p1, math.radians(b.longitude - a.longitude)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def same_region(a: Facts, b: Facts) -> bool:
    """Same country, and the same region by name (any case or accents) or gazetteer code."""
    if a.country_key != b.country_key:
        return False
    if a.region_key and b.region_key:
        return a.region_key == b.region_key
    return bool(a.region_code and a.region_code == b.region_code)


def km(distance: float) -> str:
    return f"{distance:,.0f} km"


def short(population: int) -> str:
    if population >= 1_000_000:
        return f"{population / 1_000_000:.1f} M"
    if population >= 1_000:
        return f"{round(population / 1_000):,} k"
    return str(population)


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many.format(n=n)


def score_pair(
    city: Facts, other: Facts, *, shared_asks: int = 0, shared_kinds: Iterable[str] = ()
) -> Scored:
    """How good a partner ``other`` is for ``city``, and why."""
    points = 0.0
    reasons: list[str] = []
    distance = distance_km(city, other)
    if distance is not None and distance < NEAR_KM:
        points += NEAR_POINTS * (1 - distance / NEAR_KM)
        reasons.append(km(distance))
    if same_region(city, other):
        points += REGION_POINTS
        reasons.append("same region")
    elif city.country_key == other.country_key:
        points += COUNTRY_POINTS
        reasons.append("same country")
    if city.population and other.population:
        small, big = sorted((city.population, other.population))
        ratio = small / big
        if ratio >= SIZE_RATIO:
            points += SIZE_POINTS * ratio
            reasons.append(f"similar size ({short(other.population)} people)")
    if shared_asks:
        points += ASK_POINTS * min(shared_asks, ASK_CAP)
        reasons.append(_plural(shared_asks, "signed the same ask", "signed {n} of the same asks"))
    kinds = sorted(set(shared_kinds))
    if kinds:
        points += KIND_POINTS * len(kinds)
        reasons.append("also in a " + " and a ".join(k.lower() for k in kinds))
    return Scored(other, round(points, 3), distance, tuple(reasons))


def rank(scored: Iterable[Scored], limit: int) -> list[Scored]:
    """Best first: score, then nearer, then name and id. Cities with nothing in common are
    left out."""
    kept = [s for s in scored if s.score > 0]
    kept.sort(
        key=lambda s: (
            -s.score,
            s.distance_km if s.distance_km is not None else math.inf,
            s.city.name_key,
            s.city.id,
        )
    )
    return kept[:limit]
