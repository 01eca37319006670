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

from bot.text import normalise

_ESCAPES = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|~#"})
_ENTITY_START = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{0,31};)")
_LINE_START_MARKS = frozenset("-+=:")
_ORDERED_MARK = re.compile(r"([0-9]{1,9})([.)])")


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
