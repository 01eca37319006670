"""The buttons of a join request's notice: Approve and Reject.

The custom_ids carry the request (a ``memberships`` row id). Only the coalition's coordinators
and server admins may decide, judged at the press; the coalition is locked (as every change
to its members is), so two deciders pressing at once make one decision and the second is told
who decided. A notice whose request has since ended (left, decided by command) refuses.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.db.models import City, Coalition, Membership
from bot.db.models.enums import MembershipEnd, MembershipStatus
from bot.db.uow import UnitOfWork
from bot.errors import Conflict, NotFound
from bot.services.coalitions.membership import approve_membership, reject_membership
from bot.services.coalitions.results import MembershipResult
from bot.services.common import Actor
from bot.services.guards import managed_coalition

REQUEST_NOT_FOUND = "I can't find that request in this server."


@dataclass(frozen=True, slots=True)
class JoinRequest:
    request_id: int
    coalition_id: int
    city_id: int


async def _load(uow: UnitOfWork, actor: Actor, request_id: int) -> tuple[Membership, City]:
    row = (
        await uow.session.execute(
            select(Membership, City)
            .join(City, City.id == Membership.city_id)
            .join(Coalition, Coalition.id == Membership.coalition_id)
            .where(
                Membership.id == request_id,
                Coalition.guild_id == actor.guild_id,
                City.guild_id == actor.guild_id,
            )
            .execution_options(populate_existing=True)
        )
    ).first()
    if row is None:
        raise NotFound(REQUEST_NOT_FOUND)
    return row[0], row[1]


def _decided(m: Membership, coalition: Coalition, city: City) -> Conflict:
    if m.ended_at is None:
        return Conflict(
            f"This request is already decided: <@{m.approved_by}> approved it; {city.name} is "
            f"a member of {coalition.name}. Nothing more to do."
        )
    if m.end_reason == MembershipEnd.REJECTED:
        return Conflict(
            f"This request is already decided: <@{m.ended_by}> turned it down. Nothing more to do."
        )
    return Conflict(
        f"{city.name}'s request to join {coalition.name} has ended (the city left). Nothing "
        "to decide."
    )


async def _decide(uow: UnitOfWork, actor: Actor, request_id: int, doing: str) -> JoinRequest:
    """The request, once the actor may decide on it and it still waits (coalition locked)."""
    m, city = await _load(uow, actor, request_id)
    coalition = await managed_coalition(uow.session, actor, m.coalition_id, doing, lock="update")
    m, city = await _load(uow, actor, request_id)  # as it is now that the coalition is ours
    if m.ended_at is not None or m.status != MembershipStatus.PENDING:
        raise _decided(m, coalition, city)
    return JoinRequest(m.id, coalition.id, city.id)


async def approve_request(uow: UnitOfWork, actor: Actor, request_id: int) -> MembershipResult:
    """Approve: the city becomes a member (as /coalition approve)."""
    r = await _decide(uow, actor, request_id, "approve members")
    return await approve_membership(uow, actor, coalition_id=r.coalition_id, city_id=r.city_id)


async def reject_request(uow: UnitOfWork, actor: Actor, request_id: int) -> MembershipResult:
    """Reject: the request ends turned down (as /coalition reject)."""
    r = await _decide(uow, actor, request_id, "turn down requests")
    return await reject_membership(uow, actor, coalition_id=r.coalition_id, city_id=r.city_id)
