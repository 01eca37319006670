"""The shared letter as Markdown: pure functions of plain values, so the same data always gives
the same bytes (UTF-8, NFC, ``\\n`` line ends, one final newline).

Layout: title, date, addressee, opening, the ask, **Position statements** (one section per
signing city that has a statement, in the chosen order), **Signatories** (a table in the same
order), closing, sender line.

*Representative* of a city: the signatory name of its current statement; a city without a
statement shows "Representative of <city>" (the database stores Discord user ids, not names,
and the letter must not depend on Discord to render). *Title*: the statement's signatory title
when there is a statement, else the title the signer was verified under.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.documents.markdown import cell, inline, paragraphs

ORDERS: tuple[str, ...] = ("alphabetical", "signing_date", "population")
ORDER_LABELS = {
    "alphabetical": "alphabetical",
    "signing_date": "signing date",
    "population": "population",
}
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
SLUG_LEN = 60


@dataclass(frozen=True, slots=True)
class StatementText:
    body: str
    signatory_name: str
    signatory_title: str | None


@dataclass(frozen=True, slots=True)
class Signatory:
    """A city counted as signed, with what the letter shows about it."""

    city_id: int
    city: str
    country: str
    population: int | None
    signed_at: datetime
    signer_title: str | None  # the title its signer was verified under
    statement: StatementText | None

    @property
    def representative(self) -> str:
        if self.statement is not None and self.statement.signatory_name.strip():
            return self.statement.signatory_name
        return f"Representative of {self.city}"

    @property
    def title(self) -> str | None:
        return self.statement.signatory_title if self.statement is not None else self.signer_title


@dataclass(frozen=True, slots=True)
class LetterInput:
    title: str
    target: str
    ask_text: str
    coalition: str
    opening: str | None  # None: the default paragraph
    closing: str | None
    sender: str | None
    signatories: tuple[Signatory, ...]


def default_opening(coalition: str) -> str:
    return (
        f"We, the undersigned cities of {coalition}, write to you together in support of the "
        "ask below."
    )


def default_closing() -> str:
    return "We would welcome the opportunity to discuss this with you. Yours sincerely,"


def default_sender(coalition: str) -> str:
    return f"The member cities of {coalition}"


def _fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def ordered(signatories: Iterable[Signatory], order: str) -> list[Signatory]:
    """``alphabetical`` (by city, then country), ``signing_date`` (earliest first) or
    ``population`` (largest first, unknown last). Ties fall back to the name, then the id."""
    if order not in ORDERS:
        raise ValueError(f"unknown order {order!r}")

    def by_name(s: Signatory) -> tuple[str, str, str, str, int]:
        return (_fold(s.city), _fold(s.country), s.city, s.country, s.city_id)

    items = sorted(signatories, key=by_name)
    if order == "signing_date":
        items.sort(key=lambda s: s.signed_at)
    elif order == "population":
        items.sort(key=lambda s: (s.population is None, -(s.population or 0)))
    return items


def long_date(day: date) -> str:
    """``28 November 2026``, the same whatever the machine's locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _city_heading(s: Signatory) -> str:
    return f"### {inline(s.city)} ({inline(s.country)})"


def _statement_section(s: Signatory) -> list[str]:
    assert s.statement is not None
    parts = [_city_heading(s)]
    body = paragraphs(s.statement.body)
    parts.extend(body or ["(The statement is empty.)"])
    signature = inline(s.statement.signatory_name)
    if s.statement.signatory_title:
        signature = f"{signature}, {inline(s.statement.signatory_title)}"
    parts.append(f"— {signature}" if signature else "— " + inline(s.representative))
    return parts


def _table(rows: Sequence[Signatory]) -> str:
    lines = [
        "| City | Country | Representative | Title | Signed on |",
        "| --- | --- | --- | --- | --- |",
    ]
    for s in rows:
        cells = (
            cell(s.city),
            cell(s.country),
            cell(s.representative),
            cell(s.title),
            s.signed_at.date().isoformat(),
        )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def render_letter(letter: LetterInput, *, order: str, today: date) -> str:
    """The whole letter as Markdown text (see the module docstring for the layout)."""
    rows = ordered(letter.signatories, order)
    opening = letter.opening or default_opening(letter.coalition)
    closing = letter.closing or default_closing()
    sender = letter.sender or default_sender(letter.coalition)

    parts: list[str] = [
        f"# {inline(letter.title) or 'Letter'}",
        long_date(today),
        f"**To:** {inline(letter.target)}",
        *paragraphs(opening),
        "## Our ask",
        *(paragraphs(letter.ask_text) or ["(The ask has no text.)"]),
        "## Position statements",
    ]
    with_statement = [s for s in rows if s.statement is not None]
    if with_statement:
        for s in with_statement:
            parts.extend(_statement_section(s))
    else:
        parts.append("No signing city has submitted a position statement.")
    parts.append("## Signatories")
    if rows:
        noun = "city has" if len(rows) == 1 else "cities have"
        parts.append(f"{len(rows)} {noun} signed this letter.")
        parts.append(_table(rows))
    else:
        parts.append("No city has signed the current version of this ask yet.")
    parts.extend(paragraphs(closing))
    parts.append(inline(sender))
    text = "\n\n".join(p for p in parts if p) + "\n"
    return unicodedata.normalize("NFC", text)


def to_bytes(text: str) -> bytes:
    return unicodedata.normalize("NFC", text).replace("\r\n", "\n").encode("utf-8")


def slug(text: str, *, limit: int = SLUG_LEN) -> str:
    """An ASCII file-name slug: ``"Car-free centres by 2030!"`` -> ``car-free-centres-by-2030``."""
    ascii_text = (
        unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    )
    value = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(value) > limit:
        cut = value[:limit]
        value = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return value or "letter"


def letter_filename(title: str, day: date, *, version: int | None = None) -> str:
    """``car-free-centres-by-2030-2026-11-28.md``; finalised: ``...-v2-2026-11-28.md``."""
    tag = f"-v{version}" if version is not None else ""
    return f"{slug(title)}{tag}-{day.isoformat()}.md"
