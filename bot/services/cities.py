"""Cities and the people who represent them (/city ...)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.db.models import City, Coalition, Membership, Representative
from bot.db.models.core import NAME_LEN
from bot.db.models.enums import RepresentativeEnd, RepresentativeStatus
from bot.db.uow import UnitOfWork
from bot.errors import Conflict, InvalidInput, NotFound
from bot.services.common import Actor, clean_text, fold
from bot.services.lookups import get_city
from bot.services.permissions import (
    refuse_self_verification,
    require_city_manager,
    require_representative_manager,
)

# The largest cities have tens of millions; anything above this is a typo (and PostgreSQL's
# INTEGER stops at 2,147,483,647).
MAX_POPULATION = 100_000_000


@dataclass(frozen=True, slots=True)
class CityInfo:
    id: int
    name: str
    country: str
    region: str | None
    population: int | None


@dataclass(frozen=True, slots=True)
class RepresentativeInfo:
    user_id: int
    title: str | None
    verified_at: datetime | None


@dataclass(frozen=True, slots=True)
class CityMembershipInfo:
    coalition_id: int
    coalition_name: str
    status: str  # "active" | "pending"
    archived: bool


@dataclass(frozen=True, slots=True)
class CityDetail:
    city: CityInfo
    representatives: list[RepresentativeInfo]  # verified, by verification time
    pending_user_ids: list[int]  # asked to represent, awaiting verification
    coalitions: list[CityMembershipInfo]  # current memberships, by coalition name


@dataclass(frozen=True, slots=True)
class RepresentResult:
    city_id: int
    city_name: str
    status: str  # always "pending": a coordinator still has to verify


@dataclass(frozen=True, slots=True)
class VerifyResult:
    city_id: int
    city_name: str
    user_id: int
    title: str | None
    # "verified" (they had asked), "verified_directly" (they had not), "title_updated"
    outcome: str


@dataclass(frozen=True, slots=True)
class RevokeResult:
    city_id: int
    city_name: str
    user_id: int
    previous_status: str  # "verified" | "pending"


def _info(city: City) -> CityInfo:
    return CityInfo(
        id=city.id,
        name=city.name,
        country=city.country,
        region=city.region,
        population=city.population,
    )


def _label(city: City) -> str:
    return f"{city.name} ({city.country})"


def _population(value: object) -> int | None:
    """A population as given (any value: a client can send anything), as a whole number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    message = "The population must be a positive whole number, like 515000."
    if isinstance(value, bool):
        raise InvalidInput(message)
    if isinstance(value, str):
        digits = value.strip().replace(",", "").replace("_", "").replace(" ", "")
        if not digits.isascii() or not digits.isdigit():
            raise InvalidInput(message)
        value = int(digits)
    if not isinstance(value, int) or value <= 0:
        raise InvalidInput(message)
    if value > MAX_POPULATION:
        raise InvalidInput(
            f"A population of {value:,} is more than any city has. Please check the number."
        )
    return value


async def _find_duplicate(
    uow: UnitOfWork, actor: Actor, name_key: str, country_key: str
) -> City | None:
    return await uow.session.scalar(
        select(City).where(
            City.guild_id == actor.guild_id,
            City.name_key == name_key,
            City.country_key == country_key,
        )
    )


async def add_city(
    uow: UnitOfWork,
    actor: Actor,
    *,
    name: str,
    country: str,
    region: str | None = None,
    population: int | str | None = None,
) -> CityInfo:
    """/city add: coordinators (of any coalition here) and server admins."""
    name = clean_text(name, field="city name", max_len=NAME_LEN)  # type: ignore[assignment]
    country = clean_text(country, field="country", max_len=NAME_LEN)  # type: ignore[assignment]
    region = clean_text(region, field="region", max_len=NAME_LEN, required=False)
    pop = _population(population)
    await require_city_manager(uow.session, actor, "add cities")
    name_key, country_key = fold(name), fold(country)
    existing = await _find_duplicate(uow, actor, name_key, country_key)
    if existing is None:
        city = City(
            guild_id=actor.guild_id,
            name=name,
            country=country,
            region=region,
            population=pop,
            name_key=name_key,
            country_key=country_key,
            created_by=actor.user_id,
            created_at=uow.now,
        )
        try:
            async with uow.session.begin_nested():
                uow.session.add(city)
                await uow.session.flush()
            return _info(city)
        except IntegrityError:
            # Someone added the same city a moment ago.
            existing = await _find_duplicate(uow, actor, name_key, country_key)
    if existing is None:  # pragma: no cover - the constraint only fails on a duplicate
        raise Conflict("That city could not be added just now. Please try again.")
    raise Conflict(
        f"{_label(existing)} is already listed. Use that one (pick it from the list as you type)."
    )


