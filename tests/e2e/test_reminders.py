"""Reminders and digests seen from Discord: once, late after downtime, DMs refused, settings."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.db.models import Reminder
from bot.services import coalitions
from tests.e2e.test_actions import (  # noqa: F401  (restart is a fixture)
    in_days,
    restart,
    schedule,
    take_refused_dms,
)
from tests.e2e.world import World
from tests.seed import seed_e2e


def reminder_posts(world: World) -> list:  # type: ignore[type-arg]
    return [
        m
        for m in world.emu.channel_messages(world.channels["coalition"])
        if "Reminder:" in m.content
    ]


async def test_a_reminder_posts_in_the_channel_and_dms_coordinators(world: World) -> None:
    seed = await seed_e2e(world)
    await schedule(world, seed)
    announcement = world.emu.channel_messages(world.channels["coalition"])[0]
    await world.emu.click(announcement, label="Going", user=world.lena)
    world.clock.advance(timedelta(days=3, minutes=1))  # 7 days before
    await world.bot.workers.reminders.run_due()
    await world.bot.workers.outbox.drain()  # reminder channel posts go through the outbox
    [post] = reminder_posts(world)
    assert "Meet the Minister" in post.content and "<t:" in post.content
    assert "Not answered: Grenoble, Marseille" in post.content
    assert post.allowed_mentions == {"parse": []}
    [dm] = world.emu.dms(world.cora)
    assert "**Going (1):** Lyon" in dm.text
    assert "**No answer yet (2):** Grenoble, Marseille" in dm.text
    await world.bot.workers.reminders.run_due()
    await world.bot.workers.outbox.drain()  # reminder channel posts go through the outbox
    assert len(reminder_posts(world)) == 1 and len(world.emu.dms(world.cora)) == 1


async def test_a_reminder_missed_while_down_is_sent_once_at_start_marked_late(
    world: World,
    restart,  # noqa: F811
) -> None:
    seed = await seed_e2e(world)
    await schedule(world, seed)
    await world.bot.close()
    world.clock.advance(timedelta(days=3, hours=6))  # the 7-day reminder fell due while down
    await restart()
    await world.bot.workers.reminders.wait_idle()  # the start-up sweep
    await world.bot.workers.outbox.drain()  # reminder channel posts go through the outbox
    [post] = reminder_posts(world)
    assert "late: was due" in post.content
    await world.bot.workers.reminders.sweep()
    await world.bot.workers.outbox.drain()  # reminder channel posts go through the outbox
    assert len(reminder_posts(world)) == 1


async def test_a_coordinator_with_closed_dms_is_mentioned_once_and_rate_limits_delay(
    world: World,
) -> None:
    seed = await seed_e2e(world)
    async with world.uow() as uow:
        await coalitions.add_coordinator(
            uow, world.actor(world.cora), coalition_id=seed.coalition, user_id=world.mia.id
        )
    await schedule(world, seed)
    world.emu.rate_limit("POST", r"/channels/\d+/messages", times=2)
    world.clock.advance(timedelta(days=3, minutes=1))
    await world.bot.workers.reminders.run_due()
    await world.bot.workers.outbox.drain()  # reminder channel posts go through the outbox
    assert world.emu.rate_limit_hits  # Discord said "slow down"; the bot waited
    assert len(reminder_posts(world)) == 1
    channel = world.emu.channel_messages(world.channels["coalition"])
    fallback = [m for m in channel if m.content.startswith(world.mia.mention)]
    assert len(fallback) == 1 and "Meet the Minister" in fallback[0].content
    assert [int(u) for u in fallback[0].allowed_mentions["users"]] == [world.mia.id]
    assert take_refused_dms(world) == 1
    assert len(world.emu.dms(world.cora)) == 1
    await world.bot.workers.reminders.run_due()
    await world.bot.workers.outbox.drain()  # reminder channel posts go through the outbox
    assert take_refused_dms(world) == 0  # never retried


async def test_settings_reminders_changes_the_offsets(world: World) -> None:
    seed = await seed_e2e(world)
    await schedule(world, seed, when=in_days(world, 10))
    bad = await world.slash(
        "coalition settings reminders",
        user=world.cora,
        coalition=str(seed.coalition),
        offsets="1d,24h",
    )
    assert bad.ephemeral and "twice" in bad.text
    refused = await world.slash(
        "coalition settings reminders",
        user=world.lena,
        coalition=str(seed.coalition),
        offsets="3d",
    )
    assert "Only coordinators" in refused.text
    ok = await world.slash(
        "coalition settings reminders",
        user=world.cora,
        coalition=str(seed.coalition),
        offsets="3d, 30m",
    )
    assert "3 days, 30 minutes before each action" in ok.text and "Updated 1" in ok.text
    async with world.uow() as uow:
        labels = (
            await uow.session.scalars(
                select(Reminder.offset_label).where(Reminder.status == "pending")
            )
        ).all()
    assert sorted(labels) == ["30m", "3d"]
    world.clock.advance(timedelta(days=3, minutes=1))  # the old 7-day time: nothing now
    await world.bot.workers.reminders.run_due()
    await world.bot.workers.outbox.drain()  # reminder channel posts go through the outbox
    assert reminder_posts(world) == []
    world.clock.advance(timedelta(days=4))  # 3 days before
    await world.bot.workers.reminders.run_due()
    await world.bot.workers.outbox.drain()  # reminder channel posts go through the outbox
    assert len(reminder_posts(world)) == 1


async def test_settings_digest_sends_a_weekly_digest_and_can_be_turned_off(
    world: World,
) -> None:
    seed = await seed_e2e(world)
    await schedule(world, seed, when=in_days(world, 5), title="Press day", kind="press_conference")
    weekday = (world.clock.now() + timedelta(days=2)).strftime("%A").lower()
    on = await world.slash(
        "coalition settings digest",
        user=world.cora,
        coalition=str(seed.coalition),
        weekday=weekday,
        time="09:00",
        timezone="UTC",
    )
    assert on.ephemeral and "coordinator" in on.text and "<t:" in on.text
    world.clock.advance(timedelta(days=3))
    await world.bot.workers.reminders.sweep()
    await world.bot.workers.outbox.drain()  # reminder channel posts go through the outbox
    [dm] = world.emu.dms(world.cora)
    assert "Weekly digest — Alpine Climate Pact" in dm.text
    assert "Press day" in dm.text and "no answer: Grenoble, Lyon, Marseille" in dm.text
    digests_in_channel = [
        m
        for m in world.emu.channel_messages(world.channels["coalition"])
        if "Weekly digest" in m.content
    ]
    assert len(digests_in_channel) == 1
    off = await world.slash(
        "coalition settings digest",
        user=world.cora,
        coalition=str(seed.coalition),
        weekday="off",
    )
    assert "is off" in off.text
    world.clock.advance(timedelta(days=8))
    await world.bot.workers.reminders.sweep()
    await world.bot.workers.outbox.drain()  # reminder channel posts go through the outbox
    assert len(world.emu.dms(world.cora)) == 1
