"""End-to-end fixtures: a running local Discord and the real bot on a fresh database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.clock import FakeClock
from tests import secrets_tap
from tests.commands import INVOKED
from tests.e2e.world import World, build_world, running_bot
from tests.emulator import DiscordEmulator


@pytest.fixture
async def emu() -> AsyncIterator[DiscordEmulator]:
    emulator = DiscordEmulator()
    secrets_tap.register(emulator.bot_token)
    await emulator.start()
    try:
        yield emulator
    finally:
        INVOKED.update(emulator.invoked_paths)
        await emulator.stop()


@pytest.fixture
async def world(emu: DiscordEmulator, database_url: str) -> AsyncIterator[World]:
    parts = build_world(emu)
    clock = FakeClock()
    async with running_bot(emu, database_url, clock=clock) as bot:
        yield World(emu=emu, bot=bot, clock=clock, **parts)
    emu.assert_no_violations()
