"""Turning what people type ("2026-05-14 18:00", "next tuesday 3pm", "mardi prochain 10h",
"in 2h30", "12/25 3pm") in a zone into an aware UTC datetime, refusing bad times and never
misreading one silently.

- ``YYYY-MM-DD [HH:MM]`` is read strictly (a date alone means the end of that day).
- "in …" durations with hours or minutes are elapsed time, added in UTC (``_durations``).
- Everyday phrases in English, French, German, Italian and Spanish are read by our own small
  grammar (``_phrases``); anything else by ``dateparser`` in the user's language and English,
  whose reading is then spelled out in the note, and never with a year it made up.
- Every wall time ends in the same checks (``_walltime``): a time inside a daylight-saving gap
  is refused with the next valid time, one that happens twice takes its first occurrence (and
  says so), and a time not in the future is refused.

``ParsedTime.reading`` always says the result in words in the user's language ("read as
Wednesday 4 March 2027, 15:00 Europe/Paris"); ``note`` explains a choice made for the user.
``locale`` is Discord's ``interaction.locale`` ("en-US", "fr", "de", "es-ES"); None reads
numeric dates day first and answers in English.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import dateparser

from bot.errors import InvalidInput
from bot.services.timeparse._durations import read_duration
from bot.services.timeparse._messages import (
    EXAMPLE_PHRASE,
    language,
    month_first,
    reading,
    say,
    when_words,
    with_time,
)
from bot.services.timeparse._phrases import normalise, read_phrase
from bot.services.timeparse._walltime import check_wall_time, offset_label, repeated
from bot.services.zones import TZ_EXAMPLE, resolve_zone

__all__ = [
    "END_OF_DAY",
    "PHRASE_MAX",
    "TZ_EXAMPLE",
    "ParsedTime",
    "format_utc",
    "parse_local_datetime",
    "zone_from_name",
]

PHRASE_MAX = 100
# A date alone means the end of that day.
END_OF_DAY = time(23, 59)
# Far enough for any meeting or deadline; further is a typo ("in 9999 hours").
DURATION_MAX = timedelta(days=3 * 366)
_ISO_PREFIX = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}\b")
_PATTERN = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})(?:[ T]+(?P<hour>\d{1,2}):(?P<minute>\d{2}))?$")
_HAS_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
# For dateparser's readings: a phrase must name a time of day.
_HAS_TIME = re.compile(
    r"\d{1,2}\s*[:h.]\s*\d{2}|\d{1,2}\s*(?:am|pm|a\.m\.|p\.m\.|h|uhr)\b"
    r"|\b(?:noon|midday|midnight|midi|minuit|mittag|mitternacht|mezzogiorno|mezzanotte"
    r"|mediodia|medianoche)\b"
)


@dataclass(frozen=True, slots=True)
class ParsedTime:
    """``when`` is aware UTC; ``note`` explains a choice we made for the user (or is None);
    ``reading`` says ``when`` in words in the user's zone and language, to show them."""

    when: datetime
    note: str | None = None
    reading: str = ""


def zone_from_name(tz_name: str | ZoneInfo | None, *, locale: str | None = None) -> ZoneInfo:
    """The zone ``tz_name`` names (an IANA name, a city or a country), or a clear error."""
    return resolve_zone(tz_name, locale=locale)


