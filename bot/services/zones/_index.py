"""The names people give a time zone, read once from data that ships with the installed packages.

- ``tzdata``'s ``zone.tab``: every zone, its country, in the order the database lists them.
- ``tzdata``'s ``iso3166.tab`` and Babel's CLDR territory names: what a country is called in the
  languages of the bot's users ("Germany", "Deutschland", "Allemagne", "Germania", "Alemania").
- Babel's CLDR exemplar cities: a zone's city as each language writes it ("Lisboa", "Wien").
- ``_places.py``: the larger cities that are not a zone's own name ("Lyon", "Portland").

A country whose zones all keep the same clock (Germany: Berlin and Busingen) resolves to its
first zone; one whose zones differ (Spain: the mainland and the Canaries) offers one choice per
clock, named after the places in it.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from importlib.resources import files
from types import MappingProxyType
from zoneinfo import ZoneInfo

from babel import Locale

from bot.services.common import fold
from bot.services.zones._places import COUNTRY_ALIASES, PLACES, PRINCIPAL_ZONES

# Languages whose place names are understood whatever the user's own language is.
NAME_LANGUAGES = ("en", "fr", "de", "it", "es", "pt", "nl", "pl")
# Two zones "keep the same clock" when their offsets agree at noon UTC every day for two years
# from the start of the year of the installed zone data (so the answer follows the data, not
# the machine's clock).
_SAMPLE_DAYS = 2 * 366


class Kind(StrEnum):
    CITY = "city"
    COUNTRY = "country"


@dataclass(frozen=True, slots=True)
class Place:
    """One name a person may type, and the zone it stands for."""

    name: str
    zone: str
    country: str  # ISO 3166 code ("FR")
    kind: Kind
    where: str = ""  # tells apart two places of one name ("Oregon"), or a country's clocks


@dataclass(frozen=True, slots=True)
class ZoneRow:
    country: str
    zone: str


def key(text: str) -> str:
    """What two spellings of one name share: "St. Louis"/"st louis", "New_York"/"new york"."""
    for mark in ("_", "-", ".", ",", "'", "’"):
        text = text.replace(mark, " ")
    return fold(text)


def _read(name: str) -> str:
    return files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")


def _tab(name: str) -> list[list[str]]:
    text = _read(name)
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@lru_cache(maxsize=1)
def zone_rows() -> tuple[ZoneRow, ...]:
    return tuple(ZoneRow(country=row[0], zone=row[2]) for row in _tab("zone.tab"))


@lru_cache(maxsize=1)
def available() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@lru_cache(maxsize=1)
def iana_by_key() -> Mapping[str, str]:
    """Folded IANA name ("europe/paris") → the name ("Europe/Paris")."""
    return MappingProxyType({key(z): z for z in sorted(available())})


@lru_cache(maxsize=1)
def english_countries() -> Mapping[str, str]:
    return MappingProxyType({row[0]: row[1] for row in _tab("iso3166.tab")})


@lru_cache(maxsize=16)
def country_name(code: str, language: str = "en") -> str:
    """A country as ``language`` writes it ("DE" → "Deutschland" in German)."""
    names = Locale.parse(language).territories
    return str(names.get(code) or english_countries().get(code) or code)


def city_of(zone: str) -> str:
    """ "America/Argentina/Cordoba" → "Cordoba"."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


@lru_cache(maxsize=1)
def _data_year() -> int:
    """2026 for zone data "2026f" (the first line of tzdata.zi: "# version 2026f")."""
    return int(_read("tzdata.zi").split("version", 1)[1].split()[0][:4])


def _signature(zone: str) -> tuple[float, ...]:
    tz = ZoneInfo(zone)
    start = datetime(_data_year(), 1, 1, 12, tzinfo=UTC)
    offsets = []
    for day in range(_SAMPLE_DAYS):
        offset = (start + timedelta(days=day)).astimezone(tz).utcoffset()
        offsets.append(offset.total_seconds() if offset is not None else 0.0)
    return tuple(offsets)


@lru_cache(maxsize=256)
def country_clocks(country: str) -> tuple[Place, ...]:
    """One place per distinct clock in ``country``, its zone the one people there expect."""
    zones = [row.zone for row in zone_rows() if row.country == country]
    groups: dict[tuple[float, ...], list[str]] = {}
    for zone in zones:
        groups.setdefault(_signature(zone), []).append(zone)
    name = country_name(country)
    if len(groups) == 1:
        return (Place(name=name, zone=_principal(zones), country=country, kind=Kind.COUNTRY),)
    places = []
    for members in groups.values():
        principal = _principal(members)
        others = [city_of(z) for z in members if z != principal and not z.startswith("Antarctica")]
        cities = ", ".join([city_of(principal), *others[:2]]) + ("…" if len(others) > 2 else "")
        places.append(
            Place(name=name, zone=principal, country=country, kind=Kind.COUNTRY, where=cities)
        )
    return tuple(places)


def _principal(zones: list[str]) -> str:
    for zone in zones:
        if zone in PRINCIPAL_ZONES:
            return zone
    return next((z for z in zones if not z.startswith("Antarctica/")), zones[0])


@dataclass(frozen=True, slots=True)
class PlaceIndex:
    """Folded name → the places of that name; countries resolve to their clocks lazily."""

    cities: Mapping[str, tuple[Place, ...]]
    countries: Mapping[str, tuple[str, ...]]  # folded name → ISO codes
    display: Mapping[str, str]  # folded name → one way to write it

    def lookup(self, name_key: str) -> tuple[Place, ...]:
        found = list(self.cities.get(name_key, ()))
        for code in self.countries.get(name_key, ()):
            found.extend(country_clocks(code))
        return tuple(found)


def _add(table: dict[str, list[Place]], name: str, place: Place) -> None:
    bucket = table[key(name)]
    if all((p.zone, p.where) != (place.zone, place.where) for p in bucket):
        bucket.append(place)


@lru_cache(maxsize=1)
def place_index() -> PlaceIndex:
    cities: dict[str, list[Place]] = defaultdict(list)
    countries: dict[str, set[str]] = defaultdict(set)
    display: dict[str, str] = {}
    locales = [Locale.parse(language) for language in NAME_LANGUAGES]
    for row in zone_rows():
        names = [city_of(row.zone)]
        for locale in locales:
            exemplar = locale.time_zones.get(row.zone, {}).get("city")
            if exemplar:
                names.append(str(exemplar))
        for name in names:
            _add(cities, name, Place(name, row.zone, row.country, Kind.CITY))
            display.setdefault(key(name), name)
    for line in PLACES.strip().splitlines():
        names_text, country, zone, *where = line.split(";")
        for name in names_text.split("|"):
            place = Place(name, zone, country, Kind.CITY, where[0] if where else "")
            _add(cities, name, place)
            display.setdefault(key(name), name)
    with_zones = {row.country for row in zone_rows()}
    spellings: list[tuple[str, str]] = list(english_countries().items())
    for locale in locales:
        spellings.extend((code, str(name)) for code, name in locale.territories.items())
    for line in COUNTRY_ALIASES.strip().splitlines():
        names_text, country = line.split(";")
        spellings.extend((country, name) for name in names_text.split("|"))
    for code, name in spellings:
        if code in with_zones:
            countries[key(name)].add(code)
            display.setdefault(key(name), name)
    return PlaceIndex(
        cities=MappingProxyType({k: tuple(v) for k, v in cities.items()}),
        countries=MappingProxyType({k: tuple(sorted(v)) for k, v in countries.items()}),
        display=MappingProxyType(display),
    )
