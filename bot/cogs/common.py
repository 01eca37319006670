"""What every cog needs: the actor behind an interaction, and the bot's typed parts."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import discord

from bot.errors import UserFacingError
from bot.services.common import Actor

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
