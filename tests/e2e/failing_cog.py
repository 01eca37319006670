"""Commands that fail on purpose, loaded only by the error-handler tests."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import UserFacingError


class FailingCog(commands.Cog):
    @app_commands.command(name="refuse")
    async def refuse(self, interaction: discord.Interaction, defer: bool = False) -> None:
        """Always refuses with a user-facing message."""
        if defer:
            await interaction.response.defer(ephemeral=True)
        raise UserFacingError("You can't do that here. Ask a coordinator.")

    @app_commands.command(name="boom")
    async def boom(self, interaction: discord.Interaction, defer: bool = False) -> None:
        """Always crashes."""
        if defer:
            await interaction.response.defer(ephemeral=True)
        raise RuntimeError("database exploded: password=hunter2")


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(FailingCog())
