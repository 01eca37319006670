"""Issue 15: the letter's settings, PDF and Word exports, frozen content, what is missing,
and signatories with names (never placeholders), through the services on both backends."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from docx import Document
from docx.table import Table
from pypdf import PdfReader
from sqlalchemy import update

from bot.db.models import LetterVersion
from bot.errors import Conflict, InvalidInput, UserFacingError
from bot.services import asks, letters, statements
from tests.conftest import both_backends
from tests.seed import sign_on
from tests.services.letters.conftest import (
    COORD,
    REP_GRENOBLE,
    REP_LYON,
    TODAY,
    World,
)

pytestmark = both_backends
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def docx_text(content: bytes) -> str:
    """Paragraphs and table cells in document order."""
    parts: list[str] = []
    for block in Document(io.BytesIO(content)).iter_inner_content():
        if isinstance(block, Table):
            parts += [cell.text for row in block.rows for cell in row.cells]
        else:
            parts.append(block.text)
    return "\n".join(parts)


def text_of(file: letters.LetterFile) -> str:
    if file.format == "pdf":
        return pdf_text(file.content)
    if file.format == "docx":
        return docx_text(file.content)
    return file.text


async def export(w: World, **kw: Any) -> letters.LetterFile:
    return await w(letters.export, COORD, ask_id=w.ask, **({"today": TODAY} | kw))


async def save(w: World, **kw: Any) -> letters.LetterSettingsInfo:
    return await w(letters.save_settings, COORD, ask_id=w.ask, **kw)


# --- settings ---


async def test_every_setting_reaches_every_format(letter_world: World) -> None:
    w = letter_world
    saved = await save(
        w,
        subject="Joint request on car-free centres",
        place="Lyon",
        salutation="Monsieur le Préfet,",
        opening="Nous vous écrivons ensemble.",
        closing="Veuillez agréer nos salutations.",
        sender="Claire Dupont",
        organisation="Secrétariat de Rhône Climate",
        contact="climat@example.org\n+33 4 00 00 00 00\n\n1 place de la Comédie, Lyon",
        language="fr",
        paper="Letter",
        order="population",
    )
    assert (saved.language, saved.paper, saved.order) == ("fr", "Letter", "population")
    assert saved.contact == "climat@example.org\n+33 4 00 00 00 00\n1 place de la Comédie, Lyon"
    for fmt in ("md", "pdf", "docx"):
        file = await export(w, fmt=fmt)
        assert (file.format, file.language) == (fmt, "fr")
        assert file.filename == f"car-free-city-centres-by-2030-2026-11-28.{fmt}"
        text = text_of(file)
        for words in (
            "Joint request on car-free centres",
            "Lyon, 28 novembre 2026",
            "Monsieur le Préfet,",
            "Nous vous écrivons ensemble.",
            "Veuillez agréer nos salutations.",
            "Claire Dupont",
            "Secrétariat de Rhône Climate",
            "climat@example.org",
            "1 place de la Comédie, Lyon",
        ):
            assert words in text, (fmt, words)
        # population order in the signatories table: Lyon, Zürich, Grenoble, Annecy
        table = text[text.rindex("Signataires") : text.rindex("Veuillez agréer")]
        spots = [table.index(city) for city in ("Lyon", "Zürich", "Grenoble", "Annecy")]
        assert spots == sorted(spots), fmt
    assert PdfReader(io.BytesIO((await export(w, fmt="pdf")).content)).pages[0].mediabox.width == (
        pytest.approx(612, abs=1)
    )


async def test_defaults_follow_the_language_and_read_well(letter_world: World) -> None:
    w = letter_world
    shown = await w(letters.get_settings, COORD, w.ask)
    assert not shown.customised and shown.language == "en" and shown.paper == "A4"
    assert "Rhône Climate" in shown.opening and shown.subject == "" and shown.place == ""
    # Submitting the form as pre-filled (English defaults), in French: the defaults stay
    # defaults, so the letter speaks French, not English text kept by accident.
    again = await save(
        w,
        salutation=shown.salutation,
        opening=shown.opening,
        closing=shown.closing,
        sender=shown.sender,
        language="fr",
    )
    assert again.opening != shown.opening and again.salutation == "Madame, Monsieur,"
    text = (await export(w)).text
    assert "28 novembre 2026" in text and shown.opening not in text
    assert "Les villes membres de Rhône Climate" in text


async def test_settings_are_validated(world: World) -> None:
    for kw, message in [
        ({"contact": "\n".join(f"line {i}" for i in range(7))}, "7 lines; the limit is 6"),
        ({"place": "a\nb"}, "place must fit on one line"),
        ({"subject": "s" * 201}, "the limit is 200"),
        ({"language": "klingon"}, "choose the letter's language"),
        ({"paper": "A3"}, 'choose the paper size: "A4" or "Letter"'),
        ({"order": "random"}, "choose an order"),
    ]:
        with pytest.raises(InvalidInput, match=message):
            await world(letters.save_settings, COORD, ask_id=world.ask, **kw)


async def test_one_form_keeps_what_the_other_saved(world: World) -> None:
    w = world
    await save(w, sender="Claire Dupont", organisation="Secretariat", language="de")
    await save(w, opening="Sehr geehrte Frau Präfektin,", place="Lyon")
    shown = await w(letters.get_settings, COORD, w.ask)
    assert (shown.sender, shown.organisation, shown.language, shown.place) == (
        "Claire Dupont",
        "Secretariat",
        "de",
        "Lyon",
    )
    await save(w, organisation="", contact="")  # the signature form, emptied
    shown = await w(letters.get_settings, COORD, w.ask)
    assert (shown.organisation, shown.sender, shown.opening) == (
        "",
        "Claire Dupont",
        "Sehr geehrte Frau Präfektin,",
    )


async def test_the_settings_order_is_the_default_order(letter_world: World) -> None:
    w = letter_world
    await save(w, order="signing_date")
    file = await export(w)
    assert file.order == "signing_date"
    assert (
        file.text.index("| Grenoble |")
        < file.text.index("| Zürich |")
        < file.text.index("| Lyon |")
    )
    assert (await export(w, order="alphabetical")).order == "alphabetical"
    assert (await w(letters.finalise, COORD, ask_id=w.ask, now=NOW)).order == "signing_date"


# --- formats ---


async def test_pdf_and_docx_are_real_files_of_the_same_letter(letter_world: World) -> None:
    w = letter_world
    pdf = await export(w, fmt="pdf")
    docx = await export(w, fmt="docx")
    assert pdf.content.startswith(b"%PDF-") and docx.content.startswith(b"PK")
    assert (await export(w, fmt="word")).content == docx.content
    with pytest.raises(InvalidInput, match='choose a format: "markdown", "pdf" or "docx"'):
        await export(w, fmt="odt")
    for file in (pdf, docx):
        text = text_of(file)
        for words in ("Léa Martin", "Zürich unterstützt diese Forderung.", "Paul Dubois"):
            assert words in text


async def test_a_finalised_version_is_the_same_bytes_a_day_later_in_every_format(
    letter_world: World,
) -> None:
    w = letter_world
    await save(w, language="de", place="Zürich")
    v1 = await w(letters.finalise, COORD, ask_id=w.ask, now=NOW)
    first = {fmt: await export(w, version=1, fmt=fmt) for fmt in ("md", "pdf", "docx")}
    assert first["md"].content == v1.content
    # A day later, after the settings, a statement and the signatures changed:
    await save(w, language="en", place="Genève", paper="Letter")
    await w(asks.withdraw, REP_LYON, ask_id=w.ask, reason="Council changed its mind")
    for fmt, earlier in first.items():
        later = await export(w, version=1, fmt=fmt, today=TODAY + timedelta(days=1))
        assert later.content == earlier.content, fmt
        assert later.filename == f"car-free-city-centres-by-2030-v1-2026-11-28.{fmt}"
        text = text_of(later)
        assert "Zürich, 28. November 2026" in text and "Léa Martin" in text, fmt
        assert "Genève" not in text, fmt
    listed = await w(letters.versions, COORD, w.ask)
    assert [v.all_formats for v in listed] == [True]


async def test_a_version_finalised_before_pdf_keeps_its_markdown(letter_world: World) -> None:
    w = letter_world
    v1 = await w(letters.finalise, COORD, ask_id=w.ask, now=NOW)
    async with w.uow() as uow:
        await uow.session.execute(update(LetterVersion).values(input_json=None, input_sha256=None))
    assert (await export(w, version=1)).content == v1.content
    with pytest.raises(Conflict, match="finalised before PDF and Word exports existed"):
        await export(w, version=1, fmt="pdf")
    assert [v.all_formats for v in await w(letters.versions, COORD, w.ask)] == [False]
    # A new version, with the same words, is allowed: it adds every format.
    v2 = await w(letters.finalise, COORD, ask_id=w.ask, now=NOW)
    assert v2.version == 2 and (await export(w, version=2, fmt="docx")).content


async def test_altered_frozen_content_is_refused(letter_world: World) -> None:
    w = letter_world
    await w(letters.finalise, COORD, ask_id=w.ask, now=NOW)
    async with w.uow() as uow:
        row = (await uow.session.execute(LetterVersion.__table__.select())).one()
        forged = row.input_json.replace("Léa Martin", "Someone Else")
        await uow.session.execute(update(LetterVersion).values(input_json=forged))
    with pytest.raises(UserFacingError, match="no longer matches its sha256"):
        await export(w, version=1, fmt="pdf")


async def test_too_large_names_the_shell_command_with_the_format(letter_world: World) -> None:
    file = await export(letter_world, fmt="pdf")
    with pytest.raises(letters.LetterTooLarge) as refused:
        letters.ensure_uploadable(file, 1000)
    assert (
        f"python -m bot letter export --ask {letter_world.ask} --format pdf -o letter.pdf"
        in refused.value.message
    )


# --- names, never placeholders; what is missing ---


async def test_preview_lists_what_is_missing_and_who_can_fix_it(letter_world: World) -> None:
    w = letter_world
    result = await w(letters.preview, COORD, ask_id=w.ask, today=TODAY)
    by_city = {m.city_name: m for m in result.missing}
    assert set(by_city) == {"Grenoble", "Zürich"}
    grenoble, zurich = by_city["Grenoble"], by_city["Zürich"]
    assert (grenoble.statement, grenoble.name, grenoble.title) == (True, True, True)
    assert grenoble.representatives == (REP_GRENOBLE.user_id,)
    assert (zurich.statement, zurich.name, zurich.title) == (False, False, True)
    assert "Representative of" not in result.file.text


async def test_a_signatory_without_a_name_is_listed_by_title_and_city(world: World) -> None:
    w = world
    await w(sign_on, REP_LYON, ask_id=w.ask)
    text = (await export(w)).text
    assert "Deputy Mayor for Climate, Lyon" in text or "| Deputy Mayor for Climate |" in text
    assert "Representative of" not in text
    for fmt in ("pdf", "docx"):
        assert "Representative of" not in text_of(await export(w, fmt=fmt))


async def test_a_name_printed_before_is_used_without_a_statement(world: World) -> None:
    w = world
    await w(sign_on, REP_LYON, ask_id=w.ask)
    await w(
        statements.submit,
        REP_LYON,
        ask_id=w.ask,
        city_id=None,
        body="Yes.",
        signatory_name="Léa Martin",
        signatory_title="Deputy Mayor",
    )
    prompt = await w(statements.prepare_submit, REP_LYON, ask_id=w.ask)
    assert (prompt.signatory_name, prompt.signatory_title) == ("Léa Martin", "Deputy Mayor")
    await w(statements.withdraw, REP_LYON, ask_id=w.ask)
    prompt = await w(statements.prepare_submit, REP_LYON, ask_id=w.ask)
    # Withdrawn: nothing of it is used, the verified title comes back.
    assert (prompt.signatory_name, prompt.signatory_title) == (None, "Deputy Mayor for Climate")
    await w(
        statements.submit,
        REP_LYON,
        ask_id=w.ask,
        city_id=None,
        body="Yes again.",
        signatory_name="Léa Martin",
    )
    await w(statements.withdraw, REP_LYON, ask_id=w.ask)
    assert "Léa Martin" not in (await export(w)).text
    new_ask = await w(
        asks.create_ask, COORD, coalition_id=w.rhone, title="Bike lanes", target="T", text="B"
    )
    await w(
        statements.submit,
        REP_LYON,
        ask_id=new_ask.id,
        city_id=None,
        body="Bikes!",
        signatory_name="Léa Martin",
        signatory_title="Maire adjointe",
    )
    # Signed the first ask without a statement: the name she printed on the other is hers.
    text = (await export(w)).text
    assert "| Lyon | France | Léa Martin | Deputy Mayor for Climate |" in text
    prompt = await w(statements.prepare_submit, REP_LYON, ask_id=w.ask)
    assert (prompt.signatory_name, prompt.signatory_title) == (
        "Léa Martin",
        "Deputy Mayor for Climate",
    )
