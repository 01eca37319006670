"""The tiny discord.py bot the emulator self-tests drive."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from tests.emulator import Channel, DiscordEmulator, Guild, Role, User


class SelftestBot(commands.Bot):
    """The bot under test; ``setup`` registers its commands before sync."""

    def __init__(self, setup: Callable[[SelftestBot], None] | None = None) -> None:
        super().__init__(
            command_prefix="!",
            intents=discord.Intents.default(),
            guild_ready_timeout=0.05,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        self.errors: list[BaseException] = []
        self.seen_interactions: list[int] = []
        self.saved: dict[str, Any] = {}
        self.joined: list[int] = []
        self._setup = setup or add_standard_commands
        self.sync_error: BaseException | None = None
        self.sync_guilds: list[int] = []

        @self.tree.error
        async def on_tree_error(
            interaction: discord.Interaction, error: app_commands.AppCommandError
        ) -> None:
            self.errors.append(error)

    async def setup_hook(self) -> None:
        self._setup(self)
        try:
            await self.tree.sync()
            for guild_id in self.sync_guilds:
                await self.tree.sync(guild=discord.Object(guild_id))
        except Exception as error:
            self.sync_error = error

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        self.seen_interactions.append(interaction.id)

    async def on_guild_join(self, guild: discord.Guild) -> None:
        self.joined.append(guild.id)


class ConfirmView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=60)
        self.clicked: list[str] = []

    @discord.ui.button(label="Confirm", custom_id="confirm", style=discord.ButtonStyle.success)
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.edit_message(content="Confirmed!", view=None)

    @discord.ui.button(label="Later", custom_id="later")
    async def later(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.send_message("Noted for later", ephemeral=True)

    @discord.ui.select(
        custom_id="colour",
        options=[discord.SelectOption(label=c, value=str(i)) for i, c in enumerate("RGB")],
    )
    async def colour(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.send_message(f"picked {select.values[0]}")


class FeedbackModal(discord.ui.Modal, title="Feedback"):
    headline = discord.ui.TextInput(label="Title", custom_id="title", max_length=100)
    body = discord.ui.TextInput(
        label="Text", custom_id="text", style=discord.TextStyle.paragraph, max_length=4000
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            f"thanks: {self.headline.value} / {self.body.value}"
        )


CITIES = ["Lyon", "Lille", "Grenoble", "Paris"]


def add_standard_commands(bot: SelftestBot) -> None:
    tree = bot.tree

    ask = app_commands.Group(name="ask", description="Ask cities for things")

    @ask.command(name="sign", description="Ask a city to sign an ask")
    async def ask_sign(interaction: discord.Interaction, ask: str, city: str) -> None:
        await interaction.response.send_message(f"asked {city} to sign {ask}")

    admin = app_commands.Group(name="admin", description="Administration")
    city_group = app_commands.Group(name="city", description="Cities", parent=admin)

    @city_group.command(name="add", description="Add a city")
    async def admin_city_add(interaction: discord.Interaction, name: str) -> None:
        perms = interaction.permissions
        await interaction.response.send_message(
            f"added {name} manage_guild={perms.manage_guild}", ephemeral=True
        )

    tree.add_command(ask)
    tree.add_command(admin)

    @tree.command(name="everything", description="Every option type")
    async def everything(
        interaction: discord.Interaction,
        text: str,
        integer: int,
        flag: bool,
        user: discord.User,
        channel: discord.TextChannel,
        role: discord.Role,
        who: discord.Member | discord.Role,
        number: float,
        file: discord.Attachment,
    ) -> None:
        data = await file.read()
        await interaction.response.send_message(
            f"text={text} integer={integer} flag={flag} user={user.name} "
            f"channel={channel.name} role={role.name} who={who.name} number={number} "
            f"file={file.filename}:{data.decode()}"
        )

    async def city_choices(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if current == "*":  # too many choices: Discord rejects more than 25
            return [app_commands.Choice(name=f"City {i}", value=str(i)) for i in range(26)]
        if current == "long":
            return [app_commands.Choice(name="x" * 101, value="x")]
        return [
            app_commands.Choice(name=c, value=c) for c in CITIES if c.lower().startswith(current)
        ]

    @tree.command(name="pick", description="Pick a city")
    @app_commands.autocomplete(city=city_choices)
    async def pick(interaction: discord.Interaction, city: str, note: str = "") -> None:
        await interaction.response.send_message(f"picked {city}")

    @tree.command(name="confirm", description="Buttons and a select")
    async def confirm(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Please confirm", view=ConfirmView())

    @tree.command(name="feedback", description="Open a modal")
    async def feedback(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(FeedbackModal())

    @tree.command(name="slow", description="Defers then edits")
    async def slow(interaction: discord.Interaction, private: bool = False) -> None:
        await interaction.response.defer(ephemeral=private, thinking=True)
        await asyncio.sleep(0.05)
        await interaction.edit_original_response(
            content="done slowly", embed=discord.Embed(title="Result", description="all good")
        )

    @tree.command(name="files", description="Followups with a file")
    async def files(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("sending files", ephemeral=True)
        await interaction.followup.send(
            "here is a file", file=discord.File(io.BytesIO(b"hello file"), "hello.txt")
        )
        await interaction.followup.send(
            embed=discord.Embed(title="Second", description="followup").add_field(
                name="k", value="v"
            ),
            ephemeral=True,
        )

    @tree.command(name="dm", description="DM the caller")
    async def dm(interaction: discord.Interaction) -> None:
        try:
            await interaction.user.send("hello in private")
        except discord.Forbidden as error:
            await interaction.response.send_message(f"closed: {error.code}", ephemeral=True)
            return
        await interaction.response.send_message("sent you a DM", ephemeral=True)

    @tree.command(name="post", description="Post to the channel with a nonce")
    async def post(interaction: discord.Interaction, nonce: str) -> None:
        await interaction.response.defer(ephemeral=True)
        assert isinstance(interaction.channel, discord.TextChannel)
        first = await interaction.channel.send("announcement", nonce=nonce)
        second = await interaction.channel.send("announcement", nonce=nonce)
        bot.saved["posts"] = (first.id, second.id)
        await interaction.followup.send("posted", ephemeral=True)

    @tree.command(name="later", description="Answer now, keep the interaction")
    async def later(interaction: discord.Interaction) -> None:
        bot.saved["later"] = interaction
        await interaction.response.send_message("answered")

    @tree.command(name="say", description="Reply with the given text")
    async def say(interaction: discord.Interaction, text: str, repeat: int = 1) -> None:
        try:
            await interaction.response.send_message(text * repeat)
        except discord.HTTPException as error:
            bot.saved["say_error"] = error
            await interaction.response.send_message(f"failed: {error.code}")

    @tree.command(name="twice", description="Responds twice")
    async def twice(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("one")
        # Forget locally that we answered, so the second response reaches the server.
        interaction.response._response_type = None
        try:
            await interaction.response.send_message("two")
        except discord.HTTPException as error:
            bot.saved["twice_error"] = error

    @tree.command(name="sleepy", description="Answers too late")
    async def sleepy(interaction: discord.Interaction) -> None:
        await asyncio.sleep(3.5)
        try:
            await interaction.response.send_message("too late")
        except discord.HTTPException as error:
            bot.saved["sleepy_error"] = error

    @tree.command(name="badmodal", description="Sends an invalid modal")
    async def badmodal(interaction: discord.Interaction, variant: str) -> None:
        modal = discord.ui.Modal(title="x" * 46 if variant == "title" else "Bad")
        if variant == "input":
            modal.add_item(discord.ui.TextInput(label="Text", custom_id="t", max_length=4001))
        elif variant == "custom_id":
            modal.add_item(discord.ui.TextInput(label="Text", custom_id="c" * 101))
        elif variant != "empty":
            modal.add_item(discord.ui.TextInput(label="Text", custom_id="t"))
        try:
            await interaction.response.send_modal(modal)
        except discord.HTTPException as error:
            await interaction.response.send_message(f"failed: {error.code}", ephemeral=True)

    @tree.command(name="announce", description="Post in a channel")
    async def announce(interaction: discord.Interaction, channel: discord.TextChannel) -> None:
        try:
            await channel.send("hello channel")
        except discord.HTTPException as error:
            await interaction.response.send_message(f"failed: {error.code}", ephemeral=True)
            return
        await interaction.response.send_message("announced", ephemeral=True)


@dataclass
class World:
    emu: DiscordEmulator
    alice: User
    bob: User
    carol: User
    guild: Guild
    general: Channel
    quiet: Channel
    coordinators: Role
    bots: list[SelftestBot] = field(default_factory=list)


StartBot = Callable[..., Awaitable[SelftestBot]]
