"""A request's notice as it is now: what the Discord side renders each time it is sent."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.db.models import City, Coalition, GuildSettings, Membership, Representative
from bot.db.models.enums import MembershipEnd, MembershipStatus, RepresentativeEnd
from bot.db.models.enums import RepresentativeStatus as RepStatus
from bot.db.uow import UnitOfWork
from bot.services.requests.notices import JOIN, REPRESENTATION

PENDING = "pending"


@dataclass(frozen=True, slots=True)
class RequestNotice:
    """``outcome``: "pending"; a representation request "verified", "turned_down" or
    "revoked" (verified, later revoked); a join request "approved", "rejected", "withdrawn"
    (ended before a decision) or "left" (approved, since left)."""

    kind: str  # "representation" | "join"
    request_id: int
    requester_id: int
    requested_at: datetime
    city_name: str
    country: str
    outcome: str
    decided_by: int | None = None
    decided_at: datetime | None = None
    reason: str | None = None
    coalition_name: str | None = None  # a join request's coalition
    # Who may decide: coordinators of these coalitions (and server admins); for a city in no
    # coalition, members with the verifier role (if one is chosen) and server admins.
    decider_coalitions: tuple[str, ...] = ()
    verifier_role_id: int | None = None

    @property
    def pending(self) -> bool:
        return self.outcome == PENDING


async def notice_state(uow: UnitOfWork, data: Mapping[str, Any]) -> RequestNotice | None:
    """The notice of ``data`` (``{"kind": …, "id": …}``) as it is now; None when gone."""
    kind, row_id = str(data.get("kind")), int(data.get("id") or 0)
    if kind == REPRESENTATION:
        return await _representation(uow, row_id)
    if kind == JOIN:
        return await _join(uow, row_id)
    return None


def _rep_outcome(rep: Representative) -> tuple[str, int | None, datetime | None]:
    if rep.ended_at is None:
        if rep.status == RepStatus.VERIFIED:
            return "verified", rep.verified_by, rep.verified_at
        return PENDING, None, None
    if rep.status == RepStatus.VERIFIED and rep.end_reason == RepresentativeEnd.REVOKED:
        return "revoked", rep.ended_by, rep.ended_at
    return "turned_down", rep.ended_by, rep.ended_at


async def _representation(uow: UnitOfWork, row_id: int) -> RequestNotice | None:
    session = uow.session
    row = (
        await session.execute(
            select(Representative, City)
            .join(City, City.id == Representative.city_id)
            .where(Representative.id == row_id)
        )
    ).first()
    if row is None:
        return None
    rep, city = row
    outcome, by, at = _rep_outcome(rep)
    coalitions = (
        await session.scalars(
            select(Coalition.name)
            .join(Membership, Membership.coalition_id == Coalition.id)
            .where(
                Membership.city_id == city.id,
                Membership.ended_at.is_(None),
                Coalition.archived_at.is_(None),
            )
            .order_by(Coalition.name_key)
        )
    ).all()
    settings = await session.get(GuildSettings, rep.guild_id)
    return RequestNotice(
        kind=REPRESENTATION,
        request_id=rep.id,
        requester_id=rep.user_id,
        requested_at=rep.requested_at,
        city_name=city.name,
        country=city.country,
        outcome=outcome,
        decided_by=by,
        decided_at=at,
        reason=rep.end_note if outcome == "turned_down" else None,
        decider_coalitions=tuple(dict.fromkeys(coalitions)),
        verifier_role_id=settings.verifier_role_id if settings else None,
    )


def _join_outcome(m: Membership) -> tuple[str, int | None, datetime | None]:
    if m.ended_at is None:
        if m.status == MembershipStatus.ACTIVE:
            return "approved", m.approved_by, m.approved_at
        return PENDING, None, None
    if m.end_reason == MembershipEnd.REJECTED:
        return "rejected", m.ended_by, m.ended_at
    if m.status == MembershipStatus.ACTIVE:
        return "left", m.ended_by, m.ended_at
    return "withdrawn", m.ended_by, m.ended_at


async def _join(uow: UnitOfWork, row_id: int) -> RequestNotice | None:
    row = (
        await uow.session.execute(
            select(Membership, City, Coalition)
            .join(City, City.id == Membership.city_id)
            .join(Coalition, Coalition.id == Membership.coalition_id)
            .where(Membership.id == row_id)
        )
    ).first()
    if row is None:
        return None
    m, city, coalition = row
    outcome, by, at = _join_outcome(m)
    return RequestNotice(
        kind=JOIN,
        request_id=m.id,
        requester_id=m.requested_by,
        requested_at=m.requested_at,
        city_name=city.name,
        country=city.country,
        outcome=outcome,
        decided_by=by,
        decided_at=at,
        coalition_name=coalition.name,
        decider_coalitions=(coalition.name,),
    )
