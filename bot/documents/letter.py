"""The shared letter, whole: its parts (``model``), its words (``words``) and one entry point,
:func:`render`, that turns a :class:`LetterInput` into the bytes of a Markdown, PDF or Word
file. Pure functions of plain values: the same letter always gives the same bytes (documents'
dates come from ``letter_date``, never from the clock).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date

from bot.documents.docx import render_docx
from bot.documents.markdown import render_markdown
from bot.documents.model import (
    FORMATS,
    LANGUAGES,
    ORDER_LABELS,
    ORDERS,
    PAPERS,
    Format,
    Language,
    LetterInput,
    Paper,
    Signatory,
    StatementText,
    from_json,
    ordered,
    to_json,
)
from bot.documents.pdf import render_pdf
from bot.documents.words import (
    default_closing,
    default_opening,
    default_salutation,
    default_sender,
    long_date,
)

__all__ = [
    "FORMATS",
    "LANGUAGES",
    "ORDERS",
    "ORDER_LABELS",
    "PAPERS",
    "SLUG_LEN",
    "Format",
    "Language",
    "LetterInput",
    "Paper",
    "Rendered",
    "Signatory",
    "StatementText",
    "default_closing",
    "default_opening",
    "default_salutation",
    "default_sender",
    "from_json",
    "letter_filename",
    "long_date",
    "ordered",
    "render",
    "render_letter",
    "render_with_report",
    "slug",
    "to_bytes",
    "to_json",
]

SLUG_LEN = 60


@dataclass(frozen=True, slots=True)
class Rendered:
    """A rendered file and the characters it could not show as typed (each replaced by a
    visible ``�``, or dropped when invisible by nature such as a joiner), sorted."""

    content: bytes
    replaced: tuple[str, ...]


def to_bytes(text: str) -> bytes:
    return unicodedata.normalize("NFC", text).replace("\r\n", "\n").encode("utf-8")


def render_with_report(letter: LetterInput, fmt: Format) -> Rendered:
    """The letter as ``fmt`` ("md", "pdf" or "docx"); needs ``letter.letter_date``."""
    if fmt == "md":
        return Rendered(to_bytes(render_markdown(letter)), ())
    if fmt == "pdf":
        content, replaced = render_pdf(letter)
    elif fmt == "docx":
        content, replaced = render_docx(letter)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return Rendered(content, tuple(sorted(replaced)))


def render(letter: LetterInput, fmt: Format) -> bytes:
    return render_with_report(letter, fmt).content


def render_letter(letter: LetterInput, *, order: str, today: date) -> str:
    """The letter as Markdown text, in ``order``, dated ``today`` (the earlier entry point)."""
    return render_markdown(replace(letter, order=order, letter_date=today))


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


def letter_filename(
    title: str, day: date, *, version: int | None = None, fmt: Format = "md"
) -> str:
    """``car-free-centres-by-2030-2026-11-28.md``; finalised: ``...-v2-2026-11-28.pdf``."""
    tag = f"-v{version}" if version is not None else ""
    return f"{slug(title)}{tag}-{day.isoformat()}.{fmt}"
