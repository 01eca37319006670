"""Recurring actions: a series (its rule and calendar identity) and its occurrences, each an
``Action`` row with its own reminders and answers.

A reschedule or cancel of an occurrence changes that one (``ChangeScope.THIS``) or it and every
later one (``FOLLOWING``); the series' SEQUENCE rises with every change, so calendars update.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from bot.db.models import Action, ActionSeries, Coalition
from bot.db.models.enums import ActionStatus, ChangeScope, Repeat
from bot.db.uow import UnitOfWork
from bot.errors import InvalidInput
from bot.services.actions._recurrence import (
    MAX_OCCURRENCES,
    describe,
    occurrences,
    repeat_slug,
)
from bot.services.common import Actor
from bot.services.timeparse import parse_local_datetime, zone_from_name


@dataclass(frozen=True, slots=True)
class Rule:
    repeat: Repeat
    until: str | None
    count: int | None


@dataclass(frozen=True, slots=True)
class Plan:
    series: ActionSeries
    starts: tuple[datetime, ...]
    described: str  # "weekly on Tuesday at 10:00 Europe/Paris, 8 times (last …)"


def read_rule(repeat: str | None, until: str | None, count: int | None) -> Rule | None:
    """The rule typed in /action schedule, or None for a one-off action."""
    until_ = (until or "").strip() or None
    if not (repeat or "").strip():
        if until_ is not None or count is not None:
            raise InvalidInput("until and count are for a repeating action: choose repeat too.")
        return None
    if count is not None and not 1 <= count <= MAX_OCCURRENCES:
        raise InvalidInput(f"count must be between 1 and {MAX_OCCURRENCES}.")
    if count is not None and until_ is not None:
        raise InvalidInput("Give either until or count, not both.")
    return Rule(repeat_slug(repeat or ""), until_, count)


async def plan(
    uow: UnitOfWork,
    actor: Actor,
    coalition: Coalition,
    rule: Rule,
    first: datetime,
    zone_name: str,
    locale: str | None,
) -> Plan:
    """The series row (flushed, so it has its id) and the start of every occurrence."""
    zone = zone_from_name(zone_name)
    until = None
    if rule.until is not None:
        until = parse_local_datetime(rule.until, zone_name, uow.now, locale=locale).when
        if until < first:
            raise InvalidInput("until is before the first occurrence. Choose a later date.")
    starts = tuple(occurrences(rule.repeat, first, zone, count=rule.count, until=until))
    row = ActionSeries(
        guild_id=actor.guild_id,
        coalition_id=coalition.id,
        repeat=rule.repeat,
        timezone=zone_name,
        first_starts_at=first,
        count=len(starts),
        until_at=until,
        uid=f"series-{uuid.uuid4().hex}@coalition-bot",
        sequence=0,
        created_by=actor.user_id,
        created_at=uow.now,
    )
    uow.session.add(row)
    await uow.session.flush()
    last = starts[-1].astimezone(zone)
    times = "once" if len(starts) == 1 else f"{len(starts)} times"
    described = f"{describe(rule.repeat, first, zone)}, {times} (last on {last:%Y-%m-%d})"
    return Plan(row, starts, described)


async def affected(
    uow: UnitOfWork, action: Action, scope: str | None, verb: str
) -> tuple[list[Action], ActionSeries | None]:
    """The occurrences a change with ``scope`` touches (``action`` first) and their series,
    locked; a one-off action is just itself."""
    if action.series_id is None:
        return [action], None
    series = await uow.session.get(ActionSeries, action.series_id, with_for_update=True)
    if scope not in (ChangeScope.THIS, ChangeScope.FOLLOWING):
        raise InvalidInput(
            f'"{action.title}" repeats. Choose whether to {verb} this occurrence only or '
            "this and the following ones."
        )
    if scope == ChangeScope.THIS:
        return [action], series
    later = (
        await uow.session.scalars(
            select(Action)
            .where(
                Action.series_id == action.series_id,
                Action.id != action.id,
                Action.status == ActionStatus.SCHEDULED,
                Action.recurrence_at > action.recurrence_at,
                Action.starts_at > uow.now,
            )
            .order_by(Action.recurrence_at, Action.id)
            .with_for_update()
        )
    ).all()
    return [action, *later], series


def changed(series: ActionSeries | None) -> None:
    """A change to any occurrence changes the series' calendar entry: its SEQUENCE rises."""
    if series is not None:
        series.sequence += 1
