"""Every format says the same thing: the sample letter in English and French, read back from
Markdown (CommonMark), PDF (pypdf) and DOCX (python-docx), has the same words, cities, names,
statements and order; goldens hold the Markdown bytes and what each format reads back as.
UPDATE_GOLDEN=1 rewrites the golden files (review the diff)."""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from bot.documents import from_json, render, render_with_report, to_json
from bot.documents.glyphs import covered
from tests.documents import readback
from tests.documents.sample import LETTER_DATE, big, sample

GOLDEN = Path(__file__).parent / "golden"

# What a reader must find, in this order, in every format.
EXPECTED = {
    "en": [
        "Car-free city centres by 2030",
        "Lyon, 2 December 2026",
        "To:",
        "Prefect of the Auvergne-Rhône-Alpes region",
        "Subject:",
        "Car-free centres in our region",
        "Dear Sir or Madam,",
        "We, the undersigned cities, members of the Rhône Climate,",
        "Our ask",
        "We ask the Prefect to:",
        "support car-free centres",
        "fund safe bike lanes",
        "By 2030:",
        "close through traffic",
        "open the squares",
        "# not a heading, <b>no html</b>",
        "Position statements",
        "Zürich (Schweiz)",
        "Zürich unterstützt diese Forderung.",
        "- no list here",
        "— Anna Müller",
        "Łódź (Polska)",
        "Łódź popiera ten apel.",
        "To jest druga linia.",
        "— Hanna Zdanowska, Mayor",
        "Θεσσαλονίκη (Κεντρική Μακεδονία, Ελλάδα)",
        "Η Θεσσαλονίκη υποστηρίζει.",
        "— Δήμαρχος, Θεσσαλονίκη",
        "Київ (Україна)",
        "Київ підтримує цей заклик.",
        "— Віталій Кличко",
        "Signatories",
        "5 cities have signed this letter.",
        "City",
        "Country",
        "Representative",
        "Title",
        "Signed on",
        "Göteborg",
        "Sverige",
        "Kommunalråd",
        "5 Oct 2026",
        "Zürich",
        "Anna Müller",
        "Łódź",
        "Hanna Zdanowska",
        "3 Oct 2026",
        "Θεσσαλονίκη",
        "Δήμαρχος",
        "Київ",
        "Віталій Кличко",
        "7 Oct 2026",
        "We would welcome the opportunity to discuss this with you. Yours sincerely,",
        "Léa Martin",
        "Rhône Climate coalition",
        "contact@example.org · +33 4 00 00 00 00",
    ],
    "fr": [
        "Car-free city centres by 2030",
        "Lyon, 2 décembre 2026",
        "À :",
        "Objet :",
        "Madame, Monsieur,",
        "Nous, villes soussignées, membres de Rhône Climate,",
        "Notre demande",
        "support car-free centres",
        "Prises de position",
        "Łódź (Polska)",
        "— Hanna Zdanowska, Mayor",
        "— Δήμαρχος, Θεσσαλονίκη",
        "Signataires",
        "5 villes ont signé cette lettre.",
        "Ville",
        "Pays",
        "Représentant·e",
        "Fonction",
        "Signé le",
        "Göteborg",
        "5 oct. 2026",
        "Zürich",
        "Київ",
        "7 oct. 2026",
        "Veuillez agréer, Madame, Monsieur, l'expression de notre haute considération.",
        "Léa Martin",
    ],
}


def readable(fmt: str, content: bytes) -> str:
    if fmt == "md":
        return readback.md_text(content.decode())
    if fmt == "pdf":
        return "\n".join(readback.pdf_pages(content))
    return readback.docx(content).text


def golden(name: str, data: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
    assert path.exists(), f"no golden {name}: run with UPDATE_GOLDEN=1 and review it"
    assert data.decode() == path.read_bytes().decode(), f"differs from golden/{name}"


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("fmt", ["md", "pdf", "docx"])
def test_every_format_says_the_same_in_the_same_order(fmt: str, language: str) -> None:
    content = render(sample(language), fmt)  # type: ignore[arg-type]
    text = readable(fmt, content)
    readback.in_order(text, EXPECTED[language])
    if fmt == "md":
        golden(f"sample_{language}.md", content)
    else:
        golden(f"sample_{language}.{fmt}.txt", (text.strip() + "\n").encode())
    assert "Representative of" not in text and "\ufffd" not in text


@pytest.mark.parametrize("fmt", ["md", "pdf", "docx"])
def test_same_letter_same_bytes(fmt: str) -> None:
    letter = sample("fr")
    first = render(letter, fmt)  # type: ignore[arg-type]
    assert render(from_json(to_json(letter)), fmt) == first  # type: ignore[arg-type]
    assert render(replace(letter, letter_date=LETTER_DATE.replace(day=3)), fmt) != first  # type: ignore[arg-type]


def test_documents_are_dated_from_the_letter_not_the_clock() -> None:
    letter = sample()
    reader = PdfReader(io.BytesIO(render(letter, "pdf")))
    created = reader.metadata.creation_date if reader.metadata else None
    assert created is not None and created.date() == LETTER_DATE
    docx = render(letter, "docx")
    props = Document(io.BytesIO(docx)).core_properties
    assert props.created is not None and props.created.date() == LETTER_DATE
    assert props.modified is not None and props.modified.date() == LETTER_DATE
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        assert {i.date_time[:3] for i in archive.infolist()} == {(2026, 12, 2)}


@pytest.mark.parametrize(("paper", "size"), [("A4", (595, 842)), ("Letter", (612, 792))])
def test_paper_size(paper: str, size: tuple[int, int]) -> None:
    reader = PdfReader(io.BytesIO(render(sample(paper=paper), "pdf")))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size
    section = Document(io.BytesIO(render(sample(paper=paper), "docx"))).sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.pt), round(section.page_height.pt)) == size


