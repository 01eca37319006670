"""Baseline commands the benchmark registers in the same bot process.

``/bench-noop`` answers at once, touching nothing: discord.py's own cost plus the emulator's.
``/bench-onequery`` reads one row through the bot's session factory and answers: the least a
command that needs its data must pay.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands
from sqlalchemy import select

from bot.cogs.common import bot_of
from bot.db.models import Coalition


class FloorCog(commands.Cog):
    @app_commands.command(name="bench-noop")
    async def noop(self, interaction: discord.Interaction) -> None:
        """Benchmark floor: answers at once."""
        await interaction.response.send_message("ok", ephemeral=True)

    @app_commands.command(name="bench-onequery")
    async def one_query(self, interaction: discord.Interaction) -> None:
        """Benchmark floor: one database read, then answers."""
        async with bot_of(interaction).uow() as uow:
            name = await uow.session.scalar(select(Coalition.name).limit(1))
        await interaction.response.send_message(name or "none", ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(FloorCog())
