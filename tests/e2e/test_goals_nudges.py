"""Goals and nudges seen from Discord (issue 14): /ask goal shows its progress, reaching it is
told once (one post, the coordinators' DMs, one ``ask.goal_reached`` webhook), even after a
restart; falling below shows "goal no longer met"; /ask nudge DMs the missing cities with a
working Sign for my city button, once a day at most."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest

from tests.conftest import both_backends
from tests.e2e.test_actions import (  # noqa: F401  (restart is a fixture)
    restart,
    take_refused_dms,
)
from tests.e2e.world import World
from tests.seed import E2ESeed, seed_e2e
from tests.services.webhooks.conftest import Receiver

SIGN, READ = "Sign for my city", "Read the full text"
TITLE = "Car-free centres by 2030"
GOAL_POST = f'🎯 The goal of "{TITLE}" is met'


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    server = Receiver()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def one_private(reply: Any) -> Any:
    messages = ([reply.message] if reply.message else []) + list(reply.followups)
    assert len(messages) == 1, [m.text for m in messages]
    assert messages[0].ephemeral
    return messages[0]


async def sign(world: World, user: Any, seed: E2ESeed) -> str:
    """/ask sign, then Confirm: what the representative reads at the end."""
    prompt = await world.slash("ask sign", user=user, ask=str(seed.ask))
    done = await world.emu.click(prompt.message, label="Confirm", user=user)
    return str(done.text)


async def withdraw(world: World, user: Any, seed: E2ESeed) -> str:
    reply = await world.slash("ask withdraw", user=user, ask=str(seed.ask), reason="Council vote")
    return str(one_private(reply).text)


def channel_texts(world: World) -> list[str]:
    return [m.text for m in world.emu.channel_messages(world.channels["coalition"])]


def goal_posts(world: World) -> list[str]:
    return [t for t in channel_texts(world) if t.startswith("🎯")]


def goal_events(receiver: Receiver) -> list[dict[str, Any]]:
    bodies = [json.loads(r.body) for r in receiver.requests]
    return [b for b in bodies if b.get("type") == "ask.goal_reached"]


def dms(world: World, user: Any) -> list[Any]:
    """The DMs the bot sent ``user`` (not the private answers to buttons pressed there)."""
    return [m for m in world.emu.dms(user) if not m.ephemeral]


async def settle(world: World) -> None:
    """Everything queued so far is sent: channel posts, DMs and webhook deliveries."""
    await world.bot.workers.outbox.drain()
    await world.bot.workers.webhooks.deliver_due()


@both_backends
async def test_a_goal_met_is_told_once_even_after_a_restart_then_lost_then_met_again(
    world: World,
    receiver: Receiver,
    restart: Callable[[], Awaitable[None]],  # noqa: F811
) -> None:
    seed = await seed_e2e(world)
    added = await world.slash(
        "webhook add",
        user=world.cora,
        coalition=str(seed.coalition),
        url=receiver.url,
        events="ask.goal_reached",
    )
    assert "added" in added.text
    set_goal = await world.slash("ask goal", user=world.cora, ask=str(seed.ask), cities=2)
    answer = one_private(set_goal).text
    assert f'Goal set for "{TITLE}" (Alpine Climate Pact):' in answer
    assert "0/2 cities" in answer and "already met" not in answer
    shown = await world.slash("ask show", user=world.sam, ask=str(seed.ask))
    goal = {f["name"]: f["value"] for f in shown.message.embeds[0]["fields"]}["Goal"]
    assert goal == "▱▱▱▱▱▱▱▱▱▱ 0/2 cities"

    assert "Done:" in await sign(world, world.lena, seed)
    await settle(world)
    assert goal_posts(world) == []  # 1 of 2: not yet

    assert "Done:" in await sign(world, world.gus, seed)
    await settle(world)
    await receiver.wait_for(1)
    assert goal_posts(world) == [f"{GOAL_POST}: 2/2 cities — goal met ✅."]
    [event] = goal_events(receiver)
    assert event["data"]["goal"] == {"cities": {"have": 2, "need": 2}}
    assert event["data"]["times_reached"] == 1
    [dm] = [m for m in world.emu.dms(world.cora) if m.text.startswith("🎯")]
    assert "/letter preview" in dm.text and "/letter finalise" in dm.text
    shown = await world.slash("ask show", user=world.sam, ask=str(seed.ask))
    goal = {f["name"]: f["value"] for f in shown.message.embeds[0]["fields"]}["Goal"]
    assert goal == "▰▰▰▰▰▰▰▰▰▰ 2/2 cities\nGoal met ✅"

    # A restart sweeps every goal again: the crossing is already told, so nothing more.
    await restart()
    await world.bot.workers.reminders.wait_idle()  # the start-up sweep judged the goal
    await settle(world)
    assert len(goal_posts(world)) == 1
    assert len(goal_events(receiver)) == 1 and len(receiver.requests) == 1
    assert len([m for m in world.emu.dms(world.cora) if m.text.startswith("🎯")]) == 1

    # A withdrawal drops it below: the ask says so, and nobody is told again.
    assert "withdrew" in await withdraw(world, world.gus, seed)
    await settle(world)
    shown = await world.slash("ask show", user=world.sam, ask=str(seed.ask))
    goal = {f["name"]: f["value"] for f in shown.message.embeds[0]["fields"]}["Goal"]
    assert goal.endswith("1/2 cities\nGoal no longer met")
    assert len(goal_posts(world)) == 1 and len(goal_events(receiver)) == 1

    # Met again: announced once more.
    assert "Done:" in await sign(world, world.mia, seed)
    await settle(world)
    await receiver.wait_for(2)
    assert goal_posts(world)[1] == f"{GOAL_POST} again: 2/2 cities — goal met ✅."
    assert [e["data"]["times_reached"] for e in goal_events(receiver)] == [1, 2]


async def test_the_ask_post_shows_the_goal_and_keeps_it_true(world: World) -> None:
    seed = await seed_e2e(world, with_ask=False)
    form = await world.slash("ask create", user=world.cora, coalition=str(seed.coalition))
    await world.emu.submit_modal(
        form, {"title": "Safe school streets", "target": "Minister", "text": "Fund them."}
    )
    await world.bot.workers.outbox.drain()
    [post] = [m for m in world.emu.channel_messages(world.channels["coalition"]) if m.buttons()]
    ask_id = re.search(r"ask:sign:(\d+)", post.buttons()[0]["custom_id"])
    assert ask_id is not None
    await world.slash("ask goal", user=world.cora, ask=ask_id[1], cities=3, population=0)
    await world.bot.workers.outbox.drain()
    fields = {f["name"]: f["value"] for f in post.embeds[0]["fields"]}
    assert fields["Goal"] == "▱▱▱▱▱▱▱▱▱▱ 0/3 cities"
    signed = await world.emu.click(post, label=SIGN, user=world.lena)
    await world.emu.click(one_private(signed), label="Confirm", user=world.lena)
    world.clock.advance(10)  # past the live post's debounce
    await world.bot.workers.outbox.drain()
    fields = {f["name"]: f["value"] for f in post.embeds[0]["fields"]}
    assert fields["Goal"] == "▰▰▰▱▱▱▱▱▱▱ 1/3 cities"


async def test_goal_refusals_say_what_to_do(world: World) -> None:
    seed = await seed_e2e(world)
    empty = one_private(await world.slash("ask goal", user=world.cora, ask=str(seed.ask)))
    assert "Give at least one part of the goal" in empty.text
    rep = one_private(await world.slash("ask goal", user=world.lena, ask=str(seed.ask), cities=2))
    assert rep.text.startswith("Only coordinators of Alpine Climate Pact")


@both_backends
async def test_a_nudge_reaches_the_missing_city_whose_button_signs_and_a_second_waits(
    world: World,
) -> None:
    seed = await seed_e2e(world)
    assert "Done:" in await sign(world, world.lena, seed)
    nudged = await world.slash(
        "ask nudge", user=world.cora, ask=str(seed.ask), message="The council votes on Monday."
    )
    answer = one_private(nudged).text
    # Lyon signed; Grenoble's gus gets the DM; Marseille's mia has her DMs closed.
    assert answer.startswith(f'Nudged 1 city about "{TITLE}" (Alpine Climate Pact).')
    assert "DMs closed: Marseille." in answer
    assert "(s)" not in answer
    assert take_refused_dms(world) == 1
    assert world.emu.dms(world.lena) == []  # Lyon already signed

    [dm] = dms(world, world.gus)
    assert f"**{TITLE}** (Alpine Climate Pact) is waiting for Grenoble's signature" in dm.text
    assert "> The council votes on Monday." in dm.text
    assert [b["label"] for b in dm.buttons()] == [SIGN, READ]
    prompt = one_private(await world.emu.click(dm, label=SIGN, user=world.gus))
    assert "Confirm to sign it for Grenoble" in prompt.text
    await world.emu.click(prompt, label="Confirm", user=world.gus)
    assert prompt.content.startswith(f'Done: Grenoble signed "{TITLE}"')

    world.clock.advance(timedelta(hours=23))
    again = one_private(await world.slash("ask nudge", user=world.cora, ask=str(seed.ask)))
    assert f'"{TITLE}" was nudged less than 24 hours ago' in again.text
    assert re.search(r"The next nudge may go <t:\d+:F> \(<t:\d+:R>\)\.", again.text)
    assert len(dms(world, world.gus)) == 1

    world.clock.advance(timedelta(hours=1, minutes=1))
    third = one_private(await world.slash("ask nudge", user=world.cora, ask=str(seed.ask)))
    assert third.text.startswith(f'Nobody could be nudged about "{TITLE}"')
    assert "DMs closed: Marseille." in third.text
    assert take_refused_dms(world) == 1
    assert len(dms(world, world.gus)) == 1  # Grenoble signed meanwhile

    history = await world.slash("ask history", user=world.sam, ask=str(seed.ask))
    lines = "\n".join(e.get("description", "") for e in history.message.embeds)
    assert lines.count("nudged the cities that had not signed") == 2
    assert f"<@{world.cora.id}> nudged the cities that had not signed: 1 city reached" in lines


async def test_a_representative_with_nudges_off_is_reported_not_dmed(world: World) -> None:
    seed = await seed_e2e(world)
    off = await world.slash("me notifications", user=world.gus, nudges="off")
    assert "Nudges by DM (a coordinator asking your city to sign): **off**" in off.text
    answer = one_private(await world.slash("ask nudge", user=world.cora, ask=str(seed.ask))).text
    assert answer.startswith(f'Nudged 1 city about "{TITLE}"')  # Lyon's lena
    assert "the representative has turned reminders off: Grenoble." in answer
    assert world.emu.dms(world.gus) == []
    assert len(world.emu.dms(world.lena)) == 1
    take_refused_dms(world)


async def test_nudge_refusals(world: World) -> None:
    seed = await seed_e2e(world)
    rep = one_private(await world.slash("ask nudge", user=world.lena, ask=str(seed.ask)))
    assert rep.text.startswith("Only coordinators of Alpine Climate Pact")
    await world.slash("ask close", user=world.cora, ask=str(seed.ask))
    closed = one_private(await world.slash("ask nudge", user=world.cora, ask=str(seed.ask)))
    assert f'"{TITLE}" is closed: there is nothing to sign.' in closed.text
    assert world.emu.dms(world.gus) == []
