"""An action as an iCalendar (RFC 5545) file: /action ics."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from bot.db.uow import UnitOfWork
from bot.services.actions._records import action_info
from bot.services.actions.results import ActionInfo
from bot.services.common import Actor, fold


def _ics_escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def _ics_fold(line: str) -> str:
    """Fold at 75 octets (RFC 5545 3.1), never splitting a UTF-8 character."""
    out: list[str] = []
    current = b""
    limit = 75
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > limit:
            out.append(current.decode("utf-8"))
            current = b""
            limit = 74  # continuation lines start with one space
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def _ics_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def ics_text(action: ActionInfo, *, now: datetime) -> str:
    """An iCalendar (RFC 5545) file for one action, times in UTC; ``now`` is its DTSTAMP."""
    end = action.ends_at or action.starts_at + timedelta(hours=1)
    description = action.description or ""
    if action.ask_title:
        description = (description + "\n\n" if description else "") + f"Ask: {action.ask_title}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Coalition Bot//Actions//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{action.uid}",
        f"SEQUENCE:{action.sequence}",
        f"DTSTAMP:{_ics_time(now)}",
        f"DTSTART:{_ics_time(action.starts_at)}",
        f"DTEND:{_ics_time(end)}",
        f"SUMMARY:{_ics_escape(action.title)}",
        f"CATEGORIES:{_ics_escape(action.kind_label)}",
        f"STATUS:{'CANCELLED' if action.cancelled else 'CONFIRMED'}",
    ]
    if action.location:
        lines.append(f"LOCATION:{_ics_escape(action.location)}")
    if description:
        lines.append(f"DESCRIPTION:{_ics_escape(description)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(_ics_fold(line) + "\r\n" for line in lines)


async def ics(uow: UnitOfWork, actor: Actor, action_id: int) -> tuple[str, bytes]:
    """/action ics: (file name, bytes)."""
    found = await action_info(uow, actor, action_id)
    slug = re.sub(r"[^a-z0-9]+", "-", fold(found.title)).strip("-")[:40] or "action"
    return f"{slug}.ics", ics_text(found, now=uow.now).encode("utf-8")
