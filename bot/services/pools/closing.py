"""Closing a pool: by a coordinator (/pool close) or at its deadline (the ``pool_close``
reminder, bot.services.reminders._pool_kind), exactly once either way.

The close itself is one conditional UPDATE (``status='open'`` → ``closed``): whoever changes
the row closes the pool; a second close (another process, a restart that replays the
reminder, a coordinator at the same moment) changes nothing and says nothing. With the close
go, in the same transaction, the edit of the pool's announcement (its Pledge button removed,
the result shown), the closing post (outbox, once per pool) and the ``pool_closed`` webhook
event; the pool's pending reminders are cancelled.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Coalition, Pool, Reminder
from bot.db.models.enums import PoolStatus, ReminderStatus
from bot.db.uow import RemindersChanged, UnitOfWork
from bot.errors import Conflict
from bot.services import events, outbox
from bot.services.common import Actor
from bot.services.permissions import ensure_not_archived, require_coalition_manager
from bot.services.pools import _notices
from bot.services.pools._announcing import refresh_announcement
from bot.services.pools._records import get_pool, info, live_pledges
from bot.services.pools.creating import pool_key_prefix
from bot.services.pools.results import CloseResult

EVENT = "pool_closed"


def closed_key(pool_id: int) -> str:
    """The closing post's outbox dedupe key: one post per pool, whatever replays."""
    return f"pool:{pool_id}:closed"


async def close_pool(uow: UnitOfWork, actor: Actor, pool_id: int) -> CloseResult:
    """/pool close: coordinators of the pool's coalition and admins."""
    session = uow.session
    pool, coalition = await get_pool(session, actor, pool_id, lock="update")
    ensure_not_archived(coalition)
    await require_coalition_manager(session, actor, coalition, "close its pools")
    closed = await _close(uow, pool, coalition, by=actor.user_id, at=uow.now)
    if closed is None:
        raise Conflict(f'The pool "{pool.item}" is already closed. See it with /pool show.')
    return closed


async def close_at_deadline(uow: UnitOfWork, pool_id: int, deadline_epoch: int) -> str:
    """The ``pool_close`` reminder fell due: close the pool if it is still open with this
    deadline. Returns what happened, for the reminder's record."""
    session = uow.session
    await session.execute(select(Pool.id).where(Pool.id == pool_id).with_for_update())
    row = (
        await session.execute(
            select(Pool, Coalition)
            .join(Coalition, Coalition.id == Pool.coalition_id)
            .where(Pool.id == pool_id)
            .execution_options(populate_existing=True)
        )
    ).first()
    if row is None:
        return "pool vanished"
    pool, coalition = row
    if pool.status != PoolStatus.OPEN:
        return "pool already closed"
    if pool.deadline is None or int(pool.deadline.timestamp()) != deadline_epoch:
        return "deadline changed"
    if pool.deadline > uow.now:
        return "not due yet"
    # Pledges stopped at the deadline: that is when it closed, even if the bot was down then.
    closed = await _close(uow, pool, coalition, by=None, at=pool.deadline)
    return "pool already closed" if closed is None else "closed the pool at its deadline"


async def _close(
    uow: UnitOfWork, pool: Pool, coalition: Coalition, *, by: int | None, at: datetime
) -> CloseResult | None:
    """Close ``pool`` if it is open (None when it was not: someone else closed it)."""
    session = uow.session
    changed = (
        await session.execute(
            update(Pool)
            .where(Pool.id == pool.id, Pool.status == PoolStatus.OPEN)
            .values(status=PoolStatus.CLOSED, closed_at=at, closed_by=by)
            .returning(Pool.id)
            .execution_options(synchronize_session=False)
        )
    ).first()
    if changed is None:
        return None
    pool.status, pool.closed_at, pool.closed_by = PoolStatus.CLOSED, at, by
    await _cancel_reminders(session, pool.id)
    uow.wake(RemindersChanged())
    pledges = await live_pledges(session, pool.id)
    total = sum(p.quantity for p in pledges)
    closed = info(pool, coalition)
    sent = await events.emit(uow, coalition, EVENT, _payload(pool, pledges, total, by))
    await refresh_announcement(uow, pool)
    queued: tuple[int, ...] = ()
    if coalition.channel_id is not None:
        row = await outbox.post(
            uow,
            channel_id=coalition.channel_id,
            guild_id=pool.guild_id,
            template="text",
            data={"content": _notices.closed_post(closed, pledges, total)},
            dedupe_key=closed_key(pool.id),
        )
        queued = (row,) if row is not None else ()
    return CloseResult(closed, total, len(pledges), sent, queued)


async def _cancel_reminders(session: AsyncSession, pool_id: int) -> None:
    await session.execute(
        update(Reminder)
        .where(
            Reminder.dedupe_key.startswith(pool_key_prefix(pool_id), autoescape=True),
            Reminder.status == ReminderStatus.PENDING,
        )
        .values(status=ReminderStatus.CANCELLED, detail="pool closed")
        .execution_options(synchronize_session=False)
    )


def _payload(pool: Pool, pledges: list[Any], total: int, by: int | None) -> dict[str, Any]:
    return {
        "pool": {
            "id": str(pool.id),
            "item": pool.item,
            "unit": pool.unit,
            "status": pool.status,
            "deadline": events.iso(pool.deadline),
            "closed_at": events.iso(pool.closed_at),
            "closed_by": None if by is None else str(by),
            "closed_automatically": by is None,
        },
        "total": total,
        "cities": len(pledges),
        "pledges": [
            {
                "city": {"id": str(p.city_id), "name": p.city_name, "country": p.country},
                "quantity": p.quantity,
                "note": p.note,
                "pledged_by": str(p.user_id),
                "pledged_at": events.iso(p.pledged_at),
            }
            for p in pledges
        ],
    }
