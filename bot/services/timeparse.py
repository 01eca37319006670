"""Turning "2026-05-14 18:00" in "Europe/Paris" into an aware UTC datetime, refusing bad times.

A standalone module on purpose: it will later learn everyday phrases ("next tuesday 3pm").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import InvalidInput

TZ_EXAMPLE = "Europe/Paris"
_FORMAT_HELP = 'Write it as "YYYY-MM-DD HH:MM" (for example "2026-05-14 18:00") or "YYYY-MM-DD".'
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
    match = _PATTERN.match(raw)
    if match is None:
        shown = raw if len(raw) <= 40 and raw.isprintable() else "That"
        raise InvalidInput(f'I can\'t read "{shown}" as a date and time. {_FORMAT_HELP}')
    zone = zone_from_name(tz_name)
    try:
        day = datetime.strptime(match["date"], "%Y-%m-%d").date()
        if match["hour"] is None:
            clock = END_OF_DAY
        else:
            clock = time(int(match["hour"]), int(match["minute"]))
    except ValueError:
        raise InvalidInput(f'"{raw}" is not a real date or time. {_FORMAT_HELP}') from None

    first = datetime.combine(day, clock, tzinfo=zone)  # fold=0: the first occurrence
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
