"""/about: what this bot is and how it is running."""

from __future__ import annotations

import math

import discord
from discord import app_commands
from discord.ext import commands

from bot import __version__
from bot.cogs.common import bot_of, call, respond
from bot.services import about


class AboutCog(commands.Cog):
    @app_commands.command(name="about")
    async def about(self, interaction: discord.Interaction) -> None:
        """Version, database and status of this bot."""
        bot = bot_of(interaction)
        count = None
        if interaction.guild_id is not None:
            count = await call(interaction, about.coalition_count, read_only=True)
        latency = bot.latency
        embed = discord.Embed(title="Coalition Bot", colour=discord.Colour.green())
        embed.add_field(name="Version", value=__version__)
        embed.add_field(name="Database", value=bot.settings.backend)
        if count is not None:
            embed.add_field(name="Coalitions in this server", value=str(count))
        embed.add_field(
            name="Gateway latency",
            value="unknown" if not math.isfinite(latency) else f"{latency * 1000:.0f} ms",
        )
        await respond(interaction, embed=embed)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(AboutCog())
