"""Injected faults: 5xx answers (before or after the change was made), an abrupt websocket
drop, and the per-write record of allowed_mentions."""

from __future__ import annotations

import asyncio

import discord

from tests.emulator_selftest.selftest_bot import SelftestBot, World


async def test_a_5xx_before_the_change_is_retried_and_posts_once(
    world: World, bot: SelftestBot
) -> None:
    emu = world.emu
    emu.server_error("POST", r"^/channels/\d+/messages$", times=1, status=502)
    inter = await emu.slash(
        "announce", user=world.alice, guild=world.guild, options={"channel": world.general}
    )
    assert inter.content == "announced"
    assert len(emu.server_error_hits) == 1
    assert [m.content for m in emu.channel_messages(world.general)] == ["hello channel"]
    emu.assert_no_violations()


async def test_a_5xx_after_the_change_is_carried_out_and_the_retry_deduplicated(
    world: World, bot: SelftestBot
) -> None:
    emu = world.emu
    channel = bot.get_channel(world.general.id)
    assert isinstance(channel, discord.TextChannel)
    emu.server_error("POST", r"^/channels/\d+/messages$", times=1, status=500, after=True)
    await channel.send("once")
    assert len(emu.server_error_hits) == 1
    # The first request created the post; discord.py's retry carries the same nonce
    # (it always sends one, with enforce_nonce), so Discord returns the first post.
    assert [m.content for m in emu.channel_messages(world.general)] == ["once"]


async def test_a_503_is_not_retried_by_the_client(world: World, bot: SelftestBot) -> None:
    emu = world.emu
    channel = bot.get_channel(world.general.id)
    assert isinstance(channel, discord.TextChannel)
    emu.server_error("POST", r"^/channels/\d+/messages$", times=1, status=503)
    try:
        await channel.send("x")
    except discord.DiscordServerError as exc:
        assert exc.status == 503
    else:
        raise AssertionError("a 503 reaches the caller")
    assert emu.channel_messages(world.general) == []


async def test_an_abrupt_drop_resumes_and_replays_what_was_missed(
    world: World, bot: SelftestBot
) -> None:
    emu = world.emu
    drop = asyncio.create_task(emu.drop_gateway())
    await asyncio.sleep(0)  # socket cut, session detached: the next dispatch is buffered
    inter = await emu.slash("ask sign", user=world.bob, guild=world.guild, ask="5", city="E")
    await drop
    assert inter.content == "asked E to sign 5"
    assert emu.gateway.identifies == 1
    assert emu.gateway.session is not None and emu.gateway.session.resumes == 1
    second = await emu.slash("ask sign", user=world.bob, guild=world.guild, ask="6", city="F")
    assert second.content == "asked F to sign 6"
    assert bot.seen_interactions == [inter.id, second.id]
    emu.assert_no_violations()


async def test_every_message_write_is_logged_with_its_allowed_mentions(
    world: World, bot: SelftestBot
) -> None:
    emu = world.emu
    await emu.slash(
        "announce", user=world.alice, guild=world.guild, options={"channel": world.general}
    )
    assert emu.mention_log, "the reply and the post are logged"
    for message, allowed in emu.mention_log:
        assert allowed is not None and "everyone" not in allowed.get("parse", []), message
