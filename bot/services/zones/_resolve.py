"""From what a person typed ("Paris", "Lisboa", "Ireland", "Europe/Paris") to one IANA zone."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from babel.core import get_global

from bot.errors import ChoiceNeeded, InvalidInput
from bot.services.zones._index import (
    Kind,
    Place,
    available,
    city_of,
    country_clocks,
    country_name,
    iana_by_key,
    key,
    place_index,
)

TZ_EXAMPLE = "Europe/Paris"
NAME_MAX = 64
CHOICES_MAX = 25  # Discord shows at most 25 autocomplete choices
LABEL_MAX = 100  # ... each at most 100 characters
_LISTED_MAX = 8  # choices spelled out in an error message
# Offered before anything is typed, after the zones of the user's own country.
COMMON_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Rome",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Africa/Lagos",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
)
LANGUAGES = frozenset({"en", "fr", "de", "it", "es"})


@dataclass(frozen=True, slots=True)
class ZoneChoice:
    """An autocomplete entry: ``label`` is shown, ``value`` (an IANA name) is sent back."""

    label: str
    value: str


def _language(locale: str | None) -> str:
    language = (locale or "en").replace("_", "-").split("-")[0].lower()
    return language if language in LANGUAGES else "en"


def _label(place: Place, language: str) -> str:
    country = country_name(place.country, language)
    if place.kind is Kind.COUNTRY:
        head = f"{country}: {place.where}" if place.where else country
    elif place.where:
        head = f"{place.name}, {place.where} ({country})"
    else:
        head = f"{place.name} ({country})"
    tail = f" · {place.zone}"
    return (
        head[: LABEL_MAX - len(tail) - 1] + "…" + tail
        if len(head + tail) > LABEL_MAX
        else head + tail
    )


def _unknown(shown: str) -> InvalidInput:
    return InvalidInput(
        f'"{shown}" is not a time zone I know. Use a zone name such as {TZ_EXAMPLE}, '
        'America/New_York or Asia/Tokyo, or a city or country such as "Lisboa" or "Ireland" '
        "(pick one from the list as you type)."
    )


def resolve_zone(name: str | ZoneInfo | None, *, locale: str | None = None) -> ZoneInfo:
    """The zone ``name`` stands for: an IANA name, a city or a country, in several languages.

    Raises InvalidInput for an empty or unknown name, and ChoiceNeeded (with the IANA names as
    choices) for a name with several zones ("Portland", "United States").
    """
    if isinstance(name, ZoneInfo):
        return name
    text = " ".join((name or "").split())
    if not text:
        raise InvalidInput(f"Please choose a time zone, for example {TZ_EXAMPLE}.")
    shown = text if len(text) <= 60 and text.isprintable() else "That"
    if len(text) > NAME_MAX or not text.isprintable():
        raise _unknown(shown)
    name_key = key(text)
    places = _distinct(place_index().lookup(name_key))
    # "Europe/Paris" as written, then any spelling of it ("europe/paris"); an old one-word link
    # ("Portugal", "Japan") only when no place of that name gives the modern zone.
    if text in available() and ("/" in text or not places):
        return ZoneInfo(text)
    if (iana := iana_by_key().get(name_key)) is not None and ("/" in iana or not places):
        return ZoneInfo(iana)
    if not places:
        raise _unknown(shown)
    if len(places) == 1:
        return ZoneInfo(places[0].zone)
    language = _language(locale)
    listed = "; ".join(_label(p, language) for p in places[:_LISTED_MAX])
    more = f" and {len(places) - _LISTED_MAX} more" if len(places) > _LISTED_MAX else ""
    raise ChoiceNeeded(
        f'"{shown}" has more than one time zone: {listed}{more}. '
        "Pick the one you mean from the list as you type, or write its zone name.",
        choices=[p.zone for p in places],
    )


def _distinct(places: tuple[Place, ...] | list[Place]) -> list[Place]:
    seen: set[str] = set()
    out = []
    for place in places:
        if place.zone not in seen:
            seen.add(place.zone)
            out.append(place)
    return out


def _home_country(locale: str | None) -> str | None:
    """ "en-US" → "US"; "fr" → "FR" (the language's most likely country)."""
    if not locale:
        return None
    parts = locale.replace("_", "-").split("-")
    if len(parts) > 1 and len(parts[-1]) == 2 and parts[-1].isalpha():
        return parts[-1].upper()
    likely = get_global("likely_subtags").get(parts[0].lower(), "")
    region = str(likely).split("_")[-1]
    return region if len(region) == 2 and region.isalpha() else None


def zone_choices(query: str, *, locale: str | None = None) -> list[ZoneChoice]:
    """Autocomplete for a zone option: places and zones matching ``query``, best first.

    "par" offers Paris (France) · Europe/Paris first; "portland" offers both Portlands;
    "united states" offers one entry per clock of the country. Nothing typed: the zones of the
    user's country (from their Discord language), then widely used zones.
    """
    language = _language(locale)
    wanted = key(query)[:NAME_MAX]
    found: list[ZoneChoice] = []
    if not wanted:
        home = _home_country(locale)
        if home is not None:
            found.extend(ZoneChoice(_label(p, language), p.zone) for p in country_clocks(home))
        found.extend(ZoneChoice(z, z) for z in COMMON_ZONES)
        return _unique(found)
    index = place_index()
    iana = iana_by_key()
    exact, starts, contains = [], [], []
    for name_key in index.display:
        if name_key == wanted:
            exact.append(name_key)
        elif name_key.startswith(wanted) or f" {wanted}" in name_key:
            starts.append(name_key)
        elif len(wanted) >= 3 and wanted in name_key:
            contains.append(name_key)
    zone_exact, zone_starts, zone_contains = [], [], []
    for zone_key, zone in iana.items():
        if "/" not in zone and zone != "UTC":
            continue  # old one-word links ("Portugal", "Japan"): the place offers the zone
        last = key(city_of(zone))
        if wanted in (zone_key, last):
            zone_exact.append(zone)
        elif zone_key.startswith(wanted) or last.startswith(wanted):
            zone_starts.append(zone)
        elif len(wanted) >= 3 and wanted in zone_key:
            zone_contains.append(zone)
    for names, zones in (
        (exact, zone_exact),
        (sorted(starts), zone_starts),
        (sorted(contains), zone_contains),
    ):
        for name_key in names:
            found.extend(ZoneChoice(_label(p, language), p.zone) for p in index.lookup(name_key))
        found.extend(ZoneChoice(z, z) for z in zones)
        if len(_unique(found)) >= CHOICES_MAX:
            break
    return _unique(found)


def _unique(choices: list[ZoneChoice]) -> list[ZoneChoice]:
    """One entry per zone (the first, most precise label wins), at most 25."""
    seen: set[str] = set()
    out = []
    for choice in choices:
        if choice.value not in seen:
            seen.add(choice.value)
            out.append(choice)
    return out[:CHOICES_MAX]
