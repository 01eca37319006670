"""What every cog needs: the actor behind an interaction, and the bot's typed parts."""

from __future__ import annotations

import asyncio
import zoneinfo
from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar, cast

import discord
from discord import app_commands

from bot.db.uow import UnitOfWork
from bot.errors import UserFacingError
from bot.services import autocomplete as ac
from bot.services.common import Actor, fold
from bot.services.lookups import parse_choice_id

if TYPE_CHECKING:
    from bot.client import AnyBot


def bot_of(interaction: discord.Interaction) -> AnyBot:
    return cast("AnyBot", interaction.client)


def actor_of(interaction: discord.Interaction) -> Actor:
    """The acting member, scoped to the server the interaction came from."""
    if interaction.guild_id is None:
        raise UserFacingError("This works only inside a server. Run it from your server's channel.")
    user = interaction.user
    perms = interaction.permissions
    is_admin = bool(perms.manage_guild or perms.administrator)
    roles = frozenset(r.id for r in getattr(user, "roles", ()))
    return Actor(guild_id=interaction.guild_id, user_id=user.id, is_admin=is_admin, role_ids=roles)


ChoiceFn = Callable[[UnitOfWork, Actor, str | None], Awaitable[list[ac.Choice]]]
Autocomplete = Callable[[discord.Interaction, str], Awaitable[list[app_commands.Choice[str]]]]


def autocompleter(fn: ChoiceFn) -> Autocomplete:
    """Adapt a service's choice function to a discord.py autocomplete callback (one session)."""

    async def callback(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        actor = actor_of(interaction)
        async with bot_of(interaction).uow(read_only=True) as uow:
            choices = await fn(uow, actor, current)
        return [app_commands.Choice(name=c.label, value=c.value) for c in choices[:25]]

    return callback


city_autocomplete = autocompleter(ac.cities)
my_city_autocomplete = autocompleter(ac.my_cities)
coalition_autocomplete = autocompleter(ac.coalitions)
ask_autocomplete = autocompleter(ac.asks)


def parse_id(value: str | int | None, kind: str) -> int:
    """An autocomplete value (or a raw id typed by the user) back to an id; else NotFound."""
    return parse_choice_id(value, kind)


def optional_id(value: str | None, kind: str) -> int | None:
    return None if value is None or not str(value).strip() else parse_id(value, kind)


@lru_cache(maxsize=1)
def _zones() -> tuple[tuple[str, str], ...]:
    names = sorted(z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC")
    return tuple((fold(z.replace("_", " ")), z) for z in names)


async def timezone_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """IANA zones matching what was typed ("paris", "new york"), prefix matches first."""
    key = fold(current.replace("_", " "))[:64]
    zones = _zones()
    starts = [z for k, z in zones if k.split("/")[-1].startswith(key) or k.startswith(key)]
    contains = [z for k, z in zones if key in k and z not in starts]
    return [app_commands.Choice(name=z, value=z) for z in (starts + contains)[:25]]


T = TypeVar("T")

# Discord drops an interaction not acknowledged within 3 s; past this, acknowledge first.
DEFER_AFTER = 1.5
# With this many service calls already running, the bot is busy (a burst of sign-ons): its
# event loop may not get back to a 1.5 s timer in time, so acknowledge at once instead.
BUSY = 8
_in_flight = 0


async def call(
    interaction: discord.Interaction,
    fn: Callable[..., Awaitable[T]],
    *args: object,
    ephemeral: bool = True,
    edit: bool = False,
    read_only: bool = False,
    defer_after: float = DEFER_AFTER,
    **kwargs: object,
) -> T:
    """Run ``fn(uow, actor, *args, **kwargs)`` in its own unit of work and return the result.

    If the database is slow, the interaction is deferred (with the ephemerality the answer will
    have) before Discord's 3-second window closes; ``respond`` then edits that placeholder.
    ``edit=True`` (a button whose answer replaces its own message): defer as an update of that
    message, which ``respond(..., edit=True)`` then edits.
    """
    actor = actor_of(interaction)

    async def work() -> T:
        async with bot_of(interaction).uow(read_only=read_only) as uow:
            return await fn(uow, actor, *args, **kwargs)

    global _in_flight
    busy = _in_flight >= BUSY
    _in_flight += 1
    try:
        task = asyncio.ensure_future(work())
        done: set[asyncio.Future[T]] = set()
        if not busy:
            done, _ = await asyncio.wait({task}, timeout=defer_after)
        if not done and not interaction.response.is_done():
            if edit:
                await interaction.response.defer()
            else:
                await interaction.response.defer(ephemeral=ephemeral, thinking=True)
        return await task
    finally:
        _in_flight -= 1


async def respond(
    interaction: discord.Interaction, *, ephemeral: bool = True, edit: bool = False, **kwargs: Any
) -> None:
    """Answer once: the initial response, or the deferred placeholder's edit, or a followup.

    ``edit=True``: replace the message the pressed button sits on (after ``call(edit=True)``).
    """
    if not interaction.response.is_done():
        if edit:
            await interaction.response.edit_message(**kwargs)
        else:
            await interaction.response.send_message(ephemeral=ephemeral, **kwargs)
    elif interaction.response.type is discord.InteractionResponseType.deferred_message_update:
        await interaction.edit_original_response(**kwargs)
    elif interaction.response.type is discord.InteractionResponseType.deferred_channel_message:
        # Editing the placeholder: files travel as attachments there.
        files = ([kwargs.pop("file")] if "file" in kwargs else []) + kwargs.pop("files", [])
        if files:
            kwargs["attachments"] = files
        await interaction.edit_original_response(**kwargs)
    else:
        await interaction.followup.send(ephemeral=ephemeral, **kwargs)
