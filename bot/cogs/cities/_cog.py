"""/city: the server's cities, their profiles, partners, and the people verified to speak for
them.

Replies are ephemeral (lists and details included) to keep channels clean.
"""

from __future__ import annotations

import asyncio

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs.cities import render as show
from bot.cogs.common import call, respond
from bot.cogs.options import CityId, TimeZoneName
from bot.services import cities, gazetteer, partners
from bot.text import plain
from bot.ui import limits, render, request_notices


def place_choices(typed: str) -> list[app_commands.Choice[str]]:
    """Gazetteer places for what was typed; the region is added where two would read alike."""
    found = gazetteer.search(typed)
    seen: dict[tuple[str, str], int] = {}
    for p in found:
        seen[(p.name, p.country)] = seen.get((p.name, p.country), 0) + 1
    return [
        app_commands.Choice(
            name=limits.truncate(
                gazetteer.label(p, with_region=seen[(p.name, p.country)] > 1), 100
            ),
            value=gazetteer.value_of(p),
        )
        for p in found
    ]


@app_commands.guild_only()
class CitiesCog(
    commands.GroupCog, group_name="city", group_description="Cities and their representatives"
):
    async def cog_load(self) -> None:
        # Build the gazetteer's index now (about a second), off the event loop, so the first
        # person typing in /city add gets suggestions at once.
        await asyncio.to_thread(gazetteer.index)

    @app_commands.command(name="add")
    @app_commands.describe(
        name="Pick a place from the list (fills in the rest), or type a name, e.g. Lyon",
        country="The country it is in, e.g. France (needed for a place typed by hand)",
        region="Region or state (optional)",
        population="Number of inhabitants (optional)",
        latitude="Latitude in degrees, e.g. 45.19 (optional, with longitude)",
        longitude="Longitude in degrees, e.g. 5.72 (optional, with latitude)",
    )
    async def city_add(
        self,
        interaction: discord.Interaction,
        name: str,
        country: str | None = None,
        region: str | None = None,
        population: int | None = None,
        latitude: float | None = None,
        longitude: float | None = None,
    ) -> None:
        """Add a city to this server (coordinators and server admins)."""
        city = await call(
            interaction,
            cities.add_city,
            name=name,
            country=country,
            region=region,
            population=population,
            latitude=latitude,
            longitude=longitude,
        )
        await respond(interaction, content=show.added_text(city))

    @city_add.autocomplete("name")
    async def city_add_name(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return place_choices(current)

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
            f"Cities ({len(found)})", [show.city_line(c) for c in found], colour=render.COLOUR
        )
        await respond(interaction, embeds=embeds)

    @app_commands.command(name="show")
    @app_commands.describe(city="The city to show")
    async def city_show(self, interaction: discord.Interaction, city: CityId) -> None:
        """Show a city's profile, its representatives and its coalitions."""
        d = await call(interaction, cities.show_city, city, read_only=True)
        c = d.city
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
        if d.edit_count:
            title = f"Profile corrections ({d.edit_count}, latest first)"
            sections.append((title, [show.edit_line(e) for e in d.edits]))
        embeds = render.sectioned_embeds(
            f"{plain(c.name)} ({plain(c.country)})",
            sections,
            description="\n".join(show.profile_lines(c)),
            empty="none",
        )
        await respond(interaction, embeds=embeds)

    @app_commands.command(name="edit")
    @app_commands.describe(
        city="The city to correct",
        name="Its name",
        country="Its country",
        region="Its region or state (- to empty it)",
        population="Number of inhabitants",
        latitude="Latitude in degrees, e.g. 45.19",
        longitude="Longitude in degrees, e.g. 5.72",
        timezone="Its time zone, e.g. Europe/Paris (- to empty it)",
    )
    async def city_edit(
        self,
        interaction: discord.Interaction,
        city: CityId,
        name: str | None = None,
        country: str | None = None,
        region: str | None = None,
        population: int | None = None,
        latitude: float | None = None,
        longitude: float | None = None,
        timezone: TimeZoneName | None = None,
    ) -> None:
        """Correct a city's profile; every change is kept (server admins and verifiers)."""
        r = await call(
            interaction,
            cities.edit_city,
            city,
            name=name,
            country=country,
            region=region,
            population=population,
            latitude=latitude,
            longitude=longitude,
            timezone=timezone,
        )
        await respond(interaction, content=show.edited_text(r))

    @app_commands.command(name="partners")
    @app_commands.describe(
        city="The city looking for partners",
        limit=f"How many to list (1-{partners.MAX_LIMIT}, default 10)",
    )
    async def city_partners(
        self,
        interaction: discord.Interaction,
        city: CityId,
        limit: app_commands.Range[int, 1, partners.MAX_LIMIT] | None = None,
    ) -> None:
        """Suggest cities of this server to work with, each with its reasons."""
        r = await call(interaction, partners.city_partners, city, limit=limit, read_only=True)
        if not r.partners:
            await respond(
                interaction,
                content=f"No partner suggestions for {plain(r.city_name)} yet: no other city "
                "here is near it, in its region or country, of its size, or shares its asks "
                "or kinds of coalition. Add coordinates and regions with /city edit.",
            )
            return
        lines = [show.partner_line(i, p) for i, p in enumerate(r.partners, start=1)]
        embeds = limits.paginate_lines(
            f"Partners for {plain(r.city_name)} (best first, of {r.considered} cities)",
            lines,
            colour=render.COLOUR,
        )
        await respond(interaction, embeds=embeds)

    @app_commands.command(name="represent")
    @app_commands.describe(city="The city you speak for")
    async def city_represent(self, interaction: discord.Interaction, city: CityId) -> None:
        """Ask to represent a city; a coordinator verifies you."""
        result = await call(
            interaction,
            cities.request_representation,
            city,
            system_channel_id=request_notices.postable_system_channel(interaction.guild),
        )
        where = (
            f"I posted it in <#{result.notice_channel_id}> for them"
            if result.notice_channel_id
            else "Tell them"
        )
        await respond(
            interaction,
            content=f"Your request to represent {result.city_name} is pending. A coordinator or "
            f"server admin will verify it with /city verify; until then you can't act for "
            f"{result.city_name}. {where}; I'll DM you their decision.",
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
