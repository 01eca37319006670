"""The letter laid out once, format-neutral: every renderer (Markdown, PDF, DOCX) walks the same
list of parts, so every format says the same words in the same order.

Layout: title, [place,] date, addressee, [subject], salutation, opening, **Our ask**,
**Position statements** (one section per signing city that has a statement, in the chosen
order), **Signatories** (the count sentence and a table in the same order), closing, sender and
signature lines. User texts stay plain strings here; each renderer makes them safe for itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.documents import markup
from bot.documents.markup import Block, Paragraph, Run
from bot.documents.model import LetterInput, Signatory, ordered
from bot.documents.words import (
    basis_header,
    basis_kind,
    default_closing,
    default_opening,
    default_salutation,
    default_sender,
    long_date,
    short_date,
    signed_count,
    words,
)


@dataclass(frozen=True, slots=True)
class Heading:
    level: int  # 1 the title, 2 a section, 3 a city's statement
    text: str


@dataclass(frozen=True, slots=True)
class Field:
    """A line of the date block: the label is the letter's word (bold), the value user text."""

    label: str | None
    value: str


@dataclass(frozen=True, slots=True)
class Blocks:
    """Paragraphs and lists; ``structured``: the coordinator's safe subset, else plain text."""

    blocks: tuple[Block, ...]
    structured: bool


@dataclass(frozen=True, slots=True)
class SignedBy:
    text: str  # "— Léa Martin, Deputy Mayor", a statement's signature


@dataclass(frozen=True, slots=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Signature:
    lines: tuple[str, ...]


Part = Heading | Field | Blocks | SignedBy | Table | Signature

EMPTY_CELL = "—"


def _text(value: str) -> Blocks:
    return Blocks((Paragraph(((Run(value),),)),), structured=False)


def city_heading(s: Signatory) -> str:
    where = ", ".join(markup.one_line(v) for v in (s.region, s.country) if v and v.strip())
    city = markup.one_line(s.city)
    return f"{city} ({where})" if where else city


def statement_signature(s: Signatory) -> str:
    """The name and title; without a name, the title and the city (never a placeholder)."""
    name = markup.one_line(s.name)
    title = markup.one_line(s.title)
    if name:
        return f"{name}, {title}" if title else name
    city = markup.one_line(s.city)
    return f"{title}, {city}" if title else city


def basis_cell(s: Signatory, letter: LetterInput) -> str:
    """ "Council resolution 2026-117, 20 Nov 2026"; the empty mark when the city gave none."""
    if s.basis_kind is None:
        return EMPTY_CELL
    parts = [basis_kind(s.basis_kind, letter.language)]
    reference = markup.one_line(s.basis_reference)
    if reference:
        parts[0] += f" {reference}"
    if s.basis_date is not None:
        parts.append(short_date(s.basis_date, letter.language))
    return ", ".join(parts)


def _row(s: Signatory, letter: LetterInput) -> tuple[str, ...]:
    row = (
        markup.one_line(s.city) or EMPTY_CELL,
        markup.one_line(s.country) or EMPTY_CELL,
        markup.one_line(s.name) or EMPTY_CELL,
        markup.one_line(s.title) or EMPTY_CELL,
        short_date(s.signed_at.date(), letter.language),
    )
    return (*row, basis_cell(s, letter)) if letter.print_authority else row


def layout(letter: LetterInput) -> list[Part]:
    if letter.letter_date is None:
        raise ValueError("the letter has no date: set letter_date")
    w = words(letter.language)
    lang = letter.language
    rows = ordered(letter.signatories, letter.order)
    day = long_date(letter.letter_date, lang)
    place = markup.one_line(letter.place)
    parts: list[Part] = [
        Heading(1, markup.one_line(letter.title) or w.letter),
        Field(None, f"{place}, {day}" if place else day),
        Field(w.to, markup.one_line(letter.target)),
    ]
    subject = markup.one_line(letter.subject)
    if subject:
        parts.append(Field(w.subject, subject))
    # The defaults are the letter's words around user text (the coalition's name): plain text.
    if letter.salutation is not None:
        parts.append(Blocks(markup.parse(letter.salutation), structured=True))
    else:
        parts.append(_text(default_salutation(lang)))
    if letter.opening:
        parts.append(Blocks(markup.parse(letter.opening), structured=True))
    else:
        parts.append(_text(default_opening(markup.one_line(letter.coalition), lang)))
    parts.append(Heading(2, w.our_ask))
    ask = markup.parse(letter.ask_text)
    parts.append(Blocks(ask, structured=True) if ask else _text(w.empty_ask))
    parts.append(Heading(2, w.statements))
    with_statement = [s for s in rows if s.statement is not None]
    for s in with_statement:
        assert s.statement is not None
        parts.append(Heading(3, city_heading(s)))
        body = markup.plain(s.statement.body)
        parts.append(Blocks(body, structured=False) if body else _text(w.empty_statement))
        parts.append(SignedBy(f"— {statement_signature(s)}"))
    if not with_statement:
        parts.append(_text(w.no_statements))
    parts.append(Heading(2, w.signatories))
    if rows:
        parts.append(_text(signed_count(len(rows), lang)))
        header: tuple[str, ...] = w.table_header
        if letter.print_authority:
            header = (*header, basis_header(lang))
        parts.append(Table(header, tuple(_row(s, letter) for s in rows)))
    else:
        parts.append(_text(w.no_signatories))
    if letter.closing:
        parts.append(Blocks(markup.parse(letter.closing), structured=True))
    else:
        parts.append(_text(default_closing(lang)))
    lines = [markup.one_line(x) for x in letter.signature_lines]
    sender = markup.one_line(letter.sender)
    if not sender and not any(lines):
        sender = markup.one_line(default_sender(letter.coalition, lang))
    parts.append(Signature(tuple(x for x in (sender, *lines) if x)))
    return parts
