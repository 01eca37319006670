"""Rate limits, gateway reconnects and resumes."""

from __future__ import annotations

import asyncio

import discord

from tests.emulator_selftest.selftest_bot import SelftestBot, World


async def test_route_429_is_retried(world: World, bot: SelftestBot) -> None:
    emu = world.emu
    emu.rate_limit("POST", r"^/channels/\d+/messages$", times=1, retry_after=0.05)
    inter = await emu.slash(
        "announce", user=world.alice, guild=world.guild, options={"channel": world.general}
    )
    assert inter.content == "announced"
    assert len(emu.rate_limit_hits) == 1
    assert [m.content for m in emu.channel_messages(world.general)] == ["hello channel"]
    emu.assert_no_violations()


async def test_webhook_429_is_retried(world: World, bot: SelftestBot) -> None:
    emu = world.emu
    emu.rate_limit("POST", r"^/webhooks/", times=2, retry_after=0.02)
    inter = await emu.slash("files", user=world.alice, guild=world.guild)
    followups = await inter.wait_followups(2)
    assert followups[0].files == [("hello.txt", b"hello file")]
    assert len(emu.rate_limit_hits) == 2
    emu.assert_no_violations()


async def test_global_429_on_interaction_callback_is_retried(
    world: World, bot: SelftestBot
) -> None:
    emu = world.emu
    emu.rate_limit("POST", r"/callback$", times=1, retry_after=0.05, global_=True)
    inter = await emu.slash("ask sign", user=world.alice, guild=world.guild, ask="1", city="Lyon")
    assert inter.content == "asked Lyon to sign 1"
    assert emu.rate_limit_hits and emu.rate_limit_hits[0].endswith("/callback")


async def test_global_rate_limit_is_enforced(world: World, bot: SelftestBot) -> None:
    emu = world.emu
    emu.global_rate_limit_per_second = 3
    channel = bot.get_channel(world.general.id)
    assert isinstance(channel, discord.TextChannel)
    await asyncio.gather(*(channel.send(f"m{i}") for i in range(5)))
    assert sorted(m.content for m in emu.channel_messages(world.general)) == [
        f"m{i}" for i in range(5)
    ]
    assert emu.rate_limit_hits
    assert all(v.status == 429 for v in emu.violations) and emu.violations


async def test_reconnect_resumes_and_keeps_answering(world: World, bot: SelftestBot) -> None:
    emu = world.emu
    first = await emu.slash("ask sign", user=world.alice, guild=world.guild, ask="1", city="A")
    await emu.request_reconnect()
    second = await emu.slash("ask sign", user=world.alice, guild=world.guild, ask="2", city="B")
    assert (first.content, second.content) == ("asked A to sign 1", "asked B to sign 2")
    assert emu.gateway.identifies == 1
    assert emu.gateway.session is not None and emu.gateway.session.resumes == 1
    assert bot.seen_interactions == [first.id, second.id]
    emu.assert_no_violations()


async def test_events_during_reconnect_are_replayed_once(world: World, bot: SelftestBot) -> None:
    emu = world.emu
    reconnect = asyncio.create_task(emu.request_reconnect())
    await asyncio.sleep(0)  # op 7 queued, session detached: the next dispatch is buffered
    inter = await emu.slash("ask sign", user=world.bob, guild=world.guild, ask="3", city="C")
    await reconnect
    assert inter.content == "asked C to sign 3"
    assert bot.seen_interactions == [inter.id]
    # Another round trip, to be sure nothing is replayed a second time.
    await emu.request_reconnect()
    await emu.slash("ask sign", user=world.bob, guild=world.guild, ask="4", city="D")
    assert len(bot.seen_interactions) == len(set(bot.seen_interactions)) == 2
