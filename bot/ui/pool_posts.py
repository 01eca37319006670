"""A pool's live announcement in its coalition's channel, rendered when the outbox sends it
(template ``pool_announcement``): the pool with its **Pledge** button while it takes pledges;
once closed, the result and no button.

The button is answered by the pools extension's persistent DynamicItem (bot.cogs.pools.views);
its custom_id format is built here, once, and parsed there. It must never change: posted
announcements carry it.
"""

from __future__ import annotations

import discord

from bot.db.models.enums import PoolStatus
from bot.services import pools
from bot.text import plain
from bot.ui import limits, render
from bot.ui.announcements import LinkedButton

OPEN_FOOTER = (
    "Representatives: pledge how many your city needs with the button below "
    "(or /pool pledge). Changeable until the deadline."
)
CLOSED_FOOTER = "Pledges are closed. Coordinators: /pool export gives the table."


def pledge_custom_id(pool_id: int) -> str:
    return f"pool:pledge:{pool_id}"


def pledge_button(pool_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(
        LinkedButton(
            label="Pledge",
            style=discord.ButtonStyle.success,
            custom_id=pledge_custom_id(pool_id),
        )
    )
    return view


def amount(quantity: int, unit: str) -> str:
    return f"{quantity:,} {plain(unit)}"


def cities(n: int) -> str:
    return f"{n} {'city' if n == 1 else 'cities'}"


def status_line(p: pools.PoolInfo) -> str:
    if p.status == PoolStatus.CLOSED and p.closed_at is not None:
        how = "at its deadline" if p.closed_by is None else f"by <@{p.closed_by}>"
        return f"Closed {how}, {render.when(p.closed_at)}"
    if p.deadline is None:
        return "Open until a coordinator closes it"
    return f"Open until {render.when(p.deadline)}"


def announcement_embed(p: pools.PoolInfo, result: tuple[int, int] | None = None) -> discord.Embed:
    """The pool; with ``result`` (total, cities), closed: its status and result."""
    lines = [
        f"**Unit:** {plain(p.unit)}",
        f"**Deadline:** {render.when(p.deadline, empty='none (a coordinator closes it)')}",
    ]
    if result is not None:
        total, n = result
        lines.append(f"**Status:** {status_line(p)}")
        lines.append(f"**Result:** {amount(total, p.unit)} from {cities(n)}")
    if p.description:
        lines.append(f"\n{plain(p.description)}")
    embed = discord.Embed(
        title=limits.truncate(
            f"Pool: {plain(p.item)} — {plain(p.coalition_name)}", limits.EMBED_TITLE
        ),
        description=limits.truncate("\n".join(lines), limits.EMBED_DESCRIPTION),
        colour=render.COLOUR,
    )
    embed.set_footer(text=OPEN_FOOTER if result is None else CLOSED_FOOTER)
    return embed


def announcement(state: pools.PoolAnnouncement) -> tuple[discord.Embed, discord.ui.View | None]:
    """The announcement as the pool is now: open with its Pledge button, or closed with its
    result and no button."""
    p = state.pool
    if p.status == PoolStatus.OPEN:
        return announcement_embed(p), pledge_button(p.id)
    return announcement_embed(p, (state.total, state.cities)), None
