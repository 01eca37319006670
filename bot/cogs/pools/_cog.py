"""The /pool commands: each runs its service through call() and answers once, privately."""

from __future__ import annotations

import io
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs.common import bot_of, call, defer, respond
from bot.cogs.options import CoalitionId, MyCityId, TimeZoneName
from bot.cogs.pools._options import PoolId
from bot.cogs.pools.render import (
    closed_text,
    created_text,
    export_text,
    pledged_text,
    show_embeds,
    withdrawn_text,
)
from bot.services import pools
from bot.ui import limits, outbox_sender

log = logging.getLogger("bot.cogs.pools")

FORMAT_CHOICES = [
    app_commands.Choice(name="CSV (opens in a spreadsheet)", value="csv"),
    app_commands.Choice(name="Markdown", value="markdown"),
]


@app_commands.guild_only()
class PoolsCog(
    commands.GroupCog, group_name="pool", group_description="Pooled procurement: demand pools"
):
    @app_commands.command(name="create")
    @app_commands.describe(
        coalition="The coalition pooling its demand",
        item='What is bought together, e.g. "12 m electric buses"',
        unit='What one pledge counts, e.g. "vehicles"',
        deadline="When pledges close (e.g. 2027-03-31 18:00); none: a coordinator closes it",
        timezone="Time zone of the deadline (UTC if none)",
        description="Specification, budget or anything cities should know (optional)",
    )
    async def pool_create(
        self,
        interaction: discord.Interaction,
        coalition: CoalitionId,
        item: app_commands.Range[str, 1, pools.ITEM_LEN],
        unit: app_commands.Range[str, 1, pools.UNIT_LEN],
        deadline: app_commands.Range[str, 1, 100] | None = None,
        timezone: TimeZoneName | None = None,
        description: app_commands.Range[str, 1, pools.DESCRIPTION_LEN] | None = None,
    ) -> None:
        """Open a demand pool in a coalition; cities pledge quantities (coordinators)."""
        r = await call(
            interaction,
            pools.create_pool,
            coalition_id=coalition,
            item=item,
            unit=unit,
            description=description,
            deadline_text=deadline,
            tz_name=timezone,
            locale=str(interaction.locale),
        )
        await defer(interaction)
        announced = await self._announced(interaction, r)
        await respond(interaction, content=created_text(r, announced))

    async def _announced(self, interaction: discord.Interaction, r: pools.PoolCreated) -> str:
        """The announcement with its Pledge button was queued with the pool (bot.services.
        outbox): wait a moment for it and say how it went."""
        p = r.pool
        if p.channel_id is None:
            return (
                f"{p.coalition_name} has no channel, so nothing was announced. Set one with "
                "/coalition settings channel; representatives can pledge with /pool pledge."
            )
        fate = await outbox_sender.settle(bot_of(interaction).workers.outbox, r.outbox_ids)
        for error in fate.refused.values():
            return (
                f"I could not announce it: {error} Representatives can pledge with /pool "
                "pledge meanwhile."
            )
        if fate.waiting or fate.gave_up:
            return (
                f"Discord is not accepting messages in <#{p.channel_id}> right now: the "
                "announcement with its Pledge button goes out as soon as it does; "
                "representatives can pledge with /pool pledge meanwhile."
            )
        return f"Announced in <#{p.channel_id}> with a Pledge button."

    @app_commands.command(name="pledge")
    @app_commands.describe(
        pool="The pool",
        quantity="How many units your city pledges (replaces its earlier pledge)",
        note="A short note kept with the pledge (optional)",
        city="Your city (if you represent several)",
    )
    async def pool_pledge(
        self,
        interaction: discord.Interaction,
        pool: PoolId,
        quantity: app_commands.Range[int, 1, pools.MAX_QUANTITY],
        note: app_commands.Range[str, 1, pools.NOTE_LEN] | None = None,
        city: MyCityId | None = None,
    ) -> None:
        """Pledge a quantity for your city, or change its pledge, until the deadline."""
        r = await call(
            interaction, pools.pledge, pool_id=pool, quantity=quantity, note=note, city_id=city
        )
        await respond(interaction, content=pledged_text(r))

    @app_commands.command(name="withdraw")
    @app_commands.describe(
        pool="The pool",
        reason="Why your city withdraws (kept with the pledge)",
        city="Your city (if you represent several)",
    )
    async def pool_withdraw(
        self,
        interaction: discord.Interaction,
        pool: PoolId,
        reason: app_commands.Range[str, 1, pools.REASON_LEN],
        city: MyCityId | None = None,
    ) -> None:
        """Withdraw your city's pledge from a pool."""
        r = await call(interaction, pools.withdraw, pool_id=pool, reason=reason, city_id=city)
        await respond(interaction, content=withdrawn_text(r))

    @app_commands.command(name="show")
    @app_commands.describe(pool="The pool")
    async def pool_show(self, interaction: discord.Interaction, pool: PoolId) -> None:
        """A pool's total, how many cities pledged and each city's quantity."""
        v = await call(interaction, pools.show_pool, pool, read_only=True)
        await respond(interaction, embeds=show_embeds(v))

    @app_commands.command(name="close")
    @app_commands.describe(pool="The pool to close")
    async def pool_close(self, interaction: discord.Interaction, pool: PoolId) -> None:
        """Close a pool now: pledges stop and the result is posted (coordinators)."""
        r = await call(interaction, pools.close_pool, pool)
        await respond(interaction, content=closed_text(r))

    @app_commands.command(name="export")
    @app_commands.describe(pool="The pool", format="CSV (default) or Markdown")
    @app_commands.choices(format=FORMAT_CHOICES)
    async def pool_export(
        self,
        interaction: discord.Interaction,
        pool: PoolId,
        format: app_commands.Choice[str] | None = None,
    ) -> None:
        """The pledges as a table for the procurement officer (coordinators)."""
        view = await call(interaction, pools.export_view, pool, read_only=True)
        await defer(interaction)
        names = await _names(interaction, {p.user_id for p in view.pledges})
        made = pools.build_export(
            view, names, fmt=format.value if format else "csv", day=bot_of(interaction).clock.now()
        )
        await respond(
            interaction,
            content=limits.truncate(export_text(made), limits.CONTENT),
            file=discord.File(io.BytesIO(made.content), filename=made.filename),
        )


async def _names(interaction: discord.Interaction, user_ids: set[int]) -> dict[int, str]:
    """The representatives' names as this server shows them (their display names)."""
    guild = interaction.guild
    names: dict[int, str] = {}
    for user_id in sorted(user_ids):
        member = guild.get_member(user_id) if guild is not None else None
        if member is None and guild is not None:
            try:
                member = await guild.fetch_member(user_id)
            except discord.HTTPException:
                member = None
        if member is not None:
            names[user_id] = member.display_name
    return names
