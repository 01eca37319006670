"""The outbox worker's side: claiming rows (the oldest unsent per channel or recipient, under
a lease), loading them, and recording how their sending went; and the backlog."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from bot.db.leases import claimable, renew
from bot.db.models import Action, OutboxMessage
from bot.db.models.enums import LeaseStatus, OutboxKind, OutboxStatus
from bot.db.uow import UnitOfWork
from bot.services.outbox._common import (
    DM_FALLBACK,
    UNSENT,
    backoff,
    nonce_for,
)
from bot.services.outbox.queueing import post

# --- the worker's side ---


@dataclass(frozen=True, slots=True)
class Envelope:
    """One claimed row, as the Discord side needs it to render and send."""

    id: int
    kind: str
    template: str
    data: dict[str, Any]
    channel_id: int | None
    user_id: int | None
    message_id: int | None  # an edit: the message to edit
    key: str | None
    nonce: str


@dataclass(frozen=True, slots=True)
class Backlog:
    """Messages not sent yet, and how long the oldest has waited."""

    size: int
    oldest_at: datetime | None
    gave_up: int  # given up in the last day (visible to admins)

    def oldest_age(self, now: datetime) -> timedelta | None:
        return None if self.oldest_at is None else now - self.oldest_at


def _head_of_target(now: datetime) -> Any:
    """No older unsent row for the same channel or recipient, except an edit waiting on
    purpose (debounced, never tried yet): a new post need not wait for an update of an older
    message. A row waiting after a failure does hold back the rows behind it."""
    older = aliased(OutboxMessage)
    return ~exists().where(
        older.target == OutboxMessage.target,
        older.id < OutboxMessage.id,
        older.status.in_(UNSENT),
        ~and_(
            older.kind == OutboxKind.EDIT,
            older.attempts == 0,
            older.next_attempt_at > now,
        ),
    )


async def claim_due(uow: UnitOfWork, *, owner: str, lease: timedelta, limit: int = 20) -> list[int]:
    """Claim due rows, at most one per channel or recipient (the oldest unsent one)."""
    session, now = uow.session, uow.now
    candidates = (
        select(OutboxMessage.id)
        .where(claimable(OutboxMessage, now, OutboxMessage.next_attempt_at), _head_of_target(now))
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    postgres = session.bind is not None and session.bind.dialect.name == "postgresql"
    if postgres:
        candidates = candidates.with_for_update(skip_locked=True)
    picked = candidates.cte("picked").prefix_with("MATERIALIZED", dialect="postgresql")
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(select(picked.c.id)),
            claimable(OutboxMessage, now, OutboxMessage.next_attempt_at),
        )
        .values(
            status=LeaseStatus.SENDING,
            lease_until=now + lease,
            attempts=OutboxMessage.attempts + 1,
            claimed_by=owner,
        )
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(result.scalars().all())


async def hold(uow: UnitOfWork, row_id: int, *, owner: str, lease: timedelta) -> bool:
    """Renew the lease right before sending; False when the row is no longer ours."""
    until = await renew(uow.session, OutboxMessage, row_id, now=uow.now, lease=lease, owner=owner)
    return until is not None


async def load(uow: UnitOfWork, row_id: int) -> Envelope | str:
    """The claimed row to send, or why it cannot be sent (an edit of a post that never
    appeared)."""
    row = await uow.session.get(OutboxMessage, row_id)
    if row is None:
        return "gone"
    message_id = row.message_id
    if row.kind == OutboxKind.EDIT and message_id is None:
        message_id = await uow.session.scalar(
            select(OutboxMessage.message_id)
            .where(
                OutboxMessage.key == row.key,
                OutboxMessage.kind == OutboxKind.POST,
                OutboxMessage.status == OutboxStatus.SENT,
            )
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        )
        if message_id is None:
            return "the post to edit was never sent"
    return Envelope(
        id=row.id,
        kind=row.kind,
        template=row.template,
        data=json.loads(row.data),
        channel_id=row.channel_id,
        user_id=row.user_id,
        message_id=message_id,
        key=row.key,
        nonce=nonce_for(row.id),
    )


def _held(row_id: int, owner: str) -> tuple[Any, ...]:
    return (
        OutboxMessage.id == row_id,
        OutboxMessage.status == OutboxStatus.SENDING,
        OutboxMessage.claimed_by == owner,
    )


async def mark_sent(
    uow: UnitOfWork, row_id: int, *, owner: str, message_id: int | None = None
) -> bool:
    """Sent. A live post remembers its message (its edits and, for an action, the action)."""
    values: dict[str, Any] = {
        "status": OutboxStatus.SENT,
        "finished_at": uow.now,
        "lease_until": None,
        "last_error": None,
    }
    if message_id is not None:
        values["message_id"] = message_id
    result = await uow.session.execute(
        update(OutboxMessage)
        .where(*_held(row_id, owner))
        .values(**values)
        .returning(OutboxMessage.key, OutboxMessage.kind, OutboxMessage.channel_id)
        .execution_options(synchronize_session=False)
    )
    row = result.first()
    if row is None:
        return False
    key, kind, channel_id = row
    if kind == OutboxKind.POST and key and message_id is not None:
        parts = key.split(":")
        if len(parts) == 3 and parts[0] == "action" and parts[2] == "announcement":
            await uow.session.execute(
                update(Action)
                .where(Action.id == int(parts[1]))
                .values(announcement_channel_id=channel_id, announcement_message_id=message_id)
                .execution_options(synchronize_session=False)
            )
    return True


async def mark_undeliverable(
    uow: UnitOfWork, row_id: int, *, owner: str, error: str, dm_refused: bool = False
) -> int | None:
    """Never retried. A refused DM with a fallback channel queues one mention there: the id
    of that row, else None."""
    row = await uow.session.get(OutboxMessage, row_id)
    result = await uow.session.execute(
        update(OutboxMessage)
        .where(*_held(row_id, owner))
        .values(
            status=OutboxStatus.UNDELIVERABLE,
            finished_at=uow.now,
            lease_until=None,
            last_error=error[:2000],
        )
        .execution_options(synchronize_session=False)
    )
    if (result.rowcount or 0) != 1 or row is None:  # type: ignore[attr-defined]
        return None
    data = json.loads(row.data)
    fallback = data.get("fallback_channel_id")
    if not (dm_refused and row.kind == OutboxKind.DM and fallback):
        return None
    return await post(
        uow,
        channel_id=int(fallback),
        template=DM_FALLBACK,
        data={**data, "user_id": row.user_id, "template": row.template},
        guild_id=row.guild_id,
        dedupe_key=f"fallback:{row.id}",
    )


async def retry_later(
    uow: UnitOfWork, row_id: int, *, owner: str, error: str, give_up_after: timedelta
) -> OutboxStatus | None:
    """A passing failure: back to pending with a backoff, or ``gave_up`` once it has been
    failing for ``give_up_after``. None when the row was no longer ours."""
    row = await uow.session.get(OutboxMessage, row_id)
    if row is None:
        return None
    gave_up = uow.now - row.created_at >= give_up_after
    status = OutboxStatus.GAVE_UP if gave_up else OutboxStatus.PENDING
    result = await uow.session.execute(
        update(OutboxMessage)
        .where(*_held(row_id, owner))
        .values(
            status=status,
            next_attempt_at=uow.now + backoff(row.attempts),
            lease_until=None,
            last_error=error[:2000],
            finished_at=uow.now if gave_up else None,
        )
        .execution_options(synchronize_session=False)
    )
    return status if (result.rowcount or 0) == 1 else None  # type: ignore[attr-defined]


async def next_attempt(uow: UnitOfWork) -> datetime | None:
    """When the earliest waiting row falls due (to arm an alarm)."""
    return await uow.session.scalar(
        select(func.min(OutboxMessage.next_attempt_at)).where(
            OutboxMessage.status == OutboxStatus.PENDING
        )
    )


async def states(uow: UnitOfWork, ids: tuple[int, ...]) -> dict[int, tuple[str, str | None]]:
    """Status and last error of some rows (the cog that queued them reports on them)."""
    if not ids:
        return {}
    rows = await uow.session.execute(
        select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.last_error).where(
            OutboxMessage.id.in_(ids)
        )
    )
    return {row_id: (status, error) for row_id, status, error in rows.all()}


async def backlog(uow: UnitOfWork, *, guild_id: int | None = None) -> Backlog:
    """The unsent rows (of one server, or all), their oldest, and those given up in a day."""
    where: list[ColumnElement[bool]] = [OutboxMessage.status.in_(UNSENT)]
    gave_up_where: list[ColumnElement[bool]] = [
        OutboxMessage.status == OutboxStatus.GAVE_UP,
        OutboxMessage.finished_at >= uow.now - timedelta(days=1),
    ]
    if guild_id is not None:
        where.append(OutboxMessage.guild_id == guild_id)
        gave_up_where.append(OutboxMessage.guild_id == guild_id)
    size, oldest = (
        await uow.session.execute(
            select(func.count(OutboxMessage.id), func.min(OutboxMessage.created_at)).where(
                and_(*where)
            )
        )
    ).one()
    gave_up = await uow.session.scalar(
        select(func.count(OutboxMessage.id)).where(and_(*gave_up_where))
    )
    return Backlog(int(size or 0), oldest, int(gave_up or 0))
