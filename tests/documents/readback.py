"""Reading each format back with a library, as a reader's program would: Markdown through a
CommonMark parser, PDF through pypdf's text extraction, DOCX through python-docx."""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass

from docx import Document
from docx.table import Table as DocxTable
from markdown_it import MarkdownIt
from pypdf import PdfReader

PARSER = MarkdownIt("commonmark").enable("table")


@dataclass
class Docx:
    paragraphs: list[tuple[str, str]]  # (style name, text)
    tables: list[list[list[str]]]
    header_repeats: list[bool]
    text: str  # paragraphs and table cells in document order


def docx(content: bytes) -> Docx:
    doc = Document(io.BytesIO(content))
    tables = [[[cell.text for cell in row.cells] for row in t.rows] for t in doc.tables]
    repeats = [
        bool(t.rows[0]._tr.xpath("./w:trPr/w:tblHeader")) if t.rows else False for t in doc.tables
    ]
    text: list[str] = []
    for item in doc.iter_inner_content():
        if isinstance(item, DocxTable):
            text.extend(cell.text for row in item.rows for cell in row.cells)
        else:
            text.append(item.text)
    return Docx(
        [(p.style.name if p.style is not None else "", p.text) for p in doc.paragraphs],
        tables,
        repeats,
        "\n".join(text),
    )


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def pdf_outline(content: bytes) -> list[tuple[int, str]]:
    """The bookmarks as (depth, title), in order."""
    reader = PdfReader(io.BytesIO(content))
    found: list[tuple[int, str]] = []

    def walk(items: list[object], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, str(item["/Title"])))  # type: ignore[index]

    walk(reader.outline, 0)  # type: ignore[arg-type]
    return found


def md_text(text: str) -> str:
    rendered = re.sub(r"<[^>]+>", " ", PARSER.render(text))
    return html.unescape(rendered)


def squeeze(text: str) -> str:
    """Whitespace removed: formats break lines in different places."""
    return "".join(text.split())


def in_order(haystack: str, needles: list[str]) -> None:
    """Every needle appears in ``haystack``, in this order (whitespace ignored)."""
    flat = squeeze(haystack)
    at = 0
    for needle in needles:
        found = flat.find(squeeze(needle), at)
        assert found >= 0, f"{needle!r} missing (or out of order) after position {at}"
        at = found + len(squeeze(needle))
