"""/city: the server's cities and the people verified to speak for them.

Replies are ephemeral (lists and details included) to keep channels clean.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs.common import call, respond
from bot.cogs.options import CityId
from bot.services import cities
from bot.text import plain
from bot.ui import limits, render


def _city_line(c: cities.CityInfo) -> str:
    extra = [plain(c.country)]
    if c.region:
        extra.append(plain(c.region))
    if c.population:
        extra.append(f"pop. {c.population:,}")
    return f"**{plain(c.name)}** — {' · '.join(extra)}"


@app_commands.guild_only()
class CitiesCog(
    commands.GroupCog, group_name="city", group_description="Cities and their representatives"
):
    @app_commands.command(name="add")
    @app_commands.describe(
        name="The city's name, e.g. Lyon",
        country="The country it is in, e.g. France",
        region="Region or state (optional)",
        population="Number of inhabitants (optional)",
    )
    async def city_add(
        self,
        interaction: discord.Interaction,
        name: str,
        country: str,
        region: str | None = None,
        population: int | None = None,
    ) -> None:
        """Add a city to this server (coordinators and server admins)."""
        city = await call(
            interaction,
            cities.add_city,
            name=name,
            country=country,
            region=region,
            population=population,
        )
        await respond(
            interaction,
            content=f"Added {_city_line(city)}. Its representatives can now ask to speak for it "
            "with /city represent.",
        )

    @app_commands.command(name="list")
    @app_commands.describe(
        country="Only cities in this country", region="Only cities in this region"
    )
    async def city_list(
        self,
        interaction: discord.Interaction,
        country: str | None = None,
        region: str | None = None,
    ) -> None:
        """List the cities of this server."""
        found = await call(
            interaction, cities.list_cities, read_only=True, country=country, region=region
        )
        if not found:
            where = " matching that filter" if country or region else ""
            await respond(
                interaction,
                content=f"No cities{where} yet. Coordinators and admins add them with /city add.",
            )
            return
        embeds = limits.paginate_lines(
            f"Cities ({len(found)})", [_city_line(c) for c in found], colour=render.COLOUR
        )
        await respond(interaction, embeds=embeds)

    @app_commands.command(name="show")
    @app_commands.describe(city="The city to show")
    async def city_show(self, interaction: discord.Interaction, city: CityId) -> None:
        """Show a city, its representatives and its coalitions."""
        d = await call(interaction, cities.show_city, city, read_only=True)
        c = d.city
        details = [f"Country: {plain(c.country)}"]
        if c.region:
            details.append(f"Region: {plain(c.region)}")
        if c.population:
            details.append(f"Population: {c.population:,}")
        reps = [
            f"{render.user_line(r.user_id)}"
            + (f" — {plain(r.title)}" if r.title else "")
            + (f" (since {render.day(r.verified_at)})" if r.verified_at else "")
            for r in d.representatives
        ]
        memberships = [
            plain(m.coalition_name)
            + (" (waiting for approval)" if m.status == "pending" else "")
            + (" (archived)" if m.archived else "")
            for m in d.coalitions
        ]
        sections: list[tuple[str, list[str]]] = [
            ("Representatives", reps),
            ("Coalitions", memberships),
        ]
        if d.pending_user_ids:
            sections.insert(
                1,
                (
                    "Waiting for verification",
                    [render.user_line(u) for u in d.pending_user_ids],
                ),
            )
        embeds = render.sectioned_embeds(
            f"{plain(c.name)} ({plain(c.country)})",
            sections,
            description="\n".join(details),
            empty="none",
        )
        await respond(interaction, embeds=embeds)

    @app_commands.command(name="represent")
    @app_commands.describe(city="The city you speak for")
    async def city_represent(self, interaction: discord.Interaction, city: CityId) -> None:
        """Ask to represent a city; a coordinator verifies you."""
        result = await call(interaction, cities.request_representation, city)
        await respond(
            interaction,
            content=f"Your request to represent {result.city_name} is pending. A coordinator or "
            f"server admin will verify it with /city verify; until then you can't act for "
            f"{result.city_name}.",
        )

    @app_commands.command(name="verify")
    @app_commands.describe(
        city="The city they represent",
        user="The member to verify",
        title="Their role, e.g. Deputy Mayor for Climate (optional)",
    )
    async def city_verify(
        self,
        interaction: discord.Interaction,
        city: CityId,
        user: discord.User,
        title: str | None = None,
    ) -> None:
        """Confirm someone represents a city (its coalitions' coordinators, verifiers, admins)."""
        r = await call(
            interaction, cities.verify_representative, city_id=city, user_id=user.id, title=title
        )
        as_title = f" as {r.title}" if r.title else ""
        if r.outcome == "title_updated":
            text = f"{user.mention}'s title for {r.city_name} is now {r.title}."
        else:
            text = f"{user.mention} is now a verified representative of {r.city_name}{as_title}."
        await respond(interaction, content=text)

    @app_commands.command(name="revoke")
    @app_commands.describe(city="The city", user="The representative to remove")
    async def city_revoke(
        self, interaction: discord.Interaction, city: CityId, user: discord.User
    ) -> None:
        """Stop someone representing a city (its coalitions' coordinators, verifiers, admins)."""
        r = await call(interaction, cities.revoke_representative, city_id=city, user_id=user.id)
        if r.previous_status == "pending":
            text = f"{user.mention}'s request to represent {r.city_name} was turned down."
        else:
            text = f"{user.mention} no longer represents {r.city_name}."
        await respond(interaction, content=text)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(CitiesCog())
