"""/action and its RSVP buttons, seen from Discord."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.db.models import Rsvp
from bot.services import cities
from tests.conftest import both_backends
from tests.e2e.world import World, running_bot
from tests.seed import E2ESeed, seed_e2e

TS = re.compile(r"<t:(\d+):F> \(<t:\1:R>\)")


@pytest.fixture
async def restart(world: World, database_url: str) -> AsyncIterator[Callable[[], Awaitable[None]]]:
    """Stop the bot and start a new one on the same emulator, database and clock."""
    async with contextlib.AsyncExitStack() as stack:

        async def again() -> None:
            await world.bot.close()
            world.bot = await stack.enter_async_context(
                running_bot(world.emu, database_url, clock=world.clock)
            )

        yield again


def take_refused_dms(world: World) -> int:
    """Expected refusals (mia has closed DMs): remove them so only surprises fail a test."""
    found = [v for v in world.emu.violations if v.code == 50007]
    world.emu.violations[:] = [v for v in world.emu.violations if v.code != 50007]
    return len(found)


def in_days(world: World, days: float) -> str:
    return (world.clock.now() + timedelta(days=days)).strftime("%Y-%m-%d %H:%M")


async def schedule(world: World, seed: E2ESeed, **options):  # type: ignore[no-untyped-def]
    options.setdefault("title", "Meet the Minister")
    options.setdefault("when", in_days(world, 10))
    options.setdefault("timezone", "UTC")
    options.setdefault("kind", "meeting")
    return await world.slash(
        "action schedule", user=world.cora, coalition=str(seed.coalition), **options
    )


def announcements(world: World) -> list:  # type: ignore[type-arg]
    """The action announcements (posts with RSVP buttons) in the coalition's channel."""
    return [
        m
        for m in world.emu.channel_messages(world.channels["coalition"])
        if any(b.get("label") == "Going" for b in m.buttons())
    ]


async def only_action_id(world: World) -> int:
    from bot.db.models import Action

    async with world.uow() as uow:
        return int(await uow.session.scalar(select(Action.id)))


async def test_schedule_echoes_the_time_and_announces_with_buttons(world: World) -> None:
    seed = await seed_e2e(world)
    reply = await schedule(
        world,
        seed,
        when="2030-12-05 14:30",
        timezone="Europe/Paris",
        duration="1h30",
        location="Ministry, Paris",
        ask=str(seed.ask),
    )
    assert reply.ephemeral
    match = TS.search(reply.text)
    assert match and int(match.group(1)) == int(
        datetime(2030, 12, 5, 13, 30, tzinfo=UTC).timestamp()
    )
    assert "2030-12-05 14:30 Europe/Paris" in reply.text
    assert "Announced in" in reply.text
    [post] = announcements(world)
    assert [b["label"] for b in post.buttons()] == ["Going", "Maybe", "Not going"]
    assert "Meet the Minister" in post.text and "Ministry, Paris" in post.text
    assert "Car-free centres by 2030" in post.text
    assert post.allowed_mentions == {"parse": []}


async def test_phrases_remembered_zone_and_refusals(world: World) -> None:
    seed = await seed_e2e(world)
    first = await schedule(world, seed, when="in 3 days at 09:00", timezone="America/New_York")
    assert "America/New_York" in first.text
    second = await schedule(world, seed, when="in 4 days at 10:00", timezone=None)
    assert "America/New_York" in second.text  # the zone cora used last time
    past = await schedule(world, seed, when="2020-01-01 10:00")
    assert "in the past" in past.text
    gap = await schedule(world, seed, when="2031-03-30 02:30", timezone="Europe/Paris")
    assert "does not exist" in gap.text
    twice = await schedule(world, seed, when="2031-10-26 02:30", timezone="Europe/Paris")
    assert "happens twice" in twice.text and "first one" in twice.text
    refused = await world.slash(
        "action schedule",
        user=world.lena,
        coalition=str(seed.coalition),
        title="x",
        when=in_days(world, 5),
        timezone="UTC",
        kind="other",
    )
    assert "Only coordinators" in refused.text


async def test_no_channel_says_how_to_set_one(world: World) -> None:
    seed = await seed_e2e(world)
    from bot.db.models import Coalition

    async with world.uow() as uow:
        (await uow.session.get(Coalition, seed.coalition)).channel_id = None  # type: ignore[union-attr]
    reply = await schedule(world, seed)
    assert "no channel" in reply.text and "/coalition settings channel" in reply.text
    assert announcements(world) == []


async def test_buttons_record_rsvps_and_show_lists_every_city(world: World) -> None:
    seed = await seed_e2e(world)
    await schedule(world, seed)
    [post] = announcements(world)
    clicked = await world.emu.click(post, label="Going", user=world.lena)
    assert clicked.ephemeral and "Recorded for **Lyon**: **Going**" in clicked.text
    changed = await world.emu.click(post, label="Not going", user=world.lena)
    assert "Before: Going" in changed.text
    stranger = await world.emu.click(post, label="Maybe", user=world.sam)
    assert stranger.ephemeral and "don't represent any city" in stranger.text
    action_id = await only_action_id(world)
    shown = await world.slash("action show", user=world.sam, action=str(action_id))
    text = shown.text
    assert TS.search(text)
    assert "**Lyon** — Not going" in text
    assert "**Grenoble** — no answer" in text and "**Marseille** — no answer" in text
    async with world.uow() as uow:
        assert len((await uow.session.scalars(select(Rsvp))).all()) == 2  # history kept


