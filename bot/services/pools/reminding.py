"""Before a pool's deadline (the ``pool_deadline`` reminders, 7 days and 1 day before): a DM
to each coordinator with the state of the pool, and a nudge by DM to the verified
representatives of member cities that have not pledged, as for asks' deadlines. Each is
queued through the outbox once per pool, offset and person (a replayed reminder queues
nothing twice); a refused DM becomes a mention in the coalition's channel."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from bot.db.models import Coalition, Coordinator, Pool, Representative
from bot.db.models.enums import MembershipStatus, PoolStatus, RepresentativeStatus
from bot.db.uow import UnitOfWork
from bot.services import outbox
from bot.services.lookups import current_memberships
from bot.services.pools import _notices
from bot.services.pools.queries import pool_view


def _dedupe(pool_id: int, label: str, who: str, user_id: int) -> str:
    return f"pool:{pool_id}:{label}:{who}{user_id}"


async def remind_before_deadline(
    uow: UnitOfWork, pool_id: int, deadline_epoch: int, label: str
) -> str:
    """Queue the coordinators' reminder and the nudges; returns what happened."""
    session = uow.session
    row = (
        await session.execute(
            select(Pool, Coalition)
            .join(Coalition, Coalition.id == Pool.coalition_id)
            .where(Pool.id == pool_id)
        )
    ).first()
    if row is None:
        return "pool vanished"
    pool, coalition = row
    if pool.status != PoolStatus.OPEN:
        return "pool closed"
    if pool.deadline is None or int(pool.deadline.timestamp()) != deadline_epoch:
        return "deadline changed"
    if pool.deadline <= uow.now:
        return "the deadline had already passed"
    view = await pool_view(uow, pool, coalition)
    coordinators = (
        await session.scalars(
            select(Coordinator.user_id)
            .where(Coordinator.coalition_id == coalition.id, Coordinator.removed_at.is_(None))
            .order_by(Coordinator.added_at, Coordinator.id)
        )
    ).all()
    queued = 0
    summary = _notices.coordinator_reminder(
        view.pool, label, view.total, view.cities, view.not_pledged
    )
    for user_id in coordinators:
        queued += await _dm(
            uow, pool, coalition, user_id, summary, _dedupe(pool.id, label, "c", user_id)
        )
    pledged = {p.city_id for p in view.pledges}
    for user_id, city_names in (await _nudged(uow, pool, coalition, pledged)).items():
        text = _notices.nudge(view.pool, label, city_names)
        queued += await _dm(
            uow, pool, coalition, user_id, text, _dedupe(pool.id, label, "n", user_id)
        )
    return f"queued {queued} messages"


async def _nudged(
    uow: UnitOfWork, pool: Pool, coalition: Coalition, pledged: set[int]
) -> dict[int, list[str]]:
    """Verified representatives of the active member cities without a live pledge, with
    those cities (one DM per person, naming each of their cities)."""
    waiting = {
        c.id: c.name
        for m, c in await current_memberships(uow.session, coalition.id)
        if m.status == MembershipStatus.ACTIVE and c.id not in pledged
    }
    if not waiting:
        return {}
    rows = await uow.session.execute(
        select(Representative.user_id, Representative.city_id)
        .where(
            Representative.guild_id == pool.guild_id,
            Representative.city_id.in_(list(waiting)),
            Representative.status == RepresentativeStatus.VERIFIED,
            Representative.ended_at.is_(None),
        )
        .order_by(Representative.user_id, Representative.id)
    )
    out: dict[int, list[str]] = defaultdict(list)
    for user_id, city_id in rows:
        out[user_id].append(waiting[city_id])
    return dict(out)


async def _dm(
    uow: UnitOfWork, pool: Pool, coalition: Coalition, user_id: int, text: str, key: str
) -> int:
    row = await outbox.dm(
        uow,
        user_id=user_id,
        template="text",
        data={"content": text},
        guild_id=pool.guild_id,
        fallback_channel_id=coalition.channel_id,
        dedupe_key=key,
    )
    return 0 if row is None else 1