def format_utc(value: datetime) -> str:
    """ "2026-05-14 16:00 UTC": for messages that cannot use a Discord timestamp."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _example_iso(now_local: datetime) -> str:
    """A strict example that works: the 14th of next month (or the one after) at 18:00."""
    ahead = (now_local + timedelta(days=32)).date()
    return f"{date(ahead.year, ahead.month, 14).isoformat()} 18:00"


def parse_local_datetime(
    text: str | None,
    tz_name: str | ZoneInfo | None,
    now: datetime,
    *,
    locale: str | None = None,
) -> ParsedTime:
    """Read ``text`` as a time in the zone ``tz_name``; return it in UTC, with its reading.

    Refuses malformed input, unknown zones, times that do not exist (a daylight-saving gap,
    with the next valid time) and times not in the future. A time that happens twice (clocks
    going back) is taken at its first occurrence, and ``note`` says so.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    lang = language(locale)
    raw = " ".join((text or "").split())
    iso = _example_iso(now)
    if not raw:
        raise InvalidInput(say(lang, "empty", iso=iso, ex1=EXAMPLE_PHRASE[lang]))
    shown = raw if len(raw) <= 40 and raw.isprintable() else "…"
    match = _PATTERN.match(raw)
    if match is None and _ISO_PREFIX.match(raw):
        raise InvalidInput(say(lang, "bad_iso", text=shown, iso=iso))
    zone = zone_from_name(tz_name, locale=locale)
    now_local = now.astimezone(zone)
    iso = _example_iso(now_local)
    note: str | None = None
    if match is not None:
        wall = _strict(match, raw, lang, iso)
    else:
        unreadable = InvalidInput(
            say(lang, "unreadable", text=shown, ex1=EXAMPLE_PHRASE[lang], ex2=iso)
        )
        if len(raw) > PHRASE_MAX or not raw.isprintable():
            raise unreadable
        folded = normalise(raw)
        duration = read_duration(folded)
        if duration is not None and duration.elapsed:
            return _elapsed(duration.delta, shown, zone, now, lang)
        if duration is not None:
            raise InvalidInput(
                say(lang, "no_time", text=shown, with_time=with_time(lang, shown), iso=iso)
            )
        phrase = read_phrase(folded, shown, now_local, locale, lang, iso)
        if phrase is not None:
            wall, note = phrase.wall, phrase.note
        else:
            guessed = _dateparser(raw, folded, zone, now_local, locale, lang, iso)
            if guessed is None:
                raise unreadable
            wall = guessed
            note = say(lang, "guess", when=when_words(lang, wall), zone=zone.key, iso=iso)
    checked = check_wall_time(wall, zone, now, lang)
    notes = [n for n in (note, checked.note) if n]
    return ParsedTime(
        when=checked.when,
        note=" ".join(notes) or None,
        reading=reading(lang, wall, zone.key, checked.offset),
    )


def _strict(match: re.Match[str], raw: str, lang: str, iso: str) -> datetime:
    try:
        day = datetime.strptime(match["date"], "%Y-%m-%d").date()
        if match["hour"] is None:
            clock = END_OF_DAY
        else:
            clock = time(int(match["hour"]), int(match["minute"]))
    except ValueError:
        raise InvalidInput(say(lang, "not_real", text=raw, iso=iso)) from None
    return datetime.combine(day, clock)


def _elapsed(delta: timedelta, shown: str, zone: ZoneInfo, now: datetime, lang: str) -> ParsedTime:
    """Now plus ``delta``, counted in UTC so a daylight-saving change cannot shift it."""
    if delta > DURATION_MAX:
        raise InvalidInput(say(lang, "too_far", text=shown))
    if delta < timedelta(minutes=1):
        raise InvalidInput(
            say(lang, "unreadable", text=shown, ex1=EXAMPLE_PHRASE[lang], ex2="in 2h30")
        )
    when = (now + delta).astimezone(UTC).replace(second=0, microsecond=0)
    local = when.astimezone(zone)
    offset = offset_label(local) if repeated(when, zone) else None
    return ParsedTime(when=when, reading=reading(lang, local, zone.key, offset))


def _dateparser(
    raw: str,
    folded: str,
    zone: ZoneInfo,
    now_local: datetime,
    locale: str | None,
    lang: str,
    iso: str,
) -> datetime | None:
    """dateparser's reading of what our grammar does not know, or None; never a made-up year."""
    base = now_local.replace(tzinfo=None, second=0, microsecond=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dateparser warns about its own regex internals
        result: datetime | None = dateparser.parse(
            raw,
            languages=[lang] if lang == "en" else [lang, "en"],
            settings={
                "RELATIVE_BASE": base,
                "PREFER_DATES_FROM": "future",
                "DATE_ORDER": "MDY" if month_first(locale) else "DMY",
            },
        )
    if result is None:
        return None
    if result.tzinfo is not None:
        # The phrase named its own zone ("3pm UTC"): honour it, then read it in ours.
        result = result.astimezone(zone).replace(tzinfo=None)
    if not _HAS_YEAR.search(raw) and result.year > now_local.year + 1:
        return None  # "prefer future" stretched a day or month into a year (12/25 → 2125)
    if not _HAS_TIME.search(folded):
        shown = raw if len(raw) <= 40 else "…"
        raise InvalidInput(
            say(lang, "no_time", text=shown, with_time=with_time(lang, shown), iso=iso)
        )
    return result.replace(second=0, microsecond=0)
