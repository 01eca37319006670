"""The /ask commands: each runs its service through call() and answers once."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs import asks_goals
from bot.cogs.asks.forms import CreateAskForm, EditAskForm
from bot.cogs.asks.render import (
    history_embeds,
    list_embeds,
    show_embeds,
    sign_prompt,
    signatories_embeds,
)
from bot.cogs.asks.views import announce_progress, needs_form, sign_view
from bot.cogs.common import call, respond
from bot.cogs.options import AskId, CoalitionId, MyCityId, TimeZoneName
from bot.db.models.enums import AskStatus
from bot.services import asks, goals, nudges
from bot.services.asks import authority
from bot.services.asks.results import BASIS_KIND_WORDS
from bot.text import plain
from bot.ui import announcements, render

BASIS_CHOICES = tuple(
    app_commands.Choice(name=words, value=kind) for kind, words in BASIS_KIND_WORDS.items()
)
STATUS_CHOICES = [
    app_commands.Choice(name="Open", value=AskStatus.OPEN.value),
    app_commands.Choice(name="Closed", value=AskStatus.CLOSED.value),
    app_commands.Choice(name="All", value="all"),
]


@app_commands.guild_only()
class AsksCog(commands.GroupCog, group_name="ask", group_description="Policy asks and sign-ons"):
    @app_commands.command(name="create")
    @app_commands.describe(
        coalition="The coalition making the ask",
        timezone="Time zone for the deadline (fills in the form)",
    )
    async def ask_create(
        self,
        interaction: discord.Interaction,
        coalition: CoalitionId,
        timezone: TimeZoneName | None = None,
    ) -> None:
        """Write a new policy ask for a coalition (coordinators)."""
        name = await call(
            interaction, asks.coalition_for_new_ask, coalition, read_only=True, opens_form=True
        )
        await interaction.response.send_modal(CreateAskForm(coalition, name, tz=timezone or ""))

    @app_commands.command(name="list")
    @app_commands.describe(coalition="The coalition", status="Open (default), closed or all")
    @app_commands.choices(status=STATUS_CHOICES)
    async def ask_list(
        self,
        interaction: discord.Interaction,
        coalition: CoalitionId,
        status: app_commands.Choice[str] | None = None,
    ) -> None:
        """List a coalition's asks with their progress."""
        wanted = status.value if status else AskStatus.OPEN.value
        found = await call(
            interaction, asks.list_asks, coalition_id=coalition, status=wanted, read_only=True
        )
        if not found:
            which = "" if wanted == "all" else f"{wanted} "
            await respond(interaction, content=f"There are no {which}asks in this coalition.")
            return
        await respond(interaction, embeds=list_embeds(found, wanted))

    @app_commands.command(name="show")
    @app_commands.describe(ask="The ask to show")
    async def ask_show(self, interaction: discord.Interaction, ask: AskId) -> None:
        """Show an ask: text, target, deadline, progress, its goal and who signed."""
        d, goal = await call(interaction, asks_goals.show_with_goal, ask, read_only=True)
        buttons = announcements.ask_buttons(d.id, open_to_sign=d.status == AskStatus.OPEN)
        await respond(interaction, embeds=show_embeds(d, goal), view=buttons)

    @app_commands.command(name="goal")
    @app_commands.describe(
        ask="The ask",
        cities="At least this many signing cities (0: no such part)",
        regions="From at least this many distinct regions",
        countries="From at least this many countries",
        population="With a combined population of at least this many people",
    )
    async def ask_goal(
        self,
        interaction: discord.Interaction,
        ask: AskId,
        cities: app_commands.Range[int, 0, goals.MAX_PART] | None = None,
        regions: app_commands.Range[int, 0, goals.MAX_PART] | None = None,
        countries: app_commands.Range[int, 0, goals.MAX_PART] | None = None,
        population: app_commands.Range[int, 0, goals.MAX_POPULATION] | None = None,
    ) -> None:
        """Give an ask a goal to reach: cities, regions, countries, population (coordinators)."""
        await asks_goals.ask_goal(interaction, ask, cities, regions, countries, population)

    @app_commands.command(name="nudge")
    @app_commands.describe(
        ask="The ask",
        message="A few words of yours for the cities that have not signed (optional)",
    )
    async def ask_nudge(
        self,
        interaction: discord.Interaction,
        ask: AskId,
        message: app_commands.Range[str, 1, nudges.MESSAGE_LEN] | None = None,
    ) -> None:
        """DM the member cities that have not signed yet, once a day at most (coordinators)."""
        await asks_goals.ask_nudge(interaction, ask, message)

    @app_commands.command(name="sign")
    @app_commands.describe(
        ask="The ask to sign",
        city="Your city (if you represent several)",
        note="A short note kept with your signature (optional)",
        basis="What gives you authority to sign: a council resolution or a mayoral decision",
        reference="The resolution's or decision's reference, e.g. 2026-117",
        basis_date="The date it was taken (YYYY-MM-DD)",
        basis_url="Where it is published (http or https, optional)",
    )
    @app_commands.choices(basis=list(BASIS_CHOICES))
    async def ask_sign(
        self,
        interaction: discord.Interaction,
        ask: AskId,
        city: MyCityId | None = None,
        note: app_commands.Range[str, 1, asks.NOTE_LEN] | None = None,
        basis: app_commands.Choice[str] | None = None,
        reference: app_commands.Range[str, 1, authority.REFERENCE_LEN] | None = None,
        basis_date: app_commands.Range[str, 1, 10] | None = None,
        basis_url: app_commands.Range[str, 1, authority.URL_LEN] | None = None,
    ) -> None:
        """Sign an ask for your city (you confirm after reading it)."""
        try:
            p = await call(
                interaction,
                asks.prepare_sign,
                ask_id=ask,
                city_id=city,
                basis_kind=basis.value if basis else None,
                basis_reference=reference,
                basis_date=basis_date,
                basis_url=basis_url,
                read_only=True,
            )
        except asks.AlreadySigned as e:
            await respond(
                interaction, content=f"{e.city_name} already signed on {render.when(e.signed_at)}."
            )
            return
        intro, embed = sign_prompt(p, note)
        view = sign_view(p.ask_id, p.city_id, p.version, authority_required=needs_form(p))
        await respond(interaction, content=intro, embed=embed, view=view)

    @app_commands.command(name="withdraw")
    @app_commands.describe(
        ask="The ask to withdraw from",
        reason="Why your city withdraws (kept in the history)",
        city="Your city (if you represent several)",
    )
    async def ask_withdraw(
        self,
        interaction: discord.Interaction,
        ask: AskId,
        reason: app_commands.Range[str, 1, asks.REASON_LEN],
        city: MyCityId | None = None,
    ) -> None:
        """Withdraw your city's signature from an ask."""
        r = await call(interaction, asks.withdraw, ask_id=ask, reason=reason, city_id=city)
        await respond(
            interaction,
            content=f'{plain(r.city_name)} withdrew from "{plain(r.title)}" '
            f"{render.when(r.withdrawn_at)}. The reason is kept in /ask history.\n"
            f"{render.progress(r.signed, r.total)}",
        )
        await announce_progress(interaction, r.channel_id, f"{plain(r.city_name)} withdrew from", r)

    @app_commands.command(name="signatories")
    @app_commands.describe(ask="The ask")
    async def ask_signatories(self, interaction: discord.Interaction, ask: AskId) -> None:
        """Who signed an ask, who withdrew, and which member cities are missing."""
        sig = await call(interaction, authority.signatories_with_basis, ask, read_only=True)
        await respond(interaction, embeds=signatories_embeds(sig))

    @app_commands.command(name="edit")
    @app_commands.describe(ask="The ask to edit")
    async def ask_edit(self, interaction: discord.Interaction, ask: AskId) -> None:
        """Edit an ask; signatories are asked to re-confirm (coordinators)."""
        form = await call(interaction, asks.edit_form, ask, read_only=True, opens_form=True)
        await interaction.response.send_modal(EditAskForm(form))

    @app_commands.command(name="close")
    @app_commands.describe(ask="The ask to close")
    async def ask_close(self, interaction: discord.Interaction, ask: AskId) -> None:
        """Close an ask to further sign-ons (coordinators)."""
        r = await call(interaction, asks.close_ask, ask)
        await respond(
            interaction,
            content=f'"{plain(r.title)}" is closed: no more sign-ons or withdrawals. Reopen it '
            "with /ask reopen.",
        )

    @app_commands.command(name="reopen")
    @app_commands.describe(ask="The ask to reopen")
    async def ask_reopen(self, interaction: discord.Interaction, ask: AskId) -> None:
        """Reopen a closed ask (coordinators)."""
        r = await call(interaction, asks.reopen_ask, ask)
        await respond(interaction, content=f'"{plain(r.title)}" is open again for sign-ons.')

    @app_commands.command(name="history")
    @app_commands.describe(ask="The ask")
    async def ask_history(self, interaction: discord.Interaction, ask: AskId) -> None:
        """Every event of an ask: who did what, and when."""
        events = await call(interaction, asks.history, ask, read_only=True)
        await respond(interaction, embeds=history_embeds(events))
