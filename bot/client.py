"""The bot: a ``commands.Bot`` whose parts are all handed in by the composition root."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from datetime import timedelta
from typing import Any

import discord
import httpx
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from discord import app_commands
from discord.ext import commands
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import Clock
from bot.db import state
from bot.db.uow import UnitOfWorkFactory
from bot.interactions import log_outcome, report_error
from bot.scheduling import AlarmClock
from bot.settings import Settings
from bot.ui.dm_sender import DiscordSender
from bot.ui.outbox_sender import DiscordOutbox
from bot.workers import ReminderRuntime, WebhookRuntime, Workers
from bot.workers.outbox_worker import OutboxRuntime

log = logging.getLogger("bot")

# What the bot needs where it posts (a coalition's channel): View Channels, Send Messages,
# Embed Links (asks, lists) and Attach Files (letters, calendar files). 52224.
INVITE_PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages=True, embed_links=True, attach_files=True
)


def invite_url(application_id: int) -> str:
    """The link that adds the bot to a server with the permissions above."""
    return discord.utils.oauth_url(
        application_id, permissions=INVITE_PERMISSIONS, scopes=("bot", "applications.commands")
    )


def quiet_voice() -> None:
    """The bot has no voice: discord.py's "PyNaCl/davey is not installed, voice will NOT be
    supported" warnings, printed at every start, say nothing an operator should act on."""
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False


