"""Claiming work rows atomically, so that with several bot processes each row is sent once.

A row is claimable when it is ``pending`` and due, or ``sending`` with an expired lease (its
process died mid-send). The claim is one conditional UPDATE; only the process whose UPDATE
changed the row goes on to send. Reminders and webhook deliveries both use this.

A claimed row is sent only while its lease holds: right before each send the sender renews
the lease (``renew``), and sends nothing when that fails. A batch slower than the lease thus
never sends a row that another process has claimed meanwhile.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models.enums import LeaseStatus


def claimable(model: Any, now: datetime, due_column: Any) -> Any:
    return or_(
        and_(model.status == LeaseStatus.PENDING, due_column <= now),
        and_(model.status == LeaseStatus.SENDING, model.lease_until < now),
    )


async def claim_one(
    session: AsyncSession,
    model: Any,
    row_id: int,
    *,
    now: datetime,
    lease: timedelta,
    owner: str,
    due_column: Any,
    extra: dict[str, Any] | None = None,
) -> bool:
    """Claim one row by id; True only for the one process that changed it."""
    values: dict[str, Any] = {
        "status": LeaseStatus.SENDING,
        "lease_until": now + lease,
        "attempts": model.attempts + 1,
        **(extra or {}),
    }
    if hasattr(model, "claimed_by"):
        values["claimed_by"] = owner
    result = await session.execute(
        update(model)
        .where(model.id == row_id, claimable(model, now, due_column))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return (result.rowcount or 0) == 1  # type: ignore[attr-defined]


async def claim_due(
    session: AsyncSession,
    model: Any,
    *,
    now: datetime,
    lease: timedelta,
    owner: str,
    due_column: Any,
    limit: int = 100,
) -> list[int]:
    """Claim up to ``limit`` due rows at once; returns the ids this process now holds.

    On PostgreSQL the candidates are locked with SKIP LOCKED so concurrent claimers split the
    work instead of waiting; on SQLite the write lock taken at BEGIN IMMEDIATE serialises them.
    """
    candidates = (
        select(model.id)
        .where(claimable(model, now, due_column))
        .order_by(due_column, model.id)
        .limit(limit)
    )
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    # A MATERIALIZED CTE is evaluated once. Written as ``id IN (subquery)``, PostgreSQL may
    # re-run the LIMITed subquery while updating and claim far more than ``limit`` rows.
    picked = candidates.cte("picked").prefix_with("MATERIALIZED", dialect="postgresql")
    values: dict[str, Any] = {
        "status": LeaseStatus.SENDING,
        "lease_until": now + lease,
        "attempts": model.attempts + 1,
    }
    if hasattr(model, "claimed_by"):
        values["claimed_by"] = owner
    result = await session.execute(
        update(model)
        .where(model.id.in_(select(picked.c.id)), claimable(model, now, due_column))
        .values(**values)
        .returning(model.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(result.scalars().all())


async def renew(
    session: AsyncSession,
    model: Any,
    row_id: int,
    *,
    now: datetime,
    lease: timedelta,
    owner: str | None = None,
    held_until: datetime | None = None,
) -> datetime | None:
    """Extend a lease this process still holds, right before it sends; the new expiry, or
    None when the row is no longer ours to send.

    Held means: still ``sending``, the lease not run out (once it has, the row is back in the
    pool and another process may have claimed it, or may claim it any moment), and still
    claimed by ``owner`` (reminders) or still carrying the expiry this process set
    (``held_until``, the fencing token of webhook deliveries). The check and the extension
    are one conditional UPDATE, so a concurrent claim either sees the extended lease or has
    already made this UPDATE match nothing.
    """
    conditions = [model.id == row_id, model.status == LeaseStatus.SENDING, model.lease_until > now]
    if owner is not None:
        conditions.append(model.claimed_by == owner)
    if held_until is not None:
        conditions.append(model.lease_until == held_until)
    until = now + lease
    result = await session.execute(
        update(model)
        .where(*conditions)
        .values(lease_until=until)
        .execution_options(synchronize_session=False)
    )
    return until if (result.rowcount or 0) == 1 else None  # type: ignore[attr-defined]
