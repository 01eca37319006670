"""Rendering shared by the city, coalition and ask cogs: timestamps, sectioned embeds, replies
that may span several messages, and the note sent when a follow-up failed."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import discord
from discord.utils import format_dt

from bot.db.uow import UnitOfWork
from bot.services import actions
from bot.services.actions import ActionInfo
from bot.services.common import Actor
from bot.text import plain
from bot.ui import limits
from bot.ui.progress import progress_bar, progress_sentence

if TYPE_CHECKING:
    from bot.services.asks import LeftInfo

log = logging.getLogger("bot.ui.render")

COLOUR = discord.Colour.green()
# Room kept under Discord's 6,000-character embed total for the title and footer.
_EMBED_BUDGET = limits.EMBED_TOTAL - 400


def when(value: datetime | None, *, empty: str = "none") -> str:
    """A Discord timestamp in the reader's own time zone, with a relative hint."""
    if value is None:
        return empty
    return f"{format_dt(value, 'F')} ({format_dt(value, 'R')})"


def day(value: datetime) -> str:
    return format_dt(value, "D")


def progress(done: int, total: int) -> str:
    """ "7 of 12 member cities signed" and a bar on the next line."""
    return f"{progress_sentence(done, total)}\n`{progress_bar(done, total)}`"


def sectioned_embeds(
    title: str,
    sections: Sequence[tuple[str, Sequence[str]]],
    *,
    description: str | None = None,
    colour: discord.Colour = COLOUR,
    empty: str = "—",
) -> list[discord.Embed]:
    """Lists as fields ("name", "name (cont.)"), spread over as many embeds as they need.

    Each embed stays within 25 fields and the 6,000-character total, so any number of cities
    fits; the answer groups the embeds into messages (``bot.cogs.common.respond``).
    """
    embeds: list[discord.Embed] = []
    current = discord.Embed(
        title=limits.truncate(title, limits.EMBED_TITLE),
        description=limits.truncate(description, limits.EMBED_DESCRIPTION) if description else None,
        colour=colour,
    )

    def start_new() -> discord.Embed:
        embeds.append(current)
        return discord.Embed(
            title=limits.truncate(f"{title} (continued)", limits.EMBED_TITLE), colour=colour
        )

    for name, lines in sections:
        blocks = limits.chunk_lines(lines, limits.FIELD_VALUE) or [empty]
        for i, block in enumerate(blocks):
            label = limits.truncate(name if i == 0 else f"{name} (cont.)", limits.FIELD_NAME)
            if (
                len(current.fields) >= limits.EMBED_FIELDS
                or len(current) + len(label) + len(block) > _EMBED_BUDGET
            ):
                current = start_new()
            current.add_field(name=label, value=block, inline=False)
    embeds.append(current)
    if len(embeds) > 1:
        for i, embed in enumerate(embeds, start=1):
            embed.set_footer(text=f"Part {i} of {len(embeds)}")
    return embeds


async def tell_if_failed(interaction: discord.Interaction, problem: str | None) -> None:
    """After the reply was sent: add a private note when a follow-up action failed."""
    if problem:
        await interaction.followup.send(problem, ephemeral=True)


def user_line(user_id: int) -> str:
    return f"<@{user_id}>"


def left_line(left: LeftInfo) -> str:
    """A signature that stopped counting when its city left the coalition."""
    line = (
        f"**{plain(left.city_name)}** ({plain(left.country)}) — signed {day(left.signed_at)} by "
        f"{user_line(left.signed_by)}; left {day(left.left_at)}"
    )
    if left.member:
        line += " — back in the coalition, not counted until it signs again"
    return line


# --- the "Upcoming actions" section of /coalition show ---


def upcoming_lines(upcoming: Sequence[ActionInfo]) -> list[str]:
    """Soonest first, as given: title, kind and start (in the reader's time zone)."""
    return [
        f"**{plain(a.title)}** ({a.kind_label}) — {format_dt(a.starts_at, 'F')} "
        f"({format_dt(a.starts_at, 'R')})"
        for a in upcoming
    ]


async def upcoming_actions(uow: UnitOfWork, actor: Actor, coalition_id: int) -> list[str]:
    """The "Upcoming actions" lines of a coalition, read in the caller's unit of work."""
    return upcoming_lines(await actions.upcoming_actions(uow, actor, coalition_id))
