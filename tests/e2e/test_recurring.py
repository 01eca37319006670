"""Recurring actions seen from Discord: a weekly series across the March change, reminders of
two occurrences each sent once across a restart, the scope buttons, and the series' .ics."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
from sqlalchemy import select

from bot.db.models import Action
from tests.e2e.test_actions import restart  # noqa: F401  (a fixture)
from tests.e2e.world import World
from tests.seed import seed_e2e

PARIS = ZoneInfo("Europe/Paris")


async def occurrences(world: World) -> list[Action]:
    async with world.uow() as uow:
        return list((await uow.session.scalars(select(Action).order_by(Action.starts_at))).all())


def reminder_posts(world: World) -> list:  # type: ignore[type-arg]
    channel = world.emu.channel_messages(world.channels["coalition"])
    return [m for m in channel if "Reminder:" in m.content]


async def weekly_call(world: World, **options):  # type: ignore[no-untyped-def]
    seed = await seed_e2e(world)
    world.clock.set(datetime(2031, 3, 10, 8, 0, tzinfo=UTC))  # Monday, before 30 March 2031
    reply = await world.slash(
        "action schedule",
        user=world.cora,
        coalition=str(seed.coalition),
        title="Weekly call",
        when="2031-03-18 10:00",
        timezone="Paris",
        kind="meeting",
        repeat="weekly",
        **options,
    )
    return seed, reply


async def test_a_weekly_series_keeps_ten_oclock_and_each_reminder_goes_once(
    world: World,
    restart,  # noqa: F811
) -> None:
    _, reply = await weekly_call(world, count=3)
    assert (
        "read as" in reply.text and "Repeats weekly on Tuesday at 10:00 Europe/Paris" in reply.text
    )
    rows = await occurrences(world)
    assert [f"{a.starts_at.astimezone(PARIS):%Y-%m-%d %H:%M}" for a in rows] == [
        "2031-03-18 10:00",
        "2031-03-25 10:00",
        "2031-04-01 10:00",  # after the change: still 10:00 local
    ]
    # The 2-hour reminders of the first two occurrences fall due while the bot is down.
    await world.bot.close()
    world.clock.set(rows[1].starts_at - timedelta(hours=1, minutes=30))
    await restart()
    await world.bot.workers.reminders.wait_idle()
    await world.bot.workers.outbox.drain()
    await world.bot.workers.reminders.sweep()
    await world.bot.workers.outbox.drain()
    await restart()
    await world.bot.workers.reminders.wait_idle()
    await world.bot.workers.outbox.drain()
    posts = [m.content for m in reminder_posts(world)]
    first_ts = f"starts <t:{int(rows[0].starts_at.timestamp())}:"
    second_ts = f"starts <t:{int(rows[1].starts_at.timestamp())}:"
    third_ts = f"starts <t:{int(rows[2].starts_at.timestamp())}:"
    # The first occurrence had begun: its reminders are skipped, not sent late. The second's
    # three (7 days, 1 day, 2 hours before) each went out once, marked late; none of the third.
    assert sum(second_ts in p for p in posts) == 3, posts
    assert all("late" in p for p in posts)
    assert not any(first_ts in p or third_ts in p for p in posts), posts


async def test_cancel_asks_which_occurrences_and_the_ics_parses_back(world: World) -> None:
    seed, _ = await weekly_call(world, count=4)
    rows = await occurrences(world)
    asked = await world.slash(
        "action cancel", user=world.cora, action=str(rows[1].id), reason="Holiday"
    )
    assert "repeats" in asked.text
    assert [b["label"] for b in asked.message.buttons()] == [
        "This occurrence",
        "This and following",
    ]
    edits = asked.message.edits
    await world.emu.click(asked.message, label="This occurrence", user=world.cora)
    await world.emu.wait_for(lambda: asked.message.edits > edits)
    answer = asked.message.text  # the answer replaces the question
    assert "Cancelled **Weekly call**" in answer and "other occurrences keep" in answer
    assert asked.message.buttons() == []
    assert [a.status for a in await occurrences(world)] == [
        "scheduled",
        "cancelled",
        "scheduled",
        "scheduled",
    ]
    listed = await world.slash("action list", user=world.sam, coalition=str(seed.coalition))
    assert listed.text.count("Weekly call") == 1 and "next occurrence" in listed.text
    ics = await world.slash("action ics", user=world.sam, action=str(rows[0].id), scope="series")
    [(_name, data)] = ics.files
    cal = icalendar.Calendar.from_ical(data)
    found = recurring_ical_events.of(cal).between(date(2031, 3, 1), date(2031, 6, 1))
    assert sorted(e["DTSTART"].dt.astimezone(UTC) for e in found) == [
        a.starts_at for a in await occurrences(world) if a.status == "scheduled"
    ]
