"""Turning "2026-05-14 18:00" or "next tuesday 3pm" in "Europe/Paris" into an aware UTC
datetime, refusing bad times.

Dates written as ``YYYY-MM-DD [HH:MM]`` are read strictly. Anything else is an everyday phrase
read by ``dateparser`` relative to "now" in the given zone ("in 2 days at 09:00", "friday
9am", "in 3 hours"). A phrase must say the time of day (or be relative in hours/minutes):
"tomorrow" alone is too vague for a meeting, so it is refused with an example. Both paths end
in the same checks: a wall time inside a daylight-saving gap is refused, one that happens twice
takes its first occurrence (and says so), and a time not in the future is refused.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dateparser

from bot.errors import InvalidInput

TZ_EXAMPLE = "Europe/Paris"
_FORMAT_HELP = 'Write it as "YYYY-MM-DD HH:MM" (for example "2026-05-14 18:00") or "YYYY-MM-DD".'
_PHRASE_HELP = (
    'Everyday phrases with a time work too, like "next tuesday 3pm" or "in 2 days at 09:00".'
)
_ISO_PREFIX = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}\b")
# A phrase names a time of day ("15:00", "3pm", "noon") or is relative in hours/minutes.
_HAS_TIME = re.compile(
    r"\d{1,2}[:h.]\d{2}|\d{1,2}\s*(?:am|pm|a\.m\.|p\.m\.)|\b(?:noon|midday|midnight)\b"
    r"|\b(?:hours?|hrs?|minutes?|mins?)\b",
    re.IGNORECASE,
)
PHRASE_MAX = 100
# "in 90 minutes", "in 3 hours": elapsed time, counted in UTC so a DST change cannot shift it.
_ELAPSED = re.compile(r"^in (\d{1,4}) (hours?|hrs?|minutes?|mins?)$", re.IGNORECASE)
_PATTERN = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})(?:[ T]+(?P<hour>\d{1,2}):(?P<minute>\d{2}))?$")
# A date alone means the end of that day.
END_OF_DAY = time(23, 59)


@dataclass(frozen=True, slots=True)
class ParsedTime:
    """``when`` is aware UTC; ``note`` explains a choice we made for the user (or is None)."""

    when: datetime
    note: str | None = None


def zone_from_name(tz_name: str | None) -> ZoneInfo:
    """The IANA zone called ``tz_name``, or a clear InvalidInput."""
    name = (tz_name or "").strip()
    if not name:
        raise InvalidInput(f"Please choose a time zone, for example {TZ_EXAMPLE}.")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # ValueError/OSError: names like "../x" or with NUL bytes are not even looked up.
        shown = name if len(name) <= 60 and name.isprintable() else "That"
        raise InvalidInput(
            f'"{shown}" is not a time zone I know. Use a zone name such as {TZ_EXAMPLE}, '
            "America/New_York or Asia/Tokyo (pick one from the list as you type)."
        ) from None


def format_utc(value: datetime) -> str:
    """ "2026-05-14 16:00 UTC": for messages that cannot use a Discord timestamp."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _offset(value: datetime) -> str:
    offset = value.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{mins:02d}" if mins else "")


def parse_local_datetime(text: str | None, tz_name: str | None, now: datetime) -> ParsedTime:
    """Read ``text`` as a wall-clock time in ``tz_name``; return it in UTC.

    Refuses malformed input, unknown zones, times that do not exist (a daylight-saving gap) and
    times not in the future. A time that happens twice (clocks going back) is taken at its
    first occurrence, and ``note`` says so.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    raw = " ".join((text or "").split())
    if not raw:
        raise InvalidInput(f"Please give a date. {_FORMAT_HELP}")
    shown = raw if len(raw) <= 40 and raw.isprintable() else "That"
    match = _PATTERN.match(raw)
    if match is None and _ISO_PREFIX.match(raw):
        raise InvalidInput(f'I can\'t read "{shown}" as a date and time. {_FORMAT_HELP}')
    zone = zone_from_name(tz_name)
    if match is None and (elapsed := _ELAPSED.match(raw)):
        amount = int(elapsed[1])
        delta = timedelta(hours=amount) if elapsed[2][0] in "hH" else timedelta(minutes=amount)
        return ParsedTime(when=(now + delta).astimezone(UTC).replace(second=0, microsecond=0))
    if match is None:
        wall_naive = _parse_phrase(raw, shown, zone, now)
    else:
        try:
            day = datetime.strptime(match["date"], "%Y-%m-%d").date()
            if match["hour"] is None:
                clock = END_OF_DAY
            else:
                clock = time(int(match["hour"]), int(match["minute"]))
        except ValueError:
            raise InvalidInput(f'"{raw}" is not a real date or time. {_FORMAT_HELP}') from None
        wall_naive = datetime.combine(day, clock)
    return _check_wall_time(wall_naive, zone, now)


def _parse_phrase(raw: str, shown: str, zone: ZoneInfo, now: datetime) -> datetime:
    """An everyday phrase as a naive wall time in ``zone`` (seconds dropped)."""
    unreadable = f'I can\'t read "{shown}" as a date and time. {_FORMAT_HELP} {_PHRASE_HELP}'
    if len(raw) > PHRASE_MAX or not raw.isprintable():
        raise InvalidInput(unreadable)
    if not _HAS_TIME.search(raw):
        raise InvalidInput(
            f'"{shown}" does not say the time of day. Add one, for example "{shown} 18:00", '
            f"or {_FORMAT_HELP[0].lower()}{_FORMAT_HELP[1:]}"
        )
    base = now.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dateparser warns about its own regex internals
        result: datetime | None = dateparser.parse(
            raw,
            languages=["en"],
            settings={
                "RELATIVE_BASE": base,
                "PREFER_DATES_FROM": "future",
                "RETURN_AS_TIMEZONE_AWARE": False,
                "DATE_ORDER": "DMY",
            },
        )
    if result is None:
        raise InvalidInput(unreadable)
    if result.tzinfo is not None:
        # The phrase named its own zone ("3pm UTC"): honour it, then read it in ours.
        result = result.astimezone(zone).replace(tzinfo=None)
    return result.replace(second=0, microsecond=0)


def _check_wall_time(wall_naive: datetime, zone: ZoneInfo, now: datetime) -> ParsedTime:
    first = wall_naive.replace(tzinfo=zone, fold=0)  # fold=0: the first occurrence
    second = first.replace(fold=1)
    wall = first.replace(tzinfo=None)
    round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != wall:
        raise InvalidInput(
            f"{wall:%Y-%m-%d %H:%M} does not exist in {zone.key}: the clocks jump forward "
            "that night. Please pick a time outside the daylight-saving change."
        )
    note = None
    if first.utcoffset() != second.utcoffset():
        note = (
            f"{wall:%Y-%m-%d %H:%M} happens twice in {zone.key} (the clocks go back that "
            f"night); I used the first one ({_offset(first)})."
        )
    when = first.astimezone(UTC)
    if when <= now:
        raise InvalidInput(
            f"{wall:%Y-%m-%d %H:%M} ({zone.key}) is in the past. Please choose a future time."
        )
    return ParsedTime(when=when, note=note)
