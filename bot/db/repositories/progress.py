"""Who counts as a member and as a signatory. One definition, used by every view.

A city counts as *signed* on an ask when it has a current sign-on (not withdrawn) confirmed
for the ask's current version, and it is a current *active* member of the ask's coalition.
Every query here is a single statement whatever the number of cities.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Ask, City, Membership, SignOn


def active_membership_clause(coalition_id, city_id):  # type: ignore[no-untyped-def]
    """SQL condition: ``city_id`` is a current active member of ``coalition_id``."""
    return and_(
        Membership.coalition_id == coalition_id,
        Membership.city_id == city_id,
        Membership.ended_at.is_(None),
        Membership.status == "active",
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
                Membership.status == "active",
            )
        )
        or 0
    )


def confirmed_current(current_version=Ask.current_version):  # type: ignore[no-untyped-def]
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
