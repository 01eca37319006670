"""The letter as PDF with fpdf2 (pure Python): A4 or Letter, the shipped DejaVu Sans font
(Latin, Latin Extended, Greek, Cyrillic), the date block, the ask, each statement under its
city, the signatories' table breaking across pages with its header repeated, page numbers, and
an outline (bookmarks) of the letter's own headings.

Deterministic: the creation date is the letter's date, the file id a hash of the content.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time

from fpdf import FPDF, FontFace
from fpdf.enums import TableCellFillMode
from fpdf.fonts import TTFFont

from bot.documents.glyphs import FAMILY, FONT_DIR, FONT_FILES, GlyphFilter
from bot.documents.layout import Blocks, Field, Heading, Part, Signature, SignedBy, Table, layout
from bot.documents.markup import Block, ListBlock, Paragraph, Run, one_line
from bot.documents.model import LetterInput
from bot.documents.words import words

BODY = 10.5  # points
LINE = 5.2  # millimetres
HEADING_SIZES = {1: 17.0, 2: 13.5, 3: 11.5}
LIST_INDENT = 6.0
TABLE_WIDTHS = (24, 20, 24, 20, 16)  # relative column widths
TABLE_WIDTHS_WITH_BASIS = (20, 15, 20, 17, 13, 27)  # with the Basis column (a setting)
CREATOR = "coalition-bot"
CELL_LIMIT = 300  # characters: a row of five such cells still fits on one page
PAGES_ALIAS = "{total-pages}"  # replaced by the page count; as wide as 5 digits or more


def _style(run: Run) -> str:
    return ("B" if run.strong else "") + ("I" if run.emphasis else "")


def _fit(text: str) -> str:
    """A table row cannot break across pages: a cell longer than any real name or title is
    cut, visibly (its full text is in the statement heading or the Markdown)."""
    return text if len(text) <= CELL_LIMIT else text[: CELL_LIMIT - 1].rstrip() + "…"


class _Pdf(FPDF):
    def __init__(self, paper: str, page_label: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format=paper.lower())
        self._page_label = page_label

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FAMILY, "", 8.5)
        label = self._page_label.replace("{page}", str(self.page_no()))
        self.cell(0, 8, label.replace("{pages}", PAGES_ALIAS), align="C")


class _Writer:
    def __init__(self, letter: LetterInput) -> None:
        assert letter.letter_date is not None
        self.safe = GlyphFilter()
        self._widths: dict[str, dict[str, float]] = {}
        pdf = _Pdf(letter.paper, words(letter.language).page)
        for style, name in FONT_FILES.items():
            pdf.add_font(FAMILY, style, str(FONT_DIR / name))
        pdf.set_margins(22, 20, 22)
        pdf.set_auto_page_break(True, margin=20)
        pdf.set_creation_date(datetime.combine(letter.letter_date, time(12), tzinfo=UTC))
        pdf.alias_nb_pages(PAGES_ALIAS)
        pdf.set_creator(CREATOR)
        pdf.set_producer(CREATOR)
        pdf.set_lang(letter.language)
        pdf.set_title(self.safe(one_line(letter.title)) or words(letter.language).letter)
        pdf.add_page()
        pdf.set_font(FAMILY, "", BODY)
        self.pdf = pdf

    def gap(self, mm: float) -> None:
        if self.pdf.get_y() > self.pdf.t_margin + 0.1:
            self.pdf.ln(mm)

    def _width(self, style: str, size: float, word: str) -> float:
        """A word's width in points, cached per style and size."""
        key = f"{style}{size}"
        widths = self._widths.setdefault(key, {})
        w = widths.get(word)
        if w is None:
            font = self.pdf.fonts[FAMILY.lower() + style]
            assert isinstance(font, TTFFont)
            cw = font.cw
            w = widths[word] = sum(cw[ord(c)] for c in word) * size * 0.001
        return w

    def _lines(self, runs: Sequence[tuple[str, str]], size: float) -> list[list[tuple[str, str]]]:
        """Greedy word wrap of styled runs ``(style, text)`` within the current margins; a word
        wider than the line is cut between characters. fpdf2's own line breaking re-measures
        the line for every character, far too slow for 4,000-character statements."""
        pdf = self.pdf
        room = (pdf.w - pdf.l_margin - pdf.r_margin) * pdf.k - 0.5
        if len(runs) == 1:
            style = runs[0][0]
            return [[(style, x)] for x in self._wrap_one(style, runs[0][1], size, room)]
        lines: list[list[tuple[str, str]]] = []
        line: list[tuple[str, str]] = []
        used = 0.0
        pending: tuple[str, float] | None = None  # a space before the next word

        def flush() -> None:
            nonlocal line, used, pending
            lines.append(line)
            line, used, pending = [], 0.0, None

        for style, text in runs:
            for i, word in enumerate(self.safe(text).split(" ")):
                if i:
                    pending = (style, self._width(style, size, " ")) if line else None
                if not word:
                    continue
                w = self._width(style, size, word)
                space = pending[1] if pending else 0.0
                if line and used + space + w > room:
                    flush()
                    space = 0.0
                if w > room:  # cut the word
                    piece, pw = "", used
                    for c in word:
                        cw = self._width(style, size, c)
                        if (piece or line) and pw + cw > room:
                            if piece:
                                line.append((style, piece))
                            flush()
                            piece, pw = "", 0.0
                        piece += c
                        pw += cw
                    line.append((style, piece))
                    used = pw
                    pending = None
                    continue
                if pending and line:
                    line.append((pending[0], " "))
                line.append((style, word))
                used += space + w
                pending = None
        if line or not lines:
            lines.append(line)
        return lines

    def _wrap_one(self, style: str, text: str, size: float, room: float) -> list[str]:
        """:meth:`_lines` for one run of one style (most of a letter), on plain strings."""
        space = self._width(style, size, " ")
        lines: list[str] = []
        current: list[str] = []
        used = 0.0
        for word in self.safe(text).split():
            w = self._width(style, size, word)
            if current and used + space + w <= room:
                current.append(word)
                used += space + w
                continue
            if current:
                lines.append(" ".join(current))
            if w <= room:
                current, used = [word], w
                continue
            piece, used = "", 0.0
            for c in word:
                cw = self._width(style, size, c)
                if piece and used + cw > room:
                    lines.append(piece)
                    piece, used = "", 0.0
                piece += c
                used += cw
            current = [piece]
        if current or not lines:
            lines.append(" ".join(current))
        return lines

    def text(
        self, runs: Sequence[tuple[str, str]], size: float = BODY, height: float = LINE
    ) -> None:
        """Styled runs set from the left margin, wrapped, one cell per run piece."""
        pdf = self.pdf
        for line in self._lines(runs, size):
            pdf.set_x(pdf.l_margin)
            merged: list[tuple[str, str]] = []
            for style, piece in line:
                if merged and merged[-1][0] == style:
                    merged[-1] = (style, merged[-1][1] + piece)
                else:
                    merged.append((style, piece))
            for style, piece in merged:
                pdf.set_font(FAMILY, style, size)
                width = self._width(style, size, piece) / pdf.k
                pdf.cell(width + 0.01, height, piece)
            pdf.ln(height)
        pdf.set_font(FAMILY, "", BODY)

    def heading(self, part: Heading) -> None:
        pdf = self.pdf
        self.gap({1: 0.0, 2: 5.0, 3: 3.0}[part.level])
        if pdf.will_page_break(LINE * 3):
            pdf.add_page()
        pdf.start_section(self.safe(part.text), level=part.level - 1)
        size = HEADING_SIZES[part.level]
        self.text([("B", part.text)], size, size * 0.5)
        pdf.ln(1.5)

    def field(self, part: Field) -> None:
        runs = [("B", part.label + " ")] if part.label else []
        self.text([*runs, ("", part.value)])
        self.pdf.ln(0.8)

    def paragraph(self, p: Paragraph) -> None:
        for line in p.lines:
            self.text([(_style(r), r.text) for r in line])
        self.pdf.ln(1.8)

    def list_block(self, block: ListBlock) -> None:
        pdf = self.pdf
        margin = pdf.l_margin
        for i, item in enumerate(block.items):
            marker = f"{block.start + i}." if block.ordered else "•"
            pdf.set_font(FAMILY, "", BODY)
            width = max(LIST_INDENT, pdf.get_string_width(marker) + 2.5)
            pdf.set_x(margin)
            if pdf.will_page_break(LINE):
                pdf.add_page()
            top = (pdf.page, pdf.get_y())
            pdf.cell(width, LINE, marker)
            pdf.set_left_margin(margin + width)
            pdf.set_xy(margin + width, top[1])
            self.blocks(item, tight=True)
            if (pdf.page, pdf.get_y()) == top:
                pdf.ln(LINE)
            pdf.set_left_margin(margin)
        pdf.set_x(margin)
        pdf.ln(1.8)

    def blocks(self, blocks: tuple[Block, ...], tight: bool = False) -> None:
        for block in blocks:
            if isinstance(block, Paragraph):
                if tight:
                    for line in block.lines:
                        self.text([(_style(r), r.text) for r in line])
                else:
                    self.paragraph(block)
            else:
                self.list_block(block)

    def signed_by(self, part: SignedBy) -> None:
        self.text([("I", part.text)])
        self.pdf.ln(1.8)

    def table(self, part: Table) -> None:
        pdf = self.pdf
        pdf.set_font(FAMILY, "", 9)
        with pdf.table(
            col_widths=TABLE_WIDTHS if len(part.header) == 5 else TABLE_WIDTHS_WITH_BASIS,
            line_height=4.6,
            text_align="LEFT",
            headings_style=FontFace(emphasis="BOLD", fill_color=(228, 232, 238)),
            cell_fill_color=(247, 248, 250),
            cell_fill_mode=TableCellFillMode.ROWS,
            repeat_headings=1,
        ) as table:
            header = table.row()
            for text in part.header:
                header.cell(self.safe(text))
            for values in part.rows:
                row = table.row()
                for text in values:
                    row.cell(self.safe(_fit(text)))
        pdf.set_font(FAMILY, "", BODY)
        pdf.ln(4)

    def signature(self, part: Signature) -> None:
        self.gap(3)
        for line in part.lines:
            self.text([("", line)])

    def part(self, part: Part) -> None:
        if isinstance(part, Heading):
            self.heading(part)
        elif isinstance(part, Field):
            self.field(part)
        elif isinstance(part, Blocks):
            self.blocks(part.blocks)
        elif isinstance(part, SignedBy):
            self.signed_by(part)
        elif isinstance(part, Table):
            self.table(part)
        else:
            self.signature(part)


def render_pdf(letter: LetterInput) -> tuple[bytes, set[str]]:
    """The PDF's bytes and the characters the font could not draw (replaced or dropped)."""
    parts = layout(letter)
    writer = _Writer(letter)
    for part in parts:
        writer.part(part)
    return bytes(writer.pdf.output()), writer.safe.replaced
