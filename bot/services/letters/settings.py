"""/letter settings: what a coordinator sets for an ask's letter.

Two forms (Discord allows five inputs per form): *the letter's words* (subject, place,
salutation, opening and closing paragraphs) and *the signature block* (sender's name,
organisation, contact lines). The language, paper size and city order are fixed choices, so
they are options of the command, saved together with the form.

An empty field, or one left at the default text of any language, is stored as NULL: "the
default", which then follows the letter's language.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Coalition, LetterSettings
from bot.db.models.enums import SignOrder
from bot.db.uow import UnitOfWork
from bot.documents.model import LANGUAGES, Language, Paper
from bot.documents.words import (
    default_closing,
    default_opening,
    default_salutation,
    default_sender,
)
from bot.errors import InvalidInput
from bot.services.common import Actor, clean_text
from bot.services.guards import managed_ask
from bot.services.letters.results import (
    CLOSING_LEN,
    CONTACT_LEN,
    CONTACT_LINES,
    OPENING_LEN,
    ORGANISATION_LEN,
    PLACE_LEN,
    SALUTATION_LEN,
    SENDER_LEN,
    SUBJECT_LEN,
    LetterSettingsInfo,
    parse_language,
    parse_order,
    parse_paper,
)

_DOING = "change the letter's settings"


@dataclass(frozen=True, slots=True)
class Choices:
    """The settings a letter is rendered with (NULL columns resolved to their defaults)."""

    language: Language
    paper: Paper
    order: SignOrder
    print_authority: bool = False  # each city's basis in the signatories table


@dataclass(frozen=True, slots=True)
class PrintAuthorityResult:
    ask_id: int
    ask_title: str
    print_authority: bool


async def settings_row(session: AsyncSession, ask_id: int) -> LetterSettings | None:
    return await session.get(LetterSettings, ask_id)


def choices(row: LetterSettings | None) -> Choices:
    language = parse_language(row.language if row else None) or "en"
    paper = parse_paper(row.paper if row else None) or "A4"
    order = parse_order(row.sign_order if row else None)
    return Choices(language, paper, order, bool(row.print_authority) if row else False)


def _info(
    row: LetterSettings | None, ask_id: int, title: str, coalition: Coalition
) -> LetterSettingsInfo:
    c = choices(row)
    lang = c.language
    return LetterSettingsInfo(
        ask_id=ask_id,
        ask_title=title,
        subject=(row.subject if row else None) or "",
        place=(row.place if row else None) or "",
        salutation=(row.salutation if row else None) or default_salutation(lang),
        opening=(row.opening if row else None) or default_opening(coalition.name, lang),
        closing=(row.closing if row else None) or default_closing(lang),
        sender=(row.sender if row else None) or default_sender(coalition.name, lang),
        organisation=(row.organisation if row else None) or "",
        contact=(row.contact if row else None) or "",
        language=lang,
        paper=c.paper,
        order=c.order,
        customised=row is not None,
    )


async def get_settings(uow: UnitOfWork, actor: Actor, ask_id: int) -> LetterSettingsInfo:
    """For the /letter settings forms: the saved values, or the defaults."""
    session = uow.session
    ask, coalition, version = await managed_ask(session, actor, ask_id, _DOING)
    return _info(await settings_row(session, ask.id), ask.id, version.title, coalition)


def _unless_default(value: str | None, defaults: set[str]) -> str | None:
    """None for an empty value or one of the default texts: the default then follows the
    letter's language."""
    return None if value is None or value in defaults else value


def _contact(value: str | None) -> str | None:
    text = clean_text(value, field="contact", max_len=CONTACT_LEN, required=False, multiline=True)
    if text is None:
        return None
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) > CONTACT_LINES:
        raise InvalidInput(
            f"The contact has {len(lines)} lines; the limit is {CONTACT_LINES} "
            "(e-mail, phone, address). Please shorten it."
        )
    return "\n".join(lines)


async def save_settings(
    uow: UnitOfWork,
    actor: Actor,
    *,
    ask_id: int,
    subject: str | None = None,
    place: str | None = None,
    salutation: str | None = None,
    opening: str | None = None,
    closing: str | None = None,
    sender: str | None = None,
    organisation: str | None = None,
    contact: str | None = None,
    language: str | None = None,
    paper: str | None = None,
    order: str | None = None,
) -> LetterSettingsInfo:
    """Save what one form (and the command's choices) holds: a text left out (None) keeps its
    saved value, an empty one means the default; likewise None keeps the saved ``language``,
    ``paper`` and ``order``."""
    texts: dict[str, str | None] = {}
    one_line = {
        "subject": (subject, SUBJECT_LEN),
        "place": (place, PLACE_LEN),
        "salutation": (salutation, SALUTATION_LEN),
        "sender": (sender, SENDER_LEN),
        "organisation": (organisation, ORGANISATION_LEN),
    }
    field_names = {"sender": "sender line"}
    for key, (value, limit) in one_line.items():
        if value is not None:
            texts[key] = clean_text(
                value, field=field_names.get(key, key), max_len=limit, required=False
            )
    for key, value, limit in (("opening", opening, OPENING_LEN), ("closing", closing, CLOSING_LEN)):
        if value is not None:
            texts[key] = clean_text(value, field=key, max_len=limit, required=False, multiline=True)
    if contact is not None:
        texts["contact"] = _contact(contact)
    new_language = parse_language(language)
    new_paper = parse_paper(paper)
    new_order = parse_order(order) if order is not None and order.strip() else None

    session = uow.session
    ask, coalition, version = await managed_ask(session, actor, ask_id, _DOING)
    row = await settings_row(session, ask.id)
    now = uow.now
    if row is None:
        row = LetterSettings(ask_id=ask.id, updated_by=actor.user_id, updated_at=now)
        session.add(row)
    defaults = {
        "salutation": {default_salutation(lang) for lang in LANGUAGES},
        "opening": {default_opening(coalition.name, lang) for lang in LANGUAGES},
        "closing": {default_closing(lang) for lang in LANGUAGES},
        "sender": {default_sender(coalition.name, lang) for lang in LANGUAGES},
    }
    for key, value in texts.items():
        setattr(row, key, _unless_default(value, defaults.get(key, set())))
    if new_language is not None:
        row.language = new_language
    if new_paper is not None:
        row.paper = new_paper
    if new_order is not None:
        row.sign_order = new_order
    row.updated_by, row.updated_at = actor.user_id, now
    await session.flush()
    return _info(row, ask.id, version.title, coalition)


async def set_print_authority(
    uow: UnitOfWork, actor: Actor, *, ask_id: int, on: bool
) -> PrintAuthorityResult:
    """Print (or stop printing) each city's proof of authority (the council resolution or
    mayoral decision it signed under) in the letter's signatories table."""
    session = uow.session
    ask, _coalition, version = await managed_ask(session, actor, ask_id, _DOING)
    row = await settings_row(session, ask.id)
    now = uow.now
    if row is None:
        row = LetterSettings(ask_id=ask.id, updated_by=actor.user_id, updated_at=now)
        session.add(row)
    row.print_authority = bool(on)
    row.updated_by, row.updated_at = actor.user_id, now
    await session.flush()
    return PrintAuthorityResult(ask.id, version.title, row.print_authority)
