"""A letter as a file: the live letter rendered from the database, or a frozen version."""

from __future__ import annotations

import hashlib
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Ask, AskVersion, Coalition, LetterVersion
from bot.documents.letter import LetterInput, Signatory, letter_filename, render_letter, to_bytes
from bot.errors import UserFacingError
from bot.services.letters.results import SHORT_HASH, LetterFile
from bot.services.letters.settings import settings_row
from bot.services.letters.signatories import letter_signatories


async def render_live(
    session: AsyncSession,
    ask: Ask,
    coalition: Coalition,
    version: AskVersion,
    *,
    order: str,
    today: date,
) -> tuple[LetterFile, list[Signatory]]:
    """The letter as it stands: a fixed number of queries whatever the number of cities."""
    settings = await settings_row(session, ask.id)
    signatories = await letter_signatories(session, ask)
    letter = LetterInput(
        title=version.title,
        target=version.target,
        ask_text=version.body,
        coalition=coalition.name,
        opening=settings.opening if settings else None,
        closing=settings.closing if settings else None,
        sender=settings.sender if settings else None,
        signatories=tuple(signatories),
    )
    content = to_bytes(render_letter(letter, order=order, today=today))
    file = LetterFile(
        ask_id=ask.id,
        ask_title=version.title,
        filename=letter_filename(version.title, today),
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        signatory_count=len(signatories),
        order=order,
        version=None,
        created_at=None,
    )
    return file, signatories


def frozen_file(row: LetterVersion, title: str) -> LetterFile:
    """The stored bytes of a finalised version, refused if they no longer match their sha256."""
    content = row.content.encode("utf-8")
    digest = hashlib.sha256(content).hexdigest()
    if digest != row.content_sha256:
        raise UserFacingError(
            f"The stored text of version {row.number} no longer matches its sha256 "
            f"({row.content_sha256[:SHORT_HASH]}); it has been altered in the database. "
            "Tell the person who runs the bot; export a newer version meanwhile."
        )
    return LetterFile(
        ask_id=row.ask_id,
        ask_title=title,
        filename=letter_filename(title, row.created_at.date(), version=row.number),
        content=content,
        sha256=digest,
        signatory_count=row.signatory_count,
        order=row.sign_order,
        version=row.number,
        created_at=row.created_at,
    )
