"""The rule of a recurring action, read from what people type and turned into occurrences.

Pure functions. Occurrences keep the first one's wall-clock time in its zone, so a weekly
10:00 Europe/Paris call stays at 10:00 local across the March and October changes. A wall time
that does not exist on some date (a daylight-saving gap) is read with the offset before the
gap, and one that happens twice at its first occurrence, as RFC 5545 reads a calendar's rule:
the bot and every calendar agree on each instant.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.db.models.enums import Repeat
from bot.errors import InvalidInput
from bot.services.common import fold

MAX_OCCURRENCES = 52
DEFAULT_SPAN = timedelta(days=365)  # no until and no count: a year of occurrences
REPEAT_LABELS: dict[str, str] = {
    Repeat.WEEKLY: "weekly",
    Repeat.BIWEEKLY: "every 2 weeks",
    Repeat.MONTHLY_WEEKDAY: "monthly on the same weekday",
    Repeat.MONTHLY_DATE: "monthly on the same date",
}
_ALIASES = {
    "weekly": Repeat.WEEKLY,
    "every week": Repeat.WEEKLY,
    "every 2 weeks": Repeat.BIWEEKLY,
    "every two weeks": Repeat.BIWEEKLY,
    "biweekly": Repeat.BIWEEKLY,
    "fortnightly": Repeat.BIWEEKLY,
    "monthly on the same weekday": Repeat.MONTHLY_WEEKDAY,
    "monthly weekday": Repeat.MONTHLY_WEEKDAY,
    "monthly on the same date": Repeat.MONTHLY_DATE,
    "monthly date": Repeat.MONTHLY_DATE,
    "monthly": Repeat.MONTHLY_DATE,
}
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def repeat_slug(value: str) -> Repeat:
    key = fold(value.replace("_", " ").replace("-", " ")).strip()
    for slug in Repeat:
        if key == fold(slug.value.replace("_", " ")):
            return slug
    if key in _ALIASES:
        return _ALIASES[key]
    options = ", ".join(REPEAT_LABELS.values())
    raise InvalidInput(f"Please choose how it repeats: {options}.")


def _nth_weekday(day: date) -> int:
    """Which of its month's weekdays ``day`` is: 1..4, or -1 for the fifth (the last)."""
    nth = (day.day - 1) // 7 + 1
    return -1 if nth == 5 else nth


def _weekday_in_month(year: int, month: int, weekday: int, nth: int) -> date:
    days = [
        date(year, month, d)
        for d in range(1, calendar.monthrange(year, month)[1] + 1)
        if date(year, month, d).weekday() == weekday
    ]
    return days[-1] if nth == -1 else days[nth - 1]


def _dates(repeat: Repeat, first: date) -> Any:
    """Every date the rule gives, from ``first`` on (a generator without end)."""
    if repeat in (Repeat.WEEKLY, Repeat.BIWEEKLY):
        step = timedelta(weeks=1 if repeat == Repeat.WEEKLY else 2)
        day = first
        while True:
            yield day
            day += step
    nth = _nth_weekday(first)
    year, month = first.year, first.month
    while True:
        if repeat == Repeat.MONTHLY_WEEKDAY:
            yield _weekday_in_month(year, month, first.weekday(), nth)
        elif first.day <= calendar.monthrange(year, month)[1]:
            yield date(year, month, first.day)  # months without that date are skipped
        month += 1
        if month > 12:
            year, month = year + 1, 1


def occurrences(
    repeat: Repeat,
    first: datetime,
    zone: ZoneInfo,
    *,
    count: int | None = None,
    until: datetime | None = None,
) -> list[datetime]:
    """The starts (aware UTC) of a series whose first start is ``first``: ``count`` of them,
    or those up to ``until``, or a year's worth; never more than MAX_OCCURRENCES."""
    wall = first.astimezone(zone)
    limit = until if until is not None else (first + DEFAULT_SPAN if count is None else None)
    out: list[datetime] = []
    for day in _dates(repeat, wall.date()):
        start = datetime.combine(day, wall.time().replace(tzinfo=None), tzinfo=zone)
        instant = start.astimezone(UTC)
        if limit is not None and instant > limit:
            break
        if count is not None and len(out) == count:
            break
        if len(out) == MAX_OCCURRENCES:
            if until is not None:
                raise InvalidInput(
                    f"That makes more than {MAX_OCCURRENCES} occurrences. Choose an earlier "
                    f"until, or a count of at most {MAX_OCCURRENCES}."
                )
            break
        out.append(instant)
    return out


def shifted(start: datetime, zone: ZoneInfo, wall_delta: timedelta) -> datetime:
    """``start`` moved by ``wall_delta`` on the wall clock of ``zone`` (not in elapsed time)."""
    wall = start.astimezone(zone).replace(tzinfo=None) + wall_delta
    return wall.replace(tzinfo=zone).astimezone(UTC)


def wall_delta(old: datetime, new: datetime, zone: ZoneInfo) -> timedelta:
    """How far ``new`` is from ``old`` on the wall clock of ``zone``."""
    return new.astimezone(zone).replace(tzinfo=None) - old.astimezone(zone).replace(tzinfo=None)


def describe(repeat: str, first: datetime, zone: ZoneInfo) -> str:
    """ "weekly on Tuesday at 10:00 Europe/Paris", "monthly on the second Tuesday at …"."""
    wall = first.astimezone(zone)
    at = f"at {wall:%H:%M} {zone.key}"
    if repeat == Repeat.WEEKLY:
        return f"weekly on {wall:%A} {at}"
    if repeat == Repeat.BIWEEKLY:
        return f"every 2 weeks on {wall:%A} {at}"
    if repeat == Repeat.MONTHLY_WEEKDAY:
        return f"monthly on the {_ORDINALS[_nth_weekday(wall.date())]} {wall:%A} {at}"
    return f"monthly on day {wall.day} {at}"


def rrule(repeat: str, first: datetime, zone: ZoneInfo, count: int) -> dict[str, Any]:
    """The RRULE (icalendar's dict form) that gives the same starts as ``occurrences``."""
    wall = first.astimezone(zone)
    if repeat in (Repeat.WEEKLY, Repeat.BIWEEKLY):
        interval = 1 if repeat == Repeat.WEEKLY else 2
        return {"FREQ": "WEEKLY", "INTERVAL": interval, "COUNT": count}
    if repeat == Repeat.MONTHLY_WEEKDAY:
        nth = _nth_weekday(wall.date())
        return {"FREQ": "MONTHLY", "BYDAY": f"{nth:+d}{_DAYS[wall.weekday()]}", "COUNT": count}
    return {"FREQ": "MONTHLY", "BYMONTHDAY": wall.day, "COUNT": count}
