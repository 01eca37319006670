"""A local Discord for end-to-end tests: REST API, gateway and the test-side controls."""

from __future__ import annotations

import asyncio
import collections
import json
import logging
import math
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from . import rules
from .gateway import Gateway
from .models import (
    ATTACH_FILES,
    DEFAULT_BOT_PERMISSIONS,
    EMBED_LINKS,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    Attachment,
    Channel,
    Clock,
    Guild,
    Interaction,
    Member,
    Message,
    Role,
    SnowflakeFactory,
    User,
    Violation,
)

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

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class EmulatorUsageError(Exception):
    """The test asked for something a Discord user could not do (a test bug)."""


class InteractionNotAcknowledged(AssertionError):
    """The bot did not answer an interaction within 3 seconds; Discord would show a failure."""

    def __init__(self, interaction: Interaction) -> None:
        rejected = "; ".join(interaction.rejections)
        super().__init__(
            f"interaction {interaction.id} ({interaction.command_path or interaction.type}) "
            f"was not acknowledged within {ACK_TIMEOUT:g} s"
            + (f" (responses rejected: {rejected})" if rejected else "")
        )
        self.interaction = interaction


class ApiError(Exception):
    """An error response, shaped like Discord's."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        errors: list[rules.FieldError] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors or []

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors:
            body["errors"] = rules.errors_tree(self.errors)
        return body

    def detail(self) -> str:
        if not self.errors:
            return self.message
        return f"{self.message}: " + "; ".join(str(e) for e in self.errors)


def invalid_form(errors: list[rules.FieldError]) -> ApiError:
    return ApiError(400, 50035, "Invalid Form Body", errors)


def json_response(
    data: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    # Exactly "application/json": discord.py compares the header for equality.
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        content_type="application/json",
        headers=headers,
    )


@dataclass
class RateLimitRule:
    method: str
    pattern: re.Pattern[str]
    times: int
    retry_after: float
    global_: bool


@dataclass
class ServerErrorRule:
    method: str
    pattern: re.Pattern[str]
    times: int
    status: int
    after: bool


@dataclass
class UploadedFile:
    index: int
    filename: str
    data: bytes
    content_type: str | None


class DiscordEmulator:
    """A tiny Discord on 127.0.0.1 that a real discord.py client can log into."""

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
        self.gateway = Gateway(self)
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ================================================================= lifecycle

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.base_url}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> None:
        app = web.Application(middlewares=[self._middleware], client_max_size=64 * 1024 * 1024)
        self._add_routes(app)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets  # type: ignore[union-attr]
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> DiscordEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def wait_until_ready(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until the bot identified and every GUILD_CREATE was written."""
        await asyncio.wait_for(self.gateway.ready.wait(), timeout)

    async def request_reconnect(self) -> None:
        """Send op 7; return once the client resumed (RESUMED sent)."""
        await self.gateway.request_reconnect()

    # ================================================================= world building

    def add_user(self, name: str, *, dms_open: bool = True, locale: str = "en-US") -> User:
        user = User(self.next_id(), name, dms_open=dms_open, locale=locale)
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str,
        owner: User | None = None,
        *,
        bot_permissions: int = DEFAULT_BOT_PERMISSIONS,
    ) -> Guild:
        """A guild with @everyone and the bot as a member (with a managed role).

        Added after the bot connected, it is dispatched as GUILD_CREATE (the bot joined).
        """
        guild = Guild(self, self.next_id(), name, owner)
        bot_role = Role(
            self.next_id(), guild.id, self.bot_user.name, bot_permissions, 1, True, self.bot_user.id
        )
        guild.roles[bot_role.id] = bot_role
        guild.members[self.bot_user.id] = Member(self.bot_user, [bot_role], self.clock.now())
        if owner is not None:
            guild.members[owner.id] = Member(owner, [], self.clock.now())
        self.guilds[guild.id] = guild
        # Dispatch on the next loop turn, so the test can add channels/roles first.
        self._defer_guild_create(guild)
        return guild

    def _defer_guild_create(self, guild: Guild) -> None:
        if not self.gateway.connected:
            return
        guild.pending_create = True

        def announce() -> None:
            guild.pending_create = False
            payload = guild.to_payload()
            del payload["unavailable"]  # a join, not a lazily loaded guild
            self.gateway.dispatch("GUILD_CREATE", payload)

        asyncio.get_running_loop().call_soon(announce)

    def _guild_event(
        self, guild: Guild, event: str, data: dict[str, Any], *, intent: int | None = None
    ) -> None:
        if guild.id not in self.guilds or guild.pending_create:
            return
        self.gateway.dispatch(event, {**data, "guild_id": str(guild.id)}, intent=intent)

    def dm_channel(self, user: User) -> Channel:
        channel = self.dm_channels.get(user.id)
        if channel is None:
            channel = Channel(self.next_id(), f"dm-{user.name}", 1, recipient=user)
            self.dm_channels[user.id] = channel
        return channel

    # ================================================================= inspection

    def channel_messages(
        self, channel: Channel, *, include_ephemeral: bool = False
    ) -> list[Message]:
        return [
            m
            for m in self.messages.values()
            if m.channel_id == channel.id
            and not m.deleted
            and not m.loading
            and (include_ephemeral or not m.ephemeral)
        ]

    def dms(self, user: User) -> list[Message]:
        channel = self.dm_channels.get(user.id)
        if channel is None:
            return []
        return self.channel_messages(channel, include_ephemeral=True)

    def commands(self, guild: Guild | None = None) -> list[dict[str, Any]]:
        if guild is None:
            return list(self._global_commands)
        return list(self._guild_commands.get(guild.id, []))

    def command_paths(self, guild: Guild | None = None) -> set[str]:
        """Every invocable chat-input path ("ask sign") among the registered commands."""
        paths: set[str] = set()
        for command in self.commands(guild):
            if int(command.get("type", 1)) != 1:
                continue
            paths |= _paths(command["name"], command.get("options") or [])
        return paths

    def assert_no_violations(self) -> None:
        if self.violations:
            listing = "\n".join(f"  - {v.text}" for v in self.violations)
            raise AssertionError(f"{len(self.violations)} Discord rule violation(s):\n{listing}")

    def rate_limit(
        self,
        method: str,
        path_regex: str,
        times: int = 1,
        retry_after: float = 0.05,
        global_: bool = False,
    ) -> None:
        """Answer the next ``times`` matching requests with 429 (path relative to /api/v10)."""
        self._rate_rules.append(
            RateLimitRule(method.upper(), re.compile(path_regex), times, retry_after, global_)
        )

    def server_error(
        self,
        method: str,
        path_regex: str,
        times: int = 1,
        status: int = 502,
        *,
        after: bool = False,
    ) -> None:
        """Answer the next ``times`` matching requests with a 5xx (path relative to /api/v10).

        ``after=True``: the request is carried out first and only then answered with the
        error, as when Discord's edge times out after the change was made; a client that
        retries without a nonce then duplicates it.
        """
        self._error_rules.append(
            ServerErrorRule(method.upper(), re.compile(path_regex), times, status, after)
        )

    async def drop_gateway(self) -> None:
        """Cut the bot's websocket abruptly (no close frame, no op 7); return once it resumed."""
        await self.gateway.drop()

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

    # ================================================================= driving interactions

    async def slash(
        self,
        path: str,
        *,
        user: User,
        guild: Guild | None = None,
        channel: Channel | None = None,
        options: Mapping[str, Any] | None = None,
        wait_original: bool = True,
        **kw_options: Any,
    ) -> Interaction:
        """Invoke a registered chat-input command as ``user``; returns after the response.

        Options are given by name (``options=`` for names clashing with these keywords).
        After a deferral it also waits (up to 5 s) for the @original edit.
        """
        all_options = {**(options or {}), **kw_options}
        channel = self._pick_channel(user, guild, channel)
        data = self._command_data(path, guild, all_options)
        inter = self._new_interaction(2, user, guild, channel, data)
        inter.command_path = " ".join(path.split())
        self.invoked_paths.add(inter.command_path)
        return await self._run(inter, wait_original=wait_original)

    async def autocomplete(
        self,
        path: str,
        *,
        focused: str,
        value: str,
        user: User,
        guild: Guild | None = None,
        channel: Channel | None = None,
        options: Mapping[str, Any] | None = None,
        **kw_options: Any,
    ) -> list[dict[str, Any]]:
        """Type ``value`` into option ``focused``; returns the bot's choices."""
        all_options = {**(options or {}), **kw_options}
        channel = self._pick_channel(user, guild, channel)
        data = self._command_data(path, guild, all_options, focused=(focused, value))
        inter = self._new_interaction(4, user, guild, channel, data)
        inter.command_path = " ".join(path.split())
        # A rejected autocomplete answer shows no options: return [] (the violation is recorded).
        await self._run(inter, wait_original=False, until_rejected=True)
        return list(inter.choices or [])

    async def click(
        self,
        message: Message,
        *,
        user: User,
        label: str | None = None,
        custom_id: str | None = None,
    ) -> Interaction:
        """Press a button (found by label or custom_id) on a message the bot sent."""
        buttons = message.buttons()
        button = next(
            (
                b
                for b in buttons
                if (custom_id is not None and b.get("custom_id") == custom_id)
                or (custom_id is None and label is not None and b.get("label") == label)
            ),
            None,
        )
        if button is None:
            names = [b.get("label") or b.get("custom_id") for b in buttons]
            raise EmulatorUsageError(f"no button {label or custom_id!r} on message; has {names}")
        if button.get("disabled"):
            raise EmulatorUsageError(f"button {label or custom_id!r} is disabled")
        if int(button.get("style", 1)) in (5, 6):
            raise EmulatorUsageError("link and premium buttons do not create interactions")
        data = {"custom_id": button["custom_id"], "component_type": 2}
        return await self._component(message, user, data)

    async def select(
        self,
        message: Message,
        *,
        values: Sequence[Any],
        user: User,
        custom_id: str | None = None,
    ) -> Interaction:
        """Pick ``values`` in a select (the first one, or the one with ``custom_id``).

        String selects take option values; user, role, mentionable and channel selects take
        User / Role / Channel objects, sent with ``resolved`` as Discord does.
        """
        selects = [
            s for s in message.selects() if custom_id is None or s.get("custom_id") == custom_id
        ]
        if not selects:
            raise EmulatorUsageError(f"no select {custom_id!r} on message")
        menu = selects[0]
        if menu.get("disabled"):
            raise EmulatorUsageError("select is disabled")
        kind = int(menu["type"])
        resolved: dict[str, dict[str, Any]] = {}
        if kind == 3:
            allowed = {o["value"] for o in menu.get("options") or []}
            unknown = [v for v in values if v not in allowed]
            if unknown:
                raise EmulatorUsageError(f"values {unknown} are not options of the select")
            picked = [str(v) for v in values]
        else:
            channel = self._find_channel(message.channel_id)
            guild = channel.guild if channel else None
            picked = [self._select_value(menu, v, resolved, guild) for v in values]
        low, high = int(menu.get("min_values", 1)), int(menu.get("max_values", 1))
        if not low <= len(values) <= high:
            raise EmulatorUsageError(f"select takes {low}..{high} values, got {len(values)}")
        data: dict[str, Any] = {
            "custom_id": menu["custom_id"],
            "component_type": kind,
            "values": picked,
        }
        if resolved:
            data["resolved"] = resolved
        return await self._component(message, user, data)

    def _select_value(
        self,
        menu: dict[str, Any],
        value: Any,
        resolved: dict[str, dict[str, Any]],
        guild: Guild | None,
    ) -> str:
        """One pick in a user (5), role (6), mentionable (7) or channel (8) select."""
        kind = int(menu["type"])
        if isinstance(value, User) and kind in (5, 7):
            return str(self._resolve_user(value, "select", resolved, guild).id)
        if isinstance(value, Role) and kind in (6, 7):
            if guild is None or value.id not in guild.roles:
                raise EmulatorUsageError(f"role {value.name!r} is not in this server")
            resolved.setdefault("roles", {})[str(value.id)] = value.to_payload()
            return str(value.id)
        if isinstance(value, Channel) and kind == 8:
            if guild is None or value.guild is not guild:
                raise EmulatorUsageError(f"channel {value.name!r} is not in this server")
            allowed = menu.get("channel_types")
            if allowed and value.type not in allowed:
                raise EmulatorUsageError(f"channel types {allowed} only; got {value.type}")
            resolved.setdefault("channels", {})[str(value.id)] = self._resolved_channel(value)
            return str(value.id)
        wanted = {5: "a User", 6: "a Role", 7: "a User or Role", 8: "a Channel"}.get(kind, "?")
        raise EmulatorUsageError(f"this select (type {kind}) takes {wanted}, got {value!r}")

    async def submit_modal(
        self,
        interaction: Interaction,
        values: Mapping[str, str | list[str]],
        *,
        user: User | None = None,
    ) -> Interaction:
        """Fill in and submit the modal ``interaction`` answered with (keys: custom_id or label)."""
        modal = interaction.modal
        if modal is None:
            raise EmulatorUsageError("that interaction was not answered with a modal")
        submitter = user or interaction.user
        remaining = dict(values)
        components = [self._modal_answer(c, remaining) for c in modal.get("components") or []]
        if remaining:
            raise EmulatorUsageError(f"modal has no inputs {sorted(remaining)}")
        data = {"custom_id": modal["custom_id"], "components": components}
        inter = self._new_interaction(
            5, submitter, interaction.guild, interaction.channel, data, interaction.source_message
        )
        return await self._run(inter, wait_original=True)

    def _modal_answer(self, component: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        kind = int(component.get("type", 0))
        if kind == 1:
            return {
                "type": 1,
                "components": [self._modal_answer(c, values) for c in component["components"]],
            }
        if kind == 18:
            inner = component["component"]
            label = component.get("label")
            if label in values and inner.get("custom_id") not in values:
                values[inner["custom_id"]] = values.pop(label)
            return {"type": 18, "component": self._modal_answer(inner, values)}
        custom_id = component.get("custom_id")
        label = component.get("label")
        if custom_id in values:
            value = values.pop(custom_id)
        elif label in values:
            value = values.pop(label)
        elif kind == 4:
            value = component.get("value") or ""
        else:
            value = []
        if kind == 4:
            text = str(value)
            if component.get("required", True) and not text:
                raise EmulatorUsageError(f"modal input {custom_id!r} is required")
            max_length = int(component.get("max_length") or rules.TEXT_INPUT_MAX)
            min_length = int(component.get("min_length") or 0)
            if not min_length <= len(text) <= max_length:
                raise EmulatorUsageError(
                    f"modal input {custom_id!r} takes {min_length}..{max_length} characters"
                )
            return {"type": 4, "custom_id": custom_id, "value": text}
        return {"type": kind, "custom_id": custom_id, "values": list(value)}

    async def _component(self, message: Message, user: User, data: dict[str, Any]) -> Interaction:
        if message.deleted:
            raise EmulatorUsageError("the message was deleted")
        if message.ephemeral and message.interaction and message.interaction.user is not user:
            raise EmulatorUsageError("only the invoking user can see an ephemeral message")
        channel = self._find_channel(message.channel_id)
        if channel is None:
            raise EmulatorUsageError("message channel is unknown")
        guild = channel.guild
        if channel.type == 1 and channel.recipient is not user:
            raise EmulatorUsageError("only the DM's recipient can use its components")
        inter = self._new_interaction(3, user, guild, channel, data, message)
        return await self._run(inter, wait_original=False)

    def _pick_channel(self, user: User, guild: Guild | None, channel: Channel | None) -> Channel:
        if guild is None:
            if channel is not None and channel.type != 1:
                raise EmulatorUsageError("a guild channel needs guild=")
            return channel or self.dm_channel(user)
        if user.id not in guild.members:
            raise EmulatorUsageError(f"{user.name} is not a member of {guild.name}")
        if channel is None:
            channel = guild.system_channel
        if channel is None or channel.guild is not guild:
            raise EmulatorUsageError(f"give a channel of {guild.name}")
        return channel

    def _new_interaction(
        self,
        kind: int,
        user: User,
        guild: Guild | None,
        channel: Channel,
        data: dict[str, Any],
        source: Message | None = None,
    ) -> Interaction:
        if not self.gateway.connected:
            raise EmulatorUsageError("the bot is not connected to the gateway")
        inter = Interaction(
            id=self.next_id(),
            token=f"aW50ZXJhY3Rpb24{secrets.token_urlsafe(48)}",
            type=kind,
            user=user,
            guild=guild,
            channel=channel,
            data=data,
            created_monotonic=asyncio.get_running_loop().time(),
            created_clock=self.clock.time(),
            source_message=source,
            _waiter=self._waiter,
        )
        self.interactions[inter.id] = inter
        self._by_token[inter.token] = inter
        return inter

    async def _run(
        self, inter: Interaction, *, wait_original: bool, until_rejected: bool = False
    ) -> Interaction:
        self.gateway.dispatch("INTERACTION_CREATE", self._interaction_payload(inter))
        remaining = ACK_TIMEOUT - (asyncio.get_running_loop().time() - inter.created_monotonic)

        def answered() -> bool:
            return inter.acknowledged or (until_rejected and bool(inter.rejections))

        try:
            await self._wait(answered, max(remaining, 0.0))
        except TimeoutError:
            inter.expired = True
            self._violate(
                Violation(
                    10062,
                    404,
                    f"INTERACTION {inter.id}",
                    f"{inter.command_path or _kind(inter.type)} not acknowledged within 3 s",
                )
            )
            raise InteractionNotAcknowledged(inter) from None
        if wait_original and inter.response_type == 5:
            try:
                await inter.wait_original(DEFER_WAIT)
            except TimeoutError:
                log.warning("interaction %s deferred and never edited", inter.id)
        return inter

    def _interaction_payload(self, inter: Interaction) -> dict[str, Any]:
        channel = inter.channel
        payload: dict[str, Any] = {
            "id": str(inter.id),
            "application_id": str(self.application_id),
            "type": inter.type,
            "token": inter.token,
            "version": 1,
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            "locale": inter.user.locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "channel": channel.to_payload(),
            "channel_id": str(channel.id),
            "data": inter.data,
        }
        guild = inter.guild
        if guild is not None:
            member = guild.members[inter.user.id]
            payload["guild_id"] = str(guild.id)
            payload["guild"] = {"id": str(guild.id), "locale": guild.locale, "features": []}
            payload["guild_locale"] = guild.locale
            payload["member"] = {
                **member.to_payload(),
                "permissions": str(guild.permissions_in(inter.user, channel)),
            }
            payload["app_permissions"] = str(guild.permissions_in(self.bot_user, channel))
            payload["context"] = 0
            payload["authorizing_integration_owners"] = {"0": str(guild.id)}
        else:
            payload["user"] = inter.user.to_payload()
            payload["app_permissions"] = str(DM_APP_PERMISSIONS)
            payload["context"] = 1
            payload["authorizing_integration_owners"] = {"0": "0"}
        if inter.source_message is not None:
            payload["message"] = inter.source_message.to_payload(self)
        return payload

    # ----------------------------------------------------------------- slash data

    def _find_command(self, name: str, guild: Guild | None) -> dict[str, Any] | None:
        pools = [self._guild_commands.get(guild.id, [])] if guild is not None else []
        pools.append(self._global_commands)
        for pool in pools:
            for command in pool:
                if command["name"] == name and int(command.get("type", 1)) == 1:
                    return command
        return None

    def _command_data(
        self,
        path: str,
        guild: Guild | None,
        options: Mapping[str, Any],
        *,
        focused: tuple[str, str] | None = None,
    ) -> dict[str, Any]:
        parts = path.split()
        if not parts:
            raise EmulatorUsageError("empty command path")
        command = self._find_command(parts[0], guild)
        if command is None:
            where = f"guild {guild.name}" if guild else "global"
            raise EmulatorUsageError(f"command {parts[0]!r} is not registered ({where} or global)")
        if guild is None and command.get("guild_id"):
            raise EmulatorUsageError("guild commands cannot be used in DMs")
        contexts = command.get("contexts")
        if guild is None and contexts is not None and 1 not in contexts:
            raise EmulatorUsageError(f"command {parts[0]!r} is not available in DMs")
        data: dict[str, Any] = {"id": command["id"], "name": command["name"], "type": 1}
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        definitions: list[dict[str, Any]] = command.get("options") or []
        out: list[dict[str, Any]] = []
        data["options"] = out
        for part in parts[1:]:
            sub = next(
                (d for d in definitions if d["name"] == part and int(d["type"]) in (1, 2)), None
            )
            if sub is None:
                raise EmulatorUsageError(f"{path!r}: no subcommand or group {part!r}")
            node: dict[str, Any] = {"type": int(sub["type"]), "name": part, "options": []}
            out.append(node)
            out = node["options"]
            definitions = sub.get("options") or []
        if any(int(d["type"]) in (1, 2) for d in definitions):
            raise EmulatorUsageError(f"{path!r} is a group: name a subcommand")
        by_name = {d["name"]: d for d in definitions}
        resolved: dict[str, dict[str, Any]] = {}
        for name, value in options.items():
            definition = by_name.get(name)
            if definition is None:
                raise EmulatorUsageError(f"{path!r} has no option {name!r} (has {sorted(by_name)})")
            out.append(self._option_value(definition, value, resolved, guild))
        if focused is not None:
            name, typed = focused
            definition = by_name.get(name)
            if definition is None or not definition.get("autocomplete"):
                raise EmulatorUsageError(f"{path!r} option {name!r} has no autocomplete")
            out.append(
                {"type": int(definition["type"]), "name": name, "value": typed, "focused": True}
            )
        else:
            missing = [
                d["name"] for d in definitions if d.get("required") and d["name"] not in options
            ]
            if missing:
                raise EmulatorUsageError(f"{path!r} requires options {missing}")
        if resolved:
            data["resolved"] = resolved
        return data

    def _option_value(
        self,
        definition: dict[str, Any],
        value: Any,
        resolved: dict[str, dict[str, Any]],
        guild: Guild | None,
    ) -> dict[str, Any]:
        kind = int(definition["type"])
        name = definition["name"]
        out: dict[str, Any] = {"type": kind, "name": name}
        if kind == 3:
            text = str(value)
            low = int(definition.get("min_length", 0))
            high = int(definition.get("max_length", 6000))
            if not low <= len(text) <= high:
                raise EmulatorUsageError(f"option {name!r} takes {low}..{high} characters")
            out["value"] = text
        elif kind in (4, 10):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise EmulatorUsageError(f"option {name!r} takes a number, got {value!r}")
            if kind == 4 and not float(value).is_integer():
                raise EmulatorUsageError(f"option {name!r} takes an integer, got {value!r}")
            number = int(value) if kind == 4 else float(value)
            low_v, high_v = definition.get("min_value"), definition.get("max_value")
            if (low_v is not None and number < low_v) or (high_v is not None and number > high_v):
                raise EmulatorUsageError(f"option {name!r} takes {low_v}..{high_v}")
            out["value"] = number
        elif kind == 5:
            if not isinstance(value, bool):
                raise EmulatorUsageError(f"option {name!r} takes a bool")
            out["value"] = value
        elif kind == 6:
            out["value"] = str(self._resolve_user(value, name, resolved, guild).id)
        elif kind == 7:
            if not isinstance(value, Channel):
                raise EmulatorUsageError(f"option {name!r} takes a Channel")
            out["value"] = str(value.id)
            resolved.setdefault("channels", {})[str(value.id)] = self._resolved_channel(value)
        elif kind == 8:
            if not isinstance(value, Role):
                raise EmulatorUsageError(f"option {name!r} takes a Role")
            out["value"] = str(value.id)
            resolved.setdefault("roles", {})[str(value.id)] = value.to_payload()
        elif kind == 9:
            if isinstance(value, Role):
                out["value"] = str(value.id)
                resolved.setdefault("roles", {})[str(value.id)] = value.to_payload()
            else:
                out["value"] = str(self._resolve_user(value, name, resolved, guild).id)
        elif kind == 11:
            attachment = self._upload(value, name)
            out["value"] = str(attachment.id)
            resolved.setdefault("attachments", {})[str(attachment.id)] = attachment.to_payload(
                self.base_url
            )
        else:
            raise EmulatorUsageError(f"option {name!r} has unsupported type {kind}")
        choices = definition.get("choices")
        if choices and out["value"] not in [c["value"] for c in choices]:
            raise EmulatorUsageError(
                f"option {name!r} must be one of {[c['value'] for c in choices]}"
            )
        return out

    def _resolve_user(
        self, value: Any, name: str, resolved: dict[str, dict[str, Any]], guild: Guild | None
    ) -> User:
        if not isinstance(value, User):
            raise EmulatorUsageError(f"option {name!r} takes a User")
        resolved.setdefault("users", {})[str(value.id)] = value.to_payload()
        if guild is not None and value.id in guild.members:
            member = guild.members[value.id].to_payload(with_user=False)
            member["permissions"] = str(guild.base_permissions(value))
            resolved.setdefault("members", {})[str(value.id)] = member
        return value

    def _resolved_channel(self, channel: Channel) -> dict[str, Any]:
        payload = channel.to_payload()
        perms = (
            channel.guild.permissions_in(self.bot_user, channel)
            if channel.guild
            else DM_APP_PERMISSIONS
        )
        payload["permissions"] = str(perms)
        payload.setdefault("name", channel.name)
        return payload

    def _upload(self, value: Any, name: str) -> Attachment:
        if isinstance(value, Attachment):
            attachment = value
        elif isinstance(value, tuple) and len(value) == 2:
            filename, data = value
            attachment = Attachment(self.next_id(), str(filename), bytes(data))
        else:
            raise EmulatorUsageError(f"option {name!r} takes (filename, bytes)")
        self.uploads[attachment.id] = attachment
        return attachment

    # ================================================================= HTTP plumbing

    def _violate(self, violation: Violation) -> None:
        log.info("Discord rule violation: %s", violation.text)
        self.violations.append(violation)

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        path = request.path
        if not path.startswith(API_PREFIX + "/"):
            return await handler(request)
        route = path[len(API_PREFIX) :]
        label = f"{request.method} {route}"
        self.requests.append(label)
        try:
            if not route.startswith(("/webhooks/", "/interactions/")):
                if request.headers.get("Authorization") != f"Bot {self.bot_token}":
                    raise ApiError(401, 0, "401: Unauthorized")
                limited = self._global_limit(label)
                if limited is not None:
                    return limited
            limited = self._injected_limit(request.method, route, label)
            if limited is not None:
                return limited
            failure = self._injected_error(request.method, route, label)
            if failure is not None and not failure.after:
                return self._server_error_response(failure.status)
            response = await handler(request)
            if failure is not None:
                return self._server_error_response(failure.status)
            return response
        except ApiError as error:
            self._violate(Violation(error.code, error.status, label, error.detail()))
            return json_response(error.body(), error.status)
        except web.HTTPException:
            raise
        except Exception as error:
            # An emulator bug: answer 400 (a 5xx makes discord.py retry for seconds).
            log.exception("emulator failed on %s", label)
            self._violate(Violation(0, 400, label, f"EMULATOR BUG: {error!r}"))
            return json_response({"code": 0, "message": f"emulator bug: {error!r}"}, 400)

    def _injected_limit(self, method: str, route: str, label: str) -> web.Response | None:
        for rule in self._rate_rules:
            if rule.times > 0 and rule.method in (method, "*") and rule.pattern.search(route):
                rule.times -= 1
                self.rate_limit_hits.append(label)
                return self._too_many(rule.retry_after, rule.global_)
        return None

    def _injected_error(self, method: str, route: str, label: str) -> ServerErrorRule | None:
        for rule in self._error_rules:
            if rule.times > 0 and rule.method in (method, "*") and rule.pattern.search(route):
                rule.times -= 1
                self.server_error_hits.append(label)
                return rule
        return None

    @staticmethod
    def _server_error_response(status: int) -> web.Response:
        # Discord's edge answers 5xx with an HTML page, not JSON.
        return web.Response(
            text=f"<html><body>{status} upstream error</body></html>",
            status=status,
            content_type="text/html",
        )

    def _global_limit(self, label: str) -> web.Response | None:
        limit = self.global_rate_limit_per_second
        if not limit:
            return None
        now = time.monotonic()
        recent = self._recent_requests
        while recent and now - recent[0] >= 1.0:
            recent.popleft()
        if len(recent) >= limit:
            retry_after = max(1.0 - (now - recent[0]), 0.01)
            self.rate_limit_hits.append(label)
            self._violate(
                Violation(0, 429, label, f"global rate limit of {limit} requests/s exceeded")
            )
            return self._too_many(retry_after, True)
        recent.append(now)
        return None

    def _too_many(self, retry_after: float, global_: bool) -> web.Response:
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(math.ceil(retry_after)),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{retry_after:.3f}",
            "X-RateLimit-Bucket": "emulator",
            "X-RateLimit-Scope": "global" if global_ else "user",
        }
        if global_:
            headers["X-RateLimit-Global"] = "true"
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": global_,
            "code": 0,
        }
        return json_response(body, 429, headers)

    async def _read_body(self, request: web.Request) -> tuple[Any, list[UploadedFile]]:
        if request.content_type.startswith("multipart/"):
            payload: Any = {}
            files: list[UploadedFile] = []
            reader = await request.multipart()
            async for part in reader:
                if not isinstance(part, BodyPartReader):
                    continue
                name = part.name or ""
                if name == "payload_json":
                    payload = json.loads(await part.text())
                elif name.startswith("files["):
                    index = int(name[6:-1])
                    data = bytes(await part.read(decode=False))
                    files.append(
                        UploadedFile(
                            index,
                            part.filename or f"file{index}",
                            data,
                            part.headers.get("Content-Type"),
                        )
                    )
            return payload, files
        if not request.can_read_body:
            return {}, []
        return await request.json(), []

    def _add_routes(self, app: web.Application) -> None:
        api = API_PREFIX
        r = app.router
        r.add_get("/gateway", self.gateway.handle)
        r.add_get("/attachments/{aid}/{filename}", self._get_attachment)
        r.add_get(api + "/users/@me", self._get_me)
        r.add_get(api + "/oauth2/applications/@me", self._get_application)
        r.add_get(api + "/applications/@me", self._get_application)
        r.add_get(api + "/gateway", self._get_gateway)
        r.add_get(api + "/gateway/bot", self._get_gateway_bot)
        r.add_put(api + "/applications/{app}/commands", self._put_commands)
        r.add_get(api + "/applications/{app}/commands", self._get_commands)
        r.add_put(api + "/applications/{app}/guilds/{gid}/commands", self._put_commands)
        r.add_get(api + "/applications/{app}/guilds/{gid}/commands", self._get_commands)
        r.add_post(api + "/interactions/{iid}/{token}/callback", self._callback)
        r.add_post(api + "/webhooks/{app}/{token}", self._post_followup)
        r.add_get(api + "/webhooks/{app}/{token}/messages/{mid}", self._get_webhook_message)
        r.add_patch(api + "/webhooks/{app}/{token}/messages/{mid}", self._patch_webhook_message)
        r.add_delete(api + "/webhooks/{app}/{token}/messages/{mid}", self._delete_webhook_message)
        r.add_post(api + "/users/@me/channels", self._create_dm)
        r.add_get(api + "/users/{uid}", self._get_user)
        r.add_get(api + "/channels/{cid}", self._get_channel)
        r.add_post(api + "/channels/{cid}/typing", self._typing)
        r.add_post(api + "/channels/{cid}/messages", self._post_channel_message)
        r.add_get(api + "/channels/{cid}/messages/{mid}", self._get_channel_message)
        r.add_patch(api + "/channels/{cid}/messages/{mid}", self._patch_channel_message)
        r.add_delete(api + "/channels/{cid}/messages/{mid}", self._delete_channel_message)
        r.add_get(api + "/guilds/{gid}", self._get_guild)
        r.add_get(api + "/guilds/{gid}/channels", self._get_guild_channels)
        r.add_get(api + "/guilds/{gid}/roles", self._get_guild_roles)
        r.add_get(api + "/guilds/{gid}/members/{uid}", self._get_member)
        r.add_route("*", "/{tail:.*}", self._unknown_route)

    async def _unknown_route(self, request: web.Request) -> web.StreamResponse:
        raise ApiError(
            404, 0, f"404: Not Found (the emulator has no {request.method} {request.path})"
        )

    # ================================================================= REST: identity

    async def _get_me(self, request: web.Request) -> web.Response:
        return json_response(
            {
                **self.bot_user.to_payload(),
                "verified": True,
                "mfa_enabled": False,
                "locale": "en-US",
            }
        )

    async def _get_application(self, request: web.Request) -> web.Response:
        return json_response(
            {
                "id": str(self.application_id),
                "name": self.bot_user.global_name or self.bot_user.name,
                "description": "A bot under test",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": self.app_owner.to_payload(),
                "verify_key": "0" * 64,
                "flags": 0,
                "team": None,
                "bot": self.bot_user.to_payload(),
            }
        )

    async def _get_gateway(self, request: web.Request) -> web.Response:
        return json_response({"url": self.gateway_url})

    async def _get_gateway_bot(self, request: web.Request) -> web.Response:
        return json_response(
            {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 86_400_000,
                    "max_concurrency": self.max_concurrency,
                },
            }
        )

    def _ready_payload(self, session_id: str) -> dict[str, Any]:
        return {
            "v": 10,
            "user": {**self.bot_user.to_payload(), "verified": True, "mfa_enabled": False},
            "guilds": [{"id": str(g), "unavailable": True} for g in self.guilds],
            "session_id": session_id,
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "_trace": ["emulator"],
        }

    async def _get_user(self, request: web.Request) -> web.Response:
        user = self.users.get(_int(request.match_info["uid"]))
        if user is None:
            raise ApiError(404, 10013, "Unknown User")
        return json_response(user.to_payload())

    # ================================================================= REST: commands

    def _commands_scope(self, request: web.Request) -> int | None:
        if _int(request.match_info["app"]) != self.application_id:
            raise ApiError(404, 10002, "Unknown Application")
        gid = request.match_info.get("gid")
        if gid is None:
            return None
        if _int(gid) not in self.guilds:
            raise ApiError(403, 50001, "Missing Access")
        return _int(gid)

    async def _put_commands(self, request: web.Request) -> web.Response:
        gid = self._commands_scope(request)
        body = await request.json()
        if not isinstance(body, list):
            raise invalid_form([rules.FieldError((), "LIST_TYPE_CONVERT", "Must be a list")])
        errors = rules.validate_commands(body, is_global=gid is None)
        if errors:
            raise invalid_form(errors)
        self.command_puts += 1
        stored = []
        for command in body:
            kind = int(command.get("type", 1))
            key = (gid, kind, command["name"])
            if key not in self._command_ids:
                self._command_ids[key] = self.next_id()
            entry = {
                "type": kind,
                "description": "",
                "default_member_permissions": None,
                "nsfw": False,
                **command,
                "id": str(self._command_ids[key]),
                "application_id": str(self.application_id),
                "version": str(self.next_id()),
            }
            if gid is not None:
                entry["guild_id"] = str(gid)
            stored.append(entry)
        if gid is None:
            self._global_commands = stored
        else:
            self._guild_commands[gid] = stored
        return json_response(stored)

    async def _get_commands(self, request: web.Request) -> web.Response:
        gid = self._commands_scope(request)
        commands = self._global_commands if gid is None else self._guild_commands.get(gid, [])
        return json_response(commands)

    # ================================================================= REST: interactions

    async def _callback(self, request: web.Request) -> web.Response:
        inter = self.interactions.get(_int(request.match_info["iid"]))
        if inter is None or inter.token != request.match_info["token"]:
            raise ApiError(404, 10062, "Unknown interaction")
        try:
            return await self._respond(inter, request)
        except ApiError as error:
            inter.rejections.append(error.detail())
            await self._notify()
            raise

    async def _respond(self, inter: Interaction, request: web.Request) -> web.Response:
        arrived = asyncio.get_running_loop().time()
        if inter.responded_monotonic is None:
            inter.responded_monotonic = arrived
        late = arrived - inter.created_monotonic > ACK_TIMEOUT
        if not inter.acknowledged and (inter.expired or late):
            inter.expired = True
            raise ApiError(404, 10062, "Unknown interaction")
        if inter.acknowledged:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        payload, files = await self._read_body(request)
        rtype = int(payload.get("type", 0))
        data: dict[str, Any] = payload.get("data") or {}
        allowed = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}[inter.type]
        if inter.type == 5 and inter.source_message is None:
            allowed = {4, 5}
        if rtype not in allowed:
            raise invalid_form(
                [
                    rules.FieldError(
                        ("type",),
                        "INTERACTION_RESPONSE_TYPE_INVALID",
                        f"Response type {rtype} is invalid for a {_kind(inter.type)}",
                    )
                ]
            )
        flags = int(data.get("flags") or 0)
        message: Message | None = None
        if rtype == 4:
            self._check_message(data, files, None)
            message = self._create_message(
                inter.channel, data, files, interaction=inter, kind=20 if inter.type == 2 else 19
            )
            inter.message = message
        elif rtype == 5:
            message = self._create_message(
                inter.channel, {"flags": flags & 64}, [], interaction=inter, kind=20, loading=True
            )
            inter.message = message
        elif rtype == 7:
            source = inter.source_message
            assert source is not None
            self._check_message(data, files, source)
            self._edit_message(source, data, files)
            message = inter.message = source
            flags = source.flags
        elif rtype == 8:
            errors = rules.validate_choices(data.get("choices") or [])
            if errors:
                raise invalid_form(errors)
            inter.choices = list(data.get("choices") or [])
        elif rtype == 9:
            errors = rules.validate_modal(data)
            if errors:
                raise invalid_form(errors)
        inter.response_type = rtype
        inter.response_data = data
        inter.response_flags = flags if rtype in (4, 5) else 0
        await self._notify()
        body: dict[str, Any] = {
            "interaction": {
                "id": str(inter.id),
                "type": inter.type,
                "response_message_id": str(message.id) if message else None,
                "response_message_loading": rtype == 5,
                "response_message_ephemeral": bool(flags & 64),
            }
        }
        if message is not None:
            body["resource"] = {"type": rtype, "message": message.to_payload(self)}
        return json_response(body)

    def _webhook_interaction(self, request: web.Request) -> Interaction:
        if _int(request.match_info["app"]) != self.application_id:
            raise ApiError(404, 10015, "Unknown Webhook")
        inter = self._by_token.get(request.match_info["token"])
        if inter is None or not inter.acknowledged:
            raise ApiError(404, 10015, "Unknown Webhook")
        if self.clock.time() - inter.created_clock > TOKEN_LIFETIME:
            raise ApiError(404, 10015, "Unknown Webhook (interaction token expired after 15 min)")
        return inter

    def _original(self, inter: Interaction) -> Message:
        if inter.response_type in (6, 7) and inter.source_message is not None:
            return inter.source_message
        if inter.message is None or inter.message.deleted:
            raise ApiError(404, 10008, "Unknown Message")
        return inter.message

    def _webhook_message(self, request: web.Request, inter: Interaction) -> Message:
        mid = request.match_info["mid"]
        if mid == "@original":
            return self._original(inter)
        message = self.messages.get(_int(mid))
        owned = [m for m in (inter.message, inter.source_message, *inter.followups) if m]
        if message is None or message.deleted or message not in owned:
            raise ApiError(404, 10008, "Unknown Message")
        return message

    async def _post_followup(self, request: web.Request) -> web.StreamResponse:
        inter = self._webhook_interaction(request)
        payload, files = await self._read_body(request)
        self._check_message(payload, files, None)
        original = inter.message
        if inter.response_type == 5 and original is not None and original.loading:
            # Discord turns the first followup after a deferral into the original response
            # (keeping the deferral's ephemeral flag): it is inter.message, not a followup.
            payload = {**payload, "flags": original.flags}
            self._edit_message(original, payload, files)
            original.loading = False
            message = original
        else:
            message = self._create_message(
                inter.channel, payload, files, interaction=inter, kind=19
            )
            inter.followups.append(message)
        await self._notify()
        if request.query.get("wait") in ("1", "true", "True"):
            return json_response(message.to_payload(self))
        return web.Response(status=204)

    async def _get_webhook_message(self, request: web.Request) -> web.Response:
        inter = self._webhook_interaction(request)
        return json_response(self._webhook_message(request, inter).to_payload(self))

    async def _patch_webhook_message(self, request: web.Request) -> web.Response:
        inter = self._webhook_interaction(request)
        message = self._webhook_message(request, inter)
        payload, files = await self._read_body(request)
        self._check_message(payload, files, None if message.loading else message)
        self._edit_message(message, payload, files)
        message.loading = False
        await self._notify()
        return json_response(message.to_payload(self))

    async def _delete_webhook_message(self, request: web.Request) -> web.Response:
        inter = self._webhook_interaction(request)
        message = self._webhook_message(request, inter)
        message.deleted = True
        await self._notify()
        return web.Response(status=204)

    # ================================================================= REST: channels and DMs

    def _find_channel(self, channel_id: int) -> Channel | None:
        for guild in self.guilds.values():
            if channel_id in guild.channels:
                return guild.channels[channel_id]
        for channel in self.dm_channels.values():
            if channel.id == channel_id:
                return channel
        return None

    def _channel(self, request: web.Request) -> Channel:
        channel = self._find_channel(_int(request.match_info["cid"]))
        if channel is None:
            raise ApiError(404, 10003, "Unknown Channel")
        if channel.guild is not None:
            perms = channel.guild.permissions_in(self.bot_user, channel)
            if not perms & VIEW_CHANNEL:
                raise ApiError(403, 50001, "Missing Access")
        return channel

    async def _create_dm(self, request: web.Request) -> web.Response:
        body = await request.json()
        user = self.users.get(_int(str(body.get("recipient_id", "0"))))
        if user is None or user.bot:
            raise ApiError(400, 50033, "Invalid Recipient(s)")
        return json_response(self.dm_channel(user).to_payload())

    async def _get_channel(self, request: web.Request) -> web.Response:
        return json_response(self._channel(request).to_payload())

    async def _typing(self, request: web.Request) -> web.Response:
        self._channel(request)
        return web.Response(status=204)

    async def _post_channel_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        payload, files = await self._read_body(request)
        if channel.type == 1:
            assert channel.recipient is not None
            if not channel.recipient.dms_open:
                raise ApiError(403, 50007, "Cannot send messages to this user")
        else:
            assert channel.guild is not None
            perms = channel.guild.permissions_in(self.bot_user, channel)
            if not perms & SEND_MESSAGES:
                raise ApiError(403, 50013, "Missing Permissions")
            if files and not perms & ATTACH_FILES:
                raise ApiError(403, 50013, "Missing Permissions")
        self._check_message(payload, files, None)
        nonce = payload.get("nonce")
        now = self.clock.time()
        if nonce is not None and payload.get("enforce_nonce"):
            earlier = self._nonces.get((channel.id, str(nonce)))
            if earlier is not None and now - earlier[0] < NONCE_WINDOW:
                return json_response(earlier[1].to_payload(self))
        message = self._create_message(channel, payload, files)
        if nonce is not None:
            message.nonce = str(nonce)
            self._nonces[(channel.id, str(nonce))] = (now, message)
        await self._notify()
        return json_response(message.to_payload(self))

    def _channel_message(self, request: web.Request) -> Message:
        channel = self._channel(request)
        message = self.messages.get(_int(request.match_info["mid"]))
        if (
            message is None
            or message.deleted
            or message.channel_id != channel.id
            or message.ephemeral
        ):
            raise ApiError(404, 10008, "Unknown Message")
        return message

    async def _get_channel_message(self, request: web.Request) -> web.Response:
        return json_response(self._channel_message(request).to_payload(self))

    async def _patch_channel_message(self, request: web.Request) -> web.Response:
        message = self._channel_message(request)
        if message.author is not self.bot_user:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        payload, files = await self._read_body(request)
        self._check_message(payload, files, message)
        self._edit_message(message, payload, files)
        await self._notify()
        return json_response(message.to_payload(self))

    async def _delete_channel_message(self, request: web.Request) -> web.Response:
        message = self._channel_message(request)
        message.deleted = True
        await self._notify()
        return web.Response(status=204)

    async def _get_attachment(self, request: web.Request) -> web.Response:
        aid = _int(request.match_info["aid"])
        attachment = self.uploads.get(aid)
        if attachment is None:
            for message in self.messages.values():
                for candidate in message.attachments:
                    if candidate.id == aid:
                        attachment = candidate
        if attachment is None:
            raise web.HTTPNotFound()
        return web.Response(
            body=attachment.data, content_type=attachment.content_type or "application/octet-stream"
        )

    # ================================================================= REST: guilds

    def _guild(self, request: web.Request) -> Guild:
        guild = self.guilds.get(_int(request.match_info["gid"]))
        if guild is None:
            raise ApiError(404, 10004, "Unknown Guild")
        return guild

    async def _get_guild(self, request: web.Request) -> web.Response:
        payload = self._guild(request).to_payload()
        for key in ("channels", "members", "threads", "presences", "voice_states"):
            payload.pop(key, None)
        return json_response(payload)

    async def _get_guild_channels(self, request: web.Request) -> web.Response:
        return json_response([c.to_payload() for c in self._guild(request).channels.values()])

    async def _get_guild_roles(self, request: web.Request) -> web.Response:
        return json_response([r.to_payload() for r in self._guild(request).roles.values()])

    async def _get_member(self, request: web.Request) -> web.Response:
        member = self._guild(request).members.get(_int(request.match_info["uid"]))
        if member is None:
            raise ApiError(404, 10007, "Unknown Member")
        return json_response(member.to_payload())

    # ================================================================= messages

    def _check_message(
        self, payload: Mapping[str, Any], files: list[UploadedFile], existing: Message | None
    ) -> None:
        errors = rules.validate_message(payload)
        attachments = payload.get("attachments")
        kept = (
            len(attachments)
            if attachments is not None
            else len(existing.attachments)
            if existing
            else 0
        )
        if max(kept, len(files)) > 10:
            errors.append(
                rules.FieldError(
                    ("attachments",), "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length."
                )
            )
        if errors:
            raise invalid_form(errors)
        merged: dict[str, Any] = {}
        if existing is not None:
            merged = {
                "content": existing.content,
                "embeds": existing.embeds,
                "components": existing.components,
            }
        merged.update(
            {
                k: v
                for k, v in payload.items()
                if k in ("content", "embeds", "components", "sticker_ids", "poll")
            }
        )
        has_files = bool(files) or bool(
            attachments if attachments is not None else (existing.attachments if existing else [])
        )
        if rules.is_empty_message(merged, has_files=has_files):
            raise ApiError(400, 50006, "Cannot send an empty message")

    def _create_message(
        self,
        channel: Channel,
        payload: Mapping[str, Any],
        files: list[UploadedFile],
        *,
        interaction: Interaction | None = None,
        kind: int = 0,
        loading: bool = False,
    ) -> Message:
        message = Message(
            id=self.next_id(),
            channel_id=channel.id,
            author=self.bot_user,
            guild_id=channel.guild.id if channel.guild else None,
            type=kind,
            dm_user=channel.recipient,
            interaction=interaction,
            loading=loading,
            created_at=self.clock.now(),
        )
        self._apply(message, payload, files, creating=True)
        self.messages[message.id] = message
        if not loading and not message.ephemeral:
            self._dispatch_message_create(channel, message)
        return message

    def _dispatch_message_create(self, channel: Channel, message: Message) -> None:
        intent = 1 << 12 if channel.type == 1 else 1 << 9
        self.gateway.dispatch("MESSAGE_CREATE", message.to_payload(self), intent=intent)

    def _edit_message(
        self, message: Message, payload: Mapping[str, Any], files: list[UploadedFile]
    ) -> None:
        self._apply(message, payload, files)
        if not message.loading:
            message.edits += 1
            message.edited_at = self.clock.now()

    def _apply(
        self,
        message: Message,
        payload: Mapping[str, Any],
        files: list[UploadedFile],
        *,
        creating: bool = False,
    ) -> None:
        if "content" in payload:
            message.content = payload["content"] or ""
        if "embeds" in payload:
            message.embeds = list(payload["embeds"] or [])
        if "components" in payload:
            message.components = list(payload["components"] or [])
        if payload.get("flags") is not None:
            flags = int(payload["flags"])
            # The ephemeral bit is fixed when a message is created.
            message.flags = flags if creating else (flags & ~64) | (message.flags & 64)
        if "allowed_mentions" in payload:
            message.allowed_mentions = payload["allowed_mentions"]
        if "content" in payload or "embeds" in payload:
            self.mention_log.append((message, payload.get("allowed_mentions")))
        if "tts" in payload:
            message.tts = bool(payload["tts"])
        message.attachments = self._attachments(payload, files, message.attachments)

    def _attachments(
        self, payload: Mapping[str, Any], files: list[UploadedFile], existing: list[Attachment]
    ) -> list[Attachment]:
        def new(upload: UploadedFile, spec: Mapping[str, Any] | None = None) -> Attachment:
            spec = spec or {}
            return Attachment(
                self.next_id(),
                spec.get("filename") or upload.filename,
                upload.data,
                upload.content_type,
                spec.get("description"),
            )

        specs = payload.get("attachments")
        uploads = {f.index: f for f in files}
        if specs is None:
            return [*existing, *(new(f) for f in files)]
        result: list[Attachment] = []
        for spec in specs:
            sid = _int(str(spec.get("id")))
            if sid in uploads:
                result.append(new(uploads.pop(sid), spec))
                continue
            kept = next((a for a in existing if a.id == sid), None)
            if kept is not None:
                result.append(kept)
        result += [new(f) for f in uploads.values()]
        return result


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ApiError(404, 0, f"404: Not Found ({value!r} is not a snowflake)") from None


def _kind(interaction_type: int) -> str:
    return {2: "command", 3: "component", 4: "autocomplete", 5: "modal submit"}.get(
        interaction_type, f"interaction type {interaction_type}"
    )


def _paths(prefix: str, options: list[dict[str, Any]]) -> set[str]:
    subs = [o for o in options if int(o.get("type", 3)) in (1, 2)]
    if not subs:
        return {prefix}
    paths: set[str] = set()
    for sub in subs:
        paths |= _paths(f"{prefix} {sub['name']}", sub.get("options") or [])
    return paths
