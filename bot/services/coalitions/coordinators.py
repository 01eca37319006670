"""A coalition's coordinators: /coalition coordinators add and remove."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.db.models import Coordinator
from bot.db.uow import UnitOfWork
from bot.errors import Conflict, NotFound
from bot.services.coalitions._queries import coordinator_ids
from bot.services.coalitions.results import CoordinatorResult
from bot.services.common import Actor
from bot.services.guards import managed_coalition


async def add_coordinator(
    uow: UnitOfWork, actor: Actor, *, coalition_id: int, user_id: int
) -> CoordinatorResult:
    session = uow.session
    coalition = await managed_coalition(
        session, actor, coalition_id, "add coordinators", lock="update"
    )
    current = await coordinator_ids(uow, coalition.id)
    if user_id in current:
        raise Conflict(f"That member is already a coordinator of {coalition.name}.")
    try:
        async with session.begin_nested():
            session.add(
                Coordinator(
                    coalition_id=coalition.id,
                    user_id=user_id,
                    added_by=actor.user_id,
                    added_at=uow.now,
                )
            )
            await session.flush()
    except IntegrityError:
        raise Conflict(f"That member is already a coordinator of {coalition.name}.") from None
    return CoordinatorResult(coalition.id, coalition.name, user_id, [*current, user_id])


async def remove_coordinator(
    uow: UnitOfWork, actor: Actor, *, coalition_id: int, user_id: int
) -> CoordinatorResult:
    session = uow.session
    # The row lock makes "not the last one" hold when two removals race (PostgreSQL).
    coalition = await managed_coalition(
        session, actor, coalition_id, "remove coordinators", lock="update"
    )
    rows = (
        await session.scalars(
            select(Coordinator).where(
                Coordinator.coalition_id == coalition.id, Coordinator.removed_at.is_(None)
            )
        )
    ).all()
    target = next((r for r in rows if r.user_id == user_id), None)
    if target is None:
        raise NotFound(f"That member is not a coordinator of {coalition.name}.")
    if len(rows) == 1:
        raise Conflict(
            f"That member is the last coordinator of {coalition.name}, and a coalition needs at "
            "least one. Add another coordinator first (/coalition coordinators add)."
        )
    target.removed_at = uow.now
    target.removed_by = actor.user_id
    await session.flush()
    remaining = [
        r.user_id for r in sorted(rows, key=lambda r: (r.added_at, r.id)) if r is not target
    ]
    return CoordinatorResult(coalition.id, coalition.name, user_id, remaining)
