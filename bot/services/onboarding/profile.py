"""Who someone is in this server, as far as Coalition Bot is concerned: the facts /help
builds its next steps from, read in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Ask,
    AskVersion,
    City,
    Coalition,
    Coordinator,
    GuildSettings,
    Membership,
    Representative,
)
from bot.db.models.enums import AskStatus, MembershipStatus, RepresentativeStatus
from bot.db.uow import UnitOfWork
from bot.services.common import Actor
from bot.services.lookups import signed_city_ids
from bot.services.permissions import is_verifier, may_create_coalitions


@dataclass(frozen=True, slots=True)
class AskGap:
    ask_id: int
    title: str
    total: int  # active member cities
    missing: list[str]  # names of member cities not counted as signed


@dataclass(frozen=True, slots=True)
class CoordinatedCoalition:
    id: int
    name: str
    has_channel: bool
    member_count: int
    pending_cities: list[str]  # cities asking to join
    open_asks: list[AskGap]


@dataclass(frozen=True, slots=True)
class RepresentedCity:
    id: int
    name: str
    title: str | None
    coalitions: list[str]  # active memberships
    pending_coalitions: list[str]  # join requests waiting for approval
    unsigned_asks: list[str]  # open asks of its coalitions it has not signed: "Title (Coalition)"


@dataclass(frozen=True, slots=True)
class Profile:
    """Who the actor is in this server, as far as Coalition Bot is concerned."""

    is_admin: bool
    coordinated: list[CoordinatedCoalition]
    verified: list[RepresentedCity]
    pending: list[str]  # cities whose verification the actor is waiting for
    city_count: int
    waiting_representatives: list[str]  # cities with pending requests (for city managers)
    announce_channel_id: int | None
    creator_role_id: int | None
    anyone_creates: bool
    verifier_role_id: int | None
    may_create_coalitions: bool
    setup_done: bool

    @property
    def is_newcomer(self) -> bool:
        return not (self.is_admin or self.coordinated or self.verified or self.pending)

    @property
    def roles(self) -> list[str]:
        """ "admin", "coordinator", "representative", "pending", "newcomer" as they apply."""
        found = []
        if self.is_admin:
            found.append("admin")
        if self.coordinated:
            found.append("coordinator")
        if self.verified:
            found.append("representative")
        if self.pending:
            found.append("pending")
        return found or ["newcomer"]


async def profile(uow: UnitOfWork, actor: Actor) -> Profile:
    """Everything /help needs, in a fixed number of queries whatever the server's size."""
    session = uow.session
    guild = actor.guild_id

    coordinated_rows = (
        await session.execute(
            select(Coalition)
            .join(Coordinator, Coordinator.coalition_id == Coalition.id)
            .where(
                Coalition.guild_id == guild,
                Coalition.archived_at.is_(None),
                Coordinator.user_id == actor.user_id,
                Coordinator.removed_at.is_(None),
            )
            .order_by(Coalition.name_key, Coalition.id)
        )
    ).scalars()
    coordinated = list(coordinated_rows)

    rep_rows = (
        await session.execute(
            select(Representative, City)
            .join(City, City.id == Representative.city_id)
            .where(
                Representative.guild_id == guild,
                City.guild_id == guild,
                Representative.user_id == actor.user_id,
                Representative.ended_at.is_(None),
            )
            .order_by(City.name_key, City.id)
        )
    ).all()
    verified = [
        (rep, city) for rep, city in rep_rows if rep.status == RepresentativeStatus.VERIFIED
    ]
    pending = [city.name for rep, city in rep_rows if rep.status != RepresentativeStatus.VERIFIED]
    my_city_ids = [city.id for _, city in verified]
    coordinated_ids = [c.id for c in coordinated]

    # Current memberships of the coalitions I coordinate, and of the cities I represent.
    memberships = (
        await session.execute(
            select(Membership, City, Coalition)
            .join(City, City.id == Membership.city_id)
            .join(Coalition, Coalition.id == Membership.coalition_id)
            .where(
                Coalition.guild_id == guild,
                Coalition.archived_at.is_(None),
                Membership.ended_at.is_(None),
                (
                    Membership.coalition_id.in_(coordinated_ids)
                    | Membership.city_id.in_(my_city_ids)
                ),
            )
            .order_by(City.name_key, City.id)
        )
    ).all()
    active_by_coalition: dict[int, list[City]] = defaultdict(list)
    pending_by_coalition: dict[int, list[str]] = defaultdict(list)
    coalitions_of_city: dict[int, list[Coalition]] = defaultdict(list)
    pending_joins_of_city: dict[int, list[str]] = defaultdict(list)
    for membership, city, coalition in memberships:
        if membership.status == MembershipStatus.ACTIVE:
            active_by_coalition[coalition.id].append(city)
            if city.id in my_city_ids:
                coalitions_of_city[city.id].append(coalition)
        else:
            pending_by_coalition[coalition.id].append(city.name)
            if city.id in my_city_ids:
                pending_joins_of_city[city.id].append(coalition.name)

    relevant = set(coordinated_ids) | {c.id for cs in coalitions_of_city.values() for c in cs}
    asks: list[tuple[Ask, str, Coalition]] = []
    signed: dict[int, set[int]] = defaultdict(set)
    if relevant:
        asks = [
            (ask, title, coalition)
            for ask, title, coalition in (
                await session.execute(
                    select(Ask, AskVersion.title, Coalition)
                    .join(
                        AskVersion,
                        and_(
                            AskVersion.ask_id == Ask.id, AskVersion.version == Ask.current_version
                        ),
                    )
                    .join(Coalition, Coalition.id == Ask.coalition_id)
                    .where(Ask.coalition_id.in_(relevant), Ask.status == AskStatus.OPEN)
                    .order_by(Ask.created_at.desc(), Ask.id.desc())
                )
            ).all()
        ]
    if asks:
        for ask_id, city_ids in (
            await signed_city_ids(session, [a.id for a, _, _ in asks])
        ).items():
            signed[ask_id] |= city_ids

    coordinated_info = []
    for c in coordinated:
        members = active_by_coalition.get(c.id, [])
        gaps = [
            AskGap(
                ask_id=ask.id,
                title=title,
                total=len(members),
                missing=[m.name for m in members if m.id not in signed[ask.id]],
            )
            for ask, title, coalition in asks
            if coalition.id == c.id
        ]
        coordinated_info.append(
            CoordinatedCoalition(
                id=c.id,
                name=c.name,
                has_channel=c.channel_id is not None,
                member_count=len(members),
                pending_cities=pending_by_coalition.get(c.id, []),
                open_asks=gaps,
            )
        )

    verified_info = []
    for rep, city in verified:
        mine = coalitions_of_city.get(city.id, [])
        mine_ids = {c.id for c in mine}
        unsigned = [
            f'"{title}" ({coalition.name})'
            for ask, title, coalition in asks
            if coalition.id in mine_ids and city.id not in signed[ask.id]
        ]
        verified_info.append(
            RepresentedCity(
                id=city.id,
                name=city.name,
                title=rep.title,
                coalitions=[c.name for c in mine],
                pending_coalitions=pending_joins_of_city.get(city.id, []),
                unsigned_asks=unsigned,
            )
        )

    city_count = int(
        await session.scalar(select(func.count()).select_from(City).where(City.guild_id == guild))
        or 0
    )
    settings = await session.get(GuildSettings, guild)
    verifier = is_verifier(settings, actor)
    waiting: list[str] = []
    if actor.is_admin or coordinated or verifier:
        waiting = await _waiting_for(session, actor, coordinated_ids, verifier)

    role_id = settings.coalition_creator_role_id if settings else None
    return Profile(
        is_admin=actor.is_admin,
        coordinated=coordinated_info,
        verified=verified_info,
        pending=pending,
        city_count=city_count,
        waiting_representatives=waiting,
        announce_channel_id=settings.announce_channel_id if settings else None,
        creator_role_id=role_id,
        anyone_creates=bool(settings and settings.anyone_creates_coalitions),
        verifier_role_id=settings.verifier_role_id if settings else None,
        may_create_coalitions=may_create_coalitions(settings, actor),
        setup_done=settings is not None and settings.announce_channel_id is not None,
    )


async def _waiting_for(
    session: AsyncSession, actor: Actor, coordinated_ids: list[int], verifier: bool
) -> list[str]:
    """Cities with requests to represent them that the actor may answer (the rules of
    ``require_representative_manager``), their own requests left out."""
    in_coalition = (
        select(Membership.city_id)
        .join(Coalition, Coalition.id == Membership.coalition_id)
        .where(Membership.ended_at.is_(None), Coalition.archived_at.is_(None))
    )
    query = (
        select(City.name)
        .join(Representative, Representative.city_id == City.id)
        .where(
            Representative.guild_id == actor.guild_id,
            City.guild_id == actor.guild_id,
            Representative.status == RepresentativeStatus.PENDING,
            Representative.ended_at.is_(None),
        )
    )
    if not actor.is_admin:
        mine = City.id.in_(in_coalition.where(Membership.coalition_id.in_(coordinated_ids)))
        query = query.where(
            Representative.user_id != actor.user_id,
            (mine | City.id.not_in(in_coalition)) if verifier else mine,
        )
    names = (await session.scalars(query.order_by(City.name_key, City.id))).all()
    return list(dict.fromkeys(names))
