"""The buttons of a representation request's notice: Verify and Turn down (with a reason).

The notice's custom_ids carry the request (a ``representatives`` row id). Each press is
judged as it happens: only those who may verify for the city now (``require_representative_
manager``) may decide, and only while the request still waits; the row is locked, so two
deciders pressing at once make one decision and the second is told who decided.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.db.models import City, Representative
from bot.db.models.enums import RepresentativeEnd, RepresentativeStatus
from bot.db.uow import UnitOfWork
from bot.errors import Conflict, NotFound
from bot.services.cities.results import RevokeResult, VerifyResult
from bot.services.common import Actor, clean_text
from bot.services.permissions import refuse_self_verification, require_representative_manager
from bot.services.requests import representation_decided

REQUEST_NOT_FOUND = "I can't find that request in this server."
REASON_LEN = 500


@dataclass(frozen=True, slots=True)
class PendingRepresentation:
    """A request the actor may decide on (before the Turn down form opens)."""

    request_id: int
    user_id: int
    city_id: int
    city_name: str


async def _load(
    uow: UnitOfWork, actor: Actor, request_id: int, *, lock: bool
) -> tuple[Representative, City]:
    query = (
        select(Representative, City)
        .join(City, City.id == Representative.city_id)
        .where(
            Representative.id == request_id,
            Representative.guild_id == actor.guild_id,
            City.guild_id == actor.guild_id,
        )
        .execution_options(populate_existing=True)
    )
    if lock:
        query = query.with_for_update(of=Representative)
    row = (await uow.session.execute(query)).first()
    if row is None:
        raise NotFound(REQUEST_NOT_FOUND)
    return row[0], row[1]


def _decided(rep: Representative, city: City) -> Conflict:
    if rep.ended_at is None:
        return Conflict(
            f"This request is already decided: <@{rep.user_id}> was verified as a "
            f"representative of {city.name} by <@{rep.verified_by}>. Nothing more to do."
        )
    if rep.status == RepresentativeStatus.VERIFIED:
        return Conflict(
            f"<@{rep.user_id}> was verified for {city.name}, then revoked by <@{rep.ended_by}>. "
            "Nothing to decide here."
        )
    return Conflict(
        f"This request is already decided: <@{rep.ended_by}> turned it down. Nothing more to do."
    )


def _waiting(rep: Representative) -> bool:
    return rep.ended_at is None and rep.status == RepresentativeStatus.PENDING


async def pending_representation(
    uow: UnitOfWork, actor: Actor, request_id: int
) -> PendingRepresentation:
    """Turn down, before its form opens: refuse at once whoever may not decide, or a request
    already decided."""
    rep, city = await _load(uow, actor, request_id, lock=False)
    await require_representative_manager(uow.session, actor, city, "turn down requests")
    if not _waiting(rep):
        raise _decided(rep, city)
    return PendingRepresentation(rep.id, rep.user_id, city.id, city.name)


async def verify_request(uow: UnitOfWork, actor: Actor, request_id: int) -> VerifyResult:
    """Verify: the requester becomes a verified representative of the city."""
    rep, city = await _load(uow, actor, request_id, lock=True)
    refuse_self_verification(actor, rep.user_id, city)
    await require_representative_manager(uow.session, actor, city, "verify representatives")
    if not _waiting(rep):
        raise _decided(rep, city)
    rep.status = RepresentativeStatus.VERIFIED
    rep.verified_at = uow.now
    rep.verified_by = actor.user_id
    await uow.session.flush()
    await representation_decided(uow, rep, city)
    return VerifyResult(city.id, city.name, rep.user_id, rep.title, "verified")


async def turn_down_request(
    uow: UnitOfWork, actor: Actor, request_id: int, reason: str
) -> RevokeResult:
    """Turn down, with a reason the requester is told."""
    note = clean_text(reason, field="reason", max_len=REASON_LEN, multiline=True)
    rep, city = await _load(uow, actor, request_id, lock=True)
    await require_representative_manager(uow.session, actor, city, "turn down requests")
    if not _waiting(rep):
        raise _decided(rep, city)
    rep.ended_at = uow.now
    rep.ended_by = actor.user_id
    rep.end_reason = RepresentativeEnd.TURNED_DOWN
    rep.end_note = note
    await uow.session.flush()
    await representation_decided(uow, rep, city)
    return RevokeResult(city.id, city.name, rep.user_id, RepresentativeStatus.PENDING)
