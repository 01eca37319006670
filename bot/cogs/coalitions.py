"""/coalition: coalitions of cities, their coordinators, members and settings.

Replies are ephemeral (lists and details included) to keep channels clean.

Other extensions attach subcommands to ``/coalition settings`` in their ``setup``::

    bot.tree.get_command("coalition").get_command("settings").add_command(cmd)

and the actions feature fills the "Upcoming actions" part of /coalition show with
``bot.cogs.render.provide_upcoming_actions(fn)`` (kept outside this extension module, which
discord.py re-imports on every load).
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs import limits, render
from bot.cogs.common import (
    actor_of,
    bot_of,
    city_autocomplete,
    coalition_autocomplete,
    my_city_autocomplete,
    optional_id,
    parse_id,
)
from bot.services import coalitions
from bot.services.progress import progress_bar

KIND_CHOICES = [
    app_commands.Choice(name=label.lower().capitalize(), value=slug)
    for slug, label in coalitions.KIND_LABELS.items()
]


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
        async with bot_of(interaction).uow() as uow:
            c = await coalitions.create_coalition(
                uow,
                actor_of(interaction),
                name=name,
                kind=kind.value,
                description=description,
                region=region,
                channel_id=channel.id if channel else None,
            )
        where = f" Announcements go to {channel.mention}." if channel else ""
        await interaction.response.send_message(
            f"Created **{c.name}** ({c.kind_label}). You are its coordinator.{where} "
            "Representatives can now bring their city in with /coalition join.",
            ephemeral=True,
        )

    @app_commands.command(name="list")
    async def coalition_list(self, interaction: discord.Interaction) -> None:
        """List the coalitions of this server."""
        async with bot_of(interaction).uow(read_only=True) as uow:
            found = await coalitions.list_coalitions(uow, actor_of(interaction))
        if not found:
            await interaction.response.send_message(
                "There are no coalitions here yet. Start one with /coalition create.",
                ephemeral=True,
            )
            return
        lines = []
        for c in found:
            noun = "city" if c.member_count == 1 else "cities"
            bits = [c.kind_label, f"{c.member_count} member {noun}"]
            if c.region:
                bits.insert(1, c.region)
            archived = " (archived)" if c.archived else ""
            lines.append(f"**{c.name}**{archived} — {' · '.join(bits)}")
        embeds = limits.paginate_lines(f"Coalitions ({len(found)})", lines, colour=render.COLOUR)
        await render.send_embeds(interaction, embeds)

    @app_commands.command(name="show")
    @app_commands.describe(coalition="The coalition to show")
    @app_commands.autocomplete(coalition=coalition_autocomplete)
    async def coalition_show(self, interaction: discord.Interaction, coalition: str) -> None:
        """Show a coalition: coordinators, member cities, open asks, upcoming actions."""
        actor = actor_of(interaction)
        upcoming: list[str] | None = None
        async with bot_of(interaction).uow(read_only=True) as uow:
            d = await coalitions.show_coalition(uow, actor, parse_id(coalition, "coalition"))
            upcoming = await render.upcoming_actions(uow, actor, d.id)
        details = [f"**Kind:** {d.kind_label}"]
        if d.region:
            details.append(f"**Region:** {d.region}")
        details.append(f"**Channel:** {f'<#{d.channel_id}>' if d.channel_id else 'none'}")
        details.append(
            "**Joining:** "
            + ("a coordinator approves each city" if d.requires_approval else "open to any city")
        )
        if d.archived:
            details.append(f"**Archived** {render.when(d.archived_at)} — read-only.")
        if d.description:
            details.append("")
            details.append(d.description)
        asks = [
            f"**{a.title}** — {a.signed} of {a.total} signed `{progress_bar(a.signed, a.total)}`"
            + (f" — due {discord.utils.format_dt(a.deadline, 'R')}" if a.deadline else "")
            for a in d.open_asks
        ]
        sections: list[tuple[str, list[str]]] = [
            ("Coordinators", [render.user_line(u) for u in d.coordinator_ids]),
            ("Open asks", asks),
        ]
        if upcoming is not None:
            sections.append(("Upcoming actions", upcoming))
        if d.pending:
            sections.append(
                (
                    "Waiting for approval",
                    [f"{p.name} ({p.country}) — asked by <@{p.requested_by}>" for p in d.pending],
                )
            )
        embeds = render.sectioned_embeds(
            d.name, sections, description="\n".join(details), empty="none"
        )
        member_lines = [f"{m.name} ({m.country}) — since {render.day(m.since)}" for m in d.members]
        embeds += limits.paginate_lines(
            f"Member cities of {d.name} ({len(d.members)})",
            member_lines or ["No member cities yet. Representatives join with /coalition join."],
            colour=render.COLOUR,
        )
        await render.send_embeds(interaction, embeds)

    @app_commands.command(name="join")
    @app_commands.describe(
        coalition="The coalition to join", city="Your city (if you represent several)"
    )
    @app_commands.autocomplete(coalition=coalition_autocomplete, city=my_city_autocomplete)
    async def coalition_join(
        self, interaction: discord.Interaction, coalition: str, city: str | None = None
    ) -> None:
        """Bring your city into a coalition."""
        async with bot_of(interaction).uow() as uow:
            r = await coalitions.join_coalition(
                uow,
                actor_of(interaction),
                coalition_id=parse_id(coalition, "coalition"),
                city_id=optional_id(city, "city"),
            )
        if r.status == "pending":
            text = (
                f"{r.city_name} asked to join {r.coalition_name}. A coordinator will approve it "
                "(/coalition approve); you'll see it in /coalition show."
            )
        else:
            text = f"{r.city_name} is now a member of {r.coalition_name}."
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="approve")
    @app_commands.describe(coalition="The coalition", city="The city waiting to join")
    @app_commands.autocomplete(coalition=coalition_autocomplete, city=city_autocomplete)
    async def coalition_approve(
        self, interaction: discord.Interaction, coalition: str, city: str
    ) -> None:
        """Approve a city's request to join (coordinators)."""
        async with bot_of(interaction).uow() as uow:
            r = await coalitions.approve_membership(
                uow,
                actor_of(interaction),
                coalition_id=parse_id(coalition, "coalition"),
                city_id=parse_id(city, "city"),
            )
        await interaction.response.send_message(
            f"{r.city_name} is now a member of {r.coalition_name}.", ephemeral=True
        )

    @app_commands.command(name="reject")
    @app_commands.describe(coalition="The coalition", city="The city waiting to join")
    @app_commands.autocomplete(coalition=coalition_autocomplete, city=city_autocomplete)
    async def coalition_reject(
        self, interaction: discord.Interaction, coalition: str, city: str
    ) -> None:
        """Turn down a city's request to join (coordinators)."""
        async with bot_of(interaction).uow() as uow:
            r = await coalitions.reject_membership(
                uow,
                actor_of(interaction),
                coalition_id=parse_id(coalition, "coalition"),
                city_id=parse_id(city, "city"),
            )
        await interaction.response.send_message(
            f"{r.city_name}'s request to join {r.coalition_name} was turned down.", ephemeral=True
        )

    @app_commands.command(name="leave")
    @app_commands.describe(
        coalition="The coalition to leave", city="Your city (if you represent several)"
    )
    @app_commands.autocomplete(coalition=coalition_autocomplete, city=my_city_autocomplete)
    async def coalition_leave(
        self, interaction: discord.Interaction, coalition: str, city: str | None = None
    ) -> None:
        """Take your city out of a coalition (coordinators may remove any city)."""
        async with bot_of(interaction).uow() as uow:
            r = await coalitions.leave_coalition(
                uow,
                actor_of(interaction),
                coalition_id=parse_id(coalition, "coalition"),
                city_id=optional_id(city, "city"),
            )
        verb = "was removed from" if r.status == "removed" else "left"
        await interaction.response.send_message(
            f"{r.city_name} {verb} {r.coalition_name}. Its earlier sign-ons stay on record but "
            "no longer count.",
            ephemeral=True,
        )

    @coordinators.command(name="add")
    @app_commands.describe(coalition="The coalition", user="The member who will coordinate")
    @app_commands.autocomplete(coalition=coalition_autocomplete)
    async def coalition_coordinators_add(
        self, interaction: discord.Interaction, coalition: str, user: discord.User
    ) -> None:
        """Make someone a coordinator of a coalition (coordinators)."""
        async with bot_of(interaction).uow() as uow:
            r = await coalitions.add_coordinator(
                uow,
                actor_of(interaction),
                coalition_id=parse_id(coalition, "coalition"),
                user_id=user.id,
            )
        await interaction.response.send_message(
            f"{user.mention} is now a coordinator of {r.coalition_name}. Coordinators: "
            + ", ".join(render.user_line(u) for u in r.coordinator_ids),
            ephemeral=True,
        )

    @coordinators.command(name="remove")
    @app_commands.describe(coalition="The coalition", user="The coordinator to remove")
    @app_commands.autocomplete(coalition=coalition_autocomplete)
    async def coalition_coordinators_remove(
        self, interaction: discord.Interaction, coalition: str, user: discord.User
    ) -> None:
        """Remove a coordinator from a coalition (coordinators)."""
        async with bot_of(interaction).uow() as uow:
            r = await coalitions.remove_coordinator(
                uow,
                actor_of(interaction),
                coalition_id=parse_id(coalition, "coalition"),
                user_id=user.id,
            )
        await interaction.response.send_message(
            f"{user.mention} no longer coordinates {r.coalition_name}. Coordinators: "
            + ", ".join(render.user_line(u) for u in r.coordinator_ids),
            ephemeral=True,
        )

    @app_commands.command(name="archive")
    @app_commands.describe(coalition="The coalition to archive")
    @app_commands.autocomplete(coalition=coalition_autocomplete)
    async def coalition_archive(self, interaction: discord.Interaction, coalition: str) -> None:
        """Archive a coalition: read-only from now on; its open asks close (coordinators)."""
        async with bot_of(interaction).uow() as uow:
            r = await coalitions.archive_coalition(
                uow, actor_of(interaction), parse_id(coalition, "coalition")
            )
        closed = len(r.closed_ask_ids)
        note = f" {closed} open ask{'s were' if closed != 1 else ' was'} closed." if closed else ""
        await interaction.response.send_message(
            f"{r.coalition_name} is archived and read-only.{note}", ephemeral=True
        )

    @settings.command(name="channel")
    @app_commands.describe(
        coalition="The coalition", channel="Where to announce new asks and sign-ons"
    )
    @app_commands.autocomplete(coalition=coalition_autocomplete)
    async def coalition_settings_channel(
        self, interaction: discord.Interaction, coalition: str, channel: discord.TextChannel
    ) -> None:
        """Set the channel where a coalition's announcements go (coordinators)."""
        async with bot_of(interaction).uow() as uow:
            r = await coalitions.set_channel(
                uow,
                actor_of(interaction),
                coalition_id=parse_id(coalition, "coalition"),
                channel_id=channel.id,
            )
        await interaction.response.send_message(
            f"{r.coalition_name} now announces in {channel.mention}.", ephemeral=True
        )

    @settings.command(name="approval")
    @app_commands.describe(
        coalition="The coalition", required="Must a coordinator approve each city that joins?"
    )
    @app_commands.autocomplete(coalition=coalition_autocomplete)
    async def coalition_settings_approval(
        self, interaction: discord.Interaction, coalition: str, required: bool
    ) -> None:
        """Choose whether joining needs a coordinator's approval (coordinators)."""
        async with bot_of(interaction).uow() as uow:
            r = await coalitions.set_approval(
                uow,
                actor_of(interaction),
                coalition_id=parse_id(coalition, "coalition"),
                required=required,
            )
        if r.requires_approval:
            text = f"Cities joining {r.coalition_name} now wait for a coordinator's approval."
        else:
            text = (
                f"Cities can now join {r.coalition_name} without approval. Requests already "
                "waiting still need /coalition approve."
            )
        await interaction.response.send_message(text, ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(CoalitionsCog())
