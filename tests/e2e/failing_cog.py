"""Commands that fail or dawdle on purpose, loaded only by the error-handling tests."""

from __future__ import annotations

import asyncio

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs.common import call, respond
from bot.db.uow import UnitOfWork
from bot.errors import UserFacingError
from bot.services.common import Actor


async def slow_service(uow: UnitOfWork, actor: Actor, seconds: float) -> str:
    await asyncio.sleep(seconds)  # stands for a database that takes its time
    return f"done after {seconds} s for {actor.user_id}"


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

    @app_commands.command(name="slow")
    async def slow(self, interaction: discord.Interaction, seconds: float, public: bool = False):
        """Answers after a slow service call."""
        text = await call(interaction, slow_service, seconds, ephemeral=not public)
        await respond(interaction, content=text, ephemeral=not public)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(FailingCog())
