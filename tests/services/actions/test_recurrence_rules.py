"""The recurrence rule and reminder offsets as pure functions: the RRULE a calendar reads
gives the starts the bot planned, and "1 day before" keeps the local time of day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from bot.db.models.enums import Repeat
from bot.services.actions._recurrence import occurrences, repeat_slug, rrule
from bot.services.reminders.offsets import due_before

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize("repeat", list(Repeat))
@pytest.mark.parametrize(
    "first",
    [
        datetime(2026, 10, 20, 8, 0, tzinfo=UTC),  # before the October change
        datetime(2026, 1, 31, 17, 0, tzinfo=UTC),  # a 31st, and the fifth Saturday
        datetime(2028, 2, 29, 9, 0, tzinfo=UTC),  # 29 February
    ],
)
def test_the_rrule_gives_the_same_starts_as_the_bot(repeat: Repeat, first: datetime) -> None:
    starts = occurrences(repeat, first, PARIS, count=8)
    event = icalendar.Event()
    event.add("dtstart", first.astimezone(PARIS))
    event.add("rrule", rrule(repeat, first, PARIS, 8))
    cal = icalendar.Calendar()
    cal.add_component(event)
    got = recurring_ical_events.of(cal).between(date(2025, 1, 1), date(2031, 1, 1))
    assert sorted(e["DTSTART"].dt.astimezone(UTC) for e in got) == starts


def test_repeat_names() -> None:
    assert repeat_slug("every 2 weeks") == Repeat.BIWEEKLY
    assert repeat_slug("Monthly on the same weekday") == Repeat.MONTHLY_WEEKDAY
    with pytest.raises(Exception, match="how it repeats"):
        repeat_slug("daily")


@pytest.mark.parametrize(
    ("starts", "label", "zone", "due"),
    [
        # "1 day before" Sunday 25 Oct 2026 14:30 (after the fall-back): Saturday 14:30 local
        (datetime(2026, 10, 25, 13, 30, tzinfo=UTC), "1d", "Europe/Paris", "2026-10-24 12:30"),
        # hours stay absolute: 24h before is 13:30 local on Saturday
        (datetime(2026, 10, 25, 13, 30, tzinfo=UTC), "24h", "Europe/Paris", "2026-10-24 13:30"),
        # a week before across the March change: same local time
        (datetime(2026, 4, 1, 8, 0, tzinfo=UTC), "1w", "Europe/Paris", "2026-03-25 09:00"),
        # a day before lands in the gap (02:30 on 29 March): the next valid time, 03:00 local
        (datetime(2026, 3, 30, 0, 30, tzinfo=UTC), "1d", "Europe/Paris", "2026-03-29 01:00"),
        # New York and Sydney
        (datetime(2026, 11, 2, 15, 0, tzinfo=UTC), "1d", "America/New_York", "2026-11-01 15:00"),
        (datetime(2026, 4, 6, 0, 0, tzinfo=UTC), "2d", "Australia/Sydney", "2026-04-03 23:00"),
        # an unknown zone counts elapsed time
        (datetime(2026, 10, 25, 13, 30, tzinfo=UTC), "1d", "Mars/Olympus", "2026-10-24 13:30"),
    ],
)
def test_whole_days_keep_the_local_time_of_day(
    starts: datetime, label: str, zone: str, due: str
) -> None:
    assert f"{due_before(starts, label, zone):%Y-%m-%d %H:%M}" == due
