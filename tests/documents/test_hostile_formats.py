"""Hostile text through PDF and DOCX: nothing crashes, no user text changes the document's
structure (the same headings, one table of one row per city, lists only where the coordinator
typed them, a sane number of pages), and every character either renders or is replaced
visibly and reported."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.documents import LetterInput, Signatory, StatementText, markup, render_with_report
from bot.documents.glyphs import GlyphFilter, covered
from bot.documents.layout import city_heading
from bot.documents.markup import one_line
from bot.documents.model import ordered
from bot.documents.pdf import CELL_LIMIT
from bot.text import normalise
from tests.documents import readback
from tests.documents.sample import SIGNATORIES
from tests.documents.test_hostile_letter import count_lists, letters
from tests.support.corpus import CORPUS

DAY = date(2026, 12, 2)
LANGUAGES = st.sampled_from(["en", "fr", "de", "it", "es"])


def user_chars(letter: LetterInput) -> set[str]:
    texts = [
        letter.title,
        letter.target,
        letter.ask_text,
        letter.opening or "",
        letter.closing or "",
        letter.sender or "",
    ]
    if letter.opening is None or not (letter.sender or "").strip():  # the default texts
        texts.append(letter.coalition)
    for s in letter.signatories:
        texts += [s.city, s.country, s.signer_title or ""]
        if s.statement is not None:
            st_ = s.statement
            texts += [st_.body, st_.signatory_name, st_.signatory_title or ""]
    return {c for t in texts for c in normalise(t) if not c.isspace()}


def cells(s: Signatory) -> tuple[str | None, ...]:
    return (s.city, s.country, s.name, s.title)


def expected_headings(letter: LetterInput) -> list[str]:
    rows = ordered(letter.signatories, letter.order)
    return [city_heading(s) for s in rows if s.statement is not None]


def check_pdf(letter: LetterInput) -> None:
    result = render_with_report(letter, "pdf")
    assert render_with_report(letter, "pdf") == result, "deterministic"
    # Replaced: exactly the user's characters the font cannot draw (a table cell over the
    # PDF's cell limit is cut first, so its tail may never reach the page).
    expected = user_chars(letter) - covered()
    cut = any(len(one_line(v)) > CELL_LIMIT for s in letter.signatories for v in cells(s))
    assert set(result.replaced) <= expected
    assert cut or set(result.replaced) == expected
    outline = readback.pdf_outline(result.content)
    assert [d for d, _ in outline] == [0, 1, 1] + [2] * len(expected_headings(letter)) + [1]
    drawable = GlyphFilter()
    assert [t for d, t in outline if d == 2] == [drawable(h) for h in expected_headings(letter)]
    pages = readback.pdf_pages(result.content)
    size = sum(len(t) for t in user_texts(letter)) + 1
    assert len(pages) <= 3 + len(letter.signatories) + size // 1500, "no pages of nonsense"
    for i, text in enumerate(pages, start=1):
        assert f"{i}" in text.rsplit("\n", 1)[-1], "every page is numbered"


def user_texts(letter: LetterInput) -> list[str]:
    out = [letter.title, letter.target, letter.ask_text, letter.opening or "", letter.closing or ""]
    for s in letter.signatories:
        out += [s.city, s.country, s.statement.body if s.statement else ""]
    return out


def check_docx(letter: LetterInput) -> None:
    result = render_with_report(letter, "docx")
    assert render_with_report(letter, "docx") == result, "deterministic"
    assert result.replaced == ()  # Word stores every character normalise() keeps
    doc = readback.docx(result.content)
    headings = [(s, t) for s, t in doc.paragraphs if s.startswith("Heading") or s == "Title"]
    levels = [s for s, _ in headings]
    n = len(expected_headings(letter))
    assert levels == ["Heading 1", "Heading 2", "Heading 2"] + ["Heading 3"] * n + ["Heading 2"]
    assert [t for s, t in headings if s == "Heading 3"] == expected_headings(letter)
    if letter.signatories:
        assert len(doc.tables) == 1
        assert len(doc.tables[0]) == len(letter.signatories) + 1
        assert all(len(row) == 5 for row in doc.tables[0])
    else:
        assert doc.tables == []
    coordinator = [markup.parse(t) for t in (letter.ask_text, letter.opening, letter.closing)]
    has_lists = sum(count_lists(b) for b in coordinator) > 0
    list_paragraphs = [s for s, _ in doc.paragraphs if s.startswith("List")]
    assert bool(list_paragraphs) == has_lists, "lists only where the coordinator typed them"


@pytest.mark.timeout(600)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(letter=letters(), language=LANGUAGES, paper=st.sampled_from(["A4", "Letter"]))
def test_hostile_letters_keep_their_shape_in_pdf_and_docx(
    letter: LetterInput, language: str, paper: str
) -> None:
    letter = replace(letter, letter_date=DAY, language=language, paper=paper)  # type: ignore[arg-type]
    check_pdf(letter)
    check_docx(letter)


def test_the_corpus_in_every_field_in_pdf_and_docx() -> None:
    for name, value in CORPUS.items():
        letter = LetterInput(
            title=value,
            target=value,
            ask_text=value,
            coalition=value,
            opening=value,
            closing=value,
            sender=value,
            signatories=(),
            letter_date=DAY,
        )
        letter = replace(letter, signatories=_two(value))
        check_pdf(letter)
        check_docx(letter)
        pdf = render_with_report(letter, "pdf")
        # A word running over a page break is read back with the footer inside it.
        text = re.sub(r"Page \d+ of \d+", "", "".join(readback.pdf_pages(pdf.content)))
        if name == "emoji":
            assert "\ufffd" in text and "🌍" in pdf.replaced, "replaced visibly and reported"
        words = [w for w in normalise(value).split() if w.isalnum() and set(w) <= covered()]
        for word in words:
            assert word in readback.squeeze(text), f"{name}: the words survive"


def _two(value: str) -> tuple[Signatory, ...]:
    statement = StatementText(body=value, signatory_name=value, signatory_title=value)
    return tuple(
        replace(
            SIGNATORIES[i],
            city=value,
            country=value,
            signer_title=value,
            statement=statement if i else None,
        )
        for i in (0, 1)
    )
