"""/action: joint lobbying actions, RSVP buttons, calendar files; and the reminder and digest
settings under /coalition settings.

Announcements carry persistent RSVP buttons (DynamicItems whose custom_id holds the action
id), so they keep working after a restart. Reschedule/cancel notices and reminders go out
through the reminder runtime (bot.reminders), which sends each exactly once.
"""

from __future__ import annotations

import io
import logging
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import format_dt

from bot import reminders as reminders_runtime
from bot.cogs.common import (
    actor_of,
    ask_autocomplete,
    bot_of,
    call,
    coalition_autocomplete,
    my_city_autocomplete,
    optional_id,
    parse_id,
    respond,
    timezone_autocomplete,
)
from bot.db.uow import UnitOfWork
from bot.interactions import guarded
from bot.services import actions, digests, reminders
from bot.services.actions import ActionDetail, ActionInfo
from bot.services.common import Actor
from bot.text import plain
from bot.ui import limits, render

log = logging.getLogger("bot.cogs.actions")

KIND_CHOICES = [
    app_commands.Choice(name=label, value=slug) for slug, label in actions.KINDS.items()
]
RESPONSE_CHOICES = [
    app_commands.Choice(name=label, value=slug) for slug, label in actions.RESPONSES.items()
]
WEEKDAY_CHOICES = [
    app_commands.Choice(name=name.capitalize(), value=name) for name in digests.WEEKDAYS
] + [app_commands.Choice(name="Off (no digest)", value="off")]
RESPONSE_ICONS = {"going": "✅", "maybe": "❔", "not_going": "❌", None: "…"}


async def action_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    if interaction.guild_id is None:
        return []
    bot = bot_of(interaction)
    async with bot.uow(read_only=True) as uow:
        choices = await actions.action_choices(
            uow, actor_of(interaction), current, now=bot.clock.now()
        )
    return [app_commands.Choice(name=c.label, value=c.value) for c in choices[:25]]


def _summary_lines(a: ActionInfo) -> list[str]:
    lines = [f"**When:** {render.when(a.starts_at)}"]
    if a.duration_minutes:
        hours, minutes = divmod(a.duration_minutes, 60)
        length = (f"{hours} h " if hours else "") + (f"{minutes} min" if minutes else "")
        lines.append(f"**Duration:** {length.strip()}")
    lines.append(f"**Kind:** {a.kind_label}")
    if a.location:
        lines.append(f"**Where:** {plain(a.location)}")
    if a.ask_title:
        lines.append(f"**Ask:** {plain(a.ask_title)}")
    if a.cancelled:
        lines.append(f"**Cancelled.** {plain(a.cancel_reason)}".strip())
    return lines


def announcement_embed(a: ActionInfo) -> discord.Embed:
    embed = discord.Embed(
        title=limits.truncate(f"{plain(a.title)} — {plain(a.coalition_name)}", limits.EMBED_TITLE),
        description=limits.truncate(
            "\n".join(_summary_lines(a) + ([f"\n{plain(a.description)}"] if a.description else [])),
            limits.EMBED_DESCRIPTION,
        ),
        colour=render.COLOUR,
    )
    embed.set_footer(text="Representatives: answer for your city with the buttons below.")
    return embed


# --- persistent RSVP buttons ---


class RsvpButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"action:rsvp:(?P<action>[0-9]{1,10}):(?P<response>going|maybe|not_going)",
):
    STYLES = {
        "going": discord.ButtonStyle.success,
        "maybe": discord.ButtonStyle.secondary,
        "not_going": discord.ButtonStyle.danger,
    }

    def __init__(self, action_id: int, response: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=actions.RESPONSES[response],
                style=self.STYLES[response],
                custom_id=f"action:rsvp:{action_id}:{response}",
            )
        )
        self.action_id, self.response = action_id, response

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> RsvpButton:
        return cls(int(match["action"]), match["response"])

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        r = await call(
            interaction,
            actions.rsvp,
            action_id=self.action_id,
            response=self.response,
            now=bot.clock.now(),
            via_button=True,
        )
        await respond(interaction, content=_rsvp_text(r))


