"""Durations from now: "in 2h30", "in 1 hour 45 minutes", "dans 2 heures", "tra mezz'ora".

A duration with hours or minutes is elapsed time: it is added to the current instant in UTC,
so a daylight-saving change that night cannot stretch or shrink it. One of whole days or weeks
only ("in 2 days") names a day, not an instant: the caller asks for the time of day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from bot.services.timeparse._words import (
    AND,
    DAY_UNITS,
    DURATION_PREFIXES,
    HALF,
    HOUR_UNITS,
    MINUTE_UNITS,
    ONE,
    WEEK_UNITS,
    alternation,
)

_PREFIX = re.compile(rf"^(?:{alternation(DURATION_PREFIXES)})\s+(?P<body>.+)$")
_TOKEN = re.compile(r"\d+(?:[.,]\d+)?|[a-z]+")
_UNIT_MINUTES = {
    **dict.fromkeys(MINUTE_UNITS, 1),
    **dict.fromkeys(HOUR_UNITS, 60),
    **dict.fromkeys(DAY_UNITS, 24 * 60),
    **dict.fromkeys(WEEK_UNITS, 7 * 24 * 60),
}
HOUR = 60
DAY = 24 * 60


@dataclass(frozen=True, slots=True)
class Duration:
    delta: timedelta
    elapsed: bool  # True: hours or minutes (an instant); False: whole days/weeks (a day)


def _amount(tokens: list[str], i: int) -> tuple[float, int] | None:
    """The amount starting at ``tokens[i]`` and the index after it."""
    token = tokens[i]
    if token in HALF:  # "half an hour", "demi heure", "mezz ora"
        i += 1
        if i < len(tokens) and tokens[i] in ("a", "an"):
            i += 1
        return 0.5, i
    if token in ONE:  # "an hour", "une demi heure", "einer halben Stunde"
        if i + 1 < len(tokens) and tokens[i + 1] in HALF:
            return 0.5, i + 2
        return 1.0, i + 1
    if token[0].isdigit():
        return float(token.replace(",", ".")), i + 1
    return None


def read_duration(folded: str) -> Duration | None:
    """``folded`` ("in 2h30") as a duration, or None when it is not one."""
    match = _PREFIX.match(folded)
    if match is None:
        return None
    body = match["body"]
    tokens = _TOKEN.findall(body)
    if not re.fullmatch(r"[\s,'’\-]*", _TOKEN.sub("", body)):
        return None  # something else in it ("in 2 days at 09:00")
    minutes = 0.0
    last_unit: int | None = None
    elapsed = False
    i = 0
    while i < len(tokens):
        if tokens[i] in AND and last_unit is not None:
            i += 1
            continue
        found = _amount(tokens, i)
        if found is None:
            return None
        amount, i = found
        unit = _UNIT_MINUTES.get(tokens[i]) if i < len(tokens) else None
        if unit is None:
            # "2 heures et demie", "an hour and a half": half of the unit just named.
            if amount == 0.5 and last_unit is not None:
                minutes += last_unit / 2
                elapsed = elapsed or last_unit < DAY
                continue
            # "2h30": minutes after hours.
            if last_unit == HOUR and amount.is_integer() and amount < 60:
                minutes += amount
                continue
            return None
        minutes += amount * unit
        elapsed = elapsed or unit < DAY
        last_unit = unit
        i += 1
    if last_unit is None:
        return None
    # "in 1.5 days" is 36 hours from now, not a day.
    elapsed = elapsed or minutes % DAY != 0
    return Duration(delta=timedelta(minutes=round(minutes)), elapsed=elapsed)
