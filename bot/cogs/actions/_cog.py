"""The /action commands."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import format_dt

from bot.cogs.actions.render import detail_embeds, list_lines, rsvp_text, told
from bot.cogs.actions.views import ScopeView
from bot.cogs.common import bot_of, call, respond
from bot.cogs.options import ActionId, AskId, CoalitionId, MyCityId, TimeZoneName
from bot.services import actions
from bot.services.actions import ActionInfo, ChangeResult
from bot.text import plain
from bot.ui import limits, outbox_sender, render

KIND_CHOICES = [
    app_commands.Choice(name=label, value=slug) for slug, label in actions.KINDS.items()
]
REPEAT_CHOICES = [
    app_commands.Choice(name=label, value=slug) for slug, label in actions.REPEAT_LABELS.items()
]
SCOPE_CHOICES = [
    app_commands.Choice(name="This action (or occurrence)", value="this"),
    app_commands.Choice(name="Its whole series", value="series"),
    app_commands.Choice(name="Every upcoming action of the coalition", value="coalition"),
]
RESPONSE_CHOICES = [
    app_commands.Choice(name=label, value=slug) for slug, label in actions.RESPONSES.items()
]
# Commands that post or edit in Discord before they answer acknowledge at once, so that work
# never runs into Discord's 3-second window.
AT_ONCE = 0.0


def _closing(scope: str | None) -> dict[str, Any]:
    """A change chosen with a scope button replaces the question (and its buttons)."""
    return {"edit": True, "view": None} if scope is not None else {}


@app_commands.guild_only()
class ActionsCog(
    commands.GroupCog, group_name="action", group_description="Joint lobbying actions"
):
    def __init__(self, bot: commands.Bot) -> None:
        super().__init__()
        self.bot = bot

    @app_commands.command(name="schedule")
    @app_commands.describe(
        coalition="The coalition acting together",
        title="A short title, e.g. Meeting with the Prefect",
        when='Date and time, e.g. "2026-12-05 14:30" or "next tuesday 3pm"',
        timezone="Time zone (a city, country or IANA name); defaults to yours, the coalition's "
        "or the server's",
        kind="What kind of action",
        ask="The ask this action supports (optional)",
        location="Where it happens",
        duration='How long: minutes ("90") or hours ("1h30")',
        description="Details for the cities taking part",
        repeat="Repeat it: weekly, every 2 weeks, or monthly (same weekday or same date)",
        until='Last date of the repetition, e.g. "2027-06-30" (default: a year)',
        count=f"How many times in all (at most {actions.MAX_OCCURRENCES})",
    )
    @app_commands.choices(kind=KIND_CHOICES, repeat=REPEAT_CHOICES)
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
        repeat: app_commands.Choice[str] | None = None,
        until: app_commands.Range[str, 1, 100] | None = None,
        count: app_commands.Range[int, 1, 52] | None = None,
    ) -> None:
        """Schedule a joint action (once or repeating); members get RSVP buttons and reminders."""
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
            repeat=repeat.value if repeat else None,
            until=until,
            count=count,
            locale=str(interaction.locale),
            defer_after=AT_ONCE,
        )
        a = result.action
        lines = [
            f"Scheduled **{a.title}** for {a.coalition_name}: {render.when(a.starts_at)}",
            f"(read as {actions.local_label(a.starts_at, a.timezone)}; {result.reading}, "
            f"in {result.zone_words}).",
        ]
        if result.repeats:
            lines.append(
                f"Repeats {result.repeats}. Each occurrence has its own reminders and answers; "
                "/action list shows the next one."
            )
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
            lines.append(await self._announced(interaction, a, result.outbox_ids))
        await respond(interaction, content="\n".join(lines))

    async def _announced(
        self, interaction: discord.Interaction, a: ActionInfo, ids: tuple[int, ...]
    ) -> str:
        """The announcement was queued with the action (bot.services.outbox): wait a moment
        for it and say how it went."""
        fate = await outbox_sender.settle(bot_of(interaction).workers.outbox, ids)
        for error in fate.refused.values():
            return f"I could not post the announcement: {error}"
        if fate.waiting or fate.gave_up:
            return (
                f"Discord is not accepting messages in <#{a.channel_id}> right now: the "
                "announcement with RSVP buttons goes out as soon as it does."
            )
        return f"Announced in <#{a.channel_id}> with RSVP buttons."

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

        async def change(pressed: discord.Interaction, scope: str | None) -> None:
            r = await call(
                pressed,
                actions.reschedule_action,
                action_id=action,
                when=when,
                timezone=timezone,
                scope=scope,
                locale=str(pressed.locale),
                edit=scope is not None,
                defer_after=AT_ONCE,
            )
            await self._after_change(pressed, r)
            text = (
                f"Moved **{r.action.title}** to {render.when(r.action.starts_at)} "
                f"(read as {actions.local_label(r.action.starts_at, r.action.timezone)}; "
                f"{r.reading}; was {format_dt(r.old_starts_at, 'F')})."
            )
            if r.changed > 1:
                more = "occurrence" if r.changed == 2 else "occurrences"
                text += f"\nThe {r.changed - 1} following {more} moved by the same step."
            if r.note:
                text += f"\nNote: {r.note}"
            text += "\n" + told(r)
            await respond(pressed, content=text, **_closing(scope))

        await self._ask_scope(interaction, action, "move", change)

    @app_commands.command(name="cancel")
    @app_commands.describe(action="The action to cancel", reason="Why (shared with the cities)")
    async def action_cancel(
        self,
        interaction: discord.Interaction,
        action: ActionId,
        reason: app_commands.Range[str, 1, 500],
    ) -> None:
        """Cancel an action; reminders stop and cities that answered are told."""

        async def change(pressed: discord.Interaction, scope: str | None) -> None:
            r = await call(
                pressed,
                actions.cancel_action,
                action_id=action,
                reason=reason,
                scope=scope,
                edit=scope is not None,
                defer_after=AT_ONCE,
            )
            await self._after_change(pressed, r)
            text = f"Cancelled **{r.action.title}**. Its reminders will not be sent.\n"
            if r.changed > 1:
                more = "occurrence is" if r.changed == 2 else "occurrences are"
                text += f"The {r.changed - 1} following {more} cancelled too.\n"
            elif r.action.recurring:
                text += "The other occurrences keep their time, reminders and answers.\n"
            await respond(pressed, content=text + told(r), **_closing(scope))

        await self._ask_scope(interaction, action, "cancel", change)

    async def _ask_scope(
        self,
        interaction: discord.Interaction,
        action_id: int,
        verb: str,
        change: Callable[[discord.Interaction, str | None], Awaitable[None]],
    ) -> None:
        """A one-off action changes at once; an occurrence of a recurring one first asks
        (buttons) whether to change this occurrence or this and the following ones."""
        found = await call(interaction, actions.action_info, action_id, read_only=True)
        if not found.recurring:
            await change(interaction, None)
            return
        await respond(
            interaction,
            content=f"**{plain(found.title)}** repeats. {verb.capitalize()} this occurrence "
            f"({render.when(found.starts_at)}) only, or this and the following ones?",
            view=ScopeView(change),
        )

    async def _after_change(self, interaction: discord.Interaction, r: ChangeResult) -> None:
        # The commit already woke the reminder worker (alarms re-armed, the change notice on
        # its way) and the outbox, which edits the announcement: wait a moment for that edit,
        # so the answer comes once the announcement is true. If Discord fails, it follows.
        await outbox_sender.settle(bot_of(interaction).workers.outbox, r.outbox_ids)

    @app_commands.command(name="ics")
    @app_commands.describe(
        action="The action",
        scope="This action only (default), its whole series, or the coalition's upcoming actions",
    )
    @app_commands.choices(scope=SCOPE_CHOICES)
    async def action_ics(
        self,
        interaction: discord.Interaction,
        action: ActionId,
        scope: app_commands.Choice[str] | None = None,
    ) -> None:
        """Download a calendar file (.ics): the action, its series or the coalition's."""
        name, data = await call(
            interaction, actions.ics, action, scope.value if scope else "this", read_only=True
        )
        await respond(
            interaction,
            content="Add it to your calendar (importing it again updates it):",
            file=discord.File(io.BytesIO(data), filename=name),
        )
