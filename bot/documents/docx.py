"""The letter as a Word document (python-docx), so a city hall can edit it: real headings
(Heading 1-3), paragraphs with line breaks, bulleted and numbered lists (List Bullet / List
Number, each numbered list restarting at its own start), and a real table whose header row
repeats on every page.

Deterministic: the document's dates are the letter's date, and the zip entries are rewritten
with that date (python-docx stamps them with the current time).
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, time

from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph as DocxParagraph

from bot.documents.layout import Blocks, Field, Heading, Part, Signature, SignedBy, Table, layout
from bot.documents.markup import Block, Line, ListBlock, Paragraph, Run, one_line
from bot.documents.model import LetterInput
from bot.documents.words import words

CREATOR = "coalition-bot"
PAGE_SIZES = {"A4": (Pt(595.3), Pt(841.9)), "Letter": (Pt(612), Pt(792))}
# Characters XML 1.0 cannot hold (controls are already gone, see bot.text.normalise).
_NOT_XML = {0xFFFE, 0xFFFF}


class _Writer:
    def __init__(self, letter: LetterInput) -> None:
        assert letter.letter_date is not None
        self.replaced: set[str] = set()
        doc = Document()
        section = doc.sections[0]
        section.page_width, section.page_height = PAGE_SIZES[letter.paper]
        stamp = datetime.combine(letter.letter_date, time(12), tzinfo=UTC).replace(tzinfo=None)
        props = doc.core_properties
        props.author = CREATOR
        props.last_modified_by = CREATOR
        props.created = stamp
        props.modified = stamp
        props.last_printed = stamp
        props.revision = 1
        # core properties hold at most 255 characters
        props.title = (self.safe(one_line(letter.title)) or words(letter.language).letter)[:255]
        props.language = letter.language
        self.doc: DocumentObject = doc
        self._number_list = self._list_num_id("List Number")

    def safe(self, text: str) -> str:
        if any(ord(c) in _NOT_XML or 0xD800 <= ord(c) <= 0xDFFF for c in text):
            bad = {c for c in text if ord(c) in _NOT_XML or 0xD800 <= ord(c) <= 0xDFFF}
            self.replaced |= bad
            text = "".join("\ufffd" if c in bad else c for c in text)
        return text

    def _list_num_id(self, style: str) -> int | None:
        num_pr = self.doc.styles[style].element.pPr.numPr
        return int(num_pr.numId.val) if num_pr is not None else None

    def _restarted_num(self, start: int) -> int | None:
        """A numbering instance of "List Number" that starts at ``start`` (a new list)."""
        if self._number_list is None:
            return None
        numbering = self.doc.part.numbering_part.element
        abstract = numbering.num_having_numId(self._number_list).abstractNumId.val
        num = numbering.add_num(abstract)
        override = OxmlElement("w:lvlOverride")
        override.set(qn("w:ilvl"), "0")
        start_el = OxmlElement("w:startOverride")
        start_el.set(qn("w:val"), str(start))
        override.append(start_el)
        num.append(override)
        return int(num.numId)

    def lines(self, paragraph: DocxParagraph, lines: tuple[Line, ...]) -> None:
        for i, line in enumerate(lines):
            if i:
                paragraph.add_run().add_break()
            for run in line:
                r = paragraph.add_run(self.safe(run.text))
                if run.strong:
                    r.bold = True
                if run.emphasis:
                    r.italic = True

    def blocks(self, blocks: tuple[Block, ...], depth: int = 0) -> None:
        for block in blocks:
            if isinstance(block, Paragraph):
                self.lines(self.doc.add_paragraph(), block.lines)
            else:
                self.list_block(block, depth)

    def list_block(self, block: ListBlock, depth: int) -> None:
        level = "" if depth == 0 else f" {min(depth + 1, 3)}"
        style = ("List Number" if block.ordered else "List Bullet") + level
        num_id = self._restarted_num(block.start) if block.ordered else None
        for item in block.items:
            first = True
            for inner in item or (Paragraph(()),):
                if isinstance(inner, ListBlock):
                    self.list_block(inner, depth + 1)
                    continue
                paragraph = self.doc.add_paragraph(style=style if first else None)
                if first and num_id is not None:
                    p_pr = paragraph._p.get_or_add_pPr()
                    num_pr = p_pr.get_or_add_numPr()
                    num_pr.get_or_add_ilvl().val = 0
                    num_pr.get_or_add_numId().val = num_id
                self.lines(paragraph, inner.lines)
                first = False

    def table(self, part: Table) -> None:
        table = self.doc.add_table(rows=1, cols=len(part.header))
        table.style = self.doc.styles["Table Grid"]
        header = table.rows[0]
        tr_pr = header._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        tr_pr.append(repeat)
        for cell, text in zip(header.cells, part.header, strict=True):
            cell.paragraphs[0].add_run(self.safe(text)).bold = True
        for values in part.rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, values, strict=True):
                cell.paragraphs[0].add_run(self.safe(text))

    def part(self, part: Part) -> None:
        doc = self.doc
        if isinstance(part, Heading):
            doc.add_heading(self.safe(part.text), level=part.level)
        elif isinstance(part, Field):
            paragraph = doc.add_paragraph()
            if part.label:
                paragraph.add_run(self.safe(part.label) + " ").bold = True
            paragraph.add_run(self.safe(part.value))
        elif isinstance(part, Blocks):
            self.blocks(part.blocks)
        elif isinstance(part, SignedBy):
            doc.add_paragraph().add_run(self.safe(part.text)).italic = True
        elif isinstance(part, Table):
            self.table(part)
        elif isinstance(part, Signature):
            paragraph = doc.add_paragraph()
            self.lines(paragraph, tuple((Run(x),) for x in part.lines))


def _fixed_zip(data: bytes, stamp: datetime) -> bytes:
    """The same archive with every entry dated ``stamp``, in the same order."""
    out = io.BytesIO()
    date_time = (stamp.year, stamp.month, stamp.day, 12, 0, 0)
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def render_docx(letter: LetterInput) -> tuple[bytes, set[str]]:
    """The DOCX's bytes and the characters it could not hold (replaced by ``�``)."""
    assert letter.letter_date is not None
    writer = _Writer(letter)
    for part in layout(letter):
        writer.part(part)
    buffer = io.BytesIO()
    writer.doc.save(buffer)
    stamp = datetime.combine(letter.letter_date, time(12))
    return _fixed_zip(buffer.getvalue(), stamp), writer.replaced
