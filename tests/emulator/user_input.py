"""What a user does: slash commands, autocomplete, clicks, selects and modal submits.

Each becomes an INTERACTION_CREATE on the gateway; the call returns once the bot answered
(or raises :class:`InteractionNotAcknowledged` after 3 s, as Discord would show a failure).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from . import rules
from .commands import CommandRegistry
from .errors import EmulatorUsageError, InteractionNotAcknowledged
from .models import Channel, Guild, Interaction, Message, Role, User, Violation
from .state import (
    ACK_TIMEOUT,
    ATTACHMENT_SIZE_LIMIT,
    DEFER_WAIT,
    DM_APP_PERMISSIONS,
    interaction_kind,
)

log = logging.getLogger(__name__)


class UserInput(CommandRegistry):
    """The test side: act as a Discord user and wait for the bot's answer."""

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
            what = inter.command_path or interaction_kind(inter.type)
            self._violate(
                Violation(
                    10062, 404, f"INTERACTION {inter.id}", f"{what} not acknowledged within 3 s"
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