async def list_cities(
    uow: UnitOfWork, actor: Actor, *, country: str | None = None, region: str | None = None
) -> list[CityInfo]:
    """/city list, optionally filtered (case- and accent-insensitively) by country and region."""
    query = select(City).where(City.guild_id == actor.guild_id)
    country = clean_text(country, field="country", max_len=NAME_LEN, required=False)
    region = clean_text(region, field="region", max_len=NAME_LEN, required=False)
    if country:
        query = query.where(City.country_key == fold(country))
    cities = (await uow.session.scalars(query.order_by(City.name_key, City.country_key))).all()
    if region:
        # Regions have no folded column; one query still, filtered here.
        key = fold(region)
        cities = [c for c in cities if c.region and fold(c.region) == key]
    return [_info(c) for c in cities]


async def show_city(uow: UnitOfWork, actor: Actor, city_id: int) -> CityDetail:
    session = uow.session
    city = await get_city(session, actor, city_id)
    reps = (
        await session.scalars(
            select(Representative)
            .where(Representative.city_id == city.id, Representative.ended_at.is_(None))
            .order_by(Representative.verified_at, Representative.requested_at, Representative.id)
        )
    ).all()
    memberships = (
        await session.execute(
            select(Membership, Coalition)
            .join(Coalition, Coalition.id == Membership.coalition_id)
            .where(Membership.city_id == city.id, Membership.ended_at.is_(None))
            .order_by(Coalition.name_key)
        )
    ).all()
    return CityDetail(
        city=_info(city),
        representatives=[
            RepresentativeInfo(user_id=r.user_id, title=r.title, verified_at=r.verified_at)
            for r in reps
            if r.status == RepresentativeStatus.VERIFIED
        ],
        pending_user_ids=[r.user_id for r in reps if r.status != RepresentativeStatus.VERIFIED],
        coalitions=[
            CityMembershipInfo(
                coalition_id=c.id,
                coalition_name=c.name,
                status=m.status,
                archived=c.archived_at is not None,
            )
            for m, c in memberships
        ],
    )


async def _current_rep(uow: UnitOfWork, city_id: int, user_id: int) -> Representative | None:
    return await uow.session.scalar(
        select(Representative).where(
            Representative.city_id == city_id,
            Representative.user_id == user_id,
            Representative.ended_at.is_(None),
        )
    )


def _already(rep: Representative, city: City) -> Conflict:
    if rep.status == RepresentativeStatus.VERIFIED:
        return Conflict(f"You are already a verified representative of {city.name}.")
    return Conflict(
        f"Your request to represent {city.name} is already pending. "
        "Ask a coordinator to verify you (/city verify)."
    )


async def request_representation(uow: UnitOfWork, actor: Actor, city_id: int) -> RepresentResult:
    """/city represent: anyone may ask; the request stays pending until verified."""
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
    return RepresentResult(
        city_id=city.id, city_name=city.name, status=RepresentativeStatus.PENDING
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
    rep = await _current_rep(uow, city.id, user_id)
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
    return VerifyResult(city.id, city.name, user_id, title, outcome)


async def revoke_representative(
    uow: UnitOfWork, actor: Actor, *, city_id: int, user_id: int
) -> RevokeResult:
    """/city revoke: end a representative (or a pending request); they can no longer act."""
    session = uow.session
    city = await get_city(session, actor, city_id)
    await require_representative_manager(session, actor, city, "revoke representatives")
    rep = await _current_rep(uow, city.id, user_id)
    if rep is None:
        raise NotFound(
            f"That member does not represent {city.name} and has no pending request for it."
        )
    previous = rep.status
    rep.ended_at = uow.now
    rep.ended_by = actor.user_id
    rep.end_reason = RepresentativeEnd.REVOKED
    await session.flush()
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
    return [_info(c) for c in rows]
