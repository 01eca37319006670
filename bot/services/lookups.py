"""Every read the services share; the one home for queries (writes stay in the services).

- Guild-scoped fetches (``get_city``, ``get_coalition``, ``get_ask``): an id from another
  server is simply not found.
- Who counts as a member and as a signatory, one definition used by every view: a city counts
  as *signed* on an ask when it has a current sign-on (not withdrawn) confirmed for the ask's
  current version, and it is a current *active* member of the ask's coalition. Each of these
  queries is a single statement whatever the number of cities.

Each returns plain rows or ORM objects to a service; none commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Ask, AskVersion, City, Coalition, Membership, SignOn
from bot.db.models.enums import MembershipStatus
from bot.errors import NotFound
from bot.services.common import Actor

CITY_NOT_FOUND = "I can't find that city in this server. Pick one from the list as you type."
COALITION_NOT_FOUND = (
    "I can't find that coalition in this server. Pick one from the list as you type."
)
ASK_NOT_FOUND = "I can't find that ask in this server. Pick one from the list as you type."

# Row ids are 32-bit on PostgreSQL; a bigger number could only be a typo, never a row.
_MAX_ID = 2**31 - 1

Lock = Literal["share", "update"] | None


def _valid_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= _MAX_ID


def parse_choice_id(value: str | int | None, kind: str = "coalition") -> int:
    """An autocomplete value back to an id; free text the user typed instead is NotFound."""
    message = {"city": CITY_NOT_FOUND, "ask": ASK_NOT_FOUND}.get(kind, COALITION_NOT_FOUND)
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise NotFound(message) from None
    if not _valid_id(number):
        raise NotFound(message)
    return number


async def get_city(session: AsyncSession, actor: Actor, city_id: int) -> City:
    if not _valid_id(city_id):
        raise NotFound(CITY_NOT_FOUND)
    city = await session.scalar(
        select(City).where(City.id == city_id, City.guild_id == actor.guild_id)
    )
    if city is None:
        raise NotFound(CITY_NOT_FOUND)
    return city


async def get_coalition(
    session: AsyncSession, actor: Actor, coalition_id: int, *, lock: Lock = None
) -> Coalition:
    """``lock="update"`` serialises changes to one coalition (coordinators, membership)."""
    if not _valid_id(coalition_id):
        raise NotFound(COALITION_NOT_FOUND)
    query = select(Coalition).where(
        Coalition.id == coalition_id, Coalition.guild_id == actor.guild_id
    )
    if lock:
        query = query.with_for_update(read=lock == "share")
    coalition = await session.scalar(query)
    if coalition is None:
        raise NotFound(COALITION_NOT_FOUND)
    return coalition


async def get_ask(
    session: AsyncSession, actor: Actor, ask_id: int, *, lock: Lock = None
) -> tuple[Ask, Coalition, AskVersion]:
    """The ask, its coalition and its current version, in one query.

    Signers take a share lock and editors an update lock on the ask row (PostgreSQL; SQLite
    already serialises writers), so a sign-on can never slip in under a version being replaced.
    """
    if not _valid_id(ask_id):
        raise NotFound(ASK_NOT_FOUND)
    query = (
        select(Ask, Coalition, AskVersion)
        .join(Coalition, Coalition.id == Ask.coalition_id)
        .join(
            AskVersion,
            and_(AskVersion.ask_id == Ask.id, AskVersion.version == Ask.current_version),
        )
        .where(Ask.id == ask_id, Ask.guild_id == actor.guild_id)
    )
    if lock:
        # The ask row alone is locked first, then read with its version by a new statement.
        # Locked inside the join, a row just changed by the edit we waited for is re-checked
        # on PostgreSQL against the join's older snapshot: its new current_version matches no
        # version row seen there, and the ask would seem not to exist.
        await session.execute(
            select(Ask.id)
            .where(Ask.id == ask_id, Ask.guild_id == actor.guild_id)
            .with_for_update(read=lock == "share")
        )
    row = (await session.execute(query)).first()
    if row is None:
        raise NotFound(ASK_NOT_FOUND)
    return row


# Members and signatories


def active_membership_clause(coalition_id: Any, city_id: Any) -> ColumnElement[bool]:
    """SQL condition: ``city_id`` is a current active member of ``coalition_id``."""
    return and_(
        Membership.coalition_id == coalition_id,
        Membership.city_id == city_id,
        Membership.ended_at.is_(None),
        Membership.status == MembershipStatus.ACTIVE,
    )


@dataclass(frozen=True, slots=True)
class MemberRow:
    """A current membership, as the views need it (not an ORM object: cheap to load)."""

    status: str
    requested_by: int
    requested_at: datetime
    approved_at: datetime | None


@dataclass(frozen=True, slots=True)
class CityRow:
    id: int
    name: str
    country: str
    region: str | None
    population: int | None


async def current_memberships(
    session: AsyncSession, coalition_id: int
) -> list[tuple[MemberRow, CityRow]]:
    """Every current membership (active and pending) with its city, ordered by city name.

    Plain columns, not entities: a 1,000-city coalition hydrated 2,000 ORM objects per view,
    most of the time of /ask show and /coalition show.
    """
    rows = await session.execute(
        select(
            Membership.status,
            Membership.requested_by,
            Membership.requested_at,
            Membership.approved_at,
            City.id,
            City.name,
            City.country,
            City.region,
            City.population,
        )
        .join(City, City.id == Membership.city_id)
        .where(Membership.coalition_id == coalition_id, Membership.ended_at.is_(None))
        .order_by(City.name_key, City.country_key, City.id)
    )
    return [(MemberRow(*r[:4]), CityRow(*r[4:])) for r in rows]


async def active_member_count(session: AsyncSession, coalition_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(
                Membership.coalition_id == coalition_id,
                Membership.ended_at.is_(None),
                Membership.status == MembershipStatus.ACTIVE,
            )
        )
        or 0
    )


def confirmed_current(current_version: Any = Ask.current_version) -> ColumnElement[bool]:
    """SQL condition on SignOn: not withdrawn, and confirmed for the ask's current version."""
    return and_(SignOn.withdrawn_at.is_(None), SignOn.confirmed_version == current_version)


async def signed_city_ids(session: AsyncSession, ask_ids: Iterable[int]) -> dict[int, set[int]]:
    """ask id -> ids of the cities counted as signed (see the module docstring)."""
    ids = list(ask_ids)
    found: dict[int, set[int]] = {ask_id: set() for ask_id in ids}
    if not ids:
        return found
    rows = await session.execute(
        select(SignOn.ask_id, SignOn.city_id)
        .join(Ask, Ask.id == SignOn.ask_id)
        .join(Membership, active_membership_clause(Ask.coalition_id, SignOn.city_id))
        .where(SignOn.ask_id.in_(ids), confirmed_current())
    )
    for ask_id, city_id in rows:
        found[ask_id].add(city_id)
    return found


async def signed_counts(session: AsyncSession, ask_ids: Iterable[int]) -> dict[int, int]:
    """ask id -> number of cities counted as signed (see the module docstring)."""
    ids = list(ask_ids)
    if not ids:
        return {}
    rows = await session.execute(
        select(SignOn.ask_id, func.count())
        .join(Ask, Ask.id == SignOn.ask_id)
        .join(Membership, active_membership_clause(Ask.coalition_id, SignOn.city_id))
        .where(SignOn.ask_id.in_(ids), confirmed_current())
        .group_by(SignOn.ask_id)
    )
    counts = {ask_id: 0 for ask_id in ids}
    counts.update({ask_id: int(n) for ask_id, n in rows})
    return counts
