"""Escaping user text for the letter's Markdown (CommonMark with GitHub tables).

User text keeps its words but loses any power to reshape the document: it cannot open a
heading, list, quote, code block, table row, HTML block or link, nor emphasise, strike or hide
text. The rules, and why each is needed:

- Characters that start inline markup anywhere are backslash-escaped: ``\\ ` * _ [ ] < > | ~ #``
  (``<`` covers HTML and autolinks, ``|`` table cells, ``#`` headings and their closing marks),
  and ``&`` when it would begin an entity such as ``&lt;``.
- Every line is stripped: leading spaces would make an indented code block, trailing ones a
  hard line break. A character that opens a block only at the start of a line (``- + = :`` and
  ``1.`` / ``1)``) is escaped there; ``-`` and ``=`` also stop a line from becoming a setext
  heading underline, ``:`` a table delimiter row.
- Line separators other than ``\\n`` (CR, VT, FF, NEL, U+2028/2029) become ``\\n``; other control,
  zero-width and bidirectional-override characters are removed; tabs become spaces.
"""

from __future__ import annotations

import re
import unicodedata

# Line separators other than \n, then invisible and control characters (C0/C1 but tab and
# newline, zero-width, bidirectional overrides and isolates, BOM), as one translate table:
# str.translate is several times faster than regex substitution on long statements.
_SEPARATORS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_INVISIBLE = [
    *range(0x00, 0x09),
    *range(0x0E, 0x1C),
    0x1F,
    *range(0x7F, 0x85),
    *range(0x86, 0xA0),
    0x200B,  # zero-width space; the joiners U+200C/U+200D are kept (scripts, emoji)
    0x200E,
    0x200F,
    *range(0x202A, 0x202F),
    *range(0x2060, 0x2065),
    *range(0x2066, 0x206A),
    0xFEFF,
]
_CLEAN = str.maketrans(
    {**{c: "\n" for c in _SEPARATORS}, "\t": " ", **{chr(c): None for c in _INVISIBLE}}
)
_ESCAPES = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|~#"})
_ENTITY_START = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{0,31};)")
_LINE_START_MARKS = frozenset("-+=:")
_ORDERED_MARK = re.compile(r"([0-9]{1,9})([.)])")


def _nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def normalise(text: str) -> str:
    """NFC, ``\\n`` line ends, no invisible or control characters, tabs as spaces."""
    text = _nfc(text).replace("\r\n", "\n").translate(_CLEAN)
    # Removing characters can leave a decomposed sequence next to its base: normalise again.
    return _nfc(text)


def _escape_line(line: str) -> str:
    """One line of user text (already stripped), safe at the start of a Markdown line."""
    line = line.translate(_ESCAPES)
    if "&" in line:
        line = _ENTITY_START.sub(r"\\&", line)
    if line[:1] in _LINE_START_MARKS:
        return "\\" + line
    if line[:1].isdigit():
        return _ORDERED_MARK.sub(r"\1\\\2", line, count=1) if _ORDERED_MARK.match(line) else line
    return line


def inline(text: str | None) -> str:
    """User text for one line: a heading, a table cell, the sender line. Whitespace (line
    breaks included) collapses to single spaces."""
    if not text:
        return ""
    return _escape_line(" ".join(normalise(text).split()))


def paragraphs(text: str | None) -> list[str]:
    """User text as Markdown paragraphs. Blank lines separate paragraphs (kept as such); a
    single line break inside a paragraph stays a line break (a trailing backslash)."""
    if not text:
        return []
    result: list[str] = []
    current: list[str] = []
    for raw in normalise(text).split("\n"):
        line = " ".join(raw.split())
        if line:
            current.append(_escape_line(line))
        elif current:
            result.append("\\\n".join(current))
            current = []
    if current:
        result.append("\\\n".join(current))
    return result


def block(text: str | None) -> str:
    """:func:`paragraphs` joined with blank lines."""
    return "\n\n".join(paragraphs(text))


def cell(text: str | None, *, empty: str = "—") -> str:
    """A table cell: one line, pipes escaped, never empty (an empty cell reads like a typo)."""
    value = inline(text)
    return value or empty
