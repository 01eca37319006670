"""What the asks say in Discord besides the answer to whoever acted, queued in the outbox in
the same unit of work as the change (bot.services.outbox): the live announcement of a new ask
(its progress, text and status kept true by edits that coalesce), a progress line after each
sign-on, re-confirmation and withdrawal, and the re-confirmation DMs after an edit."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from bot.db.models import Ask, Coalition, OutboxMessage
from bot.db.models.enums import OutboxKind
from bot.db.uow import UnitOfWork
from bot.services import outbox
from bot.services.asks.results import Recipient

TEMPLATE = "ask_announcement"


def announcement_key(ask_id: int) -> str:
    """The live post of an ask: its announcement with Sign for my city and its progress."""
    return f"ask:{ask_id}:announcement"


async def created(uow: UnitOfWork, coalition: Coalition, ask: Ask) -> tuple[int, ...]:
    """The new ask's live announcement, rendered from the database when it is sent."""
    if coalition.channel_id is None:
        return ()
    row = await outbox.post(
        uow,
        channel_id=coalition.channel_id,
        guild_id=coalition.guild_id,
        key=announcement_key(ask.id),
        template=TEMPLATE,
        data={"ask_id": ask.id},
    )
    return (row,) if row is not None else ()


async def refresh(uow: UnitOfWork, ask: Ask, *, frequent: bool = False) -> tuple[int, ...]:
    """Keep the announcement true (progress, text, open or closed) if it was ever queued, in
    the channel it went to. ``frequent`` (sign-ons and withdrawals): debounced, so a burst
    makes one edit; while the post or an edit of it still waits, that row shows this too."""
    key = announcement_key(ask.id)
    channel_id = await uow.session.scalar(
        select(OutboxMessage.channel_id)
        .where(OutboxMessage.key == key, OutboxMessage.kind == OutboxKind.POST)
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    if channel_id is None:
        return ()
    row = await outbox.edit(
        uow,
        channel_id=channel_id,
        guild_id=ask.guild_id,
        key=key,
        template=TEMPLATE,
        data={"ask_id": ask.id},
        debounce=outbox.EDIT_DEBOUNCE if frequent else None,
    )
    return (row,) if row is not None else ()


async def progress_line(
    uow: UnitOfWork,
    coalition: Coalition,
    *,
    city_name: str,
    verb: str,
    title: str,
    signed: int,
    total: int,
) -> tuple[int, ...]:
    """'Lyon signed "…". 2 of 3 member cities signed' in the coalition's channel."""
    if coalition.channel_id is None:
        return ()
    row = await outbox.post(
        uow,
        channel_id=coalition.channel_id,
        guild_id=coalition.guild_id,
        template="ask_progress",
        data={
            "city_name": city_name,
            "verb": verb,
            "title": title,
            "signed": signed,
            "total": total,
        },
    )
    return (row,) if row is not None else ()


async def reconfirmation_dms(
    uow: UnitOfWork,
    ask: Ask,
    recipients: Sequence[Recipient],
    *,
    title: str,
    old_version: int,
    diff: str,
    guild_id: int,
) -> tuple[int, ...]:
    """One DM per representative to re-confirm, with a Confirm button. A refused DM is told
    to the coordinator who edited (who asks them to run /ask sign), so it has no fallback."""
    return await outbox.dms(
        uow,
        template="ask_reconfirm",
        guild_id=guild_id,
        messages=[
            (
                rec.user_id,
                {
                    "ask_id": ask.id,
                    "city_id": rec.city_id,
                    "city_name": rec.city_name,
                    "title": title,
                    "old_version": old_version,
                    "version": ask.current_version,
                    "diff": diff,
                },
            )
            for rec in recipients
        ],
    )
