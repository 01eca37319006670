"""What every cog needs: the actor behind an interaction, and the bot's typed parts."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import discord

from bot.db.uow import UnitOfWork
from bot.errors import UserFacingError
from bot.services.common import Actor
from bot.ui import limits

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
    opens_form: bool = False,
    guild_of: Callable[[UnitOfWork], Awaitable[int]] | None = None,
    **kwargs: object,
) -> T:
    """Run ``fn(uow, actor, *args, **kwargs)`` in its own unit of work and return the result.

    If the database is slow, the interaction is deferred (with the ephemerality the answer will
    have) before Discord's 3-second window closes; ``respond`` then edits that placeholder.
    ``edit=True`` (a button whose answer replaces its own message): defer as an update of that
    message, which ``respond(..., edit=True)`` then edits. ``opens_form=True``: the answer is a
    modal, which cannot follow a deferral, so never defer. ``guild_of``: for a button pressed in
    a direct message, find the server the pressed thing belongs to (in the same unit of work).
    """
    actor = None if guild_of is not None and interaction.guild_id is None else actor_of(interaction)

    async def work() -> T:
        async with bot_of(interaction).uow(read_only=read_only) as uow:
            acting = actor
            if acting is None:
                assert guild_of is not None
                acting = Actor(guild_id=await guild_of(uow), user_id=interaction.user.id)
            return await fn(uow, acting, *args, **kwargs)

    global _in_flight
    busy = _in_flight >= BUSY
    _in_flight += 1
    try:
        task = asyncio.ensure_future(work())
        if opens_form:
            return await task
        done: set[asyncio.Future[T]] = set()
        if not busy:
            done, _ = await asyncio.wait({task}, timeout=defer_after)
        if not done:
            await defer(interaction, ephemeral=ephemeral, edit=edit)
        return await task
    finally:
        _in_flight -= 1


async def defer(
    interaction: discord.Interaction, *, ephemeral: bool = True, edit: bool = False
) -> None:
    """Acknowledge now (if not yet) so slow work after it may take up to 15 minutes.

    ``edit=True``: as an update of the message the pressed button sits on.
    """
    if interaction.response.is_done():
        return
    if edit:
        await interaction.response.defer()
    else:
        await interaction.response.defer(ephemeral=ephemeral, thinking=True)


async def respond(
    interaction: discord.Interaction, *, ephemeral: bool = True, edit: bool = False, **kwargs: Any
) -> None:
    """Answer once: the initial response, or the deferred placeholder's edit, or a followup.

    ``edit=True``: replace the message the pressed button sits on (after ``call(edit=True)``).
    ``embeds`` beyond what one message may hold (Discord's limits) continue in followups.
    """
    pages: list[list[discord.Embed]] = []
    if "embeds" in kwargs:
        pages = limits.fit_embeds(kwargs.pop("embeds")) or [[]]
        kwargs["embeds"] = pages.pop(0)
    await _answer(interaction, ephemeral=ephemeral, edit=edit, **kwargs)
    for page in pages:
        await interaction.followup.send(embeds=page, ephemeral=ephemeral)


async def _answer(
    interaction: discord.Interaction, *, ephemeral: bool, edit: bool, **kwargs: Any
) -> None:
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
