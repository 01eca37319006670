"""Pure rendering: escaping, structure, order, file names; and a property test that no user
text can add or remove a heading or a table row, checked with a real CommonMark + GFM-tables
parser (markdown-it) and with the output's plain line structure."""

from __future__ import annotations

import html
import itertools
import re
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from bot.documents import markup
from bot.documents.letter import (
    SLUG_LEN,
    LetterInput,
    Signatory,
    StatementText,
    letter_filename,
    ordered,
    render_letter,
    slug,
    to_bytes,
)
from bot.documents.markdown import inline, normalise, paragraphs

TODAY = date(2026, 11, 28)
PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
BASE = datetime(2026, 10, 1, tzinfo=UTC)


def signatory(
    i: int,
    city: str = "City",
    *,
    statement: StatementText | None = None,
    population: int | None = None,
    signed_days: int = 0,
    title: str | None = None,
) -> Signatory:
    return Signatory(
        city_id=i,
        city=city,
        country="Country",
        population=population,
        signed_at=BASE + timedelta(days=signed_days),
        signer_title=title,
        statement=statement,
    )


def letter(*signatories: Signatory, **texts: str | None) -> LetterInput:
    values: dict[str, str | None] = {
        "title": "Title",
        "target": "Target",
        "ask_text": "Ask",
        "coalition": "Coalition",
        "opening": None,
        "closing": None,
        "sender": None,
    } | texts
    return LetterInput(signatories=tuple(signatories), **values)  # type: ignore[arg-type]


def structure(text: str) -> dict[str, object]:
    """What the letter is made of, as a Markdown parser sees it."""
    tokens = PARSER.parse(text)
    kinds = [t.type for t in tokens]
    inline_kinds = [c.type for t in tokens if t.children for c in t.children]
    return {
        "headings": [
            (t.tag, tokens[i + 1].content) for i, t in enumerate(tokens) if t.type == "heading_open"
        ],
        "rows": kinds.count("tr_open"),
        "cells": kinds.count("td_open") + kinds.count("th_open"),
        "blocks": sorted(
            {
                k
                for k in kinds
                if k
                in (
                    "html_block",
                    "hr",
                    "blockquote_open",
                    "bullet_list_open",
                    "ordered_list_open",
                    "code_block",
                    "fence",
                )
            }
        ),
        "inline": sorted(
            {
                k
                for k in inline_kinds
                if k in ("html_inline", "link_open", "image", "code_inline", "em_open", "s_open")
            }
        ),
        "strong": inline_kinds.count("strong_open"),
        "lists": kinds.count("bullet_list_open") + kinds.count("ordered_list_open"),
    }


def count_lists(blocks: tuple[markup.Block, ...]) -> int:
    return sum(
        1 + sum(count_lists(item) for item in b.items)
        for b in blocks
        if isinstance(b, markup.ListBlock)
    )


def line_structure(text: str) -> tuple[list[str], int]:
    """Heading lines and table-row lines, read from the raw lines."""
    lines = text.split("\n")
    headings = [ln for ln in lines if re.match(r" {0,3}#{1,6}(\s|$)", ln)]
    underlines = [
        ln
        for prev, ln in itertools.pairwise(lines)
        if prev.strip() and re.fullmatch(r" {0,3}(=+|-+)\s*", ln)
    ]
    assert not underlines, f"setext heading underline: {underlines}"
    rows = [ln for ln in lines if ln.lstrip().startswith("|")]
    return headings, len(rows)


def plain(text: str) -> str:
    """The words a reader sees, whitespace removed."""
    rendered = re.sub(r"<[^>]+>", "", PARSER.render(text))
    return "".join(html.unescape(rendered).split())


def words(text: str) -> str:
    return "".join(normalise(text).split())


# --- escaping ---


def test_inline_escapes_markup_but_keeps_words() -> None:
    assert inline("*Evil* | City") == r"\*Evil\* \| City"
    assert inline("# one\ntwo") == r"\# one two"
    assert inline("- dash") == r"\- dash"
    assert inline("1. first") == r"1\. first"
    assert inline("&amp; & AT&T") == r"\&amp; & AT&T"
    assert inline("<script>") == r"\<script\>"
    assert inline("a\u202eb\u200bc\x00d") == "abcd"