async def test_buttons_work_after_a_restart(world: World, restart) -> None:  # type: ignore[no-untyped-def]
    seed = await seed_e2e(world)
    await schedule(world, seed)
    [post] = announcements(world)
    await restart()
    clicked = await world.emu.click(post, label="Maybe", user=world.gus)
    assert "Recorded for **Grenoble**: **Maybe**" in clicked.text


async def test_rsvp_command_list_autocomplete_and_ics(world: World) -> None:
    seed = await seed_e2e(world)
    await schedule(world, seed, title="Soon", when=in_days(world, 2))
    await schedule(world, seed, title="Later", when=in_days(world, 20))
    choices = await world.autocomplete("action show", "action", "", user=world.lena)
    assert [c["name"].split(" — ")[0] for c in choices] == ["Soon", "Later"]
    soon = choices[0]["value"]
    answer = await world.slash(
        "action rsvp", user=world.gus, action=soon, response="maybe", note="train strike?"
    )
    assert "Recorded for **Grenoble**: **Maybe**" in answer.text
    listed = await world.slash("action list", user=world.sam, coalition=str(seed.coalition))
    assert listed.text.index("Soon") < listed.text.index("Later")
    past = await world.slash(
        "action list", user=world.sam, coalition=str(seed.coalition), when="past"
    )
    assert "No past actions" in past.text
    shown = await world.slash("coalition show", user=world.sam, coalition=str(seed.coalition))
    upcoming = shown.all_text
    assert "Upcoming actions" in upcoming and upcoming.index("Soon") < upcoming.index("Later")
    ics = await world.slash("action ics", user=world.sam, action=soon)
    [(name, data)] = ics.files
    assert name == "soon.ics"
    assert b"BEGIN:VEVENT" in data and b"SEQUENCE:0" in data and b"STATUS:CONFIRMED" in data


async def test_reschedule_and_cancel_tell_those_who_answered(world: World) -> None:
    seed = await seed_e2e(world)
    await schedule(world, seed)
    [post] = announcements(world)
    action_id = str(await only_action_id(world))
    await world.emu.click(post, label="Going", user=world.lena)
    await world.emu.click(post, label="Maybe", user=world.mia)  # mia has closed DMs
    moved = await world.slash(
        "action reschedule", user=world.cora, action=action_id, when=in_days(world, 12)
    )
    assert "Moved **Meet the Minister**" in moved.text and "Lyon, Marseille" in moved.text
    await world.bot.workers.reminders.wait_idle()
    await world.bot.workers.outbox.drain()  # reminder channel posts go through the outbox
    [dm] = world.emu.dms(world.lena)
    assert "rescheduled" in dm.text
    assert world.emu.dms(world.gus) == []  # Grenoble never answered
    channel = world.emu.channel_messages(world.channels["coalition"])
    fallback = [m for m in channel if m.content.startswith(world.mia.mention)]
    assert len(fallback) == 1 and "rescheduled" in fallback[0].text
    assert [int(u) for u in fallback[0].allowed_mentions["users"]] == [world.mia.id]
    assert take_refused_dms(world) == 1  # tried once, never retried
    ics = await world.slash("action ics", user=world.sam, action=action_id)
    assert b"SEQUENCE:1" in ics.files[0][1]
    assert TS.search(post.text)  # the announcement shows the new time

    cancelled = await world.slash(
        "action cancel", user=world.cora, action=action_id, reason="Minister unavailable"
    )
    assert "Cancelled **Meet the Minister**" in cancelled.text
    await world.bot.workers.reminders.wait_idle()
    await world.bot.workers.outbox.drain()  # reminder channel posts go through the outbox
    assert "cancelled" in world.emu.dms(world.lena)[-1].text
    assert "Minister unavailable" in world.emu.dms(world.lena)[-1].text
    assert take_refused_dms(world) == 1
    assert post.buttons() == []  # no more answers on a cancelled action
    ics = await world.slash("action ics", user=world.sam, action=action_id)
    assert b"STATUS:CANCELLED" in ics.files[0][1]
    again = await world.slash("action rsvp", user=world.gus, action=action_id, response="going")
    assert "cancelled" in again.text


async def test_an_action_from_another_server_is_not_found(world: World) -> None:
    seed = await seed_e2e(world)
    await schedule(world, seed)
    action_id = str(await only_action_id(world))
    lobby = next(iter(world.other_guild.channels.values()))
    reply = await world.slash(
        "action show", user=world.bea, guild=world.other_guild, channel_=lobby, action=action_id
    )
    assert "can't find that action" in reply.text


@both_backends
async def test_two_representatives_answering_at_once_both_get_an_answer(world: World) -> None:
    """Issue 13 item 4: a button click and /action rsvp for one city at the same moment. The
    loser used to hit the unique index and read "Something went wrong (ref ...)"."""
    seed = await seed_e2e(world)
    async with world.uow() as uow:
        await cities.verify_representative(
            uow,
            world.actor(world.ada, admin=True),
            city_id=seed.lyon,
            user_id=world.olga.id,
            title="Councillor",
        )
    await schedule(world, seed)
    [post] = announcements(world)
    action_id = str(await only_action_id(world))
    for olga_says, lena_clicks in [("going", "Not going"), ("maybe", "Going")]:
        replies = await asyncio.gather(
            world.emu.click(post, label=lena_clicks, user=world.lena),
            world.slash("action rsvp", user=world.olga, action=action_id, response=olga_says),
        )
        for reply in replies:
            assert reply.ephemeral and "Recorded for **Lyon**" in reply.text, reply.text
    async with world.uow() as uow:
        current = (
            await uow.session.scalars(select(Rsvp).where(Rsvp.superseded_at.is_(None)))
        ).all()
    assert len(current) == 1
