"""Actions as iCalendar (RFC 5545) files, built with the ``icalendar`` library: /action ics.

- A one-off action (or one occurrence exported alone) is one VEVENT in UTC with its own UID;
  its SEQUENCE rises with every change, and a cancelled one says STATUS:CANCELLED.
- A recurring action is one VEVENT for the whole series (the series' UID) with an RRULE in its
  zone (a VTIMEZONE is included), an EXDATE for each cancelled occurrence, and an overriding
  VEVENT (same UID, RECURRENCE-ID) for each occurrence moved on its own; a series whose every
  occurrence is cancelled says STATUS:CANCELLED. UIDs never change, so a calendar updates the
  entry instead of adding a second one.

Scopes: ``this`` (one occurrence, or the one-off action, as its own event), ``series`` (the
series the occurrence belongs to), ``coalition`` (every upcoming action of its coalition).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlalchemy import select

from bot.db.models import Action, ActionSeries, Coalition
from bot.db.models.enums import ActionStatus
from bot.db.uow import UnitOfWork
from bot.errors import InvalidInput
from bot.services.actions._records import ask_title, get_action, info
from bot.services.actions._recurrence import rrule
from bot.services.actions.results import ActionInfo
from bot.services.common import Actor, fold
from bot.services.timeparse import zone_from_name

SCOPES = ("this", "series", "coalition")
PRODID = "-//Coalition Bot//Actions//EN"


def _calendar() -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    return cal


def _zone(name: str) -> ZoneInfo:
    try:
        return zone_from_name(name)
    except InvalidInput:
        return ZoneInfo("UTC")


def _event(
    a: ActionInfo, *, uid: str, sequence: int, now: datetime, zone: ZoneInfo | None = None
) -> Event:
    """One VEVENT; times in UTC, or on the wall clock of ``zone`` (a series: its RRULE must
    repeat local time)."""
    zone = zone or ZoneInfo("UTC")
    end = a.ends_at or a.starts_at + timedelta(hours=1)
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", now)
    event.add("dtstart", a.starts_at.astimezone(zone))
    event.add("dtend", end.astimezone(zone))
    event.add("summary", a.title)
    event.add("categories", [a.kind_label])
    event.add("status", "CANCELLED" if a.cancelled else "CONFIRMED")
    if a.location:
        event.add("location", a.location)
    description = a.description or ""
    if a.ask_title:
        description = (description + "\n\n" if description else "") + f"Ask: {a.ask_title}"
    if description:
        event.add("description", description)
    return event


def ics_text(action: ActionInfo, *, now: datetime) -> str:
    """One action (or one occurrence, on its own) as a calendar file; ``now`` is its DTSTAMP."""
    cal = _calendar()
    cal.add_component(_event(action, uid=action.uid, sequence=action.sequence, now=now))
    cal.add_missing_timezones()
    return str(cal.to_ical().decode("utf-8"))


def _series_events(found: ActionSeries, members: list[ActionInfo], now: datetime) -> list[Event]:
    """The series' VEVENT (RRULE, EXDATEs) and one override for each occurrence moved alone."""
    zone = _zone(found.timezone)
    ordered = sorted(members, key=lambda a: (a.recurrence_at or a.starts_at, a.id))
    every_cancelled = all(a.cancelled for a in ordered)
    # The rule starts at the first occurrence, with what an unmoved occurrence says.
    shown = next((a for a in ordered if a.starts_at == a.recurrence_at), ordered[0])
    first = found.first_starts_at
    status = ActionStatus.CANCELLED if every_cancelled else ActionStatus.SCHEDULED
    master = _event(
        replace(shown, starts_at=first, status=status),
        uid=found.uid,
        sequence=found.sequence,
        now=now,
        zone=zone,
    )
    master.add("rrule", rrule(found.repeat, first, zone, found.count))
    events = [master]
    for a in ordered:
        assert a.recurrence_at is not None
        if a.cancelled and not every_cancelled:
            master.add("exdate", a.recurrence_at.astimezone(zone))
        elif not a.cancelled and a.starts_at != a.recurrence_at:
            override = _event(a, uid=found.uid, sequence=found.sequence, now=now, zone=zone)
            override.add("recurrence-id", a.recurrence_at.astimezone(zone))
            events.append(override)
    return events


async def _series_members(uow: UnitOfWork, series_id: int) -> list[Action]:
    return list(
        (
            await uow.session.scalars(
                select(Action).where(Action.series_id == series_id).order_by(Action.id)
            )
        ).all()
    )


async def _coalition_calendar(uow: UnitOfWork, coalition: Coalition) -> Calendar:
    """Every upcoming action of ``coalition``: one-off ones, and each series with an
    occurrence still to come (in full, so calendars that have it update it)."""
    cal = _calendar()
    upcoming = (
        await uow.session.scalars(
            select(Action)
            .where(Action.coalition_id == coalition.id, Action.starts_at > uow.now)
            .order_by(Action.starts_at, Action.id)
        )
    ).all()
    seen: set[int] = set()
    for action in upcoming:
        if action.series_id is None:
            a = info(action, coalition, await ask_title(uow, action.ask_id))
            cal.add_component(_event(a, uid=a.uid, sequence=a.sequence, now=uow.now))
        elif action.series_id not in seen:
            seen.add(action.series_id)
            for event in await _series_calendar_events(uow, coalition, action.series_id):
                cal.add_component(event)
    return cal


async def _series_calendar_events(
    uow: UnitOfWork, coalition: Coalition, series_id: int
) -> list[Event]:
    found = await uow.session.get(ActionSeries, series_id)
    assert found is not None
    members = await _series_members(uow, series_id)
    title = await ask_title(uow, members[0].ask_id) if members else None
    return _series_events(found, [info(m, coalition, title) for m in members], uow.now)


def _file_name(text: str) -> str:
    return (re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:40] or "action") + ".ics"


async def ics(
    uow: UnitOfWork, actor: Actor, action_id: int, scope: str = "this"
) -> tuple[str, bytes]:
    """/action ics: (file name, bytes) for ``scope`` this, series or coalition."""
    if scope not in SCOPES:
        raise InvalidInput("Choose what to export: this action, its series, or the coalition.")
    action, coalition = await get_action(uow, actor, action_id)
    if scope == "coalition":
        cal = await _coalition_calendar(uow, coalition)
        name = _file_name(coalition.name)
    elif scope == "series" and action.series_id is not None:
        cal = _calendar()
        for event in await _series_calendar_events(uow, coalition, action.series_id):
            cal.add_component(event)
        name = _file_name(action.title + " series")
    else:
        a = info(action, coalition, await ask_title(uow, action.ask_id))
        return _file_name(a.title), ics_text(a, now=uow.now).encode("utf-8")
    cal.add_missing_timezones()
    return name, cal.to_ical()
