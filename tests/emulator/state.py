"""The emulator's shared state: the world's records, waiting on them, and rule violations.

Every part of the emulator (the REST routes by Discord area, the user side that creates
interactions) is a mixin over :class:`EmulatorState`; ``server.DiscordEmulator`` composes them.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .models import (
    ATTACH_FILES,
    EMBED_LINKS,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    Attachment,
    Channel,
    Clock,
    Guild,
    Interaction,
    Message,
    SnowflakeFactory,
    User,
    Violation,
)

if TYPE_CHECKING:
    from .gateway import Gateway
    from .http_plumbing import RateLimitRule, ServerErrorRule

log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"
ACK_TIMEOUT = 3.0
TOKEN_LIFETIME = 15 * 60
NONCE_WINDOW = 5 * 60
DEFER_WAIT = 5.0
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
DM_APP_PERMISSIONS = (
    VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES | READ_MESSAGE_HISTORY
)


def interaction_kind(interaction_type: int) -> str:
    return {2: "command", 3: "component", 4: "autocomplete", 5: "modal submit"}.get(
        interaction_type, f"interaction type {interaction_type}"
    )


class EmulatorState:
    """What every part of the emulator reads and writes."""

    gateway: Gateway

    def __init__(self, *, bot_name: str = "Emulated Bot") -> None:
        self.next_id = SnowflakeFactory()
        self.clock = Clock()
        self.bot_token = f"emu.{secrets.token_urlsafe(24)}"
        self.application_id = self.next_id()
        self.bot_user = User(self.application_id, bot_name.lower().replace(" ", "-"), bot=True)
        self.bot_user.global_name = bot_name
        self.app_owner = User(self.next_id(), "app-owner")
        self.users: dict[int, User] = {self.bot_user.id: self.bot_user}
        self.guilds: dict[int, Guild] = {}
        self.dm_channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.interactions: dict[int, Interaction] = {}
        self._by_token: dict[str, Interaction] = {}
        self.uploads: dict[int, Attachment] = {}
        self.violations: list[Violation] = []
        self.requests: list[str] = []
        self.rate_limit_hits: list[str] = []
        self.invoked_paths: set[str] = set()
        self.command_puts = 0
        self.global_rate_limit_per_second: int | None = None
        # Shards that may IDENTIFY at once (/gateway/bot); 16, as large bots get, keeps tests
        # fast: with 1, discord.py waits 5 s between shards.
        self.max_concurrency = 16
        self._global_commands: list[dict[str, Any]] = []
        self._guild_commands: dict[int, list[dict[str, Any]]] = {}
        self._command_ids: dict[tuple[int | None, int, str], int] = {}
        self._nonces: dict[tuple[int, str], tuple[float, Message]] = {}
        self._rate_rules: list[RateLimitRule] = []
        self._error_rules: list[ServerErrorRule] = []
        self.server_error_hits: list[str] = []
        # Every message write (create or edit) with its allowed_mentions, in order, so a test
        # can check that no write ever allowed @everyone/@here or role pings.
        self.mention_log: list[tuple[Message, dict[str, Any] | None]] = []
        self._recent_requests: collections.deque[float] = collections.deque()
        self._cond = asyncio.Condition()
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.base_url}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # ================================================================= lookups

    def dm_channel(self, user: User) -> Channel:
        channel = self.dm_channels.get(user.id)
        if channel is None:
            channel = Channel(self.next_id(), f"dm-{user.name}", 1, recipient=user)
            self.dm_channels[user.id] = channel
        return channel

    def _find_channel(self, channel_id: int) -> Channel | None:
        for guild in self.guilds.values():
            if channel_id in guild.channels:
                return guild.channels[channel_id]
        for channel in self.dm_channels.values():
            if channel.id == channel_id:
                return channel
        return None

    # ================================================================= gateway events

    def _guild_event(
        self, guild: Guild, event: str, data: dict[str, Any], *, intent: int | None = None
    ) -> None:
        if guild.id not in self.guilds or guild.pending_create:
            return
        self.gateway.dispatch(event, {**data, "guild_id": str(guild.id)}, intent=intent)

    # ================================================================= violations

    def _violate(self, violation: Violation) -> None:
        log.info("Discord rule violation: %s", violation.text)
        self.violations.append(violation)

    def assert_no_violations(self) -> None:
        if self.violations:
            listing = "\n".join(f"  - {v.text}" for v in self.violations)
            raise AssertionError(f"{len(self.violations)} Discord rule violation(s):\n{listing}")

    # ================================================================= waiting

    async def _notify(self) -> None:
        async with self._cond:
            self._cond.notify_all()

    async def _wait(self, predicate: Callable[[], bool], seconds: float) -> None:
        async with self._cond:
            await asyncio.wait_for(self._cond.wait_for(predicate), seconds)

    async def wait_for(
        self,
        predicate: Callable[[], bool],
        timeout: float = 5.0,  # noqa: ASYNC109
        interval: float = 0.01,
    ) -> None:
        """Poll ``predicate`` (e.g. bot-side state) until true; TimeoutError otherwise."""
        # Polling on purpose: the state lives in the bot, which cannot signal the emulator.
        async with asyncio.timeout(timeout):
            while not predicate():  # noqa: ASYNC110
                await asyncio.sleep(interval)

    async def _waiter(self, predicate: Callable[[], bool], seconds: float) -> None:
        await self._wait(predicate, seconds)
