"""/coalition settings digest: when a coalition's weekly digest goes to its coordinators.

The schedule is a Digest row; each week's digest is a reminder row of kind ``digest`` (what it
says and when the sweep creates it: bot.services.reminders), so it is sent exactly once like
any reminder, late after downtime rather than never.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update

from bot.db.models import Digest, Reminder
from bot.db.models.enums import ReminderKind, ReminderStatus
from bot.db.uow import RemindersChanged, UnitOfWork
from bot.errors import InvalidInput
from bot.services.common import Actor, fold
from bot.services.guards import managed_coalition
from bot.services.reminders import (
    DigestAction,
    DigestAsk,
    DigestContent,
    DigestEvent,
    cancel_pending,
    digest_key,
    digest_row,
    insert_if_absent,
    next_occurrence,
)
from bot.services.timeparse import zone_from_name
from bot.services.timezones import remembered_timezone

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME = re.compile(r"^(\d{1,2})[:h.](\d{2})$")


@dataclass(frozen=True, slots=True)
class DigestSettingsResult:
    coalition_id: int
    coalition_name: str
    enabled: bool
    weekday: str | None
    local_time: str | None
    timezone: str | None
    next_at: datetime | None
    channel_id: int | None


def parse_weekday(value: str | None) -> int | None:
    """ "monday".."sunday" -> 0..6; "off" -> None."""
    key = fold(value or "")
    if key == "off":
        return None
    for i, name in enumerate(WEEKDAYS):
        if key in (name, name[:3]):
            return i
    raise InvalidInput('Please choose a day of the week, or "off" to stop the digest.')


def parse_time_of_day(value: str | None) -> str:
    match = _TIME.match((value or "").strip())
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise InvalidInput('Please give the time as HH:MM on a 24-hour clock, e.g. "09:00".')
    return f"{int(match[1]):02d}:{match[2]}"


async def set_digest(
    uow: UnitOfWork,
    actor: Actor,
    *,
    coalition_id: int,
    weekday: str,
    local_time: str | None,
    timezone: str | None,
) -> DigestSettingsResult:
    """Coordinators only. ``weekday`` "off" turns the digest off."""
    day = parse_weekday(weekday)
    session, now = uow.session, uow.now
    coalition = await managed_coalition(
        session, actor, coalition_id, "change its digest", lock="update"
    )
    digest = await session.get(Digest, coalition.id)
    await cancel_pending(
        session,
        Reminder.coalition_id == coalition.id,
        Reminder.kind == ReminderKind.DIGEST,
        detail="digest settings changed",
    )
    uow.wake(RemindersChanged())
    if day is None:
        if digest is not None:
            digest.enabled = False
            digest.updated_by = actor.user_id
        await session.flush()
        return DigestSettingsResult(
            coalition.id, coalition.name, False, None, None, None, None, coalition.channel_id
        )
    clock = parse_time_of_day(local_time)
    zone_name = (timezone or "").strip() or await remembered_timezone(uow, actor.user_id)
    if not zone_name:
        raise InvalidInput("Please choose a time zone (for example Europe/Paris).")
    zone = zone_from_name(zone_name).key
    if digest is None:
        digest = Digest(coalition_id=coalition.id, updated_by=actor.user_id)
        session.add(digest)
    digest.enabled = True
    digest.weekday = day
    digest.local_time = clock
    digest.timezone = zone
    digest.updated_by = actor.user_id
    digest.updated_at = now
    await session.flush()
    due = next_occurrence(day, clock, zone, now)
    await insert_if_absent(session, [digest_row(coalition, due, now)])
    # A cancelled row with this very key (settings changed back and forth) comes back.
    await session.execute(
        update(Reminder)
        .where(
            Reminder.dedupe_key == digest_key(coalition.id, due),
            Reminder.status == ReminderStatus.CANCELLED,
        )
        .values(status=ReminderStatus.PENDING, attempts=0, detail=None)
        .execution_options(synchronize_session=False)
    )
    return DigestSettingsResult(
        coalition.id,
        coalition.name,
        True,
        WEEKDAYS[day].capitalize(),
        clock,
        zone,
        due,
        coalition.channel_id,
    )


__all__ = [
    "WEEKDAYS",
    "DigestAction",
    "DigestAsk",
    "DigestContent",
    "DigestEvent",
    "DigestSettingsResult",
    "next_occurrence",
    "parse_time_of_day",
    "parse_weekday",
    "set_digest",
]