def test_paragraph_breaks_are_kept_and_line_breaks_become_hard_breaks() -> None:
    assert paragraphs("one\r\ntwo\n\n\n  three  \n") == ["one\\\ntwo", "three"]
    assert paragraphs("a\u2028b") == ["a\\\nb"]
    assert paragraphs("   \n\n") == []


def test_output_is_nfc_with_unix_line_ends_and_one_final_newline() -> None:
    decomposed = "Zu\u0308rich"  # "Zürich" with a combining diaeresis
    text = render_letter(
        letter(signatory(1, decomposed), title="T\r\nitle"), order="alphabetical", today=TODAY
    )
    assert "Zürich" in text and "\u0308" not in text
    assert "\r" not in text and text.endswith("\n") and not text.endswith("\n\n")


def test_hostile_statement_cannot_reshape_the_letter() -> None:
    hostile = "# H\n---\n<script>x</script>\n| a | b |\n|---|---|\n> q\n    code\n```\n1. l\n==="
    text = render_letter(
        letter(
            signatory(1, "*Evil* | City", statement=StatementText(hostile, "N", "T")),
            signatory(2, "Plain"),
        ),
        order="alphabetical",
        today=TODAY,
    )
    shape = structure(text)
    assert shape["headings"] == [
        ("h1", "Title"),
        ("h2", "Our ask"),
        ("h2", "Position statements"),
        ("h3", r"\*Evil\* \| City (Country)"),
        ("h2", "Signatories"),
    ]
    assert shape["rows"] == 3 and shape["cells"] == 15
    assert shape["blocks"] == [] and shape["inline"] == []
    assert words(hostile) in plain(text)


# --- layout and order ---


def test_city_without_statement_is_in_signatories_only() -> None:
    text = render_letter(
        letter(
            signatory(1, "Lyon", statement=StatementText("Yes.", "Léa", None)),
            signatory(2, "Grenoble", title="Climate Officer"),
        ),
        order="alphabetical",
        today=TODAY,
    )
    assert "### Grenoble" not in text and "### Lyon (Country)" in text
    # No placeholder: a city without a named signatory shows its title, and no name.
    assert "| Grenoble | Country | — | Climate Officer |" in text
    assert "Representative of" not in text
    assert "| Lyon | Country | Léa | — |" in text


def test_no_signatories_and_no_statements_say_so() -> None:
    text = render_letter(letter(), order="alphabetical", today=TODAY)
    assert "No signing city has submitted a position statement." in text
    assert "No city has signed the current version of this ask yet." in text
    assert structure(text)["rows"] == 0


def test_orders() -> None:
    people = [
        signatory(1, "Écully", population=None, signed_days=3),
        signatory(2, "annecy", population=500, signed_days=2),
        signatory(3, "Bron", population=900, signed_days=2),
        signatory(4, "Caluire", population=900, signed_days=1),
    ]

    def names(order: str) -> list[str]:
        return [s.city for s in ordered(people, order)]

    assert names("alphabetical") == ["annecy", "Bron", "Caluire", "Écully"]
    assert names("signing_date") == ["Caluire", "annecy", "Bron", "Écully"]
    assert names("population") == ["Bron", "Caluire", "annecy", "Écully"]


def test_file_names_are_ascii_slugs_with_the_date() -> None:
    assert (
        letter_filename("Car-free centres by 2030!", TODAY)
        == "car-free-centres-by-2030-2026-11-28.md"
    )
    assert letter_filename("Zürich: Öko/Städte", TODAY, version=2) == (
        "zurich-oko-stadte-v2-2026-11-28.md"
    )
    assert letter_filename("東京", TODAY) == "letter-2026-11-28.md"
    long = slug("word " * 40)
    assert len(long) <= SLUG_LEN and not long.endswith("-")


