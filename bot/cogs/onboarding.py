"""/help, /setup and the welcome message posted when the bot joins a server."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs.common import call, respond
from bot.cogs.options import TimeZoneName
from bot.db.uow import UnitOfWorkFactory
from bot.interactions import BaseView
from bot.services import onboarding, timezones
from bot.services.onboarding import HelpTopic, SetupInfo
from bot.services.onboarding.server_setup import set_requests_channel
from bot.ui import limits, render

if TYPE_CHECKING:
    from bot.client import AnyBot

log = logging.getLogger("bot.cogs.onboarding")

TOPIC_CHOICES = [app_commands.Choice(name=t.name, value=t.key) for t in onboarding.TOPICS]
SETUP_TIMEOUT = 14 * 60  # the interaction token, needed to edit the panel, lasts 15 minutes


# ------------------------------------------------------------------------------- /help


def topic_embed(topic: HelpTopic) -> discord.Embed:
    lines = [f"`{e.usage}` — {e.text}" for e in topic.entries]
    description = limits.truncate(topic.intro + "\n\n" + "\n".join(lines), limits.EMBED_DESCRIPTION)
    embed = discord.Embed(title=topic.title, description=description, colour=render.COLOUR)
    others = ", ".join(t.name for t in onboarding.TOPICS if t.key != topic.key)
    embed.set_footer(text=limits.truncate(f"More help: /help topic: {others}", limits.FOOTER))
    return embed


def _creators(creator_role_id: int | None, anyone: bool) -> str:
    if anyone:
        return "everyone"
    if creator_role_id:
        return f"server admins and members with <@&{creator_role_id}>"
    return "server admins only"


def _verifiers(verifier_role_id: int | None) -> str:
    if verifier_role_id:
        return f"server admins and members with <@&{verifier_role_id}>"
    return "server admins only"


def _setup_lines(p: onboarding.Profile) -> list[str]:
    channel = f"<#{p.announce_channel_id}>" if p.announce_channel_id else "not chosen"
    return [
        f"Announcement channel: {channel}.",
        f"Who may create coalitions: {_creators(p.creator_role_id, p.anyone_creates)} "
        "(change it with `/setup`).",
        "Who verifies representatives of cities in no coalition: "
        f"{_verifiers(p.verifier_role_id)}.",
    ]


def overview_embeds(result: onboarding.Overview) -> list[discord.Embed]:
    p = result.profile
    sections: list[tuple[str, list[str]]] = [(s.title, s.lines) for s in result.sections]
    if p.is_admin:
        sections.insert(1, ("Server setup", _setup_lines(p)))
    topics = ", ".join(t.name for t in onboarding.TOPICS)
    sections.append(("Learn more", [f"Every command, by topic: `/help topic:` {topics}."]))
    return render.sectioned_embeds("What you can do here", sections)


# ------------------------------------------------------------------------------- /setup


def _granted_in(guild: discord.Guild | None, channel_id: int) -> dict[str, bool] | None:
    """The bot's own permissions in a channel, from the cache; None when it cannot tell."""
    if guild is None:
        return None
    channel = guild.get_channel(channel_id)
    me = guild.me
    if channel is None or me is None:
        return None
    perms = channel.permissions_for(me)
    return {name: bool(getattr(perms, name)) for name, _ in onboarding.REQUIRED_CHANNEL_PERMISSIONS}


def permission_report(guild: discord.Guild | None, channel_id: int) -> tuple[bool, str]:
    """(all good?, a sentence for the admin about the bot's permissions in the channel)."""
    granted = _granted_in(guild, channel_id)
    if granted is None:
        return False, (
            "I could not check my permissions in that channel. Make sure I can view it, send "
            "messages, embed links and attach files there."
        )
    missing = onboarding.missing_permissions(granted)
    if not missing:
        return True, "All set: I can view the channel, send messages, embed links and attach files."
    return False, (
        f"I am missing these permissions in <#{channel_id}>: {', '.join(missing)}. "
        "Announcements there will fail until you give them to me (channel settings → "
        "Permissions), or pick another channel."
    )


