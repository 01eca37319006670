"""Recurring actions as services: occurrences keep their local time across daylight-saving
changes, each has its own reminders, a change touches this occurrence or this and the
following ones, and the .ics file expands back into the same occurrences."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from sqlalchemy import select

from bot.clock import FakeClock
from bot.db.models import Action, Reminder
from bot.db.models.enums import Repeat
from bot.errors import InvalidInput
from bot.services import actions
from bot.services.actions._recurrence import occurrences
from tests.conftest import both_backends
from tests.services.actions.conftest import COORD, STRANGER, World

pytestmark = both_backends

NOW = datetime(2026, 3, 1, 11, 0, tzinfo=UTC)  # a Sunday
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


async def weekly(world: World, **kw):  # type: ignore[no-untyped-def]
    return await world(
        actions.schedule_action,
        COORD,
        coalition_id=world.rhone,
        title="Weekly call",
        when=kw.pop("when", "2026-03-17 10:00"),  # a Tuesday, before the March change
        timezone="Europe/Paris",
        kind="meeting",
        repeat=kw.pop("repeat", "weekly"),
        **kw,
    )


async def series_rows(world: World) -> list[Action]:
    async with world.uow() as uow:
        return list(
            (
                await uow.session.scalars(
                    select(Action).where(Action.series_id.is_not(None)).order_by(Action.starts_at)
                )
            ).all()
        )


def local(rows: list[Action]) -> list[str]:
    return [f"{r.starts_at.astimezone(PARIS):%a %Y-%m-%d %H:%M}" for r in rows]


async def test_a_weekly_series_across_the_march_change_keeps_ten_oclock(world: World) -> None:
    result = await weekly(world, count=4)
    rows = await series_rows(world)
    assert local(rows) == [
        "Tue 2026-03-17 10:00",
        "Tue 2026-03-24 10:00",
        "Tue 2026-03-31 10:00",  # after 29 March: UTC+2
        "Tue 2026-04-07 10:00",
    ]
    assert [r.starts_at.hour for r in rows] == [9, 9, 8, 8]  # the UTC hour moves instead
    assert result.occurrences == tuple(r.starts_at for r in rows)
    assert "weekly on Tuesday at 10:00 Europe/Paris, 4 times" in (result.repeats or "")
    assert "read as" in result.reading and "10:00" in result.reading


async def test_each_occurrence_has_its_own_reminders(world: World) -> None:
    await weekly(world, count=3)
    rows = await series_rows(world)
    async with world.uow() as uow:
        reminders = (await uow.session.scalars(select(Reminder))).all()
    by_action = {r.id: sorted(x.due_at for x in reminders if x.action_id == r.id) for r in rows}
    for row in rows:
        # 7d before the first occurrence is already past (it is 16 days away: all three fit).
        # Whole days keep the local time of day across the March change; hours are elapsed.
        wall = row.starts_at.astimezone(PARIS)
        assert by_action[row.id] == sorted(
            [
                (wall - timedelta(days=7)).astimezone(UTC),
                (wall - timedelta(days=1)).astimezone(UTC),
                row.starts_at - timedelta(hours=2),
            ]
        )


async def test_monthly_on_the_same_weekday_and_date(world: World) -> None:
    await weekly(world, when="2026-03-10 18:00", repeat="monthly on the same weekday", count=3)
    rows = await series_rows(world)
    assert local(rows) == ["Tue 2026-03-10 18:00", "Tue 2026-04-14 18:00", "Tue 2026-05-12 18:00"]
    first = datetime(2027, 1, 31, 9, 0, tzinfo=UTC)
    starts = occurrences(Repeat.MONTHLY_DATE, first, PARIS, count=3)
    assert [s.date() for s in starts] == [date(2027, 1, 31), date(2027, 3, 31), date(2027, 5, 31)]


async def test_until_and_count_and_their_refusals(world: World) -> None:
    await weekly(world, repeat="every 2 weeks", until="2026-04-30")
    assert local(await series_rows(world)) == [
        "Tue 2026-03-17 10:00",
        "Tue 2026-03-31 10:00",
        "Tue 2026-04-14 10:00",
        "Tue 2026-04-28 10:00",
    ]
    with pytest.raises(InvalidInput, match="either until or count"):
        await weekly(world, until="2026-04-30", count=3)
    with pytest.raises(InvalidInput, match="before the first"):
        await weekly(world, until="2026-03-16")
    with pytest.raises(InvalidInput, match="choose repeat"):
        await weekly(world, repeat=None, count=3)
    with pytest.raises(InvalidInput, match="more than 52"):
        await weekly(world, until="2028-01-01")


async def test_cancelling_one_occurrence_leaves_the_others(world: World) -> None:
    await weekly(world, count=3)
    rows = await series_rows(world)
    with pytest.raises(InvalidInput, match="repeats"):
        await world(actions.cancel_action, COORD, action_id=rows[1].id, reason="Holiday")
    r = await world(
        actions.cancel_action, COORD, action_id=rows[1].id, reason="Holiday", scope="this"
    )
    assert r.changed == 1
    after = await series_rows(world)
    assert [a.status for a in after] == ["scheduled", "cancelled", "scheduled"]
    async with world.uow() as uow:
        pending = (
            await uow.session.scalars(
                select(Reminder.action_id).where(
                    Reminder.status == "pending", Reminder.kind == "action"
                )
            )
        ).all()
    assert rows[1].id not in pending and {rows[0].id, rows[2].id} <= set(pending)
    listed = await world(actions.list_actions, STRANGER, coalition_id=world.rhone)
    assert [a.id for a in listed[1]] == [rows[0].id]  # the next occurrence of the series


async def test_this_and_following_moves_later_ones_by_the_same_wall_clock_step(
    world: World,
) -> None:
    await weekly(world, count=4)
    rows = await series_rows(world)
    r = await world(
        actions.reschedule_action,
        COORD,
        action_id=rows[1].id,
        when="2026-03-25 11:30",
        scope="following",
    )
    assert r.changed == 3
    assert local(await series_rows(world)) == [
        "Tue 2026-03-17 10:00",
        "Wed 2026-03-25 11:30",
        "Wed 2026-04-01 11:30",  # across the change: still 11:30 local
        "Wed 2026-04-08 11:30",
    ]
    await world(
        actions.cancel_action, COORD, action_id=rows[2].id, reason="Easter", scope="following"
    )
    statuses = [a.status for a in await series_rows(world)]
    assert statuses == ["scheduled", "scheduled", "cancelled", "cancelled"]


def expand(data: bytes, start: date, end: date) -> list[tuple[str, datetime, str]]:
    cal = icalendar.Calendar.from_ical(data)
    found = recurring_ical_events.of(cal).between(start, end)
    return sorted(
        (str(e["UID"]), e["DTSTART"].dt.astimezone(UTC), str(e.get("STATUS"))) for e in found
    )


async def test_the_ics_expands_back_into_the_same_occurrences(world: World) -> None:
    await weekly(world, count=5)
    rows = await series_rows(world)
    await world(actions.cancel_action, COORD, action_id=rows[2].id, reason="x", scope="this")
    await world(
        actions.reschedule_action,
        COORD,
        action_id=rows[3].id,
        when="2026-04-08 09:00",
        scope="this",
    )
    name, data = await world(actions.ics, STRANGER, rows[0].id, "series")
    assert name.endswith(".ics")
    cal = icalendar.Calendar.from_ical(data)
    [master] = [e for e in cal.walk("VEVENT") if "RRULE" in e]
    assert master["DTSTART"].params["TZID"] == "Europe/Paris"
    assert cal.walk("VTIMEZONE") and int(master["SEQUENCE"]) == 2
    expected = sorted(
        (str(master["UID"]), a.starts_at, "CONFIRMED")
        for a in await series_rows(world)
        if a.status == "scheduled"
    )
    assert expand(data, date(2026, 3, 1), date(2026, 6, 1)) == expected
    # One occurrence alone, and the whole coalition, parse too.
    _, one = await world(actions.ics, STRANGER, rows[2].id, "this")
    [event] = icalendar.Calendar.from_ical(one).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1
    _, everything = await world(actions.ics, STRANGER, rows[0].id, "coalition")
    assert expand(everything, date(2026, 3, 1), date(2026, 6, 1)) == expected


async def test_a_fully_cancelled_series_says_cancelled_with_a_higher_sequence(
    world: World,
) -> None:
    await weekly(world, count=2)
    rows = await series_rows(world)
    await world(actions.cancel_action, COORD, action_id=rows[0].id, reason="x", scope="following")
    _, data = await world(actions.ics, STRANGER, rows[0].id, "series")
    [master] = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert str(master["STATUS"]) == "CANCELLED" and int(master["SEQUENCE"]) == 1
