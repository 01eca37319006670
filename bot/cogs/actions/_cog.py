"""The /action commands."""

from __future__ import annotations

import io

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import format_dt

from bot.cogs.actions.render import announcement_embed, detail_embeds, list_lines, rsvp_text, told
from bot.cogs.actions.views import refresh_announcement, rsvp_view
from bot.cogs.common import bot_of, call, respond
from bot.cogs.options import ActionId, AskId, CoalitionId, MyCityId, TimeZoneName
from bot.services import actions
from bot.services.actions import ActionInfo, ChangeResult
from bot.text import plain
from bot.ui import limits, render

KIND_CHOICES = [
    app_commands.Choice(name=label, value=slug) for slug, label in actions.KINDS.items()
]
RESPONSE_CHOICES = [
    app_commands.Choice(name=label, value=slug) for slug, label in actions.RESPONSES.items()
]
# Commands that post or edit in Discord before they answer acknowledge at once, so that work
# never runs into Discord's 3-second window.
AT_ONCE = 0.0


@app_commands.guild_only()
class ActionsCog(
    commands.GroupCog, group_name="action", group_description="Joint lobbying actions"
):
    def __init__(self, bot: commands.Bot) -> None:
        super().__init__()
        self.bot = bot

    @commands.Cog.listener()
    async def on_action_changed(self, action: ActionInfo) -> None:
        """Another feature changed an action (``bot.dispatch("action_changed", info)``, e.g.
        /coalition archive cancelling it): keep its announcement true."""
        await refresh_announcement(self.bot, action)

    @app_commands.command(name="schedule")
    @app_commands.describe(
        coalition="The coalition acting together",
        title="A short title, e.g. Meeting with the Prefect",
        when='Date and time, e.g. "2026-12-05 14:30" or "next tuesday 3pm"',
        timezone="Time zone of that time (IANA, e.g. Europe/Paris); defaults to your last one",
        kind="What kind of action",
        ask="The ask this action supports (optional)",
        location="Where it happens",
        duration='How long: minutes ("90") or hours ("1h30")',
        description="Details for the cities taking part",
    )
    @app_commands.choices(kind=KIND_CHOICES)
    async def action_schedule(
        self,
        interaction: discord.Interaction,
        coalition: CoalitionId,
        title: app_commands.Range[str, 1, 100],
        when: app_commands.Range[str, 1, 100],
        kind: app_commands.Choice[str],
        timezone: TimeZoneName | None = None,
        ask: AskId | None = None,
        location: app_commands.Range[str, 1, 200] | None = None,
        duration: app_commands.Range[str, 1, 20] | None = None,
        description: app_commands.Range[str, 1, 2000] | None = None,
    ) -> None:
        """Schedule a joint action; members get RSVP buttons and reminders."""
        result = await call(
            interaction,
            actions.schedule_action,
            coalition_id=coalition,
            title=title,
            when=when,
            timezone=timezone,
            kind=kind.value,
            ask_id=ask,
            location=location,
            duration=duration,
            description=description,
            defer_after=AT_ONCE,
        )
        a = result.action
        lines = [
            f"Scheduled **{a.title}** for {a.coalition_name}: {render.when(a.starts_at)}",
            f"(read as {actions.local_label(a.starts_at, a.timezone)}).",
        ]
        if result.note:
            lines.append(f"Note: {result.note}")
        if result.reminders_at:
            lines.append(
                "Reminders: " + ", ".join(format_dt(t, "R") for t in result.reminders_at) + "."
            )
        if a.channel_id is None:
            lines.append(
                f"{a.coalition_name} has no channel, so nothing was announced. Set one with "
                "/coalition settings channel; members can answer with /action rsvp meanwhile."
            )
        else:
            problem = await self._announce(interaction, a)
            if problem:
                lines.append(problem)
            else:
                lines.append(f"Announced in <#{a.channel_id}> with RSVP buttons.")
        await respond(interaction, content="\n".join(lines))

    async def _announce(self, interaction: discord.Interaction, a: ActionInfo) -> str | None:
        assert a.channel_id is not None
        channel = bot_of(interaction).get_partial_messageable(a.channel_id)
        try:
            message = await channel.send(
                embed=announcement_embed(a),
                view=rsvp_view(a.id),
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.Forbidden:
            return (
                f"I could not post the announcement in <#{a.channel_id}>: I may not send "
                "messages there. Give me Send Messages there, or pick another channel with "
                "/coalition settings channel."
            )
        except discord.NotFound:
            return (
                "I could not post the announcement: the coalition's channel no longer exists. "
                "Pick another with /coalition settings channel."
            )
        await call(
            interaction,
            actions.record_announcement,
            a.id,
            channel_id=a.channel_id,
            message_id=message.id,
        )
        return None

    @app_commands.command(name="list")
    @app_commands.describe(coalition="The coalition", when="Upcoming (default) or past actions")
    @app_commands.choices(
        when=[
            app_commands.Choice(name="Upcoming", value="upcoming"),
            app_commands.Choice(name="Past", value="past"),
        ]
    )
    async def action_list(
        self,
        interaction: discord.Interaction,
        coalition: CoalitionId,
        when: app_commands.Choice[str] | None = None,
    ) -> None:
        """List a coalition's upcoming or past actions."""
        which = when.value if when else "upcoming"
        name, found = await call(
            interaction, actions.list_actions, coalition_id=coalition, when=which, read_only=True
        )
        title = f"{which.capitalize()} actions — {plain(name)}"
        embeds = limits.paginate_lines(title, list_lines(found, which))
        await respond(interaction, embeds=embeds)

    @app_commands.command(name="show")
    @app_commands.describe(action="The action")
    async def action_show(self, interaction: discord.Interaction, action: ActionId) -> None:
        """Show an action: time, details and each member city's answer."""
        d = await call(interaction, actions.show_action, action, read_only=True)
        await respond(interaction, embeds=detail_embeds(d))

    @app_commands.command(name="rsvp")
    @app_commands.describe(
        action="The action",
        response="Your city's answer",
        city="The city you answer for (if you represent several)",
        note="A short note for the coordinators",
    )
    @app_commands.choices(response=RESPONSE_CHOICES)
    async def action_rsvp(
        self,
        interaction: discord.Interaction,
        action: ActionId,
        response: app_commands.Choice[str],
        city: MyCityId | None = None,
        note: app_commands.Range[str, 1, 500] | None = None,
    ) -> None:
        """Answer for your city: going, maybe or not going."""
        r = await call(
            interaction,
            actions.rsvp,
            action_id=action,
            response=response.value,
            city_id=city,
            note=note,
        )
        await respond(interaction, content=rsvp_text(r))

    @app_commands.command(name="reschedule")
    @app_commands.describe(
        action="The action to move",
        when='New date and time, e.g. "2026-12-05 14:30" or "friday 10am"',
        timezone="Time zone of that time; defaults to the action's",
    )
    async def action_reschedule(
        self,
        interaction: discord.Interaction,
        action: ActionId,
        when: app_commands.Range[str, 1, 100],
        timezone: TimeZoneName | None = None,
    ) -> None:
        """Move an action to a new time; cities that answered are told."""
        r = await call(
            interaction,
            actions.reschedule_action,
            action_id=action,
            when=when,
            timezone=timezone,
            defer_after=AT_ONCE,
        )
        await self._after_change(interaction, r)
        text = (
            f"Moved **{r.action.title}** to {render.when(r.action.starts_at)} "
            f"(read as {actions.local_label(r.action.starts_at, r.action.timezone)}; "
            f"was {format_dt(r.old_starts_at, 'F')})."
        )
        if r.note:
            text += f"\nNote: {r.note}"
        text += "\n" + told(r)
        await respond(interaction, content=text)

    @app_commands.command(name="cancel")
    @app_commands.describe(action="The action to cancel", reason="Why (shared with the cities)")
    async def action_cancel(
        self,
        interaction: discord.Interaction,
        action: ActionId,
        reason: app_commands.Range[str, 1, 500],
    ) -> None:
        """Cancel an action; reminders stop and cities that answered are told."""
        r = await call(
            interaction,
            actions.cancel_action,
            action_id=action,
            reason=reason,
            defer_after=AT_ONCE,
        )
        await self._after_change(interaction, r)
        await respond(
            interaction,
            content=f"Cancelled **{r.action.title}**. Its reminders will not be sent.\n" + told(r),
        )

    async def _after_change(self, interaction: discord.Interaction, r: ChangeResult) -> None:
        # The commit already woke the reminder worker: alarms re-armed, the change notice (DMs
        # and the channel post) on its way in the background.
        await refresh_announcement(self.bot, r.action)

    @app_commands.command(name="ics")
    @app_commands.describe(action="The action")
    async def action_ics(self, interaction: discord.Interaction, action: ActionId) -> None:
        """Download the action as a calendar file (.ics)."""
        name, data = await call(interaction, actions.ics, action, read_only=True)
        await respond(
            interaction,
            content="Add it to your calendar:",
            file=discord.File(io.BytesIO(data), filename=name),
        )