def test_same_data_same_bytes() -> None:
    data = letter(signatory(1, "B"), signatory(2, "A", statement=StatementText("x", "n", "t")))
    first = to_bytes(render_letter(data, order="population", today=TODAY))
    again = to_bytes(render_letter(data, order="population", today=TODAY))
    assert first == again


# --- property: user text never changes the letter's structure ---

# Pieces of Markdown that open blocks or inline markup, line breaks of every kind, words, and
# any other character: user text is built from these, so each construct turns up often.
_MARKUP = [
    *"#*_-+=|<>`~[]()!\\&;:.0123456789 \t",
    *["# ", "## ", "###### x #", "- ", "* ", "+ ", "1. ", "1) ", "> ", "    ", "  "],
    *["```", "~~~", "---", "===", "***", "___", "- - -", "| a | b |", "|---|---|", ":--"],
    *["<div>", "<script>", "</p>", "<!--", "<http://x.y>", "[r]: /u", "[a](b)", "![i](s)"],
    *["`c`", "*e*", "_e_", "**s**", "~~s~~", "&amp;", "&#60;", "&#x3C;", "http://x.y"],
    *["\n", "\n", "\n\n", "\r\n", "\r", "\u2028", "\x85", "\x0c", "word", "é", "e\u0301"],
]
user_text = st.lists(
    st.one_of(st.sampled_from(_MARKUP), st.sampled_from(_MARKUP), st.characters(codec="utf-8")),
    max_size=40,
).map("".join)
one_line = user_text.filter(lambda t: bool(inline(t)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cities=st.lists(
        st.tuples(one_line, user_text, st.one_of(st.none(), user_text), user_text),
        min_size=0,
        max_size=4,
    ),
    title=user_text,
    target=user_text,
    ask_text=user_text,
    opening=user_text,
    closing=user_text,
    sender=user_text,
)
def test_no_user_text_adds_or_removes_a_heading_or_a_table_row(
    cities: list[tuple[str, str, str | None, str]],
    title: str,
    target: str,
    ask_text: str,
    opening: str,
    closing: str,
    sender: str,
) -> None:
    people = [
        signatory(
            i,
            city,
            title=signer_title,
            statement=StatementText(body, name, None) if body is not None else None,
        )
        for i, (city, name, body, signer_title) in enumerate(cities)
    ]
    data = letter(
        *people,
        title=title,
        target=target,
        ask_text=ask_text,
        opening=opening,
        closing=closing,
        sender=sender,
    )
    text = render_letter(data, order="alphabetical", today=TODAY)
    with_statement = sum(1 for p in people if p.statement is not None)

    shape = structure(text)
    levels = [tag for tag, _ in shape["headings"]]  # type: ignore[union-attr]
    assert levels == ["h1", "h2", "h2"] + ["h3"] * with_statement + ["h2"]
    assert shape["rows"] == (len(people) + 1 if people else 0)
    assert shape["cells"] == 5 * shape["rows"]  # type: ignore[operator]
    # Coordinator texts may make lists and emphasis (the safe subset), as many as they parse
    # to; nothing else, and statements, names and cities none at all.
    coordinator = [markup.parse(t) for t in (ask_text, opening, closing)]
    lists = sum(count_lists(blocks) for blocks in coordinator)
    assert set(shape["blocks"]) <= {"bullet_list_open", "ordered_list_open"}  # type: ignore[arg-type]
    assert shape["lists"] == lists
    assert set(shape["inline"]) <= {"em_open"}  # type: ignore[arg-type]
    statements_md = text.split("\n## ")[2]
    assert statements_md.startswith("Position statements")
    assert structure(statements_md)["blocks"] == []
    assert structure(statements_md)["inline"] == []

    headings, rows = line_structure(text)
    assert len(headings) == 4 + with_statement
    assert rows == (len(people) + 2 if people else 0)

    seen = plain(text)
    for value in (title, target, sender, *(p.city for p in people)):
        assert words(value) in seen
    for blocks in coordinator:
        assert "".join("".join(r.text.split()) for r in markup.walk_runs(blocks)) in seen
    for p in people:
        if p.statement is not None:
            assert words(p.statement.body) in seen
