"""Fixtures: an emulated world, and a way to start the self-test bot against it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import pytest

from bot.discord_api import point_discord_at
from tests.emulator import MANAGE_GUILD, VIEW_CHANNEL, DiscordEmulator
from tests.emulator_selftest.selftest_bot import SelftestBot, StartBot, World


@pytest.fixture
async def world() -> AsyncIterator[World]:
    emu = DiscordEmulator()
    alice = emu.add_user("alice")
    bob = emu.add_user("bob")
    carol = emu.add_user("carol", dms_open=False)
    guild = emu.add_guild("Cities A", owner=alice)
    coordinators = guild.add_role("Coordinators")
    general = guild.add_text_channel("general")
    quiet = guild.add_text_channel("quiet", bot_permissions=VIEW_CHANNEL)
    guild.add_member(bob, permissions=MANAGE_GUILD, roles=[coordinators])
    guild.add_member(carol)
    guild.system_channel = general
    await emu.start()
    point_discord_at(emu.api_base, emu.gateway_url)
    state = World(emu, alice, bob, carol, guild, general, quiet, coordinators)
    try:
        yield state
    finally:
        for bot in state.bots:
            await bot.close()
        await emu.stop()
        point_discord_at(None, None)


@pytest.fixture
async def start_bot(world: World) -> AsyncIterator[StartBot]:
    tasks: list[asyncio.Task[None]] = []

    async def start(setup: Callable[[SelftestBot], None] | None = None) -> SelftestBot:
        bot = SelftestBot(setup)
        world.bots.append(bot)
        tasks.append(asyncio.create_task(bot.start(world.emu.bot_token)))
        waiter = asyncio.create_task(world.emu.wait_until_ready())
        done, _ = await asyncio.wait([waiter, tasks[-1]], return_when=asyncio.FIRST_COMPLETED)
        if tasks[-1] in done:
            waiter.cancel()
            tasks[-1].result()
        await asyncio.wait_for(bot.wait_until_ready(), 5)
        return bot

    yield start
    for bot in world.bots:
        await bot.close()
    for task in tasks:
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await asyncio.wait_for(task, 2)


@pytest.fixture
async def bot(start_bot: StartBot) -> SelftestBot:
    return await start_bot()
