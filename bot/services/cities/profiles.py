"""A city's profile: adding it (from the gazetteer or by hand), listing, showing, correcting.

/city add with a gazetteer choice (``gn:<id>``) fills country, region, population, coordinates
and time zone from GeoNames; anything typed next to it wins. A place the gazetteer lacks is
added by hand (country required; region, population, coordinates optional). /city edit corrects
a profile and keeps one ``city_edits`` row per field changed.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bot.db.models import City, CityEdit, Coalition, GuildSettings, Membership, Representative
from bot.db.models.core import NAME_LEN
from bot.db.models.enums import RepresentativeStatus
from bot.db.uow import UnitOfWork
from bot.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bot.services import gazetteer, zones
from bot.services.cities.results import (
    CityDetail,
    CityInfo,
    CityMembershipInfo,
    EditResult,
    ProfileEdit,
    RepresentativeInfo,
    info,
    label,
)
from bot.services.common import Actor, clean_text, fold
from bot.services.lookups import get_city
from bot.services.permissions import is_verifier, require_city_manager

# The largest cities have tens of millions; anything above this is a typo (and PostgreSQL's
# INTEGER stops at 2,147,483,647).
MAX_POPULATION = 100_000_000
SHOWN_EDITS = 5  # /city show lists the latest few corrections
CLEAR = "-"  # typed in /city edit's region or time zone: empty it

NOT_IN_GAZETTEER = (
    "That place is not in the gazetteer any more. Type the city's name and its country to add "
    "it by hand."
)
NEEDS_COUNTRY = (
    "The country is missing. Pick the city from the list as you type its name (the country "
    "and the rest are filled in), or give its country to add it by hand."
)


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


def _degrees(value: object, *, field: str, limit: float) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    message = f"The {field} must be a number of degrees between -{limit:g} and {limit:g}."
    if isinstance(value, bool):
        raise InvalidInput(message)
    try:
        number = float(str(value).strip().replace(",", ".")) if isinstance(value, str) else value
    except ValueError:
        raise InvalidInput(message) from None
    if not isinstance(number, int | float) or not -limit <= number <= limit:
        raise InvalidInput(message)
    return round(float(number), 5)


def _coordinates(latitude: object, longitude: object) -> tuple[float | None, float | None]:
    lat = _degrees(latitude, field="latitude", limit=90)
    lon = _degrees(longitude, field="longitude", limit=180)
    if (lat is None) != (lon is None):
        raise InvalidInput("Give both the latitude and the longitude (e.g. 45.19 and 5.72).")
    return lat, lon


def _zone(value: str | None) -> str | None:
    text = (value or "").strip()
    return zones.resolve_zone(text[:64]).key if text else None


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


def _duplicate(existing: City) -> Conflict:
    return Conflict(
        f"{label(existing)} is already listed. Use that one (pick it from the list as you type)."
    )


async def add_city(
    uow: UnitOfWork,
    actor: Actor,
    *,
    name: str,
    country: str | None = None,
    region: str | None = None,
    population: int | str | None = None,
    latitude: float | str | None = None,
    longitude: float | str | None = None,
) -> CityInfo:
    """/city add: coordinators (of any coalition here) and server admins.

    ``name`` is either a gazetteer choice (``gn:<id>``) or a name typed by hand.
    """
    geonames_id = gazetteer.parse_value(name)
    place = gazetteer.find(geonames_id) if geonames_id is not None else None
    if geonames_id is not None and place is None:
        raise NotFound(NOT_IN_GAZETTEER)
    if place is not None:
        name, country = place.name, place.country
    name = clean_text(name, field="city name", max_len=NAME_LEN)  # type: ignore[assignment]
    if place is None and not (country or "").strip():
        raise InvalidInput(NEEDS_COUNTRY)
    country = clean_text(country, field="country", max_len=NAME_LEN)
    assert country is not None
    region = clean_text(region, field="region", max_len=NAME_LEN, required=False)
    pop = _population(population)
    lat, lon = _coordinates(latitude, longitude)
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
            latitude=lat,
            longitude=lon,
            name_key=name_key,
            country_key=country_key,
            created_by=actor.user_id,
            created_at=uow.now,
        )
        if place is not None:
            city.geonames_id = place.geonames_id
            city.country_code = place.country_code
            city.region = region or place.region
            # A region typed by hand may differ from the gazetteer's: then its code would lie.
            city.region_code = place.region_code if region is None else None
            city.population = pop or place.population
            if lat is None:
                city.latitude, city.longitude = place.latitude, place.longitude
            city.timezone = place.timezone
        try:
            async with uow.session.begin_nested():
                uow.session.add(city)
                await uow.session.flush()
            return info(city)
        except IntegrityError:
            # Someone added the same city a moment ago.
            existing = await _find_duplicate(uow, actor, name_key, country_key)
    if existing is None:  # pragma: no cover - the constraint only fails on a duplicate
        raise Conflict("That city could not be added just now. Please try again.")
    raise _duplicate(existing)


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
    return [info(c) for c in cities]


def _edit(row: CityEdit) -> ProfileEdit:
    return ProfileEdit(row.field, row.old_value, row.new_value, row.edited_by, row.edited_at)


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
    edits = (
        await session.scalars(
            select(CityEdit)
            .where(CityEdit.city_id == city.id)
            .order_by(CityEdit.edited_at.desc(), CityEdit.id.desc())
            .limit(SHOWN_EDITS)
        )
    ).all()
    edit_count = await session.scalar(
        select(func.count(CityEdit.id)).where(CityEdit.city_id == city.id)
    )
    return CityDetail(
        city=info(city),
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
        edits=tuple(_edit(e) for e in edits),
        edit_count=int(edit_count or 0),
    )


async def require_profile_editor(uow: UnitOfWork, actor: Actor, city: City) -> None:
    """Server admins and members with the verifier role (chosen in /setup) correct profiles."""
    if actor.is_admin:
        return
    settings = await uow.session.get(GuildSettings, actor.guild_id)
    if is_verifier(settings, actor):
        return
    who = (
        "server admins and members with the verifier role chosen in /setup"
        if settings is not None and settings.verifier_role_id is not None
        else "server admins"
    )
    raise PermissionDenied(f"Only {who} can correct {city.name}'s profile. Ask a server admin.")


def _text(value: object) -> str | None:
    return None if value is None else str(value)


async def edit_city(
    uow: UnitOfWork,
    actor: Actor,
    city_id: int,
    *,
    name: str | None = None,
    country: str | None = None,
    region: str | None = None,
    population: int | str | None = None,
    latitude: float | str | None = None,
    longitude: float | str | None = None,
    timezone: str | None = None,
) -> EditResult:
    """/city edit: correct a profile. Only the fields given change; ``-`` empties the region or
    the time zone. Each changed field is one history row (who, when, from, to)."""
    city = await get_city(uow.session, actor, city_id)
    await require_profile_editor(uow, actor, city)
    wanted: dict[str, object] = {}
    if name is not None:
        wanted["name"] = clean_text(name, field="city name", max_len=NAME_LEN)
    if country is not None:
        wanted["country"] = clean_text(country, field="country", max_len=NAME_LEN)
    if region is not None:
        cleared = region.strip() == CLEAR
        wanted["region"] = None if cleared else clean_text(region, field="region", max_len=NAME_LEN)
    if population is not None:
        wanted["population"] = _population(population)
    if latitude is not None or longitude is not None:
        lat, lon = _coordinates(
            city.latitude if latitude is None else latitude,
            city.longitude if longitude is None else longitude,
        )
        wanted["latitude"], wanted["longitude"] = lat, lon
    if timezone is not None:
        wanted["timezone"] = None if timezone.strip() == CLEAR else _zone(timezone)
    changed: list[ProfileEdit] = []
    for field, value in wanted.items():
        before = getattr(city, field)
        if before == value:
            continue
        setattr(city, field, value)
        edit = ProfileEdit(field, _text(before), _text(value), actor.user_id, uow.now)
        changed.append(edit)
        uow.session.add(
            CityEdit(
                guild_id=actor.guild_id,
                city_id=city.id,
                field=field,
                old_value=edit.old_value,
                new_value=edit.new_value,
                edited_by=actor.user_id,
                edited_at=uow.now,
            )
        )
    fields = {e.field for e in changed}
    if "country" in fields:
        city.country_code = None  # the gazetteer's code described the old country
    if fields & {"country", "region"}:
        city.region_code = None
    if fields & {"name", "country"}:
        city.name_key, city.country_key = fold(city.name), fold(city.country)
        existing = await _find_duplicate(uow, actor, city.name_key, city.country_key)
        if existing is not None and existing.id != city.id:
            raise _duplicate(existing)
    try:
        async with uow.session.begin_nested():
            await uow.session.flush()
    except IntegrityError:
        raise Conflict(
            f"Another city named {city.name} in {city.country} was added just now. "
            "Please check /city list and try again."
        ) from None
    return EditResult(city=info(city), changed=tuple(changed))
