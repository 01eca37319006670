"""/letter settings: the opening and closing paragraphs and the sender line of a letter."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import LetterSettings
from bot.db.uow import UnitOfWork
from bot.documents.letter import default_closing, default_opening, default_sender
from bot.services.common import Actor, clean_text
from bot.services.letters._access import managed_ask
from bot.services.letters.results import (
    CLOSING_LEN,
    OPENING_LEN,
    SENDER_LEN,
    LetterSettingsInfo,
)

_DOING = "change the letter's settings"


async def settings_row(session: AsyncSession, ask_id: int) -> LetterSettings | None:
    return await session.get(LetterSettings, ask_id)


async def get_settings(uow: UnitOfWork, actor: Actor, ask_id: int) -> LetterSettingsInfo:
    """For the /letter settings modal: the saved values, or the defaults."""
    session = uow.session
    ask, coalition, version = await managed_ask(session, actor, ask_id, _DOING)
    row = await settings_row(session, ask.id)
    return LetterSettingsInfo(
        ask_id=ask.id,
        ask_title=version.title,
        opening=(row.opening if row else None) or default_opening(coalition.name),
        closing=(row.closing if row else None) or default_closing(),
        sender=(row.sender if row else None) or default_sender(coalition.name),
        customised=row is not None,
    )


async def save_settings(
    uow: UnitOfWork,
    actor: Actor,
    *,
    ask_id: int,
    opening: str | None,
    closing: str | None,
    sender: str | None,
) -> LetterSettingsInfo:
    """Save the opening and closing paragraphs and the sender line. An empty value means the
    default text."""
    opening = clean_text(
        opening, field="opening", max_len=OPENING_LEN, required=False, multiline=True
    )
    closing = clean_text(
        closing, field="closing", max_len=CLOSING_LEN, required=False, multiline=True
    )
    sender = clean_text(sender, field="sender line", max_len=SENDER_LEN, required=False)
    session = uow.session
    ask, coalition, version = await managed_ask(session, actor, ask_id, _DOING)
    row = await settings_row(session, ask.id)
    now = uow.now
    if row is None:
        row = LetterSettings(ask_id=ask.id, updated_by=actor.user_id, updated_at=now)
        session.add(row)
    row.opening, row.closing, row.sender = opening, closing, sender
    row.updated_by, row.updated_at = actor.user_id, now
    await session.flush()
    return LetterSettingsInfo(
        ask_id=ask.id,
        ask_title=version.title,
        opening=opening or default_opening(coalition.name),
        closing=closing or default_closing(),
        sender=sender or default_sender(coalition.name),
        customised=True,
    )
