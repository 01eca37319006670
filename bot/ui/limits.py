"""Discord's message limits, respected in one place: split or paginate, never get rejected."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import discord

CONTENT = 2000
EMBED_TOTAL = 6000
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
EMBEDS_PER_MESSAGE = 10
AUTOCOMPLETE_CHOICES = 25
CHOICE_TEXT = 100
MODAL_TITLE = 45
TEXT_INPUT = 4000
CUSTOM_ID = 100

ELLIPSIS = "…"


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def fit_embed(embed: discord.Embed) -> discord.Embed:
    """Shorten the description, the one long part, so the embed stays within the 6,000 total
    (user text can double when escaped, and some prompts add fields to an ask's embed)."""
    excess = len(embed) - EMBED_TOTAL
    if excess > 0 and embed.description:
        embed.description = truncate(embed.description, max(len(embed.description) - excess, 1))
    return embed


def chunk_lines(lines: Iterable[str], limit: int) -> list[str]:
    """Join lines into blocks of at most ``limit`` characters (a long line is truncated)."""
    blocks: list[str] = []
    current = ""
    for line in lines:
        line = truncate(line, limit)
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            blocks.append(current)
            current = line
        else:
            current = candidate
    if current:
        blocks.append(current)
    return blocks


def add_list_field(
    embed: discord.Embed, name: str, lines: Sequence[str], *, empty: str = "—"
) -> None:
    """Add a list as one field, or as several "name (cont.)" fields when it is long."""
    blocks = chunk_lines(lines, FIELD_VALUE) or [empty]
    for i, block in enumerate(blocks):
        if len(embed.fields) >= EMBED_FIELDS:
            return
        label = name if i == 0 else f"{name} (cont.)"
        embed.add_field(name=truncate(label, FIELD_NAME), value=block, inline=False)


def fit_embeds(embeds: Sequence[discord.Embed]) -> list[list[discord.Embed]]:
    """Group embeds into messages that respect the 10-embed and 6,000-character totals."""
    messages: list[list[discord.Embed]] = []
    current: list[discord.Embed] = []
    size = 0
    for embed in embeds:
        n = len(embed)
        if current and (len(current) >= EMBEDS_PER_MESSAGE or size + n > EMBED_TOTAL):
            messages.append(current)
            current, size = [], 0
        current.append(embed)
        size += n
    if current:
        messages.append(current)
    return messages


def paginate_lines(
    title: str, lines: Sequence[str], *, per_page: int = 40, colour: discord.Colour | None = None
) -> list[discord.Embed]:
    """One embed per page of lines, each within the description limit, footed "Page i of n"."""
    pages: list[list[str]] = []
    for block in chunk_lines(lines, EMBED_DESCRIPTION - 200):
        block_lines = block.split("\n")
        for start in range(0, len(block_lines), per_page):
            pages.append(block_lines[start : start + per_page])
    if not pages:
        pages = [["—"]]
    embeds = []
    for i, page in enumerate(pages, start=1):
        embed = discord.Embed(
            title=truncate(title, EMBED_TITLE), description="\n".join(page), colour=colour
        )
        if len(pages) > 1:
            embed.set_footer(text=f"Page {i} of {len(pages)}")
        embeds.append(embed)
    return embeds
