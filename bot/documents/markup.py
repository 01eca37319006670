"""The safe Markdown subset the coordinator's texts may use, parsed once into plain blocks that
every format renders the same way.

Allowed: paragraphs, line breaks, bulleted and numbered lists (nested too), *emphasis* and
**strong**. The subset is parsed by a CommonMark parser (markdown-it) with every other rule
switched off, so headings, HTML, links, images, code, tables and block quotes simply stay the
characters that were typed. A backslash still escapes (``\\*`` is a star).

Statements keep their own rule (:func:`plain`): their words, paragraphs and line breaks, and
no structure at all.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

from bot.text import normalise

_PARSER = MarkdownIt("zero").enable(["list", "emphasis", "newline", "escape"])


@dataclass(frozen=True, slots=True)
class Run:
    text: str
    strong: bool = False
    emphasis: bool = False


Line = tuple[Run, ...]


@dataclass(frozen=True, slots=True)
class Paragraph:
    lines: tuple[Line, ...]

    @property
    def text(self) -> str:
        return "\n".join("".join(r.text for r in line) for line in self.lines)


@dataclass(frozen=True, slots=True)
class ListBlock:
    ordered: bool
    start: int
    items: tuple[tuple[Block, ...], ...]


Block = Paragraph | ListBlock


def one_line(text: str | None) -> str:
    """User text for one line (a heading, a table cell): whitespace collapses to one space."""
    if not text:
        return ""
    return " ".join(normalise(text).split())


def plain(text: str | None) -> tuple[Paragraph, ...]:
    """Text with no structure: blank lines separate paragraphs, a single break stays a break,
    whitespace inside a line collapses, every character is kept as typed."""
    if not text:
        return ()
    result: list[Paragraph] = []
    current: list[Line] = []
    for raw in normalise(text).split("\n"):
        line = " ".join(raw.split())
        if line:
            current.append((Run(line),))
        elif current:
            result.append(Paragraph(tuple(current)))
            current = []
    if current:
        result.append(Paragraph(tuple(current)))
    return tuple(result)


def _collapse(text: str) -> str:
    """Runs of whitespace become one space; an edge space is kept (it separates runs)."""
    if not text:
        return ""
    inner = " ".join(text.split())
    if not inner:
        return " "
    lead = " " if text[0].isspace() else ""
    trail = " " if text[-1].isspace() else ""
    return lead + inner + trail


def _trim(line: list[Run]) -> Line:
    runs = [r for r in line if r.text]
    if runs:
        runs[0] = Run(runs[0].text.lstrip(), runs[0].strong, runs[0].emphasis)
        runs[-1] = Run(runs[-1].text.rstrip(), runs[-1].strong, runs[-1].emphasis)
    merged: list[Run] = []
    for r in runs:
        if not r.text:
            continue
        if merged and (merged[-1].strong, merged[-1].emphasis) == (r.strong, r.emphasis):
            merged[-1] = Run(merged[-1].text + r.text, r.strong, r.emphasis)
        else:
            merged.append(r)
    return tuple(merged)


def _inline(token: Token) -> Paragraph | None:
    strong = emphasis = 0
    lines: list[Line] = []
    current: list[Run] = []
    for child in token.children or []:
        kind = child.type
        if kind == "strong_open":
            strong += 1
        elif kind == "strong_close":
            strong -= 1
        elif kind == "em_open":
            emphasis += 1
        elif kind == "em_close":
            emphasis -= 1
        elif kind in ("softbreak", "hardbreak"):
            lines.append(_trim(current))
            current = []
        else:  # text, and any token the subset does not know: its characters as typed
            current.append(Run(_collapse(child.content), strong > 0, emphasis > 0))
    lines.append(_trim(current))
    kept = tuple(line for line in lines if line)
    return Paragraph(kept) if kept else None


def _blocks(tokens: Sequence[Token], pos: int, stop: str | None) -> tuple[list[Block], int]:
    """Blocks from ``tokens[pos]`` up to the closing token ``stop`` (exclusive)."""
    out: list[Block] = []
    while pos < len(tokens):
        token = tokens[pos]
        if stop is not None and token.type == stop:
            return out, pos
        if token.type == "inline":
            paragraph = _inline(token)
            if paragraph is not None:
                out.append(paragraph)
            pos += 1
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            ordered = token.type == "ordered_list_open"
            close = "ordered_list_close" if ordered else "bullet_list_close"
            start = int(token.attrs.get("start", 1) or 1) if ordered else 1
            items: list[tuple[Block, ...]] = []
            pos += 1
            while tokens[pos].type != close:
                assert tokens[pos].type == "list_item_open"
                inner, pos = _blocks(tokens, pos + 1, "list_item_close")
                items.append(tuple(inner))
                pos += 1
            out.append(ListBlock(ordered, start, tuple(items)))
            pos += 1
        else:  # paragraph_open/close and the like carry no text
            pos += 1
    return out, pos


def parse(text: str | None) -> tuple[Block, ...]:
    """The coordinator's text as blocks of the safe subset (see the module docstring)."""
    if not text:
        return ()
    blocks, _ = _blocks(_PARSER.parse(normalise(text)), 0, None)
    return tuple(blocks)


def walk_runs(blocks: Sequence[Block]) -> Iterator[Run]:
    """Every run, in reading order (for checks and plain-text views)."""
    for block in blocks:
        if isinstance(block, Paragraph):
            for line in block.lines:
                yield from line
        else:
            for item in block.items:
                yield from walk_runs(item)
