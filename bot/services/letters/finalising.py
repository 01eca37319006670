"""Finalised versions: /letter finalise freezes the letter with its sha256; /letter versions."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import LetterVersion
from bot.db.uow import UnitOfWork
from bot.documents.model import to_json
from bot.errors import Conflict
from bot.services import events
from bot.services.common import Actor
from bot.services.guards import managed_ask
from bot.services.letters._access import require_reader
from bot.services.letters._rendering import frozen_file, live_input, render_file, sha256
from bot.services.letters.results import LetterFile, LetterVersionInfo, parse_order
from bot.services.lookups import get_ask


async def version_row(session: AsyncSession, ask_id: int, number: int) -> LetterVersion | None:
    return await session.scalar(
        select(LetterVersion).where(LetterVersion.ask_id == ask_id, LetterVersion.number == number)
    )


async def finalise(
    uow: UnitOfWork,
    actor: Actor,
    *,
    ask_id: int,
    order: str | None = None,
    now: datetime | None = None,
) -> LetterFile:
    """/letter finalise: freeze the letter as it is now (``uow.now`` unless ``now`` is given)
    as version n+1: its Markdown and its content (for PDF and Word), each with its sha256,
    dated the day it is finalised. ``order`` None: the order in the settings."""
    if order is not None:
        order = parse_order(order)
    now = now if now is not None else uow.now
    session = uow.session
    ask, coalition, ask_version = await managed_ask(
        session, actor, ask_id, "finalise its letter", lock="update"
    )
    letter = await live_input(
        session, ask, coalition, ask_version, order=order, today=now.astimezone(UTC).date()
    )
    file = await render_file(letter, "md", ask_id=ask.id)
    content_json = to_json(letter)
    json_sha = sha256(content_json)
    if not letter.signatories:
        raise Conflict(
            f'No city has signed the current version of "{ask_version.title}" yet, so there is '
            "no letter to finalise."
        )
    last = await session.scalar(
        select(LetterVersion)
        .where(LetterVersion.ask_id == ask.id)
        .order_by(LetterVersion.number.desc())
        .limit(1)
    )
    # The same content again is refused; after a version frozen as Markdown only (before PDF
    # and Word existed), the same words may be finalised again to have them in every format.
    if last is not None and last.input_sha256 == json_sha:
        raise Conflict(
            f"Version {last.number} already has exactly this text (sha256 "
            f"{file.short_hash}). Export it with /letter export and version {last.number}."
        )
    row = LetterVersion(
        ask_id=ask.id,
        number=(last.number if last else 0) + 1,
        ask_version=ask.current_version,
        sign_order=letter.order,
        content=file.text,
        content_sha256=file.sha256,
        input_json=content_json,
        input_sha256=json_sha,
        signatory_count=file.signatory_count,
        created_by=actor.user_id,
        created_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        raise Conflict(
            "Someone finalised this letter at the same moment. See /letter versions."
        ) from None
    frozen = await frozen_file(row, ask_version.title)
    await events.emit(
        uow,
        coalition,
        "letter_finalised",
        {
            "ask_id": str(ask.id),
            "ask_title": ask_version.title,
            "ask_version": ask.current_version,
            "letter_version": row.number,
            "sha256": row.content_sha256,
            "signatory_count": row.signatory_count,
            "order": letter.order,
            "filename": frozen.filename,
            "finalised_by": str(actor.user_id),
            "finalised_at": now,
        },
    )
    return frozen


async def versions(uow: UnitOfWork, actor: Actor, ask_id: int) -> list[LetterVersionInfo]:
    """/letter versions: every finalised version, oldest first (no letter text is loaded)."""
    session = uow.session
    ask, coalition, _ = await get_ask(session, actor, ask_id)
    await require_reader(session, actor, coalition)
    rows = await session.execute(
        select(
            LetterVersion.number,
            LetterVersion.created_at,
            LetterVersion.created_by,
            LetterVersion.signatory_count,
            LetterVersion.content_sha256,
            LetterVersion.sign_order,
            LetterVersion.ask_version,
            LetterVersion.input_json.is_not(None),
        )
        .where(LetterVersion.ask_id == ask.id)
        .order_by(LetterVersion.number)
    )
    return [LetterVersionInfo(*row) for row in rows]
