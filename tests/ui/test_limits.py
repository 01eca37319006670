"""Long lists become several fields or pages that Discord accepts, and nothing is lost."""

from __future__ import annotations

import discord

from bot.ui.limits import (
    EMBED_DESCRIPTION,
    EMBED_TOTAL,
    FIELD_VALUE,
    add_list_field,
    chunk_lines,
    fit_embeds,
    paginate_lines,
    truncate,
)


def test_truncate_marks_the_cut() -> None:
    assert truncate("abc", 3) == "abc"
    assert truncate("abcdef", 4) == "abc…"


def test_chunks_keep_every_line_in_order_and_respect_the_limit() -> None:
    lines = [f"City number {i} with a rather long name" for i in range(500)]
    blocks = chunk_lines(lines, FIELD_VALUE)
    assert all(len(b) <= FIELD_VALUE for b in blocks)
    assert "\n".join(blocks).split("\n") == lines


def test_a_long_member_list_is_split_into_continued_fields() -> None:
    embed = discord.Embed(title="Members")
    add_list_field(embed, "Member cities", [f"City {i:04d} (France)" for i in range(120)])
    assert len(embed.fields) > 1
    assert embed.fields[1].name == "Member cities (cont.)"
    assert all(len(f.value) <= FIELD_VALUE for f in embed.fields)


def test_pages_and_messages_fit_discords_totals() -> None:
    pages = paginate_lines("Members", [f"City {i} " + "x" * 60 for i in range(1000)])
    assert len(pages) > 1
    assert pages[0].footer.text == f"Page 1 of {len(pages)}"
    assert all(len(p.description) <= EMBED_DESCRIPTION for p in pages)
    for message in fit_embeds(pages):
        assert len(message) <= 10
        assert sum(len(e) for e in message) <= EMBED_TOTAL
