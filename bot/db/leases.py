"""Claiming work rows atomically, so that with several bot processes each row is sent once.

A row is claimable when it is ``pending`` and due, or ``sending`` with an expired lease (its
process died mid-send). The claim is one conditional UPDATE; only the process whose UPDATE
changed the row goes on to send. Reminders and webhook deliveries both use this.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession


def claimable(model: Any, now: datetime, due_column: Any) -> Any:
    return or_(
        and_(model.status == "pending", due_column <= now),
        and_(model.status == "sending", model.lease_until < now),
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
        "status": "sending",
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
        "status": "sending",
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
