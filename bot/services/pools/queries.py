"""Reading pools: /pool show (anyone in the server), the rows /pool export needs
(coordinators and admins), and the pool option's suggestions."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Coalition, Pool
from bot.db.models.enums import MembershipStatus, PoolStatus
from bot.db.uow import UnitOfWork
from bot.services.autocomplete import Choice
from bot.services.common import Actor, fold
from bot.services.lookups import current_memberships
from bot.services.permissions import require_coalition_manager
from bot.services.pools._records import get_pool, info, live_pledges
from bot.services.pools.results import PoolView

SUGGESTIONS = 25
LABEL_LEN = 100


async def pool_view(uow: UnitOfWork, pool: Pool, coalition: Coalition) -> PoolView:
    pledges = await live_pledges(uow.session, pool.id)
    pledged = {p.city_id for p in pledges}
    members = await current_memberships(uow.session, coalition.id)
    not_pledged = [
        c.name for m, c in members if m.status == MembershipStatus.ACTIVE and c.id not in pledged
    ]
    total = sum(p.quantity for p in pledges)
    return PoolView(info(pool, coalition), pledges, total, not_pledged)


async def show_pool(uow: UnitOfWork, actor: Actor, pool_id: int) -> PoolView:
    """The total, the number of cities and each city's quantity; anyone in the server."""
    pool, coalition = await get_pool(uow.session, actor, pool_id)
    return await pool_view(uow, pool, coalition)


async def export_view(uow: UnitOfWork, actor: Actor, pool_id: int) -> PoolView:
    """What /pool export writes (with each pledge's note and representative): coordinators
    of the pool's coalition and admins, also once the coalition is archived."""
    pool, coalition = await get_pool(uow.session, actor, pool_id)
    await require_coalition_manager(uow.session, actor, coalition, "export its pools")
    return await pool_view(uow, pool, coalition)


async def pool_choices(uow: UnitOfWork, actor: Actor, typed: str | None) -> list[Choice]:
    """The server's pools whose item or coalition matches what was typed; open ones first."""
    key = fold((typed or "")[:100])
    rows = (
        await uow.session.execute(
            select(Pool, Coalition.name)
            .join(Coalition, Coalition.id == Pool.coalition_id)
            .where(Pool.guild_id == actor.guild_id)
            .order_by((Pool.status == PoolStatus.OPEN).desc(), Pool.id.desc())
            .limit(500)
        )
    ).all()
    found: list[Choice] = []
    for pool, coalition_name in rows:
        if key and key not in fold(f"{pool.item} {coalition_name}"):
            continue
        state = "" if pool.status == PoolStatus.OPEN else " (closed)"
        label = " ".join(f"{pool.item} — {coalition_name}{state}".split())
        if len(label) > LABEL_LEN:
            label = label[: LABEL_LEN - 1] + "…"
        found.append(Choice(label, str(pool.id)))
        if len(found) == SUGGESTIONS:
            break
    return found
