"""A wall time in a zone, checked: not in a daylight-saving gap, the first of two, in the future."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.errors import InvalidInput
from bot.services.timeparse._messages import say

_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Checked:
    when: datetime  # aware UTC
    note: str | None  # said when the time happens twice
    offset: str | None  # "UTC+2" when the wall time alone does not say which instant


def offset_label(value: datetime) -> str:
    """ "UTC+2", "UTC-4", "UTC+5:30"."""
    offset = value.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{mins:02d}" if mins else "")


def repeated(when: datetime, zone: ZoneInfo) -> bool:
    """Does the wall time of ``when`` in ``zone`` happen twice (clocks going back)?"""
    wall = when.astimezone(zone).replace(tzinfo=None)
    first = wall.replace(tzinfo=zone, fold=0)
    return first.utcoffset() != first.replace(fold=1).utcoffset()


def next_valid(wall: datetime, zone: ZoneInfo) -> datetime:
    """The first wall time after a gap that ``wall`` falls in (02:30 → 03:00 in Paris)."""
    a = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    b = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    low, high = min(a, b), max(a, b)  # the transition lies between the two readings
    while high - low > _MINUTE:
        middle = low + (high - low) / 2
        middle = middle.replace(second=0, microsecond=0)
        if middle <= low:
            break
        if middle.astimezone(zone).replace(tzinfo=None) > wall:
            high = middle
        else:
            low = middle
    return high.astimezone(zone).replace(tzinfo=None)


def check_wall_time(wall: datetime, zone: ZoneInfo, now: datetime, lang: str) -> Checked:
    """``wall`` (naive, in ``zone``) as a UTC instant, refusing gaps and the past."""
    first = wall.replace(tzinfo=zone, fold=0)  # fold=0: the first occurrence
    round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != wall:
        raise InvalidInput(
            say(
                lang,
                "gap",
                wall=f"{wall:%Y-%m-%d %H:%M}",
                zone=zone.key,
                next=f"{next_valid(wall, zone):%Y-%m-%d %H:%M}",
            )
        )
    note = offset = None
    if first.utcoffset() != first.replace(fold=1).utcoffset():
        offset = offset_label(first)
        note = say(lang, "twice", wall=f"{wall:%Y-%m-%d %H:%M}", zone=zone.key, offset=offset)
    when = first.astimezone(UTC)
    if when <= now:
        raise InvalidInput(say(lang, "past", wall=f"{wall:%Y-%m-%d %H:%M}", zone=zone.key))
    return Checked(when=when, note=note, offset=offset)