def setup_embed(guild: discord.Guild | None, info: SetupInfo) -> discord.Embed:
    embed = discord.Embed(
        title="Set up Coalition Bot",
        description=(
            "Four choices, then press **Done**.\n"
            "1. **Announcement channel:** where new coalitions post their news, unless they "
            "choose their own channel.\n"
            "2. **Who may create coalitions:** server admins always can; add members with a "
            "role you pick (e.g. your coordinators), or let everyone. Whoever creates a "
            "coalition coordinates it and verifies representatives of its cities.\n"
            "3. **Who verifies representatives** of cities in no coalition yet: server admins, "
            "and members with a role you pick. Nobody but an admin can verify themselves.\n"
            "4. **Requests channel:** where requests to represent a city are posted with "
            "**Verify** and **Turn down** buttons (by default the server's system channel)."
        ),
        colour=render.COLOUR,
    )
    channel = f"<#{info.announce_channel_id}>" if info.announce_channel_id else "Not chosen yet."
    embed.add_field(name="Announcement channel", value=channel, inline=False)
    if info.announce_channel_id:
        ok, report = permission_report(guild, info.announce_channel_id)
        name = "My permissions there" if ok else "⚠️ Missing permissions"
        embed.add_field(name=name, value=limits.truncate(report, limits.FIELD_VALUE), inline=False)
    creators = (
        "Everyone."
        if info.anyone_creates
        else f"Members with <@&{info.creator_role_id}>, and server admins."
        if info.creator_role_id
        else "Server admins only (pick a role to add its members)."
    )
    embed.add_field(name="Who may create coalitions", value=creators, inline=False)
    verifiers = (
        f"Members with <@&{info.verifier_role_id}>, and server admins."
        if info.verifier_role_id
        else "Server admins only."
    )
    embed.add_field(
        name="Who verifies representatives of cities in no coalition", value=verifiers, inline=False
    )
    requests = (
        f"<#{info.requests_channel_id}>"
        if info.requests_channel_id
        else "Not chosen: the server's system channel, if I may post there."
    )
    embed.add_field(name="Requests channel", value=requests, inline=False)
    if info.requests_channel_id:
        ok, report = permission_report(guild, info.requests_channel_id)
        if not ok:
            embed.add_field(
                name="⚠️ Missing permissions in the requests channel",
                value=limits.truncate(report, limits.FIELD_VALUE),
                inline=False,
            )
    return embed


def setup_summary(info: SetupInfo) -> str:
    if info.announce_channel_id:
        where = (
            f"New coalitions announce in <#{info.announce_channel_id}> unless they choose "
            "their own channel."
        )
    else:
        where = "No announcement channel is set: each coalition chooses its own."
    who = (
        "Everyone can create coalitions."
        if info.anyone_creates
        else f"Only members with <@&{info.creator_role_id}> (and server admins) can create "
        "coalitions."
        if info.creator_role_id
        else "Only server admins can create coalitions."
    )
    verifiers = (
        "Representatives of cities in no coalition are verified by "
        f"{_verifiers(info.verifier_role_id)}."
    )
    requests = (
        f"Requests to represent a city are posted in <#{info.requests_channel_id}>."
        if info.requests_channel_id
        else "Requests to represent a city are posted in the server's system channel."
    )
    return (
        f"Setup saved. {where} {who} {verifiers} {requests}\n"
        "Next: add cities with `/city add`, and ask everyone to run `/help`. "
        "Run `/setup` again any time to change this."
    )


def server_zone_text(zone: str | None) -> str:
    if zone is None:
        return "This server has no time zone now: times typed without one need one."
    return (
        f"Times typed in this server without a zone are now read in **{zone}** (unless the "
        "person or the coalition set their own: /me timezone, /coalition settings timezone)."
    )


