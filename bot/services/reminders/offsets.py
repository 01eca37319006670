"""How long before an action its reminders go out: "7d,1d,2h", read and checked.

Whole days and weeks ("1d", "7d", "1w") keep the local time of day of the action in its zone
across a daylight-saving change: "1 day before" a Sunday 14:30 action after the clocks went
back is Saturday 14:30 local, 25 hours earlier. Hours and minutes are elapsed time ("2h" is
always 120 minutes before). ``due_before`` says when each falls due.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.db.models import Coalition
from bot.errors import InvalidInput

log = logging.getLogger("bot.services.reminders")

DEFAULT_OFFSETS = "7d,1d,2h"
MAX_OFFSETS = 5
MAX_OFFSET = timedelta(days=60)
ASK_OFFSETS = ("7d", "1d")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_OFFSET = re.compile(r"^(\d{1,5})\s*([mhdw])$")
OFFSETS_HELP = 'Write offsets like "7d,1d,2h" (units m, h, d, w).'


def parse_offsets(text: str | None) -> list[tuple[str, timedelta]]:
    """ "7d, 1d,2h" -> [("7d", 7 days), ("1d", ...), ("2h", ...)], longest first."""
    parts = [p.strip().lower() for p in (text or "").split(",") if p.strip()]
    if not parts:
        raise InvalidInput(f"Please give at least one offset. {OFFSETS_HELP}")
    if len(parts) > MAX_OFFSETS:
        raise InvalidInput(f"At most {MAX_OFFSETS} reminders per action. Please remove some.")
    out: list[tuple[str, timedelta]] = []
    for part in parts:
        match = _OFFSET.match(part)
        if match is None:
            shown = part if len(part) <= 20 and part.isprintable() else "one of them"
            raise InvalidInput(f'I can\'t read "{shown}" as an offset. {OFFSETS_HELP}')
        amount, unit = int(match[1]), match[2]
        delta = timedelta(**{_UNITS[unit]: amount})
        label = f"{amount}{unit}"
        if amount <= 0:
            raise InvalidInput(f'"{label}" is not a positive offset. {OFFSETS_HELP}')
        if delta > MAX_OFFSET:
            raise InvalidInput(f'"{label}" is more than 60 days before; please choose less.')
        if any(d == delta for _, d in out):
            raise InvalidInput(f'"{label}" is listed twice (or equals another offset).')
        out.append((label, delta))
    return sorted(out, key=lambda p: p[1], reverse=True)


def offset_delta(label: str) -> timedelta:
    return parse_offsets(label)[0][1]


def _zone(name: str | None) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def due_before(starts_at: datetime, label: str, zone_name: str | None) -> datetime:
    """When the reminder ``label`` before ``starts_at`` falls due (aware UTC).

    Days and weeks are counted on the wall clock of ``zone_name`` (the action's zone): the
    same local time of day. On a night when that wall time does not exist (clocks jump
    forward), the next valid local time after the gap; when it happens twice, the first.
    Minutes and hours are elapsed time. An unknown zone counts elapsed time."""
    delta = offset_delta(label)
    zone = _zone(zone_name)
    if label[-1] not in "dw" or zone is None:
        return starts_at - delta
    wall = starts_at.astimezone(zone).replace(tzinfo=None) - delta
    first = wall.replace(tzinfo=zone, fold=0)
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall:
        # In a gap: the clocks jumped at the first minute that has the offset after the gap.
        earlier = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
        later = first.astimezone(UTC)
        after = later.astimezone(zone).utcoffset()
        moment = earlier
        while moment < later and moment.astimezone(zone).utcoffset() != after:
            moment += timedelta(minutes=1)
        return moment
    return first.astimezone(UTC)


def coalition_offsets(coalition: Coalition) -> list[tuple[str, timedelta]]:
    try:
        return parse_offsets(coalition.reminder_offsets or DEFAULT_OFFSETS)
    except InvalidInput:
        log.warning("coalition %s has unreadable offsets; using defaults", coalition.id)
        return parse_offsets(DEFAULT_OFFSETS)


def describe_offset(label: str) -> str:
    amount, unit = int(label[:-1]), label[-1]
    word = {"m": "minute", "h": "hour", "d": "day", "w": "week"}[unit]
    return f"{amount} {word}{'s' if amount != 1 else ''}"
