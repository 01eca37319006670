"""/me seen from Discord (issue 14): a person's own settings; the representatives of cities
that answered Going or Maybe get the action reminders by DM, unless they turned them off."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from tests.conftest import both_backends
from tests.e2e.test_actions import schedule
from tests.e2e.world import World
from tests.seed import seed_e2e


def one_private(reply: Any) -> Any:
    messages = ([reply.message] if reply.message else []) + list(reply.followups)
    assert len(messages) == 1, [m.text for m in messages]
    assert messages[0].ephemeral
    return messages[0]


def reminders_to(world: World, user: Any) -> list[str]:
    return [m.text for m in world.emu.dms(user) if not m.ephemeral and m.text.startswith("⏰")]


async def test_me_show_and_notifications_round_trip(world: World) -> None:
    shown = one_private(await world.slash("me show", user=world.sam)).text
    assert shown.startswith("Your settings in this server:")
    assert "Reminders by DM (actions your city is going to, deadlines): **on**" in shown
    assert "Nudges by DM (a coordinator asking your city to sign): **on**" in shown
    assert "Time zone: **not chosen**" in shown and "Language: **not chosen**" in shown

    nothing = one_private(await world.slash("me notifications", user=world.sam)).text
    assert nothing.startswith("Choose what to change: reminders, nudges or both")

    off = one_private(
        await world.slash("me notifications", user=world.sam, reminders="off", nudges="off")
    ).text
    assert off.startswith("Saved. Your settings in this server:")
    assert "deadlines): **off**" in off and "sign): **off**" in off
    assert "Coordinators who nudge your coalition are told you have turned reminders off." in off

    # Per server: the same person in server B keeps the defaults there.
    elsewhere = one_private(
        await world.slash("me show", user=world.lena, guild=world.other_guild)
    ).text
    assert "deadlines): **on**" in elsewhere
    again = one_private(await world.slash("me show", user=world.sam)).text
    assert "deadlines): **off**" in again and not again.startswith("Saved.")


async def test_my_time_zone_is_used_for_my_times(world: World) -> None:
    bad = one_private(await world.slash("me timezone", user=world.cora, timezone="Atlantis"))
    assert "Atlantis" in bad.text and "Saved" not in bad.text
    saved = one_private(await world.slash("me timezone", user=world.cora, timezone="Lisboa")).text
    assert saved.startswith("Saved.") and "Time zone: **Europe/Lisbon**" in saved
    # Cora's times are now read in Lisbon when she gives no zone.
    seed = await seed_e2e(world)
    done = await world.slash(
        "action schedule",
        user=world.cora,
        coalition=str(seed.coalition),
        title="Call",
        when="2031-07-01 15:00",
        kind="meeting",
    )
    assert "Europe/Lisbon" in one_private(done).text
    cleared = one_private(await world.slash("me timezone", user=world.cora)).text
    assert "Time zone: **not chosen**" in cleared


@both_backends
async def test_a_representative_whose_city_is_going_gets_the_reminder_until_turning_it_off(
    world: World,
) -> None:
    seed = await seed_e2e(world)
    await schedule(world, seed, location="Ministry, 246 boulevard Saint-Germain")
    announcement = world.emu.channel_messages(world.channels["coalition"])[0]
    await world.emu.click(announcement, label="Going", user=world.lena)  # Lyon
    await world.emu.click(announcement, label="Not going", user=world.gus)  # Grenoble

    world.clock.advance(timedelta(days=3, minutes=1))  # the 7-day reminder
    await world.bot.workers.reminders.run_due()
    await world.bot.workers.outbox.drain()
    [dm] = reminders_to(world, world.lena)
    assert re.match(r"⏰ \*\*Meet the Minister\*\* \(Alpine Climate Pact\) starts <t:\d+:F>", dm)
    assert "Where: Ministry, 246 boulevard Saint-Germain" in dm
    assert "Coming so far: 1 city going, 0 cities maybe." in dm
    assert "/me notifications" in dm
    assert reminders_to(world, world.gus) == []  # Grenoble is not going
    assert len([m for m in world.emu.dms(world.cora) if not m.ephemeral]) == 1  # still hers

    off = await world.slash("me notifications", user=world.lena, reminders="off")
    assert "deadlines): **off**" in one_private(off).text
    world.clock.advance(timedelta(days=6))  # the 1-day reminder
    await world.bot.workers.reminders.run_due()
    await world.bot.workers.outbox.drain()
    assert len(reminders_to(world, world.lena)) == 1  # none since she turned them off
    assert len([m for m in world.emu.dms(world.cora) if not m.ephemeral]) == 2
