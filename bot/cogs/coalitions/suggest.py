"""/coalition suggest and its Invite buttons (a plain module, not an extension).

The command belongs to the ``/coalition`` group (bot.cogs.coalitions): its cog declares the
command and calls ``coalition_suggest`` here, and its ``setup`` registers ``InviteButton``.

The Invite button is persistent (it survives restarts); its custom_id is
``invite:<coalition id>:<city id>``. Pressing it asks bot.services.partners.invite_city to DM a
verified representative of the city (at most once a week per city and coalition), whoever
pressed it: the service judges the presser (the coalition's coordinators and server admins).
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.cogs.common import call, respond
from bot.interactions import guarded
from bot.services import partners
from bot.text import plain
from bot.ui import limits, render

BUTTONS_MAX = 25  # 5 rows of 5: Discord's limit for one message


def suggestion_line(rank: int, s: partners.Suggestion) -> str:
    return f"{rank}. **{plain(s.name)}** ({plain(s.country)}) — {', '.join(s.reasons)}"


def invited_text(r: partners.InviteResult) -> str:
    return (
        f"Invited {plain(r.city_name)} to {plain(r.coalition_name)}: I'm sending "
        f"{render.user_line(r.user_id)} a DM with the reasons and how to join. The next "
        f"invitation for {plain(r.city_name)} can go from {render.day(r.next_allowed_at)}."
    )


class InviteButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"invite:(?P<coalition>[0-9]{1,10}):(?P<city>[0-9]{1,10})",
):
    """Invite one suggested city (custom_id ``invite:<coalition>:<city>``)."""

    def __init__(self, coalition_id: int, city_id: int, city_name: str = "") -> None:
        label = limits.truncate(f"Invite {city_name}", 80) if city_name else "Invite"
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.primary,
                custom_id=f"invite:{coalition_id}:{city_id}",
            )
        )
        self.coalition_id = coalition_id
        self.city_id = city_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> InviteButton:
        return cls(int(match["coalition"]), int(match["city"]))

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        r = await call(interaction, partners.invite_city, self.coalition_id, self.city_id)
        await respond(interaction, content=invited_text(r))


def invite_view(s: partners.Suggestions) -> discord.ui.View | None:
    """An Invite button per suggested city that has someone to invite (coordinators only)."""
    if not s.can_invite:
        return None
    view = discord.ui.View(timeout=None)
    for c in [c for c in s.suggestions if c.invitable][:BUTTONS_MAX]:
        view.add_item(InviteButton(s.coalition_id, c.city_id, c.name))
    return view if view.children else None


async def coalition_suggest(
    interaction: discord.Interaction, coalition: int, limit: int | None = None
) -> None:
    """The body of /coalition suggest (declared in the /coalition cog)."""
    s = await call(
        interaction, partners.coalition_suggestions, coalition, limit=limit, read_only=True
    )
    if not s.suggestions:
        await respond(
            interaction,
            content=f"No suggestions for {plain(s.coalition_name)}: every other city here is "
            "a member already, or would bring no new region or neighbour. Add cities with "
            "/city add.",
        )
        return
    lines = [suggestion_line(i, c) for i, c in enumerate(s.suggestions, start=1)]
    title = f"Cities that would strengthen {plain(s.coalition_name)} ({s.members} members)"
    embeds = limits.paginate_lines(title, lines, colour=render.COLOUR)
    view = invite_view(s)
    if view is None:
        await respond(interaction, embeds=embeds)
    else:
        await respond(interaction, embeds=embeds, view=view)
