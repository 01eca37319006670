"""Queueing what to say, in the unit of work of the change it reports (a rollback queues
nothing); the commit wakes the outbox worker (``OutboxQueued``)."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.db.models import OutboxMessage
from bot.db.models.enums import OutboxKind, OutboxStatus
from bot.db.uow import OutboxQueued, UnitOfWork
from bot.services.outbox._common import (
    channel_target,
    user_target,
)

# --- queueing (in the change's own unit of work) ---


async def _add(uow: UnitOfWork, values: dict[str, Any]) -> int | None:
    """Insert one row (once per ``dedupe_key``); its id, or None when it was queued before."""
    values = {
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": uow.now,
        "created_at": uow.now,
        **values,
    }
    session = uow.session
    if values.get("dedupe_key") is None:
        row = OutboxMessage(**values)
        session.add(row)
        await session.flush()
        row_id: int | None = row.id
    else:
        dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        stmt = (
            insert(OutboxMessage)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(OutboxMessage.id)
        )
        row_id = (await session.execute(stmt)).scalar_one_or_none()
    if row_id is not None:
        uow.wake(OutboxQueued())
    return row_id


async def post(
    uow: UnitOfWork,
    *,
    channel_id: int,
    template: str,
    data: dict[str, Any],
    guild_id: int | None = None,
    key: str | None = None,
    dedupe_key: str | None = None,
) -> int | None:
    """Queue a new message in a channel (a live post when ``key`` is given)."""
    return await _add(
        uow,
        {
            "guild_id": guild_id,
            "kind": OutboxKind.POST,
            "target": channel_target(channel_id),
            "channel_id": channel_id,
            "key": key,
            "template": template,
            "data": json.dumps(data, default=str),
            "dedupe_key": dedupe_key,
        },
    )


async def edit(
    uow: UnitOfWork,
    *,
    channel_id: int,
    key: str,
    template: str,
    data: dict[str, Any],
    guild_id: int | None = None,
    message_id: int | None = None,
    debounce: timedelta | None = None,
) -> int | None:
    """Queue an edit of the live post ``key`` (rendered as it is when sent).

    Coalesces: while the post itself or an edit of it still waits to be sent, that row will
    show this change too, so nothing new is queued (its id is returned). ``debounce`` (for
    frequent changes such as answers): the edit waits until that long after the post's last
    send, so a burst of changes makes one edit; a change without it brings a waiting edit
    forward to now.
    """
    session, now = uow.session, uow.now
    due = now
    if debounce is not None:
        last = await session.scalar(
            select(func.max(OutboxMessage.finished_at)).where(
                OutboxMessage.key == key, OutboxMessage.status == OutboxStatus.SENT
            )
        )
        if last is not None:
            due = max(now, last + debounce)
    waiting = (
        await session.execute(
            select(OutboxMessage.id, OutboxMessage.kind, OutboxMessage.next_attempt_at)
            .where(
                OutboxMessage.key == key,
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.kind.in_((OutboxKind.POST, OutboxKind.EDIT)),
            )
            .order_by(OutboxMessage.id)
            .limit(1)
        )
    ).first()
    if waiting is not None:
        row_id, kind, next_at = waiting
        if kind == OutboxKind.EDIT and next_at > due:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row_id, OutboxMessage.status == OutboxStatus.PENDING)
                .values(next_attempt_at=due)
                .execution_options(synchronize_session=False)
            )
            uow.wake(OutboxQueued())
        return int(row_id)
    return await _add(
        uow,
        {
            "guild_id": guild_id,
            "kind": OutboxKind.EDIT,
            "target": channel_target(channel_id),
            "channel_id": channel_id,
            "key": key,
            "template": template,
            "data": json.dumps(data, default=str),
            "message_id": message_id,
            "next_attempt_at": due,
        },
    )


async def dm(
    uow: UnitOfWork,
    *,
    user_id: int,
    template: str,
    data: dict[str, Any],
    guild_id: int | None = None,
    fallback_channel_id: int | None = None,
    dedupe_key: str | None = None,
) -> int | None:
    """Queue a direct message. With ``fallback_channel_id``, a refused DM (closed DMs) becomes
    one mention of that person in that channel (template ``dm_fallback``, same data)."""
    if fallback_channel_id is not None:
        data = {**data, "fallback_channel_id": fallback_channel_id}
    return await _add(
        uow,
        {
            "guild_id": guild_id,
            "kind": OutboxKind.DM,
            "target": user_target(user_id),
            "user_id": user_id,
            "template": template,
            "data": json.dumps(data, default=str),
            "dedupe_key": dedupe_key,
        },
    )


async def dms(
    uow: UnitOfWork,
    *,
    messages: list[tuple[int, dict[str, Any]]],
    template: str,
    guild_id: int | None = None,
) -> tuple[int, ...]:
    """Queue one DM per ``(user_id, data)`` with two statements however many there are; their
    ids, in the order given. No fallback: whoever queues them reports refusals."""
    if not messages:
        return ()
    batch = uuid.uuid4().hex[:16]
    rows = [
        {
            "guild_id": guild_id,
            "kind": OutboxKind.DM,
            "target": user_target(user_id),
            "user_id": user_id,
            "template": template,
            "data": json.dumps(data, default=str),
            "dedupe_key": f"dm:{batch}:{i:06d}",
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": uow.now,
            "created_at": uow.now,
        }
        for i, (user_id, data) in enumerate(messages)
    ]
    await uow.session.execute(insert(OutboxMessage), rows)
    ids = await uow.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.dedupe_key.like(f"dm:{batch}:%"))
        .order_by(OutboxMessage.dedupe_key)
    )
    uow.wake(OutboxQueued())
    return tuple(ids.all())
