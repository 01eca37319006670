"""The letter's words per language (dates, numbers, plurals from CLDR), the coordinator's safe
Markdown subset, and the letter's JSON form."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.documents import LANGUAGES, from_json, to_json
from bot.documents.markup import ListBlock, Paragraph, Run, parse, plain
from bot.documents.words import CATALOGUE, long_date, short_date, signed_count
from tests.documents.sample import sample

DAY = date(2026, 12, 2)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "2 December 2026"),
        ("fr", "2 décembre 2026"),
        ("de", "2. Dezember 2026"),
        ("it", "2 dicembre 2026"),
        ("es", "2 de diciembre de 2026"),
    ],
)
def test_dates_in_the_letters_language(language: str, expected: str) -> None:
    assert long_date(DAY, language) == expected  # type: ignore[arg-type]


def test_table_dates_and_numbers() -> None:
    assert short_date(DAY, "de") == "02.12.2026"
    assert short_date(DAY, "fr") == "2 déc. 2026"
    assert signed_count(1000, "en") == "1,000 cities have signed this letter."
    assert signed_count(1000, "de") == "1.000 Städte haben diesen Brief unterzeichnet."
    assert signed_count(1000, "fr") == "1\u202f000 villes ont signé cette lettre."


@pytest.mark.parametrize(
    ("language", "one", "two", "million"),
    [
        ("en", "1 city has", "2 cities have", "1,000,000 cities have"),
        ("fr", "1 ville a", "2 villes ont", "1\u202f000\u202f000 de villes ont"),
        ("de", "1 Stadt hat", "2 Städte haben", "1.000.000 Städte haben"),
        ("it", "1 città ha", "2 città hanno", "1.000.000 di città hanno"),
        ("es", "1 ciudad ha", "2 ciudades han", "1.000.000 de ciudades han"),
    ],
)
def test_count_sentence_plurals(language: str, one: str, two: str, million: str) -> None:
    assert signed_count(1, language).startswith(one)  # type: ignore[arg-type]
    assert signed_count(2, language).startswith(two)  # type: ignore[arg-type]
    assert signed_count(1_000_000, language).startswith(million)  # type: ignore[arg-type]


def test_every_language_has_every_word() -> None:
    assert set(CATALOGUE) == set(LANGUAGES)
    for words in CATALOGUE.values():
        assert "other" in words.signed_count and "one" in words.signed_count
        assert len(words.table_header) == 5 and all(words.table_header)
        assert "{coalition}" in words.opening and "{coalition}" in words.sender


def test_safe_subset_lists_and_emphasis() -> None:
    blocks = parse("We ask:\n- one *a*\n- **two**\n\n3) three\n4) four")

    def item(*runs: Run) -> tuple[Paragraph]:
        return (Paragraph((runs,)),)

    assert blocks == (
        Paragraph(((Run("We ask:"),),)),
        ListBlock(False, 1, (item(Run("one "), Run("a", emphasis=True)), item(Run("two", True)))),
        ListBlock(True, 3, (item(Run("three")), item(Run("four")))),
    )


@pytest.mark.parametrize(
    "text",
    [
        "# heading",
        "> quote",
        "[link](https://evil.example)",
        "![img](x.png)",
        "<b>html</b>",
        "`code`",
        "| a | b |\n| - | - |",
        "~~strike~~",
        "    indented",
        "---",
    ],
)
def test_everything_else_stays_literal_text(text: str) -> None:
    blocks = parse(text)
    assert all(isinstance(b, Paragraph) for b in blocks)
    seen = "\n".join(b.text for b in blocks if isinstance(b, Paragraph))
    assert "".join(seen.split()) == "".join(text.split())


def test_statements_have_no_structure() -> None:
    assert plain("a\n- b\n\n**c**") == (
        Paragraph(((Run("a"),), (Run("- b"),))),
        Paragraph(((Run("**c**"),),)),
    )


def test_json_round_trip_is_stable_and_versioned() -> None:
    letter = sample("fr")
    text = to_json(letter)
    assert from_json(text) == letter
    assert to_json(from_json(text)) == text
    assert to_json(replace(letter, paper="Letter")) != text
    with pytest.raises(ValueError, match="version"):
        from_json(text.replace('"v":1', '"v":99'))
