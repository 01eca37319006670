"""Hostile text through the letter renderer: whatever the cities typed, the letter keeps its
shape (the same headings, one statement section per city, a table of one row per signatory,
no HTML, links, code or lists from user text) and the same input gives the same bytes."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from bot.documents import markup
from bot.documents.letter import LetterInput, Signatory, StatementText, render_letter, to_bytes
from tests.support.corpus import CORPUS, hostile_text

TODAY = date(2026, 11, 28)
PARSER = MarkdownIt("commonmark").enable("table")
FORBIDDEN_TOKENS = {
    "html_block",
    "html_inline",
    "link_open",
    "image",
    "code_block",
    "fence",
    "code_inline",
    "blockquote_open",
    "hr",
    "s_open",
}
# The safe subset the coordinator's texts (ask, opening, closing) may use, and nothing else may.
COORDINATOR_TOKENS = {"bullet_list_open", "ordered_list_open", "em_open", "strong_open"}


def count_lists(blocks: tuple[markup.Block, ...]) -> int:
    return sum(
        1 + sum(count_lists(item) for item in b.items)
        for b in blocks
        if isinstance(b, markup.ListBlock)
    )


text = hostile_text(max_size=600)
optional = st.one_of(st.none(), text)


@st.composite
def letters(draw: st.DrawFn) -> LetterInput:
    n = draw(st.integers(0, 4))
    signatories = tuple(
        Signatory(
            city_id=i + 1,
            city=draw(text),
            country=draw(text),
            population=draw(st.one_of(st.none(), st.integers(0, 10**8))),
            signed_at=datetime(2026, 10, 1 + i, tzinfo=UTC),
            signer_title=draw(optional),
            statement=draw(
                st.one_of(
                    st.none(),
                    st.builds(
                        StatementText, body=text, signatory_name=text, signatory_title=optional
                    ),
                )
            ),
        )
        for i in range(n)
    )
    return LetterInput(
        title=draw(text),
        target=draw(text),
        ask_text=draw(text),
        coalition=draw(text),
        opening=draw(optional),
        closing=draw(optional),
        sender=draw(optional),
        signatories=signatories,
    )


def _walk(tokens):  # type: ignore[no-untyped-def]
    for token in tokens:
        yield token
        yield from _walk(token.children or [])


def check_shape(letter: LetterInput, order: str) -> None:
    rendered = render_letter(letter, order=order, today=TODAY)
    assert render_letter(letter, order=order, today=TODAY) == rendered, "deterministic"
    assert rendered.endswith("\n") and not rendered.endswith("\n\n")
    assert "\r" not in rendered and "\x00" not in rendered
    assert unicodedata.is_normalized("NFC", rendered)
    assert to_bytes(rendered).decode("utf-8") == rendered
    tokens = PARSER.parse(rendered)
    kinds = [t.type for t in _walk(tokens)]
    assert not FORBIDDEN_TOKENS & set(kinds), FORBIDDEN_TOKENS & set(kinds)
    coordinator = [markup.parse(t) for t in (letter.ask_text, letter.opening, letter.closing)]
    lists = kinds.count("bullet_list_open") + kinds.count("ordered_list_open")
    assert lists == sum(count_lists(b) for b in coordinator), "lists only where they were typed"
    # Statements, names, cities, the title and the target: no structure at all.
    statements = rendered.split("\n## ")[2]
    assert statements.startswith("Position statements")
    statement_kinds = {t.type for t in _walk(PARSER.parse(statements))}
    assert not COORDINATOR_TOKENS & statement_kinds
    head = rendered.split("\n## ")[0]
    head_kinds = [t.type for t in _walk(PARSER.parse(head))]
    if letter.opening is None:
        assert head_kinds.count("strong_open") == 1, "only the letter's own **To:**"
        assert not {"em_open", "bullet_list_open", "ordered_list_open"} & set(head_kinds)
    headings = [
        (t.tag, tokens[i + 1].content) for i, t in enumerate(tokens) if t.type == "heading_open"
    ]
    assert [h for h in headings if h[0] == "h1"] == [headings[0]]
    assert [c for tag, c in headings if tag == "h2"] == [
        "Our ask",
        "Position statements",
        "Signatories",
    ]
    with_statement = [s for s in letter.signatories if s.statement is not None]
    assert len([h for h in headings if h[0] == "h3"]) == len(with_statement)
    assert len([h for h in headings if h[0] not in ("h1", "h2", "h3")]) == 0
    rows = [t for t in tokens if t.type == "tr_open"]
    if letter.signatories:
        assert len(rows) == len(letter.signatories) + 1  # the header row and one per city
        cells = [t for t in tokens if t.type in ("td_open", "th_open")]
        assert len(cells) == 5 * len(rows)
    else:
        assert rows == []


@settings(max_examples=75, deadline=None)
@given(letter=letters(), order=st.sampled_from(["alphabetical", "signing_date", "population"]))
def test_any_text_keeps_the_letter_in_shape(letter: LetterInput, order: str) -> None:
    check_shape(letter, order)


def test_the_corpus_in_every_field_keeps_the_letter_in_shape() -> None:
    for value in CORPUS.values():
        statement = StatementText(body=value, signatory_name=value, signatory_title=value)
        letter = LetterInput(
            title=value,
            target=value,
            ask_text=value,
            coalition=value,
            opening=value,
            closing=value,
            sender=value,
            signatories=tuple(
                Signatory(
                    city_id=i,
                    city=value,
                    country=value,
                    population=None,
                    signed_at=datetime(2026, 10, i, tzinfo=UTC),
                    signer_title=value,
                    statement=statement if i % 2 else None,
                )
                for i in (1, 2)
            ),
        )
        check_shape(letter, "alphabetical")
        words = [w for w in value.split() if w.isalnum()]
        rendered = render_letter(letter, order="alphabetical", today=TODAY)
        for word in words:
            assert unicodedata.normalize("NFC", word) in rendered, "the words survive"
