"""/me: a person's own settings in this server: which DMs the bot sends them (reminders,
nudges), and their time zone and language once those commands arrive. Answers are ephemeral.

Discord cannot run a command group by itself, so the overview is ``/me show``.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs.common import call, respond
from bot.cogs.options import TimeZoneName
from bot.services import me

ON_OFF = [
    app_commands.Choice(name="on", value="on"),
    app_commands.Choice(name="off", value="off"),
]


def _on(value: bool) -> str:
    return "on" if value else "off"


def settings_text(s: me.MySettings, *, changed: bool = False) -> str:
    head = "Saved. " if changed else ""
    lines = [
        f"{head}Your settings in this server:",
        f"• Reminders by DM (actions your city is going to, deadlines): **{_on(s.reminders)}**",
        f"• Nudges by DM (a coordinator asking your city to sign): **{_on(s.nudges)}**",
        f"• Time zone: **{s.timezone or 'not chosen'}**",
        f"• Language: **{s.language or 'not chosen'}**",
    ]
    if not s.nudges:
        lines.append(
            "Coordinators who nudge your coalition are told you have turned reminders off."
        )
    lines.append(
        "Change them with /me notifications reminders:on|off nudges:on|off and "
        "/me timezone timezone:<zone>."
    )
    return "\n".join(lines)


def _choice(value: app_commands.Choice[str] | None) -> bool | None:
    return None if value is None else value.value == "on"


@app_commands.guild_only()
class MeCog(commands.GroupCog, group_name="me", group_description="Your own settings"):
    @app_commands.command(name="show")
    async def me_show(self, interaction: discord.Interaction) -> None:
        """Your settings in this server: reminder and nudge DMs, time zone, language."""
        s = await call(interaction, me.my_settings, read_only=True)
        await respond(interaction, content=settings_text(s))

    @app_commands.command(name="notifications")
    @app_commands.describe(
        reminders="Action and deadline reminders by DM", nudges="Nudges to sign asks by DM"
    )
    @app_commands.choices(reminders=ON_OFF, nudges=ON_OFF)
    async def me_notifications(
        self,
        interaction: discord.Interaction,
        reminders: app_commands.Choice[str] | None = None,
        nudges: app_commands.Choice[str] | None = None,
    ) -> None:
        """Turn reminder or nudge DMs on or off for yourself."""
        s = await call(
            interaction, me.set_notifications, reminders=_choice(reminders), nudges=_choice(nudges)
        )
        await respond(interaction, content=settings_text(s, changed=bool(s.changed)))

    @app_commands.command(name="timezone")
    @app_commands.describe(timezone="Your zone, e.g. Paris or Europe/Paris (leave out to clear)")
    async def me_timezone(
        self, interaction: discord.Interaction, timezone: TimeZoneName | None = None
    ) -> None:
        """The time zone the bot reads your times in (before the coalition's and the server's)."""
        s = await call(interaction, me.set_timezone, timezone=timezone)
        await respond(interaction, content=settings_text(s, changed=bool(s.changed)))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(MeCog())
