"""A letter as a file: the live letter rendered from the database, or a frozen version.

Markdown renders in the event loop (it is quick); PDF and Word render in a worker thread, so a
letter of a thousand cities does not stall the bot while its pages are laid out.
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Ask, AskVersion, Coalition, LetterSettings, LetterVersion
from bot.documents.letter import letter_filename, render
from bot.documents.model import Format, LetterInput, Signatory, from_json
from bot.documents.words import default_sender
from bot.errors import Conflict, UserFacingError
from bot.services.letters.results import SHORT_HASH, LetterFile, parse_order
from bot.services.letters.settings import choices, settings_row
from bot.services.letters.signatories import letter_signatories


def sha256(content: bytes | str) -> str:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return hashlib.sha256(data).hexdigest()


def _signature_lines(row: LetterSettings | None) -> tuple[str, ...]:
    """The signature block under the closing: organisation, then the contact lines (the
    sender's name is LetterInput.sender)."""
    if row is None:
        return ()
    lines = [row.organisation] if row.organisation else []
    lines += (row.contact or "").split("\n")
    return tuple(line for line in lines if line.strip())


async def live_input(
    session: AsyncSession,
    ask: Ask,
    coalition: Coalition,
    version: AskVersion,
    *,
    order: str | None,
    today: date,
) -> LetterInput:
    """The letter's content as it stands (``order`` None: the order in the settings): a fixed
    number of queries whatever the number of cities."""
    row = await settings_row(session, ask.id)
    chosen = choices(row)
    signatories: list[Signatory] = await letter_signatories(session, ask)
    lines = _signature_lines(row)
    sender = row.sender if row else None
    if sender is None and lines:
        # An organisation or contact lines under the default sender, not instead of it.
        sender = default_sender(coalition.name, chosen.language)
    return LetterInput(
        title=version.title,
        target=version.target,
        ask_text=version.body,
        coalition=coalition.name,
        opening=row.opening if row else None,
        closing=row.closing if row else None,
        sender=sender,
        signatories=tuple(signatories),
        subject=row.subject if row else None,
        place=row.place if row else None,
        salutation=row.salutation if row else None,
        signature_lines=lines,
        language=chosen.language,
        paper=chosen.paper,
        letter_date=today,
        order=parse_order(order) if order else chosen.order,
        print_authority=chosen.print_authority,
    )


async def render_bytes(letter: LetterInput, fmt: Format) -> bytes:
    if fmt == "md":
        return render(letter, fmt)
    return await asyncio.to_thread(render, letter, fmt)


async def render_file(
    letter: LetterInput,
    fmt: Format,
    *,
    ask_id: int,
    version: int | None = None,
    created_at: datetime | None = None,
) -> LetterFile:
    assert letter.letter_date is not None
    content = await render_bytes(letter, fmt)
    return LetterFile(
        ask_id=ask_id,
        ask_title=letter.title,
        filename=letter_filename(letter.title, letter.letter_date, version=version, fmt=fmt),
        content=content,
        sha256=sha256(content),
        signatory_count=len(letter.signatories),
        order=letter.order,
        version=version,
        created_at=created_at,
        format=fmt,
        language=letter.language,
    )


def _tampered(row: LetterVersion, digest: str) -> UserFacingError:
    return UserFacingError(
        f"The stored text of version {row.number} no longer matches its sha256 "
        f"({digest[:SHORT_HASH]}); it has been altered in the database. "
        "Tell the person who runs the bot; export a newer version meanwhile."
    )


async def frozen_file(row: LetterVersion, title: str, fmt: Format = "md") -> LetterFile:
    """A finalised version in ``fmt``: its stored Markdown bytes, or PDF/Word rendered from
    its stored content; refused if either no longer matches its sha256."""
    content = row.content.encode("utf-8")
    if sha256(content) != row.content_sha256:
        raise _tampered(row, row.content_sha256)
    letter: LetterInput | None = None
    if row.input_json is not None:
        if row.input_sha256 is None or sha256(row.input_json) != row.input_sha256:
            raise _tampered(row, row.input_sha256 or "")
        letter = from_json(row.input_json)
    if fmt != "md":
        if letter is None:
            raise Conflict(
                f"Version {row.number} was finalised before PDF and Word exports existed, so "
                "only its Markdown was frozen. Export it as Markdown, or finalise a new "
                "version (/letter finalise) to have it in every format."
            )
        content = await render_bytes(letter, fmt)
    return LetterFile(
        ask_id=row.ask_id,
        ask_title=title,
        filename=letter_filename(title, row.created_at.date(), version=row.number, fmt=fmt),
        content=content,
        sha256=sha256(content),
        signatory_count=row.signatory_count,
        order=row.sign_order,
        version=row.number,
        created_at=row.created_at,
        format=fmt,
        language=letter.language if letter is not None else "en",
    )
