"""The /coalition commands: coalitions of cities, their coordinators, members and settings.

Replies are ephemeral (lists and details included) to keep channels clean. The settings
group holds every coalition setting, the reminder offsets, weekly digest, time zone and
automatic nudges included (their services are the reminders, digests, timezones and nudges
features'; the nudges answer is written in ``bot.cogs.asks_goals``, shared with /ask nudge).
"""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs import asks_goals
from bot.cogs.coalitions import suggest
from bot.cogs.coalitions.archive import archive_prompt, archive_view, count
from bot.cogs.coalitions.render import coalition_list_embeds, coalition_show_embeds
from bot.cogs.common import call, respond
from bot.cogs.options import CityId, CoalitionId, MyCityId, TimeZoneName
from bot.db.uow import UnitOfWork
from bot.services import coalitions, digests, reminders, timezones
from bot.services.coalitions import settings as coalition_settings
from bot.services.common import Actor
from bot.text import plain
from bot.ui import render, request_notices

KIND_CHOICES = [
    app_commands.Choice(name=label.lower().capitalize(), value=slug)
    for slug, label in coalitions.KIND_LABELS.items()
]
WEEKDAY_CHOICES = [
    app_commands.Choice(name=name.capitalize(), value=name) for name in digests.WEEKDAYS
] + [app_commands.Choice(name="Off (no digest)", value="off")]


async def _detail_and_upcoming(
    uow: UnitOfWork, actor: Actor, coalition_id: int
) -> tuple[coalitions.CoalitionDetail, list[str] | None]:
    """/coalition show's facts and its "Upcoming actions" lines, in one unit of work."""
    d = await coalitions.show_coalition(uow, actor, coalition_id)
    return d, await render.upcoming_actions(uow, actor, d.id)