def test_pdf_draws_every_script_with_the_shipped_font() -> None:
    result = render_with_report(sample(), "pdf")
    assert result.replaced == ()
    reader = PdfReader(io.BytesIO(result.content))
    fonts = {
        str(f["/BaseFont"])
        for page in reader.pages
        for f in page["/Resources"]["/Font"].values()  # type: ignore[union-attr]
        for f in [f.get_object()]
    }
    assert fonts and all("DejaVu" in f for f in fonts)
    for name in ("Łódź", "Zürich", "Göteborg", "Θεσσαλονίκη", "Київ"):
        assert set(name) <= covered()


def test_pdf_outline_has_the_letters_headings_only() -> None:
    outline = readback.pdf_outline(render(sample(), "pdf"))
    assert outline == [
        (0, "Car-free city centres by 2030"),
        (1, "Our ask"),
        (1, "Position statements"),
        (2, "Zürich (Schweiz)"),
        (2, "Łódź (Polska)"),
        (2, "Θεσσαλονίκη (Κεντρική Μακεδονία, Ελλάδα)"),
        (2, "Київ (Україна)"),
        (1, "Signatories"),
    ]


def test_pdf_table_breaks_across_pages_with_its_header_and_page_numbers() -> None:
    pages = readback.pdf_pages(render(big(120), "pdf"))
    n = len(pages)
    assert n > 3
    for i, text in enumerate(pages, start=1):
        assert f"Page {i} of {n}" in text
    table_pages = [t for t in pages if "Signed on" in t or "Oct 2026" in t]
    assert len(table_pages) >= 2, "the table runs over more than one page"
    rows_pages = [t for t in pages if t.count("Oct 2026") > 0]
    for text in rows_pages:
        assert "City Country Representative Title Signed on" in " ".join(text.split())
    all_rows = sum(t.count("Oct 2026") for t in pages)
    assert all_rows == 120


def test_docx_has_real_headings_lists_and_a_table() -> None:
    doc = readback.docx(render(sample(), "docx"))
    headings = [(style, text) for style, text in doc.paragraphs if style.startswith("Heading")]
    assert headings == [
        ("Heading 1", "Car-free city centres by 2030"),
        ("Heading 2", "Our ask"),
        ("Heading 2", "Position statements"),
        ("Heading 3", "Zürich (Schweiz)"),
        ("Heading 3", "Łódź (Polska)"),
        ("Heading 3", "Θεσσαλονίκη (Κεντρική Μακεδονία, Ελλάδα)"),
        ("Heading 3", "Київ (Україна)"),
        ("Heading 2", "Signatories"),
    ]
    lists = [(style, text) for style, text in doc.paragraphs if style.startswith("List")]
    assert lists == [
        ("List Bullet", "support car-free centres"),
        ("List Bullet", "fund safe bike lanes"),
        ("List Number", "close through traffic"),
        ("List Number", "open the squares"),
    ]
    assert len(doc.tables) == 1 and doc.header_repeats == [True]
    table = doc.tables[0]
    assert table[0] == ["City", "Country", "Representative", "Title", "Signed on"]
    assert [row[0] for row in table[1:]] == ["Göteborg", "Zürich", "Łódź", "Θεσσαλονίκη", "Київ"]
    assert table[1] == ["Göteborg", "Sverige", "—", "Kommunalråd", "5 Oct 2026"]
    assert table[4] == ["Θεσσαλονίκη", "Ελλάδα", "—", "Δήμαρχος", "6 Oct 2026"]
    # Line breaks inside a statement are breaks inside one paragraph, not new paragraphs.
    assert ("Normal", "Łódź popiera ten apel.\nTo jest druga linia.") in doc.paragraphs


def test_docx_emphasis_and_numbered_lists_restart() -> None:
    letter = replace(sample(), ask_text="1. one\n2. two\n\ntext\n\n7. seven\n\n**bold** *it*")
    document = Document(io.BytesIO(render(letter, "docx")))
    numbered = [
        p for p in document.paragraphs if p.style is not None and p.style.name == "List Number"
    ]
    ids = [p._p.pPr.numPr.numId.val for p in numbered]  # type: ignore[union-attr]
    assert ids[0] == ids[1] != ids[2], "the second list restarts its numbering"
    numbering = document.part.numbering_part.element
    start = numbering.num_having_numId(ids[2]).xpath(".//w:startOverride/@w:val")
    assert start == ["7"]
    runs = next(p for p in document.paragraphs if p.text == "bold it").runs
    assert [(r.text, bool(r.bold), bool(r.italic)) for r in runs] == [
        ("bold", True, False),
        (" ", False, False),
        ("it", False, True),
    ]


def test_signatory_without_name_is_listed_by_title_and_city() -> None:
    for fmt in ("md", "pdf", "docx"):
        text = readable(fmt, render(sample(), fmt))  # type: ignore[arg-type]
        assert "— Δήμαρχος, Θεσσαλονίκη" in text


def test_big_letter_renders_and_counts_with_the_language_numbers() -> None:
    text = readback.md_text(render(big(1001, "fr"), "md").decode())
    assert "1\u202f001 villes ont signé cette lettre." in text
    assert datetime(2026, 1, 1, tzinfo=UTC)  # the sample's dates are fixed, not today's
