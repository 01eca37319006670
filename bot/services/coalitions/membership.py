"""Member cities: /coalition join, approve, reject and leave.

A join that needs approval posts a notice with Approve and Reject (bot.services.requests);
the decision edits it and tells the requester. Joins and leaves are announced in the
coalition's channel, and each open ask's post and goal follow the new member count.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError

from bot.db.models import (
    Ask,
    AskEvent,
    AskVersion,
    City,
    Coalition,
    Membership,
    Representative,
    SignOn,
)
from bot.db.models.enums import (
    AskEventKind,
    AskStatus,
    MembershipEnd,
    MembershipStatus,
    RepresentativeStatus,
    SignOnEnd,
)
from bot.db.uow import UnitOfWork
from bot.errors import Conflict, NotFound
from bot.services import asks, events, goals
from bot.services.coalitions._queries import current_membership
from bot.services.coalitions.results import MembershipResult
from bot.services.common import Actor
from bot.services.guards import managed_coalition
from bot.services.lookups import get_city, get_coalition
from bot.services.permissions import acting_city, can_manage_coalition, ensure_not_archived
from bot.services.requests import join_decided, join_requested, membership_news


def _already_member(m: Membership, coalition: Coalition, city: City) -> Conflict:
    if m.status == MembershipStatus.ACTIVE:
        return Conflict(f"{city.name} is already a member of {coalition.name}.")
    return Conflict(
        f"{city.name}'s request to join {coalition.name} is already waiting for a coordinator's "
        "approval."
    )


async def members_changed(uow: UnitOfWork, actor: Actor, coalition: Coalition) -> None:
    """The member count changed: each open ask's post shows it, and its goal is judged again."""
    open_asks = await uow.session.scalars(
        select(Ask)
        .where(Ask.coalition_id == coalition.id, Ask.status == AskStatus.OPEN)
        .order_by(Ask.id)
    )
    for ask in open_asks.all():
        await asks.refresh_announcement(uow, ask)
        await goals.judge(uow, ask.id, user_id=actor.user_id)


async def join_coalition(
    uow: UnitOfWork,
    actor: Actor,
    *,
    coalition_id: int,
    city_id: int | None = None,
    system_channel_id: int | None = None,
) -> MembershipResult:
    """/coalition join: a verified representative brings their city in.

    Needing approval, the request's notice (Approve / Reject) goes to the coalition's channel,
    else where representation requests go (``system_channel_id``: the server's system
    channel, when the bot may post there). Otherwise the join is announced at once.
    """
    session = uow.session
    coalition = await get_coalition(session, actor, coalition_id, lock="update")
    ensure_not_archived(coalition)
    acting = await acting_city(session, actor, city_id, coalition_name=coalition.name)
    city = acting.city
    existing = await current_membership(uow, coalition.id, city.id)
    if existing is not None:
        raise _already_member(existing, coalition, city)
    now = uow.now
    m = Membership(
        coalition_id=coalition.id,
        city_id=city.id,
        status=MembershipStatus.PENDING if coalition.requires_approval else MembershipStatus.ACTIVE,
        requested_by=actor.user_id,
        requested_at=now,
    )
    if not coalition.requires_approval:
        m.approved_at = now
        m.approved_by = actor.user_id
    try:
        async with session.begin_nested():
            session.add(m)
            await session.flush()
    except IntegrityError:
        existing = await current_membership(uow, coalition.id, city.id)
        if existing is None:  # pragma: no cover
            raise
        raise _already_member(existing, coalition, city) from None
    notice = None
    if m.status == MembershipStatus.PENDING:
        notice = await join_requested(uow, m, coalition, system_channel_id=system_channel_id)
    else:
        await membership_news(uow, coalition, city, change="joined")
        await members_changed(uow, actor, coalition)
    return MembershipResult(
        coalition.id, coalition.name, city.id, city.name, m.status, notice_channel_id=notice
    )


async def _pending_request(
    uow: UnitOfWork, actor: Actor, coalition_id: int, city_id: int, doing: str
) -> tuple[Coalition, City]:
    """The managed coalition (locked) and the city whose request a coordinator answers."""
    session = uow.session
    coalition = await managed_coalition(session, actor, coalition_id, doing, lock="update")
    city = await get_city(session, actor, city_id)
    return coalition, city


async def approve_membership(
    uow: UnitOfWork, actor: Actor, *, coalition_id: int, city_id: int
) -> MembershipResult:
    """/coalition approve: coordinators of the coalition or admins."""
    coalition, city = await _pending_request(uow, actor, coalition_id, city_id, "approve members")
    m = await current_membership(uow, coalition.id, city.id)
    if m is None:
        raise NotFound(
            f"{city.name} has not asked to join {coalition.name}. A representative of "
            f"{city.name} can ask with /coalition join."
        )
    if m.status == MembershipStatus.ACTIVE:
        raise Conflict(f"{city.name} is already a member of {coalition.name}.")
    m.status = MembershipStatus.ACTIVE
    m.approved_at = uow.now
    m.approved_by = actor.user_id
    await uow.session.flush()
    await join_decided(uow, m, coalition, city)
    await members_changed(uow, actor, coalition)
    return MembershipResult(
        coalition.id, coalition.name, city.id, city.name, MembershipStatus.ACTIVE
    )