class CoalitionTree(app_commands.CommandTree["CoalitionBot"]):
    """Times every interaction and turns every error into one ephemeral message."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        interaction.extras["started"] = time.monotonic()
        return True

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError, /
    ) -> None:
        await report_error(interaction, error)


class _CoalitionBotMixin:
    """Shared by the plain and the auto-sharded bot."""

    settings: Settings
    engine: AsyncEngine
    uow: UnitOfWorkFactory
    http_client: httpx.AsyncClient
    scheduler: AsyncIOScheduler
    alarms: AlarmClock
    clock: Clock
    workers: Workers

    def _init_parts(
        self,
        *,
        settings: Settings,
        engine: AsyncEngine,
        uow: UnitOfWorkFactory,
        http_client: httpx.AsyncClient,
        scheduler: AsyncIOScheduler,
        clock: Clock,
        extensions: tuple[str, ...],
        force_sync: bool,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.uow = uow
        self.http_client = http_client
        self.scheduler = scheduler
        self.alarms = AlarmClock(scheduler)
        self.clock = clock
        self.workers = _build_workers(self)  # type: ignore[arg-type]
        self.extensions_to_load = extensions
        self.force_sync = force_sync
        self.synced: bool | None = None  # True: pushed, False: unchanged, None: not yet
        self._closing = False
        self._invite_logged = False

    # The mixin comes first in each bot's MRO, so these override discord.py's, and super()
    # reaches commands.Bot or commands.AutoShardedBot.

    async def setup_hook(self) -> None:
        await _setup(self)  # type: ignore[arg-type]

    async def on_app_command_completion(
        self, interaction: discord.Interaction, command: app_commands.Command[Any, ..., Any]
    ) -> None:
        log_outcome(interaction, "ok")

    async def on_ready(self) -> None:
        bot: Any = self
        log.info("ready as %s in %d servers", bot.user, len(bot.guilds))
        if not self._invite_logged and bot.application_id:
            # on_ready comes again after a reconnect that could not resume: say it once.
            self._invite_logged = True
            log.info(
                "invite link (permissions %d: View Channels, Send Messages, Embed Links, "
                "Attach Files): %s",
                INVITE_PERMISSIONS.value,
                invite_url(bot.application_id),
            )

    async def close(self) -> None:
        if self._closing:
            return
        self._closing = True
        # First the workers: a send in flight finishes or is given back, while the HTTP
        # client, the scheduler and the database are still there.
        try:
            await self.workers.stop()
        except Exception:
            log.exception("stopping the workers failed")
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        try:
            await super().close()  # type: ignore[misc]
        finally:
            await self.http_client.aclose()
            await self.engine.dispose()


def _bot_options(settings: Settings) -> dict[str, Any]:
    quiet_voice()  # before discord.Client.__init__, which warns
    options: dict[str, Any] = {
        "command_prefix": commands.when_mentioned,
        "help_command": None,
        # Only the guilds intent: guild, channel and role caches for permission checks and
        # on_guild_join. No privileged intent: interactions carry the member who acted.
        "intents": discord.Intents(guilds=True),
        "allowed_mentions": discord.AllowedMentions.none(),
        "tree_cls": CoalitionTree,
        "guild_ready_timeout": settings.discord_guild_ready_timeout,
        "max_messages": None,
        "member_cache_flags": discord.MemberCacheFlags.none(),
        "chunk_guilds_at_startup": False,
    }
    if settings.sharded:
        options["shard_count"] = settings.discord_shard_count
        if settings.discord_shard_ids:
            options["shard_ids"] = settings.discord_shard_ids
    return options


class CoalitionBot(_CoalitionBotMixin, commands.Bot):
    tree: CoalitionTree

    def __init__(self, **parts: Any) -> None:
        commands.Bot.__init__(self, **_bot_options(parts["settings"]))
        self._init_parts(**parts)


class ShardedCoalitionBot(_CoalitionBotMixin, commands.AutoShardedBot):
    """The same bot, auto-sharded: several processes can share one PostgreSQL database."""

    tree: CoalitionTree  # type: ignore[assignment]  # discord.py types it as the base tree

    def __init__(self, **parts: Any) -> None:
        commands.AutoShardedBot.__init__(self, **_bot_options(parts["settings"]))
        self._init_parts(**parts)


AnyBot = CoalitionBot | ShardedCoalitionBot


def _build_workers(bot: AnyBot) -> Workers:
    """The reminder, webhook and outbox workers, with what they send through Discord handed
    in."""
    settings = bot.settings
    lease = timedelta(seconds=settings.lease_seconds)
    return Workers(
        reminders=ReminderRuntime(
            bot.uow,
            bot.clock,
            DiscordSender(bot, bot.uow),
            alarms=bot.alarms,
            lease=lease,
        ),
        webhooks=WebhookRuntime(
            uow=bot.uow,
            client=bot.http_client,
            clock=bot.clock,
            allow_private=settings.webhooks_allow_private,
            lease_seconds=settings.lease_seconds,
            alarms=bot.alarms,
        ),
        outbox=OutboxRuntime(
            bot.uow,
            bot.clock,
            DiscordOutbox(bot, bot.uow),
            alarms=bot.alarms,
            lease=lease,
            give_up_after=timedelta(hours=settings.outbox_give_up_hours),
        ),
    )


async def _setup(bot: AnyBot) -> None:
    for name in bot.extensions_to_load:
        await bot.load_extension(name)
    bot.scheduler.start()
    await sync_commands(bot, force=bot.force_sync)
    # Once set up: late reminders go out, deliveries left over from before a restart resume.
    await bot.workers.start()


def command_payload(tree: app_commands.CommandTree[Any], guild: discord.Object | None) -> list:
    return [c.to_dict(tree) for c in tree._get_all_commands(guild=guild)]


def payload_hash(payload: list) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


async def sync_commands(bot: AnyBot, *, force: bool = False) -> bool:
    """Push command definitions when they changed since the last sync (Discord rate-limits it).

    With ``DISCORD_GUILD_IDS`` the global commands are copied to each of those servers
    (instant for development); otherwise they are synced globally.
    """
    targets: list[discord.Object | None]
    if bot.settings.discord_guild_ids:
        targets = [discord.Object(id=g) for g in bot.settings.discord_guild_ids]
        for target in targets:
            bot.tree.copy_global_to(guild=target)  # type: ignore[arg-type]
    else:
        targets = [None]
    pushed = False
    for target in targets:
        key = f"command_sync:{target.id if target else 'global'}:{bot.application_id}"
        digest = payload_hash(command_payload(bot.tree, target))
        async with bot.uow() as uow:
            unchanged = await state.get(uow, key) == digest
        if unchanged and not force:
            log.info("commands unchanged since last sync (%s); not syncing", key)
            continue
        synced = await bot.tree.sync(guild=target)
        async with bot.uow() as uow:
            await state.put(uow, key, digest)
        log.info("synced %d commands (%s)", len(synced), key)
        pushed = True
    bot.synced = pushed
    return pushed


__all__ = ["AnyBot", "CoalitionBot", "CoalitionTree", "ShardedCoalitionBot", "report_error"]
