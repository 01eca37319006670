"""Reads and writes the ask services share: progress, the current sign-on, history events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.db.models import Ask, AskEvent, City, SignOn, Statement
from bot.db.models.enums import AskEventKind, SignOnEnd
from bot.db.uow import UnitOfWork
from bot.services.asks.results import AlreadyWithdrawn
from bot.services.common import Actor
from bot.services.lookups import active_member_count, signed_counts


async def progress(uow: UnitOfWork, ask: Ask) -> tuple[int, int]:
    """(cities signed, active member cities)."""
    signed = (await signed_counts(uow.session, [ask.id]))[ask.id]
    return signed, await active_member_count(uow.session, ask.coalition_id)


async def current_sign_on(
    uow: UnitOfWork, ask_id: int, city_id: int, *, lock: bool = False
) -> SignOn | None:
    """``lock=True`` before changing it: on PostgreSQL a second writer waits here for the first
    to commit, then sees the row as it left it (no longer current once withdrawn, already
    re-confirmed), so two people acting at once for one city never both win. SQLite already
    runs writers one after the other."""
    query = select(SignOn).where(
        SignOn.ask_id == ask_id, SignOn.city_id == city_id, SignOn.withdrawn_at.is_(None)
    )
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return await uow.session.scalar(query)


async def already_withdrawn(
    uow: UnitOfWork, ask_id: int, city: City, title: str, verb: str
) -> AlreadyWithdrawn | None:
    """When the city has no current sign-on: the refusal to give if its latest one was
    withdrawn (not ended by leaving the coalition), perhaps a moment ago by someone else."""
    last = await uow.session.scalar(
        select(SignOn)
        .where(SignOn.ask_id == ask_id, SignOn.city_id == city.id, SignOn.withdrawn_at.is_not(None))
        .order_by(SignOn.withdrawn_at.desc(), SignOn.id.desc())
        .limit(1)
    )
    if last is None or last.withdrawn_at is None or last.end_kind == SignOnEnd.LEFT:
        return None
    return AlreadyWithdrawn(city.name, title, last.withdrawn_at, verb)


async def has_statement(uow: UnitOfWork, ask_id: int, city_id: int) -> bool:
    """The city has a current statement on the ask (bot.services.statements)."""
    found = await uow.session.scalar(
        select(Statement.id)
        .where(
            Statement.ask_id == ask_id,
            Statement.city_id == city_id,
            Statement.withdrawn_at.is_(None),
        )
        .limit(1)
    )
    return found is not None


def time_after_locks(uow: UnitOfWork) -> datetime:
    """The bot's clock read now, once the rows to change are locked.

    ``uow.now`` is when the unit of work opened. Of two commands racing for one sign-on or ask
    (PostgreSQL), the one that waited for the other's lock must stamp a later time, so the
    history keeps the order in which things happened."""
    return uow.clock.now()


def event(ask: Ask, kind: AskEventKind, actor: Actor, now: datetime, **kw: object) -> AskEvent:
    """A row of the ask's history."""
    return AskEvent(ask_id=ask.id, kind=kind, user_id=actor.user_id, created_at=now, **kw)
