"""Reading coalitions: /coalition list and /coalition show."""

from __future__ import annotations

from sqlalchemy import and_, func, select

from bot.db.models import Ask, AskVersion, Coalition, Membership
from bot.db.models.enums import AskStatus, MembershipStatus
from bot.db.uow import UnitOfWork
from bot.services.coalitions._queries import coordinator_ids
from bot.services.coalitions.kinds import kind_label
from bot.services.coalitions.results import (
    CoalitionDetail,
    CoalitionSummary,
    MemberCity,
    OpenAskSummary,
    PendingRequest,
)
from bot.services.common import Actor
from bot.services.lookups import current_memberships, get_coalition, signed_counts


def summary(c: Coalition, members: int) -> CoalitionSummary:
    return CoalitionSummary(
        id=c.id,
        name=c.name,
        kind=c.kind,
        kind_label=kind_label(c.kind),
        region=c.region,
        member_count=members,
        archived=c.archived_at is not None,
    )


async def list_coalitions(
    uow: UnitOfWork, actor: Actor, *, include_archived: bool = True
) -> list[CoalitionSummary]:
    counts = (
        select(Membership.coalition_id, func.count().label("n"))
        .where(Membership.ended_at.is_(None), Membership.status == MembershipStatus.ACTIVE)
        .group_by(Membership.coalition_id)
        .subquery()
    )
    query = (
        select(Coalition, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.coalition_id == Coalition.id)
        .where(Coalition.guild_id == actor.guild_id)
        .order_by(Coalition.archived_at.is_not(None), Coalition.name_key)
    )
    if not include_archived:
        query = query.where(Coalition.archived_at.is_(None))
    rows = (await uow.session.execute(query)).all()
    return [summary(c, int(n)) for c, n in rows]


async def show_coalition(uow: UnitOfWork, actor: Actor, coalition_id: int) -> CoalitionDetail:
    """/coalition show: five queries, whatever the number of members."""
    session = uow.session
    c = await get_coalition(session, actor, coalition_id)
    coordinators = await coordinator_ids(uow, c.id)
    members: list[MemberCity] = []
    pending: list[PendingRequest] = []
    for m, city in await current_memberships(session, c.id):
        if m.status == MembershipStatus.ACTIVE:
            members.append(
                MemberCity(city.id, city.name, city.country, m.approved_at or m.requested_at)
            )
        else:
            pending.append(
                PendingRequest(city.id, city.name, city.country, m.requested_by, m.requested_at)
            )
    asks = (
        await session.execute(
            select(Ask, AskVersion.title)
            .join(
                AskVersion,
                and_(AskVersion.ask_id == Ask.id, AskVersion.version == Ask.current_version),
            )
            .where(Ask.coalition_id == c.id, Ask.status == AskStatus.OPEN)
            .order_by(Ask.created_at.desc(), Ask.id.desc())
        )
    ).all()
    counts = await signed_counts(session, [a.id for a, _ in asks])
    return CoalitionDetail(
        id=c.id,
        name=c.name,
        kind=c.kind,
        kind_label=kind_label(c.kind),
        description=c.description,
        region=c.region,
        channel_id=c.channel_id,
        requires_approval=c.requires_approval,
        archived=c.archived_at is not None,
        archived_at=c.archived_at,
        created_by=c.created_by,
        created_at=c.created_at,
        coordinator_ids=coordinators,
        members=members,
        pending=pending,
        open_asks=[
            OpenAskSummary(a.id, title, a.deadline, counts.get(a.id, 0), len(members))
            for a, title in asks
        ],
        actor_is_coordinator=actor.user_id in coordinators,
    )