@app_commands.guild_only()
class CoalitionsCog(
    commands.GroupCog, group_name="coalition", group_description="Coalitions of cities"
):
    coordinators = app_commands.Group(
        name="coordinators", description="Add or remove a coalition's coordinators"
    )
    settings = app_commands.Group(name="settings", description="A coalition's settings")

    @app_commands.command(name="create")
    @app_commands.describe(
        name="The coalition's name",
        kind="What sort of coalition it is",
        description="What it is for (optional)",
        region="The region it covers (optional)",
        channel="Where to announce new asks and sign-ons (optional)",
    )
    @app_commands.choices(kind=KIND_CHOICES)
    async def coalition_create(
        self,
        interaction: discord.Interaction,
        name: str,
        kind: app_commands.Choice[str],
        description: str | None = None,
        region: str | None = None,
        channel: discord.TextChannel | None = None,
    ) -> None:
        """Create a coalition; you become its first coordinator."""
        c = await call(
            interaction,
            coalitions.create_coalition,
            name=name,
            kind=kind.value,
            description=description,
            region=region,
            channel_id=channel.id if channel else None,
        )
        where = f" Announcements go to {channel.mention}." if channel else ""
        await respond(
            interaction,
            content=f"Created **{c.name}** ({c.kind_label}). You are its coordinator.{where} "
            "Representatives can now bring their city in with /coalition join.",
        )

    @app_commands.command(name="list")
    async def coalition_list(self, interaction: discord.Interaction) -> None:
        """List the coalitions of this server."""
        found = await call(interaction, coalitions.list_coalitions, read_only=True)
        if not found:
            await respond(
                interaction,
                content="There are no coalitions here yet. Start one with /coalition create.",
            )
            return
        await respond(interaction, embeds=coalition_list_embeds(found))

    @app_commands.command(name="show")
    @app_commands.describe(coalition="The coalition to show")
    async def coalition_show(
        self, interaction: discord.Interaction, coalition: CoalitionId
    ) -> None:
        """Show a coalition: coordinators, member cities, open asks, upcoming actions."""
        d, upcoming = await call(interaction, _detail_and_upcoming, coalition, read_only=True)
        await respond(interaction, embeds=coalition_show_embeds(d, upcoming))

    @app_commands.command(name="join")
    @app_commands.describe(
        coalition="The coalition to join", city="Your city (if you represent several)"
    )
    async def coalition_join(
        self, interaction: discord.Interaction, coalition: CoalitionId, city: MyCityId | None = None
    ) -> None:
        """Bring your city into a coalition."""
        r = await call(
            interaction,
            coalitions.join_coalition,
            coalition_id=coalition,
            city_id=city,
            system_channel_id=request_notices.postable_system_channel(interaction.guild),
        )
        if r.status == "pending":
            where = (
                f" (the request is posted in <#{r.notice_channel_id}>)"
                if r.notice_channel_id
                else ""
            )
            text = (
                f"{r.city_name} asked to join {r.coalition_name}. A coordinator will approve it "
                f"(/coalition approve){where}; I'll DM you their decision, and you'll see it in "
                "/coalition show."
            )
        else:
            text = f"{r.city_name} is now a member of {r.coalition_name}."
        await respond(interaction, content=text)

    @app_commands.command(name="approve")
    @app_commands.describe(coalition="The coalition", city="The city waiting to join")
    async def coalition_approve(
        self, interaction: discord.Interaction, coalition: CoalitionId, city: CityId
    ) -> None:
        """Approve a city's request to join (coordinators)."""
        r = await call(
            interaction, coalitions.approve_membership, coalition_id=coalition, city_id=city
        )
        await respond(interaction, content=f"{r.city_name} is now a member of {r.coalition_name}.")

    @app_commands.command(name="reject")
    @app_commands.describe(coalition="The coalition", city="The city waiting to join")
    async def coalition_reject(
        self, interaction: discord.Interaction, coalition: CoalitionId, city: CityId
    ) -> None:
        """Turn down a city's request to join (coordinators)."""
        r = await call(
            interaction, coalitions.reject_membership, coalition_id=coalition, city_id=city
        )
        await respond(
            interaction,
            content=f"{r.city_name}'s request to join {r.coalition_name} was turned down.",
        )

    @app_commands.command(name="leave")
    @app_commands.describe(
        coalition="The coalition to leave", city="Your city (if you represent several)"
    )
    async def coalition_leave(
        self, interaction: discord.Interaction, coalition: CoalitionId, city: MyCityId | None = None
    ) -> None:
        """Take your city out of a coalition (coordinators may remove any city)."""
        r = await call(
            interaction, coalitions.leave_coalition, coalition_id=coalition, city_id=city
        )
        verb = "was removed from" if r.status == "removed" else "left"
        text = f"{r.city_name} {verb} {r.coalition_name}."
        if r.ended_sign_ons:
            n = r.ended_sign_ons
            text += (
                f" Its {count(n, 'signature')} {'stays' if n == 1 else 'stay'} on record as "
                f"left and no longer {'counts' if n == 1 else 'count'}; if {r.city_name} "
                "rejoins, it signs again."
            )
        await respond(interaction, content=text)

    @coordinators.command(name="add")
    @app_commands.describe(coalition="The coalition", user="The member who will coordinate")
    async def coalition_coordinators_add(
        self, interaction: discord.Interaction, coalition: CoalitionId, user: discord.User
    ) -> None:
        """Make someone a coordinator of a coalition (coordinators)."""
        r = await call(
            interaction, coalitions.add_coordinator, coalition_id=coalition, user_id=user.id
        )
        await respond(
            interaction,
            content=f"{user.mention} is now a coordinator of {r.coalition_name}. Coordinators: "
            + ", ".join(render.user_line(u) for u in r.coordinator_ids),
        )

    @coordinators.command(name="remove")
    @app_commands.describe(coalition="The coalition", user="The coordinator to remove")
    async def coalition_coordinators_remove(
        self, interaction: discord.Interaction, coalition: CoalitionId, user: discord.User
    ) -> None:
        """Remove a coordinator from a coalition (coordinators)."""
        r = await call(
            interaction, coalitions.remove_coordinator, coalition_id=coalition, user_id=user.id
        )
        await respond(
            interaction,
            content=f"{user.mention} no longer coordinates {r.coalition_name}. Coordinators: "
            + ", ".join(render.user_line(u) for u in r.coordinator_ids),
        )

    @app_commands.command(name="suggest")
    @app_commands.describe(coalition="The coalition to strengthen", limit="How many (1-25)")
    async def coalition_suggest(
        self,
        interaction: discord.Interaction,
        coalition: CoalitionId,
        limit: app_commands.Range[int, 1, 25] | None = None,
    ) -> None:
        """Suggest cities that would strengthen a coalition, each with its reasons."""
        await suggest.coalition_suggest(interaction, coalition, limit)

    @app_commands.command(name="archive")
    @app_commands.describe(coalition="The coalition to archive")
    async def coalition_archive(
        self, interaction: discord.Interaction, coalition: CoalitionId
    ) -> None:
        """Archive a coalition: open asks close, upcoming actions are cancelled (coordinators)."""
        plan = await call(interaction, coalitions.archive_plan, coalition, read_only=True)
        await respond(
            interaction, content=archive_prompt(plan), view=archive_view(plan.coalition_id)
        )

    @settings.command(name="channel")
    @app_commands.describe(
        coalition="The coalition", channel="Where to announce new asks and sign-ons"
    )
    async def coalition_settings_channel(
        self, interaction: discord.Interaction, coalition: CoalitionId, channel: discord.TextChannel
    ) -> None:
        """Set the channel where a coalition's announcements go (coordinators)."""
        r = await call(
            interaction, coalitions.set_channel, coalition_id=coalition, channel_id=channel.id
        )
        await respond(
            interaction, content=f"{r.coalition_name} now announces in {channel.mention}."
        )

    @settings.command(name="approval")
    @app_commands.describe(
        coalition="The coalition", required="Must a coordinator approve each city that joins?"
    )
    async def coalition_settings_approval(
        self, interaction: discord.Interaction, coalition: CoalitionId, required: bool
    ) -> None:
        """Choose whether joining needs a coordinator's approval (coordinators)."""
        r = await call(
            interaction, coalitions.set_approval, coalition_id=coalition, required=required
        )
        if r.requires_approval:
            text = f"Cities joining {r.coalition_name} now wait for a coordinator's approval."
        else:
            text = (
                f"Cities can now join {r.coalition_name} without approval. Requests already "
                "waiting still need /coalition approve."
            )
        await respond(interaction, content=text)

    @settings.command(name="authority")
    @app_commands.describe(
        coalition="The coalition",
        required="Must each sign-on give its council resolution or mayoral decision?",
    )
    async def coalition_settings_authority(
        self,
        interaction: discord.Interaction,
        coalition: CoalitionId,
        required: Literal["yes", "no"],
    ) -> None:
        """Choose whether each sign-on must give its basis (coordinators)."""
        r = await call(
            interaction,
            coalition_settings.set_authority,
            coalition_id=coalition,
            required=required == "yes",
        )
        if r.authority_required:
            text = (
                f"Sign-ons for {plain(r.coalition_name)} must now give their basis: a council "
                "resolution or mayoral decision, its reference and date. Sign-ons already made "
                "are kept."
            )
        else:
            text = f"Sign-ons for {plain(r.coalition_name)} no longer need to give their basis."
        await respond(interaction, content=text)

    @settings.command(name="reminders")
    @app_commands.describe(
        coalition="The coalition", offsets="Times before each action, e.g. 7d,1d,2h (m, h, d, w)"
    )
    async def coalition_settings_reminders(
        self,
        interaction: discord.Interaction,
        coalition: CoalitionId,
        offsets: app_commands.Range[str, 1, 100],
    ) -> None:
        """When action reminders go out, e.g. 7d,1d,2h"""
        r = await call(
            interaction, reminders.set_reminder_offsets, coalition_id=coalition, offsets=offsets
        )
        spelled = ", ".join(reminders.describe_offset(o) for o in r.offsets)
        await respond(
            interaction,
            content=f"Reminders for {r.coalition_name} now go out {spelled} before each action "
            f"(`{','.join(r.offsets)}`). Updated {r.actions_rearmed} upcoming "
            f"{'action' if r.actions_rearmed == 1 else 'actions'}.",
        )

    @settings.command(name="digest")
    @app_commands.describe(
        coalition="The coalition",
        weekday="Day of the week, or Off",
        time="Local time, HH:MM (24-hour)",
        timezone="Time zone (IANA, e.g. Europe/Paris); defaults to your last one",
    )
    @app_commands.choices(weekday=WEEKDAY_CHOICES)
    async def coalition_settings_digest(
        self,
        interaction: discord.Interaction,
        coalition: CoalitionId,
        weekday: app_commands.Choice[str],
        time: app_commands.Range[str, 1, 5] | None = None,
        timezone: TimeZoneName | None = None,
    ) -> None:
        """A weekly digest for coordinators (or off)"""
        r = await call(
            interaction,
            digests.set_digest,
            coalition_id=coalition,
            weekday=weekday.value,
            local_time=time if weekday.value != "off" else None,
            timezone=timezone,
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
        await respond(interaction, content=text)

    @settings.command(name="timezone")
    @app_commands.describe(
        coalition="The coalition",
        timezone="A city, country or IANA name (e.g. Paris, Europe/Paris); empty clears it",
    )
    async def coalition_settings_timezone(
        self,
        interaction: discord.Interaction,
        coalition: CoalitionId,
        timezone: TimeZoneName | None = None,
    ) -> None:
        """The zone times typed for this coalition are read in (coordinators)"""
        name, zone = await call(
            interaction,
            timezones.set_coalition_timezone,
            coalition_id=coalition,
            timezone=timezone,
        )
        if zone is None:
            text = (
                f"{plain(name)} has no time zone now: times typed without one are read in the "
                "person's zone, else the server's."
            )
        else:
            text = (
                f"Times typed for {plain(name)} without a zone are now read in **{zone}** "
                "(unless the person set their own with /me timezone)."
            )
        await respond(interaction, content=text)

    @settings.command(name="nudges")
    @app_commands.describe(
        coalition="The coalition",
        days_before="Days before each ask's deadline to nudge cities that have not signed (0: off)",
    )
    async def coalition_settings_nudges(
        self,
        interaction: discord.Interaction,
        coalition: CoalitionId,
        days_before: app_commands.Range[int, 0, 30],
    ) -> None:
        """Nudge member cities that have not signed, days before a deadline (coordinators)"""
        await asks_goals.coalition_nudges(interaction, coalition, days_before)
