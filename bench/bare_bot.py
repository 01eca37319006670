"""A bare discord.py bot with the same intents: the memory baseline. Run as a subprocess."""

from __future__ import annotations

import asyncio
import os

import discord

from bot.discord_api import point_discord_at


async def main() -> None:
    point_discord_at(os.environ["DISCORD_API_BASE"], os.environ["DISCORD_GATEWAY_URL"])
    client = discord.Client(
        intents=discord.Intents(guilds=True),
        guild_ready_timeout=0.1,
        max_messages=None,
        member_cache_flags=discord.MemberCacheFlags.none(),
        chunk_guilds_at_startup=False,
    )

    @client.event
    async def on_ready() -> None:
        print("ready as bare", flush=True)

    await client.start(os.environ["DISCORD_TOKEN"])


if __name__ == "__main__":
    asyncio.run(main())