async def reject_membership(
    uow: UnitOfWork, actor: Actor, *, coalition_id: int, city_id: int
) -> MembershipResult:
    """Turn down a pending request (the row ends with end_reason "rejected")."""
    coalition, city = await _pending_request(
        uow, actor, coalition_id, city_id, "turn down requests"
    )
    m = await current_membership(uow, coalition.id, city.id)
    if m is None or m.status != MembershipStatus.PENDING:
        raise NotFound(f"{city.name} has no pending request to join {coalition.name}.")
    m.ended_at = uow.now
    m.ended_by = actor.user_id
    m.end_reason = MembershipEnd.REJECTED
    await uow.session.flush()
    await join_decided(uow, m, coalition, city)
    return MembershipResult(
        coalition.id, coalition.name, city.id, city.name, MembershipEnd.REJECTED
    )


async def leave_coalition(
    uow: UnitOfWork, actor: Actor, *, coalition_id: int, city_id: int | None = None
) -> MembershipResult:
    """/coalition leave: a representative of the city, or a coordinator/admin.

    Ends the membership (pending requests too). A representative leaving records "left"; a
    coordinator or admin taking out a city they do not represent records "removed". Either way
    the city's live sign-ons of the coalition's asks end in the state "left": kept on record
    (and in finalised letters), no longer counted, not revived by rejoining.
    """
    session = uow.session
    coalition = await get_coalition(session, actor, coalition_id, lock="update")
    ensure_not_archived(coalition)
    reason = MembershipEnd.LEFT
    if city_id is not None and await can_manage_coalition(session, actor, coalition):
        city = await get_city(session, actor, city_id)
        represents = await session.scalar(
            select(Representative.id).where(
                Representative.city_id == city.id,
                Representative.user_id == actor.user_id,
                Representative.status == RepresentativeStatus.VERIFIED,
                Representative.ended_at.is_(None),
            )
        )
        if represents is None:
            reason = MembershipEnd.REMOVED
    else:
        city = (await acting_city(session, actor, city_id, coalition_name=coalition.name)).city
    m = await current_membership(uow, coalition.id, city.id)
    if m is None:
        raise NotFound(f"{city.name} is not a member of {coalition.name}.")
    now = uow.now
    # Signers hold a share lock on the ask while they check the membership (PostgreSQL), so
    # once these locks are ours no sign-on of this city can slip in after the ones ended below.
    await session.execute(
        select(Ask.id).where(Ask.coalition_id == coalition.id).order_by(Ask.id).with_for_update()
    )
    m.ended_at = now
    m.ended_by = actor.user_id
    m.end_reason = reason
    await session.flush()
    ended = await _end_sign_ons(uow, actor, coalition, city, reason, now)
    if m.status == MembershipStatus.PENDING:
        await join_decided(uow, m, coalition, city)  # a request withdrawn: its notice says so
    else:
        await membership_news(uow, coalition, city, change=reason)
        await members_changed(uow, actor, coalition)
    return MembershipResult(
        coalition.id, coalition.name, city.id, city.name, reason, ended_sign_ons=ended
    )


async def _end_sign_ons(
    uow: UnitOfWork,
    actor: Actor,
    coalition: Coalition,
    city: City,
    reason: str,
    now: datetime,
) -> int:
    """End the city's live sign-ons of the coalition's asks as "left": each gets a history
    event, and webhooks hear of it as a ``withdrawal`` with ``end_kind`` "left"."""
    session = uow.session
    rows = (
        await session.execute(
            select(SignOn, Ask, AskVersion.title)
            .join(Ask, Ask.id == SignOn.ask_id)
            .join(
                AskVersion,
                and_(AskVersion.ask_id == Ask.id, AskVersion.version == Ask.current_version),
            )
            .where(
                Ask.coalition_id == coalition.id,
                SignOn.city_id == city.id,
                SignOn.withdrawn_at.is_(None),
            )
            .order_by(Ask.id)
        )
    ).all()
    if reason == MembershipEnd.REMOVED:
        detail = f"{city.name} was removed from {coalition.name}; this signature no longer counts"
    else:
        detail = f"{city.name} left {coalition.name}; this signature no longer counts"
    for sign_on, ask, _title in rows:
        sign_on.withdrawn_at = now
        sign_on.withdrawn_by = actor.user_id
        sign_on.withdraw_reason = detail
        sign_on.end_kind = SignOnEnd.LEFT
        session.add(
            AskEvent(
                ask_id=ask.id,
                kind=AskEventKind.LEFT,
                user_id=actor.user_id,
                city_id=city.id,
                version=ask.current_version,
                detail=detail,
                created_at=now,
            )
        )
    await session.flush()
    for _sign_on, ask, title in rows:
        await events.emit(
            uow,
            coalition,
            "withdrawal",
            {
                "ask": events.ask_ref(ask, title),
                "city": events.city_ref(city),
                "user_id": str(actor.user_id),
                "withdrawn_at": now,
                "reason": detail,
                "end_kind": SignOnEnd.LEFT,
            },
        )
    return len(rows)
