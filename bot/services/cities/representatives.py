"""Who speaks for a city: asking to represent it, verification, revocation (/city represent,
verify, revoke)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.db.models import City, Representative
from bot.db.models.core import NAME_LEN
from bot.db.models.enums import RepresentativeEnd, RepresentativeStatus
from bot.db.uow import UnitOfWork
from bot.errors import Conflict, NotFound
from bot.services.cities.results import (
    CityInfo,
    RepresentResult,
    RevokeResult,
    VerifyResult,
    info,
)
from bot.services.common import Actor, clean_text
from bot.services.lookups import get_city
from bot.services.permissions import refuse_self_verification, require_representative_manager
from bot.services.requests import representation_decided, representation_requested


async def _current_rep(
    uow: UnitOfWork, city_id: int, user_id: int, *, lock: bool = False
) -> Representative | None:
    """``lock``: deciding on it (verify, revoke, the notice's buttons), one decision at a time."""
    query = select(Representative).where(
        Representative.city_id == city_id,
        Representative.user_id == user_id,
        Representative.ended_at.is_(None),
    )
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return await uow.session.scalar(query)


def _already(rep: Representative, city: City) -> Conflict:
    if rep.status == RepresentativeStatus.VERIFIED:
        return Conflict(f"You are already a verified representative of {city.name}.")
    return Conflict(
        f"Your request to represent {city.name} is already pending. "
        "Ask a coordinator to verify you (/city verify)."
    )


async def request_representation(
    uow: UnitOfWork, actor: Actor, city_id: int, *, system_channel_id: int | None = None
) -> RepresentResult:
    """/city represent: anyone may ask; the request stays pending until verified.

    Its notice, with Verify and Turn down, goes to the requests channel (/setup), else to
    ``system_channel_id`` (the server's system channel, when the bot may post there).
    """
    city = await get_city(uow.session, actor, city_id)
    existing = await _current_rep(uow, city.id, actor.user_id)
    if existing is not None:
        raise _already(existing, city)
    rep = Representative(
        guild_id=actor.guild_id,
        city_id=city.id,
        user_id=actor.user_id,
        status=RepresentativeStatus.PENDING,
        requested_at=uow.now,
    )
    try:
        async with uow.session.begin_nested():
            uow.session.add(rep)
            await uow.session.flush()
    except IntegrityError:
        existing = await _current_rep(uow, city.id, actor.user_id)
        if existing is None:  # pragma: no cover
            raise
        raise _already(existing, city) from None
    notice = await representation_requested(uow, rep, system_channel_id=system_channel_id)
    return RepresentResult(
        city_id=city.id,
        city_name=city.name,
        status=RepresentativeStatus.PENDING,
        notice_channel_id=notice,
    )


async def verify_representative(
    uow: UnitOfWork, actor: Actor, *, city_id: int, user_id: int, title: str | None = None
) -> VerifyResult:
    """/city verify: confirm someone speaks for a city (they need not have asked first).

    Who may: see ``require_representative_manager``; never for oneself unless an admin.
    Verifying someone already verified with a new title updates the title.
    """
    title = clean_text(title, field="title", max_len=NAME_LEN, required=False)
    session = uow.session
    city = await get_city(session, actor, city_id)
    refuse_self_verification(actor, user_id, city)
    await require_representative_manager(session, actor, city, "verify representatives")
    now = uow.now
    rep = await _current_rep(uow, city.id, user_id, lock=True)
    if rep is not None and rep.status == RepresentativeStatus.VERIFIED:
        if title is None or title == rep.title:
            raise Conflict(f"That member is already a verified representative of {city.name}.")
        rep.title = title
        await session.flush()
        return VerifyResult(city.id, city.name, user_id, title, "title_updated")
    if rep is not None:
        outcome = "verified"
        rep.status = RepresentativeStatus.VERIFIED
    else:
        outcome = "verified_directly"
        rep = Representative(
            guild_id=actor.guild_id, city_id=city.id, user_id=user_id, requested_at=now
        )
        rep.status = RepresentativeStatus.VERIFIED
    rep.title = title
    rep.verified_at = now
    rep.verified_by = actor.user_id
    try:
        async with session.begin_nested():
            session.add(rep)
            await session.flush()
    except IntegrityError:
        raise Conflict(
            f"That member's status for {city.name} changed just now. Please run /city show "
            f"{city.name} and try again."
        ) from None
    if outcome == "verified":
        await representation_decided(uow, rep, city)
    return VerifyResult(city.id, city.name, user_id, title, outcome)


async def revoke_representative(
    uow: UnitOfWork, actor: Actor, *, city_id: int, user_id: int
) -> RevokeResult:
    """/city revoke: end a representative (or a pending request); they can no longer act."""
    session = uow.session
    city = await get_city(session, actor, city_id)
    await require_representative_manager(session, actor, city, "revoke representatives")
    rep = await _current_rep(uow, city.id, user_id, lock=True)
    if rep is None:
        raise NotFound(
            f"That member does not represent {city.name} and has no pending request for it."
        )
    previous = rep.status
    rep.ended_at = uow.now
    rep.ended_by = actor.user_id
    rep.end_reason = RepresentativeEnd.REVOKED
    await session.flush()
    if previous == RepresentativeStatus.PENDING:
        await representation_decided(uow, rep, city)  # a request turned down
    return RevokeResult(city.id, city.name, user_id, previous)


async def my_verified_cities(uow: UnitOfWork, actor: Actor) -> list[CityInfo]:
    """The cities the actor may act for, by name."""
    rows = await uow.session.scalars(
        select(City)
        .join(Representative, Representative.city_id == City.id)
        .where(
            City.guild_id == actor.guild_id,
            Representative.user_id == actor.user_id,
            Representative.ended_at.is_(None),
            Representative.status == RepresentativeStatus.VERIFIED,
        )
        .order_by(City.name_key)
    )
    return [info(c) for c in rows]
