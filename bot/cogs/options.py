"""Typed slash-command options: one transformer per entity owns its autocomplete and parsing.

A command declares ``coalition: CoalitionId`` and receives an ``int``; what the user sees while
typing (suggestions) and what happens to free text they typed instead (a clear NotFound, shown
ephemerally by the error handler) live here, once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

import discord
from discord import app_commands

from bot.cogs.common import actor_of
from bot.db.uow import UnitOfWork
from bot.errors import NotFound, UserFacingError
from bot.services import actions, autocomplete, webhooks, zones
from bot.services.common import Actor
from bot.services.lookups import parse_choice_id

if TYPE_CHECKING:
    from bot.client import AnyBot

Choices = list[app_commands.Choice[str]]


class _EntityId(app_commands.Transformer):
    """An autocomplete value (``str(id)``) back to an id; anything else is NotFound."""

    kind: ClassVar[str]

    async def transform(self, interaction: discord.Interaction, value: Any) -> int:
        return parse_choice_id(value, self.kind)

    async def suggestions(
        self, uow: UnitOfWork, actor: Actor, current: str
    ) -> list[autocomplete.Choice]:
        raise NotImplementedError

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction, value: str
    ) -> Choices:
        if interaction.guild_id is None:
            return []
        actor = actor_of(interaction)
        async with cast("AnyBot", interaction.client).uow(read_only=True) as uow:
            found = await self.suggestions(uow, actor, value)
        return [app_commands.Choice(name=c.label, value=c.value) for c in found[:25]]


class _City(_EntityId):
    kind = "city"

    async def suggestions(
        self, uow: UnitOfWork, actor: Actor, current: str
    ) -> list[autocomplete.Choice]:
        return await autocomplete.cities(uow, actor, current)


class _MyCity(_City):
    """A city option where the actor's own verified cities come first."""

    async def suggestions(
        self, uow: UnitOfWork, actor: Actor, current: str
    ) -> list[autocomplete.Choice]:
        return await autocomplete.my_cities(uow, actor, current)


class _Coalition(_EntityId):
    kind = "coalition"

    async def suggestions(
        self, uow: UnitOfWork, actor: Actor, current: str
    ) -> list[autocomplete.Choice]:
        return await autocomplete.coalitions(uow, actor, current)


class _Ask(_EntityId):
    kind = "ask"

    async def suggestions(
        self, uow: UnitOfWork, actor: Actor, current: str
    ) -> list[autocomplete.Choice]:
        return await autocomplete.asks(uow, actor, current)


class _Action(_EntityId):
    kind = "action"

    async def transform(self, interaction: discord.Interaction, value: Any) -> int:
        return actions.parse_action_id(value)

    async def suggestions(
        self, uow: UnitOfWork, actor: Actor, current: str
    ) -> list[autocomplete.Choice]:
        return [
            autocomplete.Choice(c.label, c.value)
            for c in await actions.action_choices(uow, actor, current)
        ]


class _Webhook(_EntityId):
    """A webhook of the coalition chosen in the same command's ``coalition`` option."""

    kind = "webhook"

    async def transform(self, interaction: discord.Interaction, value: Any) -> int:
        try:
            return parse_choice_id(value, "webhook")
        except NotFound:
            raise NotFound(webhooks.WEBHOOK_NOT_FOUND) from None

    async def suggestions(
        self, uow: UnitOfWork, actor: Actor, current: str
    ) -> list[autocomplete.Choice]:
        raise NotImplementedError  # needs the coalition; see autocomplete

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction, value: str
    ) -> Choices:
        if interaction.guild_id is None:
            return []
        try:
            coalition_id: int | None = parse_choice_id(
                getattr(interaction.namespace, "coalition", None), "coalition"
            )
        except NotFound:
            coalition_id = None
        actor = actor_of(interaction)
        async with cast("AnyBot", interaction.client).uow(read_only=True) as uow:
            found = await webhooks.webhook_choices(uow, actor, coalition_id, value)
        return [app_commands.Choice(name=c.label, value=c.value) for c in found[:25]]


def zone_suggestions(current: str, locale: str | None = None) -> list[zones.ZoneChoice]:
    """Zones matching what was typed: IANA names, cities and countries ("paris", "lisboa",
    "ireland"), best first; a name with several zones ("portland") offers each of them."""
    return zones.zone_choices(current, locale=locale)


class _TimeZone(app_commands.Transformer):
    """A time zone: an IANA name from the list, or a city or country typed by hand.

    A name with one zone becomes that zone ("Lisboa" → Europe/Lisbon); anything else is passed
    on as typed, and the service refuses it with its own clear message (unknown, or which of
    several zones).
    """

    async def transform(self, interaction: discord.Interaction, value: Any) -> str:
        typed = str(value)[:64]
        try:
            return zones.resolve_zone(typed, locale=str(interaction.locale)).key
        except UserFacingError:
            return typed

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction, value: str
    ) -> Choices:
        found = zone_suggestions(value, str(interaction.locale))
        return [app_commands.Choice(name=c.label, value=c.value) for c in found]


CityId = app_commands.Transform[int, _City]
MyCityId = app_commands.Transform[int, _MyCity]
CoalitionId = app_commands.Transform[int, _Coalition]
AskId = app_commands.Transform[int, _Ask]
ActionId = app_commands.Transform[int, _Action]
WebhookId = app_commands.Transform[int, _Webhook]
TimeZoneName = app_commands.Transform[str, _TimeZone]
