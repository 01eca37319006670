"""The letter as Markdown (CommonMark with GitHub tables): :func:`render_markdown` walks the
layout (``bot.documents.layout``); the coordinator's safe subset (``bot.documents.markup``)
comes out as real lists and emphasis, with every character of its text escaped as below.

Escaping user text:

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
from collections.abc import Sequence

from bot.documents.layout import Blocks, Field, Heading, Part, SignedBy, Table, layout
from bot.documents.markup import Block, Line, ListBlock, Paragraph
from bot.documents.model import LetterInput
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


# --- the letter as Markdown -----------------------------------------------------------------


def _escape_run(text: str) -> str:
    text = text.translate(_ESCAPES)
    return _ENTITY_START.sub(r"\\&", text) if "&" in text else text


def _line(line: Line) -> str:
    out: list[str] = []
    for i, run in enumerate(line):
        text = _escape_line(run.text) if i == 0 else _escape_run(run.text)
        if i == 0 and (run.strong or run.emphasis):
            text = _escape_run(run.text)
        mark = ("**" if run.strong else "") + ("*" if run.emphasis else "")
        out.append(f"{mark}{text}{mark[::-1]}" if mark else text)
    return "".join(out)


def _paragraph(p: Paragraph) -> str:
    return "\\\n".join(_line(line) for line in p.lines)


def _indent(text: str, first: str, pad: str) -> str:
    lines = text.split("\n")
    return "\n".join([first + lines[0], *(pad + x if x else x for x in lines[1:])])


def _list(block: ListBlock, variant: int) -> str:
    items: list[str] = []
    for i, item in enumerate(block.items):
        marker = f"{block.start + i}{'.)'[variant % 2]}" if block.ordered else "-*"[variant % 2]
        pad = " " * (len(marker) + 1)
        body = _blocks(item) if item else ""
        items.append(_indent(body, marker + " ", pad) if body else marker)
    return "\n".join(items)


def _blocks(blocks: Sequence[Block]) -> str:
    """Blocks as Markdown; a list after a list of its kind changes marker, so they stay two."""
    chunks: list[str] = []
    variant = 0
    previous: Block | None = None
    for block in blocks:
        if isinstance(block, Paragraph):
            chunks.append(_paragraph(block))
        else:
            same = isinstance(previous, ListBlock) and previous.ordered == block.ordered
            variant = variant + 1 if same else 0
            chunks.append(_list(block, variant))
        previous = block
    return "\n\n".join(chunks)


def _table(table: Table) -> str:
    lines = [
        "| " + " | ".join(table.header) + " |",
        "| " + " | ".join("---" for _ in table.header) + " |",
    ]
    for row in table.rows:
        lines.append("| " + " | ".join(_escape_line(c) for c in row) + " |")
    return "\n".join(lines)


def _part(part: Part) -> str:
    if isinstance(part, Heading):
        return f"{'#' * part.level} {_escape_line(part.text)}"
    if isinstance(part, Field):
        value = _escape_line(part.value) if part.label is None else _escape_run(part.value)
        return f"**{part.label}** {value}" if part.label else value
    if isinstance(part, Blocks):
        return _blocks(part.blocks)
    if isinstance(part, SignedBy):
        return _escape_run(part.text)
    if isinstance(part, Table):
        return _table(part)
    return "\\\n".join(_escape_line(x) for x in part.lines)


def render_markdown(letter: LetterInput) -> str:
    """The whole letter as Markdown text (NFC, ``\\n`` line ends, one final newline)."""
    text = "\n\n".join(p for p in map(_part, layout(letter)) if p) + "\n"
    return unicodedata.normalize("NFC", text)
