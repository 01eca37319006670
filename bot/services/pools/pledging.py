"""/pool pledge (and the Pledge button's form) and /pool withdraw: a city's pledge, changeable
until the deadline. Rows end, never overwritten: a change ends the live row ("changed") and
adds a new one; a withdrawal ends it ("withdrawn") with the reason."""

from __future__ import annotations

from bot.db.models import Pledge
from bot.db.models.enums import PledgeEnd
from bot.db.uow import UnitOfWork
from bot.errors import Conflict
from bot.services.common import Actor
from bot.services.pools._records import (
    ensure_takes_pledges,
    get_pool,
    info,
    live_pledge,
    pledging_city,
    totals,
)
from bot.services.pools._text import clean_note, clean_reason, parse_quantity
from bot.services.pools.results import PledgeForm, PledgeResult, WithdrawResult


async def pledge_form(
    uow: UnitOfWork, actor: Actor, pool_id: int, city_id: int | None = None
) -> PledgeForm:
    """Before the Pledge form opens: may the actor pledge, for which city, and its live
    pledge (the form starts from it)."""
    session = uow.session
    pool, coalition = await get_pool(session, actor, pool_id)
    ensure_takes_pledges(uow, pool, coalition)
    city, _ = await pledging_city(session, actor, coalition, city_id)
    current = await live_pledge(session, pool.id, city.id)
    return PledgeForm(
        pool_id=pool.id,
        city_id=city.id,
        city_name=city.name,
        item=pool.item,
        unit=pool.unit,
        quantity=current.quantity if current else None,
        note=current.note if current else None,
    )


async def pledge(
    uow: UnitOfWork,
    actor: Actor,
    *,
    pool_id: int,
    quantity: int | str,
    note: str | None = None,
    city_id: int | None = None,
) -> PledgeResult:
    """A verified representative pledges for their city (an active member of the pool's
    coalition). Pledges of one pool take turns on the pool's row, so two pledges of one city
    at the same moment leave one live row: the later replaces the earlier."""
    session, now = uow.session, uow.now
    note_ = clean_note(note)
    pool, coalition = await get_pool(session, actor, pool_id, lock="update")
    amount = parse_quantity(quantity, pool.unit)
    ensure_takes_pledges(uow, pool, coalition)
    city, title = await pledging_city(session, actor, coalition, city_id)
    current = await live_pledge(session, pool.id, city.id)
    before = current.quantity if current else None
    if current is not None and current.quantity == amount and current.note == note_:
        total, cities = await totals(session, pool.id)
        return PledgeResult(
            info(pool, coalition), city.name, amount, note_, before, True, total, cities
        )
    if current is not None:
        current.ended_at, current.ended_by = now, actor.user_id
        current.end_kind = PledgeEnd.CHANGED
        await session.flush()  # the live row ends before the new one takes its place
    session.add(
        Pledge(
            pool_id=pool.id,
            city_id=city.id,
            user_id=actor.user_id,
            pledger_title=title,
            quantity=amount,
            note=note_,
            pledged_at=now,
        )
    )
    await session.flush()
    total, cities = await totals(session, pool.id)
    return PledgeResult(
        info(pool, coalition), city.name, amount, note_, before, False, total, cities
    )


async def withdraw(
    uow: UnitOfWork,
    actor: Actor,
    *,
    pool_id: int,
    reason: str,
    city_id: int | None = None,
) -> WithdrawResult:
    """The city's live pledge ends, with the reason (kept in its history)."""
    session, now = uow.session, uow.now
    reason_ = clean_reason(reason)
    pool, coalition = await get_pool(session, actor, pool_id, lock="update")
    ensure_takes_pledges(uow, pool, coalition)
    city, _ = await pledging_city(session, actor, coalition, city_id)
    current = await live_pledge(session, pool.id, city.id)
    if current is None:
        raise Conflict(
            f'{city.name} has no pledge in the pool "{pool.item}", so there is nothing to withdraw.'
        )
    current.ended_at, current.ended_by = now, actor.user_id
    current.end_kind, current.end_reason = PledgeEnd.WITHDRAWN, reason_
    await session.flush()
    total, cities = await totals(session, pool.id)
    return WithdrawResult(
        info(pool, coalition), city.name, current.quantity, reason_, total, cities
    )