def rsvp_view(action_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for response in actions.RESPONSES:
        view.add_item(RsvpButton(action_id, response))
    return view


def _rsvp_text(r: actions.RsvpResult) -> str:
    label = actions.RESPONSES[r.response]
    text = f"Recorded for **{plain(r.city_name)}**: **{label}** — {plain(r.action.title)} "
    text += f"({render.when(r.action.starts_at)})."
    if r.previous and r.previous != r.response:
        text += f" (Before: {actions.RESPONSES[r.previous]}.)"
    return text


# --- the cog ---


@app_commands.guild_only()
class ActionsCog(
    commands.GroupCog, group_name="action", group_description="Joint lobbying actions"
):
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
    @app_commands.autocomplete(
        coalition=coalition_autocomplete, timezone=timezone_autocomplete, ask=ask_autocomplete
    )
    async def action_schedule(
        self,
        interaction: discord.Interaction,
        coalition: str,
        title: app_commands.Range[str, 1, 100],
        when: app_commands.Range[str, 1, 100],
        kind: app_commands.Choice[str],
        timezone: str | None = None,
        ask: str | None = None,
        location: app_commands.Range[str, 1, 200] | None = None,
        duration: app_commands.Range[str, 1, 20] | None = None,
        description: app_commands.Range[str, 1, 2000] | None = None,
    ) -> None:
        """Schedule a joint action; members get RSVP buttons and reminders."""
        bot = bot_of(interaction)
        actor = actor_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with bot.uow() as uow:
            result = await actions.schedule_action(
                uow,
                actor,
                coalition_id=parse_id(coalition, "coalition"),
                title=title,
                when=when,
                timezone=timezone,
                kind=kind.value,
                now=bot.clock.now(),
                ask_id=optional_id(ask, "ask"),
                location=location,
                duration=duration,
                description=description,
            )
        a = result.action
        await reminders_runtime.runtime_of(bot).arm_upcoming()
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
            problem = await self._announce(interaction, actor, a)
            if problem:
                lines.append(problem)
            else:
                lines.append(f"Announced in <#{a.channel_id}> with RSVP buttons.")
        await interaction.followup.send("\n".join(lines), ephemeral=True)

    async def _announce(
        self, interaction: discord.Interaction, actor: Actor, a: ActionInfo
    ) -> str | None:
        bot = bot_of(interaction)
        assert a.channel_id is not None
        channel = bot.get_partial_messageable(a.channel_id)
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
        async with bot.uow() as uow:
            await actions.record_announcement(
                uow, actor, a.id, channel_id=a.channel_id, message_id=message.id
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
    @app_commands.autocomplete(coalition=coalition_autocomplete)
    async def action_list(
        self,
        interaction: discord.Interaction,
        coalition: str,
        when: app_commands.Choice[str] | None = None,
    ) -> None:
        """List a coalition's upcoming or past actions."""
        bot = bot_of(interaction)
        which = when.value if when else "upcoming"
        async with bot.uow(read_only=True) as uow:
            name, found = await actions.list_actions(
                uow,
                actor_of(interaction),
                coalition_id=parse_id(coalition, "coalition"),
                when=which,
                now=bot.clock.now(),
            )
        lines = [
            f"{'~~' if a.cancelled else ''}**{plain(a.title)}** ({a.kind_label}) — "
            f"{format_dt(a.starts_at, 'F')} ({format_dt(a.starts_at, 'R')})"
            f"{'~~ cancelled' if a.cancelled else ''}"
            for a in found
        ] or [f"No {which} actions. Coordinators schedule one with /action schedule."]
        embeds = limits.paginate_lines(f"{which.capitalize()} actions — {plain(name)}", lines)
        await render.send_embeds(interaction, embeds)

    @app_commands.command(name="show")
    @app_commands.describe(action="The action")
    @app_commands.autocomplete(action=action_autocomplete)
    async def action_show(self, interaction: discord.Interaction, action: str) -> None:
        """Show an action: time, details and each member city's answer."""
        bot = bot_of(interaction)
        async with bot.uow(read_only=True) as uow:
            d = await actions.show_action(
                uow, actor_of(interaction), actions.parse_action_id(action)
            )
        await render.send_embeds(interaction, _detail_embeds(d))

    @app_commands.command(name="rsvp")
    @app_commands.describe(
        action="The action",
        response="Your city's answer",
        city="The city you answer for (if you represent several)",
        note="A short note for the coordinators",
    )
    @app_commands.choices(response=RESPONSE_CHOICES)
    @app_commands.autocomplete(action=action_autocomplete, city=my_city_autocomplete)
    async def action_rsvp(
        self,
        interaction: discord.Interaction,
        action: str,
        response: app_commands.Choice[str],
        city: str | None = None,
        note: app_commands.Range[str, 1, 500] | None = None,
    ) -> None:
        """Answer for your city: going, maybe or not going."""
        bot = bot_of(interaction)
        r = await call(
            interaction,
            actions.rsvp,
            action_id=actions.parse_action_id(action),
            response=response.value,
            now=bot.clock.now(),
            city_id=optional_id(city, "city"),
            note=note,
        )
        await respond(interaction, content=_rsvp_text(r))

    @app_commands.command(name="reschedule")
    @app_commands.describe(
        action="The action to move",
        when='New date and time, e.g. "2026-12-05 14:30" or "friday 10am"',
        timezone="Time zone of that time; defaults to the action's",
    )
    @app_commands.autocomplete(action=action_autocomplete, timezone=timezone_autocomplete)
    async def action_reschedule(
        self,
        interaction: discord.Interaction,
        action: str,
        when: app_commands.Range[str, 1, 100],
        timezone: str | None = None,
    ) -> None:
        """Move an action to a new time; cities that answered are told."""
        bot = bot_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with bot.uow() as uow:
            r = await actions.reschedule_action(
                uow,
                actor_of(interaction),
                action_id=actions.parse_action_id(action),
                when=when,
                timezone=timezone,
                now=bot.clock.now(),
            )
        await self._after_change(interaction, r)
        text = (
            f"Moved **{r.action.title}** to {render.when(r.action.starts_at)} "
            f"(read as {actions.local_label(r.action.starts_at, r.action.timezone)}; "
            f"was {format_dt(r.old_starts_at, 'F')})."
        )
        if r.note:
            text += f"\nNote: {r.note}"
        text += "\n" + _told(r)
        await interaction.followup.send(text, ephemeral=True)

    @app_commands.command(name="cancel")
    @app_commands.describe(action="The action to cancel", reason="Why (shared with the cities)")
    @app_commands.autocomplete(action=action_autocomplete)
    async def action_cancel(
        self,
        interaction: discord.Interaction,
        action: str,
        reason: app_commands.Range[str, 1, 500],
    ) -> None:
        """Cancel an action; reminders stop and cities that answered are told."""
        bot = bot_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with bot.uow() as uow:
            r = await actions.cancel_action(
                uow,
                actor_of(interaction),
                action_id=actions.parse_action_id(action),
                reason=reason,
                now=bot.clock.now(),
            )
        await self._after_change(interaction, r)
        await interaction.followup.send(
            f"Cancelled **{r.action.title}**. Its reminders will not be sent.\n" + _told(r),
            ephemeral=True,
        )

    async def _after_change(
        self, interaction: discord.Interaction, r: actions.ChangeResult
    ) -> None:
        bot = bot_of(interaction)
        runtime = reminders_runtime.runtime_of(bot)
        await runtime.arm_upcoming()
        runtime.kick(r.notice_id)  # DMs and the channel notice go out in the background
        await _refresh_announcement(bot, r.action)

    @app_commands.command(name="ics")
    @app_commands.describe(action="The action")
    @app_commands.autocomplete(action=action_autocomplete)
    async def action_ics(self, interaction: discord.Interaction, action: str) -> None:
        """Download the action as a calendar file (.ics)."""
        bot = bot_of(interaction)
        async with bot.uow(read_only=True) as uow:
            name, data = await actions.ics(
                uow, actor_of(interaction), actions.parse_action_id(action), now=bot.clock.now()
            )
        await interaction.response.send_message(
            "Add it to your calendar:",
            file=discord.File(io.BytesIO(data), filename=name),
            ephemeral=True,
        )


def _told(r: actions.ChangeResult) -> str:
    if not r.answered_cities:
        return "No city had answered yet, so no one was messaged."
    return (
        "I'm telling the representatives of the cities that answered: "
        + ", ".join(plain(c) for c in r.answered_cities)
        + "."
    )


async def _refresh_announcement(bot: Any, a: ActionInfo) -> None:
    """Keep the announcement true: the new time, or cancelled without buttons."""
    if a.announcement_channel_id is None or a.announcement_message_id is None:
        return
    message = bot.get_partial_messageable(a.announcement_channel_id).get_partial_message(
        a.announcement_message_id
    )
    try:
        await message.edit(
            embed=announcement_embed(a), view=None if a.cancelled else rsvp_view(a.id)
        )
    except discord.HTTPException as exc:
        log.info("could not update the announcement of action %s: %s", a.id, exc)


def _detail_embeds(d: ActionDetail) -> list[discord.Embed]:
    a = d.action
    embed = discord.Embed(
        title=limits.truncate(f"{plain(a.title)} — {plain(a.coalition_name)}", limits.EMBED_TITLE),
        description=limits.truncate(
            "\n".join(_summary_lines(a) + ([f"\n{plain(a.description)}"] if a.description else [])),
            limits.EMBED_DESCRIPTION,
        ),
        colour=render.COLOUR,
    )
    c = d.counts
    embed.add_field(
        name="Answers",
        value=f"Going {c.going} · Maybe {c.maybe} · Not going {c.not_going} · "
        f"No answer {c.no_answer}",
        inline=False,
    )
    lines = [
        f"{RESPONSE_ICONS[x.response]} **{plain(x.city_name)}** — "
        + (actions.RESPONSES[x.response] if x.response else "no answer")
        + (f" ({plain(x.note)})" if x.note else "")
        for x in d.cities
    ]
    changes = [
        f"{kind} {format_dt(at, 'R')}" + (f": {plain(detail)}" if detail else "")
        for kind, at, detail in d.history
        if kind != "scheduled"
    ]
    sections = [("Member cities", lines or ["No member cities yet."])]
    if changes:
        sections.append(("Changes", changes))
    # The lists get embeds of their own: long notes or many cities never push the first embed
    # over Discord's 6,000-character total.
    return [embed, *render.sectioned_embeds(f"Answers — {plain(a.title)}", sections)]


# --- /coalition settings reminders | digest ---


@app_commands.command(name="reminders", description="When action reminders go out, e.g. 7d,1d,2h")
@app_commands.describe(
    coalition="The coalition", offsets="Times before each action, e.g. 7d,1d,2h (m, h, d, w)"
)
@app_commands.autocomplete(coalition=coalition_autocomplete)
async def coalition_settings_reminders(
    interaction: discord.Interaction,
    coalition: str,
    offsets: app_commands.Range[str, 1, 100],
) -> None:
    bot = bot_of(interaction)
    async with bot.uow() as uow:
        r = await reminders.set_reminder_offsets(
            uow,
            actor_of(interaction),
            coalition_id=parse_id(coalition, "coalition"),
            offsets=offsets,
            now=bot.clock.now(),
        )
    await reminders_runtime.runtime_of(bot).arm_upcoming()
    spelled = ", ".join(reminders.describe_offset(o) for o in r.offsets)
    await interaction.response.send_message(
        f"Reminders for {r.coalition_name} now go out {spelled} before each action "
        f"(`{','.join(r.offsets)}`). Updated {r.actions_rearmed} upcoming action(s).",
        ephemeral=True,
    )


@app_commands.command(name="digest", description="A weekly digest for coordinators (or off)")
@app_commands.describe(
    coalition="The coalition",
    weekday="Day of the week, or Off",
    time="Local time, HH:MM (24-hour)",
    timezone="Time zone (IANA, e.g. Europe/Paris); defaults to your last one",
)
@app_commands.choices(weekday=WEEKDAY_CHOICES)
@app_commands.autocomplete(coalition=coalition_autocomplete, timezone=timezone_autocomplete)
async def coalition_settings_digest(
    interaction: discord.Interaction,
    coalition: str,
    weekday: app_commands.Choice[str],
    time: app_commands.Range[str, 1, 5] | None = None,
    timezone: str | None = None,
) -> None:
    bot = bot_of(interaction)
    async with bot.uow() as uow:
        r = await digests.set_digest(
            uow,
            actor_of(interaction),
            coalition_id=parse_id(coalition, "coalition"),
            weekday=weekday.value,
            local_time=time if weekday.value != "off" else None,
            timezone=timezone,
            now=bot.clock.now(),
        )
    if not r.enabled:
        text = f"The weekly digest of {r.coalition_name} is off."
    else:
        assert r.next_at is not None
        text = (
            f"Every {r.weekday} at {r.local_time} ({r.timezone}) each coordinator of "
            f"{r.coalition_name} gets a digest by DM"
            + (f", also posted in <#{r.channel_id}>" if r.channel_id else "")
            + f". The first one: {render.when(r.next_at)}."
        )
    await reminders_runtime.runtime_of(bot).arm_upcoming()
    await interaction.response.send_message(text, ephemeral=True)


async def _upcoming_lines(uow: UnitOfWork, actor: Actor, coalition_id: int) -> list[str]:
    return [
        f"**{plain(a.title)}** ({a.kind_label}) — {format_dt(a.starts_at, 'F')} "
        f"({format_dt(a.starts_at, 'R')})"
        for a in await actions.upcoming_actions(uow, actor, coalition_id)
    ]


SETTINGS_COMMANDS = (coalition_settings_reminders, coalition_settings_digest)


def _settings_group(bot: commands.Bot) -> app_commands.Group | None:
    coalition = bot.tree.get_command("coalition")
    if not isinstance(coalition, app_commands.Group):
        return None
    settings = coalition.get_command("settings")
    return settings if isinstance(settings, app_commands.Group) else None


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(ActionsCog())
    bot.add_dynamic_items(RsvpButton)
    group = _settings_group(bot)
    if group is None:
        log.warning("/coalition settings is missing; reminders/digest settings not attached")
    else:
        for cmd in SETTINGS_COMMANDS:
            if group.get_command(cmd.name) is None:
                group.add_command(cmd)
    render.provide_upcoming_actions(_upcoming_lines)
    reminders_runtime.install(bot)  # type: ignore[arg-type]


async def teardown(bot: commands.Bot) -> None:
    bot.remove_dynamic_items(RsvpButton)
    render.provide_upcoming_actions(None)
    await reminders_runtime.uninstall(bot)  # type: ignore[arg-type]