class SetupView(BaseView):
    """The /setup panel. Every choice is saved at once (and re-checked: admins only)."""

    def __init__(self) -> None:
        super().__init__(timeout=SETUP_TIMEOUT)

    async def _save(
        self, interaction: discord.Interaction, fn: Callable[..., Awaitable[SetupInfo]], *args: Any
    ) -> None:
        """Save one choice (the service re-checks: admins only), then show the panel again."""
        info = await call(interaction, fn, *args, edit=True)
        await respond(interaction, edit=True, embed=setup_embed(interaction.guild, info), view=self)

    @discord.ui.select(
        cls=discord.ui.ChannelSelect,
        channel_types=[discord.ChannelType.text, discord.ChannelType.news],
        placeholder="1. Pick the announcement channel",
        row=0,
    )
    async def pick_channel(
        self, interaction: discord.Interaction, select: discord.ui.ChannelSelect[SetupView]
    ) -> None:
        await self._save(interaction, onboarding.set_announce_channel, select.values[0].id)

    @discord.ui.select(
        cls=discord.ui.RoleSelect,
        placeholder="2. Members with this role may create coalitions",
        row=1,
    )
    async def pick_role(
        self, interaction: discord.Interaction, select: discord.ui.RoleSelect[SetupView]
    ) -> None:
        # @everyone's id is the server's: the service reads it as "everyone".
        await self._save(interaction, onboarding.set_creator_role, select.values[0].id)

    @discord.ui.select(
        cls=discord.ui.RoleSelect,
        placeholder="3. Members with this role may verify representatives",
        row=2,
    )
    async def pick_verifier_role(
        self, interaction: discord.Interaction, select: discord.ui.RoleSelect[SetupView]
    ) -> None:
        await self._save(interaction, onboarding.set_verifier_role, select.values[0].id)

    @discord.ui.select(
        cls=discord.ui.ChannelSelect,
        channel_types=[discord.ChannelType.text, discord.ChannelType.news],
        placeholder="4. Pick the channel for representation requests",
        row=4,
    )
    async def pick_requests(
        self, interaction: discord.Interaction, select: discord.ui.ChannelSelect[SetupView]
    ) -> None:
        await self._save(interaction, set_requests_channel, select.values[0].id)

    @discord.ui.button(label="2. Everyone may create coalitions", row=3)
    async def everyone(
        self, interaction: discord.Interaction, button: discord.ui.Button[SetupView]
    ) -> None:
        await self._save(interaction, onboarding.set_anyone_creates, True)

    @discord.ui.button(label="2. Only admins and the role", row=3)
    async def admins_create(
        self, interaction: discord.Interaction, button: discord.ui.Button[SetupView]
    ) -> None:
        await self._save(interaction, onboarding.set_anyone_creates, False)

    @discord.ui.button(label="3. Only admins verify", row=3)
    async def admins_verify(
        self, interaction: discord.Interaction, button: discord.ui.Button[SetupView]
    ) -> None:
        await self._save(interaction, onboarding.set_verifier_role, None)

    @discord.ui.button(label="Done", style=discord.ButtonStyle.success, row=3)
    async def done(
        self, interaction: discord.Interaction, button: discord.ui.Button[SetupView]
    ) -> None:
        info = await call(interaction, onboarding.get_setup, read_only=True, edit=True)
        embeds = []
        if info.announce_channel_id:
            ok, report = permission_report(interaction.guild, info.announce_channel_id)
            if not ok:
                embeds.append(discord.Embed(title="⚠️ Missing permissions", description=report))
        self.stop()
        await respond(interaction, edit=True, content=setup_summary(info), embeds=embeds, view=None)


# ------------------------------------------------------------------------------- welcome


async def welcome(uow_factory: UnitOfWorkFactory, guild: discord.Guild) -> str:
    """Post the welcome once per server, where the bot may; returns what happened (logged)."""
    channel = guild.system_channel
    me: discord.Member | None = guild.me  # None before the bot's member is cached
    if channel is None:
        outcome = "no_system_channel"
    elif me is None or not (
        (perms := channel.permissions_for(me)).view_channel and perms.send_messages
    ):
        outcome = "no_permission"
    else:
        async with uow_factory() as uow:
            claimed = await onboarding.claim_welcome(uow, guild.id)
        if not claimed:
            outcome = "already_welcomed"
        else:
            try:
                await channel.send(
                    onboarding.WELCOME_MESSAGE, allowed_mentions=discord.AllowedMentions.none()
                )
                outcome = "posted"
            except discord.HTTPException as exc:
                log.warning("welcome in guild %s failed: %s", guild.id, exc)
                async with uow_factory() as uow:
                    await onboarding.release_welcome(uow, guild.id)
                outcome = "failed"
    log.info("welcome guild=%s outcome=%s", guild.id, outcome)
    return outcome


# ------------------------------------------------------------------------------- the cog


class OnboardingCog(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="help")
    @app_commands.describe(topic="One topic in full (leave empty for your next steps here)")
    @app_commands.choices(topic=TOPIC_CHOICES)
    async def help(
        self, interaction: discord.Interaction, topic: app_commands.Choice[str] | None = None
    ) -> None:
        """What you can do here, and your next step."""
        if topic is not None:
            await respond(interaction, embed=topic_embed(onboarding.topic(topic.value)))
            return
        if interaction.guild_id is None:
            await respond(
                interaction,
                content="Run /help in your server to see what you can do there.",
                embed=topic_embed(onboarding.topic("start")),
            )
            return
        result = await call(interaction, onboarding.overview, read_only=True)
        await respond(interaction, embeds=overview_embeds(result))

    @app_commands.command(name="setup")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.describe(
        timezone="The server's time zone for times typed without one (a city, country or IANA name)"
    )
    async def setup(
        self, interaction: discord.Interaction, timezone: TimeZoneName | None = None
    ) -> None:
        """Server admins: announcement channel, who creates coalitions, who verifies, time zone."""
        said = None
        if timezone is not None:
            zone = await call(interaction, timezones.set_server_timezone, timezone)
            said = server_zone_text(zone)
        info = await call(interaction, onboarding.get_setup, read_only=True)
        await respond(
            interaction,
            content=said,
            embed=setup_embed(interaction.guild, info),
            view=SetupView(),
        )

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        await welcome(cast("AnyBot", self.bot).uow, guild)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(OnboardingCog(bot))
