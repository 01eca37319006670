"""Rendering the shared letter to Markdown: pure functions, no database, no Discord."""

from bot.documents.letter import (
    ORDER_LABELS,
    ORDERS,
    SLUG_LEN,
    LetterInput,
    Signatory,
    StatementText,
    default_closing,
    default_opening,
    default_sender,
    letter_filename,
    long_date,
    ordered,
    render_letter,
    slug,
    to_bytes,
)
from bot.documents.markdown import block, cell, inline, normalise, paragraphs

__all__ = [
    "ORDERS",
    "ORDER_LABELS",
    "SLUG_LEN",
    "LetterInput",
    "Signatory",
    "StatementText",
    "block",
    "cell",
    "default_closing",
    "default_opening",
    "default_sender",
    "inline",
    "letter_filename",
    "long_date",
    "normalise",
    "ordered",
    "paragraphs",
    "render_letter",
    "slug",
    "to_bytes",
]
