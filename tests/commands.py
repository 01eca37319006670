"""The slash commands the production bot registers, read from a bot built as ``python -m bot``."""

from __future__ import annotations

from typing import Any

import discord.gateway
import discord.http
from discord import app_commands

from bot.app import build_bot
from bot.cogs import EXTENSIONS
from bot.settings import load_settings

# Slash command paths the end-to-end tests invoked (filled by tests/e2e/conftest.py).
INVOKED: set[str] = set()


async def registered_commands() -> dict[str, app_commands.Command[Any, ..., Any]]:
    """Leaf command paths ("city add", "about") mapped to their command objects.

    Building a bot points discord.py at its configured endpoints; the previous ones are put
    back, so a bot already running against the emulator keeps working.
    """
    saved = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    settings = load_settings(discord_token="unused", database_url="sqlite:///./data/unused.db")
    bot = build_bot(settings)
    try:
        for name in EXTENSIONS:
            await bot.load_extension(name)
        return {
            cmd.qualified_name: cmd
            for cmd in bot.tree.walk_commands()
            if isinstance(cmd, app_commands.Command)
        }
    finally:
        await bot.http_client.aclose()
        await bot.engine.dispose()
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved
