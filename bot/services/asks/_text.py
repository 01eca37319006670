"""The text of an ask: length limits, cleaning, the deadline and the diff between versions.

Pure functions; no database.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.db.models.core import NAME_LEN, TEXT_LEN
from bot.errors import InvalidInput
from bot.services.common import clean_text
from bot.services.timeparse import parse_local_datetime, zone_from_name

TITLE_LEN = NAME_LEN  # 100
TARGET_LEN = 200
BODY_LEN = TEXT_LEN  # 4,000
REASON_LEN = 1000
NOTE_LEN = 1000
DIFF_LEN = 1500
STATUSES = ("open", "closed", "all")


@dataclass(frozen=True, slots=True)
class Deadline:
    when: datetime | None
    note: str | None = None  # a choice made for the user ("happens twice; the first one")
    reading: str = ""  # the deadline in words, as read, to show ("read as …")


def read_deadline(
    deadline: datetime | None,
    deadline_text: str | None,
    tz_name: str | None,
    now: datetime,
    *,
    locale: str | None = None,
) -> Deadline:
    """An aware ``deadline``, or ``deadline_text`` read in ``tz_name`` and the user's
    ``locale`` (Discord's ``interaction.locale``: "12/25" is month-first for en-US)."""
    if deadline is not None:
        if deadline.tzinfo is None or deadline.utcoffset() is None:
            raise ValueError("deadline must be timezone-aware")
        if deadline <= now:
            raise InvalidInput("The deadline is in the past. Please choose a future time.")
        return Deadline(deadline)
    if deadline_text is not None and deadline_text.strip():
        parsed = parse_local_datetime(deadline_text, tz_name, now, locale=locale)
        return Deadline(parsed.when, parsed.note, parsed.reading)
    return Deadline(None)


def deadline_prefill(deadline: datetime | None, zone_name: str | None) -> tuple[str, str]:
    """An edit form's deadline and zone boxes: the deadline on the wall clock of the zone it
    was set in (so changing only the date keeps its time of day), and that zone."""
    if deadline is None:
        return "", zone_name or ""
    try:
        zone = zone_from_name(zone_name) if zone_name else None
    except InvalidInput:
        zone = None
    if zone is None:
        return deadline.astimezone(UTC).strftime("%Y-%m-%d %H:%M"), "UTC"
    return deadline.astimezone(zone).strftime("%Y-%m-%d %H:%M"), zone.key


def clean_title(value: str | None) -> str:
    return clean_text(value, field="title", max_len=TITLE_LEN)  # type: ignore[return-value]


def clean_target(value: str | None) -> str:
    return clean_text(value, field="target", max_len=TARGET_LEN)  # type: ignore[return-value]


def clean_body(value: str | None) -> str:
    return clean_text(  # type: ignore[return-value]
        value, field="ask text", max_len=BODY_LEN, multiline=True
    )


def document(title: str, target: str, body: str) -> list[str]:
    """One version of an ask as the lines a diff compares."""
    return [f"Title: {title}", f"Target: {target}", "", *body.split("\n")]


def text_diff(old: list[str], new: list[str], old_version: int, new_version: int) -> str:
    """A unified diff trimmed to DIFF_LEN characters, cut at a line end."""
    lines = list(
        difflib.unified_diff(
            old, new, f"version {old_version}", f"version {new_version}", lineterm="", n=1
        )
    )
    result = "\n".join(lines)
    if len(result) <= DIFF_LEN:
        return result
    marker = "\n… (diff shortened)"
    cut = result[: DIFF_LEN - len(marker)]
    if "\n" in cut:
        cut = cut[: cut.rindex("\n")]
    return cut + marker
