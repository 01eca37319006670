"""The bot, built exactly as ``python -m bot`` builds it, connected to the local Discord.

Every end-to-end test gets the same small world: two servers, their admins, a coordinator,
city representatives (one with closed DMs), a stranger, and two spare members (pat, vic).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any

from bot.app import build_bot
from bot.client import AnyBot
from bot.clock import FakeClock
from bot.cogs import EXTENSIONS
from bot.discord_api import point_discord_at
from bot.services.common import Actor
from bot.settings import load_settings
from tests.emulator import DiscordEmulator

MANAGE_GUILD = 1 << 5
# What @everyone may do in a typical server: view, send, embed, attach, read history,
# use application commands.
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 31)


@dataclass
class World:
    emu: DiscordEmulator
    bot: AnyBot
    clock: FakeClock
    guild: Any  # server A, where most tests act
    other_guild: Any  # server B, for isolation tests
    users: dict[str, Any]
    channels: dict[str, Any]
    invoked: set[str] = field(default_factory=set)

    def __getattr__(self, name: str) -> Any:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)

    def uow(self):  # type: ignore[no-untyped-def]
        return self.bot.uow()

    def actor(self, user: Any, *, guild: Any = None, admin: bool = False) -> Actor:
        guild = guild or self.guild
        return Actor(guild_id=guild.id, user_id=user.id, is_admin=admin)

    async def slash(self, path: str, *, user: Any, guild: Any = ..., **options: Any) -> Any:
        guild = self.guild if guild is ... else guild
        channel = options.pop("channel_", None)
        if channel is None and guild is not None:
            channel = (
                self.channels["general"]
                if guild is self.guild
                else next(iter(guild.channels.values()))
            )
        return await self.emu.slash(path, user=user, guild=guild, channel=channel, **options)

    async def autocomplete(
        self, path: str, focused: str, value: str, *, user: Any, guild: Any = ..., **options: Any
    ) -> list[dict[str, Any]]:
        guild = self.guild if guild is ... else guild
        return await self.emu.autocomplete(
            path, focused=focused, value=value, user=user, guild=guild, **options
        )


def build_world(emu: DiscordEmulator) -> dict[str, Any]:
    users = {
        name: emu.add_user(name, dms_open=name != "mia")
        for name in ("ada", "cora", "lena", "gus", "mia", "sam", "bea", "olga")
    }
    guild = emu.add_guild("Climate Cities", owner=users["ada"])
    channels = {
        "general": guild.add_text_channel("general"),
        "coalition": guild.add_text_channel("coalition-room"),
        "locked": guild.add_text_channel("read-only", bot_permissions=1 << 10),
    }
    guild.system_channel = channels["general"]
    guild.add_member(users["ada"], permissions=MEMBER_PERMISSIONS | MANAGE_GUILD)
    for name in ("cora", "lena", "gus", "mia", "sam", "olga"):
        guild.add_member(users[name], permissions=MEMBER_PERMISSIONS)
    other = emu.add_guild("Other Server", owner=users["bea"])
    other.add_text_channel("lobby")
    other.add_member(users["bea"], permissions=MEMBER_PERMISSIONS | MANAGE_GUILD)
    other.add_member(users["lena"], permissions=MEMBER_PERMISSIONS)
    # Added last so the ids above stay as they were: pat and vic are plain members of server A
    # (the permission matrix makes pat a pending representative and uses vic as a bystander).
    for name in ("pat", "vic"):
        users[name] = emu.add_user(name)
        guild.add_member(users[name], permissions=MEMBER_PERMISSIONS)
    return {"users": users, "guild": guild, "other_guild": other, "channels": channels}


@contextlib.asynccontextmanager
async def running_bot(
    emu: DiscordEmulator,
    database_url: str,
    *,
    clock: FakeClock | None = None,
    extensions: tuple[str, ...] = EXTENSIONS,
    **settings_overrides: Any,
):
    """Start the real bot against the emulator; close it and check nothing leaked."""
    settings = load_settings(
        discord_token=emu.bot_token,
        database_url=database_url,
        discord_api_base=emu.api_base,
        discord_gateway_url=emu.gateway_url,
        discord_guild_ready_timeout=0.05,
        webhooks_allow_private=True,
        **settings_overrides,
    )
    bot = build_bot(settings, clock=clock or FakeClock(), extensions=extensions)
    runner = asyncio.create_task(bot.start(emu.bot_token), name="bot-under-test")
    try:
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait({ready, runner}, timeout=10, return_when="FIRST_COMPLETED")
        if runner in done:
            runner.result()  # start-up failed: raise its error
        if ready not in done:
            ready.cancel()
            raise TimeoutError("the bot did not become ready within 10 s")
        yield bot
    finally:
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(runner, timeout=5)
        point_discord_at(None, None)
