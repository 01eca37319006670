"""/about: what this bot is and how it is running."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import discord
from discord import app_commands
from discord.ext import commands

from bot import __version__
from bot.cogs.common import bot_of, call, respond
from bot.services import about, outbox


def backlog_text(backlog: outbox.Backlog, now: datetime) -> str:
    """Admins: what the outbox still has to post, edit or DM in this server."""
    if not backlog.size:
        text = "none"
    else:
        age = backlog.oldest_age(now) or timedelta()
        minutes = int(age.total_seconds() // 60)
        waited = f"{minutes} min" if minutes else f"{int(age.total_seconds())} s"
        text = f"{backlog.size}, the oldest waiting for {waited} (Discord failing; retried)"
    if backlog.gave_up:
        text += f"; {backlog.gave_up} given up in the last day"
    return text


class AboutCog(commands.Cog):
    @app_commands.command(name="about")
    async def about(self, interaction: discord.Interaction) -> None:
        """Version, database and status of this bot."""
        bot = bot_of(interaction)
        count = backlog = None
        if interaction.guild_id is not None:
            count = await call(interaction, about.coalition_count, read_only=True)
            backlog = await call(interaction, about.outbox_backlog, read_only=True)
        latency = bot.latency
        embed = discord.Embed(title="Coalition Bot", colour=discord.Colour.green())
        embed.add_field(name="Version", value=__version__)
        embed.add_field(name="Database", value=bot.settings.backend)
        if count is not None:
            embed.add_field(name="Coalitions in this server", value=str(count))
        if backlog is not None:
            embed.add_field(
                name="Messages waiting to be sent", value=backlog_text(backlog, bot.clock.now())
            )
        embed.add_field(
            name="Gateway latency",
            value="unknown" if not math.isfinite(latency) else f"{latency * 1000:.0f} ms",
        )
        await respond(interaction, embed=embed)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(AboutCog())
