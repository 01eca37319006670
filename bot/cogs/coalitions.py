"""/coalition: coalitions of cities, their coordinators, members and settings.

Replies are ephemeral (lists and details included) to keep channels clean.

Other extensions attach subcommands to ``/coalition settings`` in their ``setup``::

    bot.tree.get_command("coalition").get_command("settings").add_command(cmd)

and the actions feature fills the "Upcoming actions" part of /coalition show with
``bot.ui.render.provide_upcoming_actions(fn)`` (kept outside this extension module, which
discord.py re-imports on every load).
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import reminders as reminders_runtime
from bot.cogs.common import (
    actor_of,
    bot_of,
    call,
    city_autocomplete,
    coalition_autocomplete,
    my_city_autocomplete,
    optional_id,
    parse_id,
    respond,
)
from bot.interactions import guarded
from bot.services import coalitions
from bot.text import plain
from bot.ui import limits, render
from bot.ui.progress import progress_bar

log = logging.getLogger("bot.cogs.coalitions")

KIND_CHOICES = [
    app_commands.Choice(name=label.lower().capitalize(), value=slug)
    for slug, label in coalitions.KIND_LABELS.items()
]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def archive_prompt(p: coalitions.ArchivePlan) -> str:
    lines = [f"Archive **{p.coalition_name}**? It becomes read-only for good."]
    if p.open_asks:
        lines.append(
            f"- {_count(p.open_asks, 'open ask')} will be closed, as /ask close does "
            "(webhooks are told)."
        )
    if p.upcoming_actions:
        lines.append(
            f"- {_count(p.upcoming_actions, 'upcoming action')} will be cancelled, as "
            "/action cancel does: reminders stop and the cities that answered are told."
        )
    if not p.open_asks and not p.upcoming_actions:
        lines.append("It has no open asks and no upcoming actions.")
    lines.append("Confirm to archive it, or Cancel to leave it as it is.")
    return "\n".join(lines)


def archived_text(r: coalitions.ArchiveResult) -> str:
    text = f"{r.coalition_name} is archived and read-only."
    if r.closed_ask_ids:
        n = len(r.closed_ask_ids)
        text += f" {_count(n, 'open ask')} {'was' if n == 1 else 'were'} closed."
    if r.cancelled_actions:
        n = len(r.cancelled_actions)
        answered = sorted({c for a in r.cancelled_actions for c in a.answered_cities})
        text += f" {_count(n, 'upcoming action')} {'was' if n == 1 else 'were'} cancelled"
        if answered:
            text += "; I'm telling the cities that answered: " + ", ".join(answered) + "."
        else:
            text += "; no city had answered yet."
    return text


_ARCHIVE_ID = r"(?P<coalition>[0-9]{1,10})"


class _ArchiveButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?!)"):
    """The persistent Confirm/Cancel of /coalition archive; the base matches no custom_id."""

    prefix = ""
    label = ""
    style = discord.ButtonStyle.primary

    def __init__(self, coalition_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=self.label, style=self.style, custom_id=f"{self.prefix}:{coalition_id}"
            )
        )
        self.coalition_id = coalition_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> _ArchiveButton:
        return cls(int(match["coalition"]))


class ArchiveConfirmButton(_ArchiveButton, template=r"archive:confirm:" + _ARCHIVE_ID):
    prefix, label, style = "archive:confirm", "Confirm", discord.ButtonStyle.danger

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        r = await call(
            interaction,
            coalitions.archive_coalition,
            self.coalition_id,
            edit=True,
            now=bot.clock.now(),
        )
        try:
            await respond(interaction, edit=True, content=archived_text(r), view=None)
        finally:  # the archive is committed: its notices go out whatever became of the reply
            await _after_archive(bot, r)


class ArchiveCancelButton(_ArchiveButton, template=r"archive:cancel:" + _ARCHIVE_ID):
    prefix, label, style = "archive:cancel", "Cancel", discord.ButtonStyle.secondary

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.edit_message(
            content="Not archived. Nothing changed; run /coalition archive again whenever you "
            "like.",
            view=None,
        )


async def _after_archive(bot: Any, r: coalitions.ArchiveResult) -> None:
    """What /action cancel does after its commit, for each action the archive cancelled."""
    if not r.cancelled_actions:
        return
    try:
        runtime = reminders_runtime.runtime_of(bot)
    except RuntimeError:  # the actions feature is not loaded: nothing to send or refresh
        return
    await runtime.arm_upcoming()
    for change in r.cancelled_actions:
        runtime.kick(change.notice_id)  # DMs and the channel notice go out in the background
    # Imported here: bot.cogs.actions is an extension module, reloaded with its extension.
    from bot.cogs.actions import _refresh_announcement

    for change in r.cancelled_actions:
        await _refresh_announcement(bot, change.action)


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
                bits.insert(1, plain(c.region))
            archived = " (archived)" if c.archived else ""
            lines.append(f"**{plain(c.name)}**{archived} — {' · '.join(bits)}")
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
            details.append(f"**Region:** {plain(d.region)}")
        details.append(f"**Channel:** {f'<#{d.channel_id}>' if d.channel_id else 'none'}")
        details.append(
            "**Joining:** "
            + ("a coordinator approves each city" if d.requires_approval else "open to any city")
        )
        if d.archived:
            details.append(f"**Archived** {render.when(d.archived_at)} — read-only.")
        if d.description:
            details.append("")
            details.append(plain(d.description))
        asks = [
            f"**{plain(a.title)}** — {a.signed} of {a.total} signed "
            f"`{progress_bar(a.signed, a.total)}`"
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
                    [
                        f"{plain(p.name)} ({plain(p.country)}) — asked by <@{p.requested_by}>"
                        for p in d.pending
                    ],
                )
            )
        embeds = render.sectioned_embeds(
            plain(d.name), sections, description="\n".join(details), empty="none"
        )
        member_lines = [
            f"{plain(m.name)} ({plain(m.country)}) — since {render.day(m.since)}" for m in d.members
        ]
        embeds += limits.paginate_lines(
            f"Member cities of {plain(d.name)} ({len(d.members)})",
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
        text = f"{r.city_name} {verb} {r.coalition_name}."
        if r.ended_sign_ons:
            n = r.ended_sign_ons
            text += (
                f" Its {_count(n, 'signature')} {'stays' if n == 1 else 'stay'} on record as "
                f"left and no longer {'counts' if n == 1 else 'count'}; if {r.city_name} "
                "rejoins, it signs again."
            )
        await interaction.response.send_message(text, ephemeral=True)

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
        """Archive a coalition: open asks close, upcoming actions are cancelled (coordinators)."""
        bot = bot_of(interaction)
        plan = await call(
            interaction,
            coalitions.archive_plan,
            parse_id(coalition, "coalition"),
            read_only=True,
            now=bot.clock.now(),
        )
        view = discord.ui.View(timeout=None)
        view.add_item(ArchiveConfirmButton(plan.coalition_id))
        view.add_item(ArchiveCancelButton(plan.coalition_id))
        await respond(interaction, content=archive_prompt(plan), view=view)

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
    bot.add_dynamic_items(ArchiveConfirmButton, ArchiveCancelButton)
    await bot.add_cog(CoalitionsCog())
