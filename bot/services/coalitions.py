"""Coalitions, their coordinators and their member cities (/coalition ...)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError

from bot.db.models import (
    Action,
    Ask,
    AskEvent,
    AskVersion,
    City,
    Coalition,
    Coordinator,
    Membership,
    Representative,
    SignOn,
)
from bot.db.models.core import NAME_LEN
from bot.db.repositories.progress import current_memberships, signed_counts
from bot.db.types import utcnow
from bot.db.uow import UnitOfWork
from bot.errors import Conflict, InvalidInput, NotFound
from bot.services import actions, asks, events
from bot.services.common import Actor, clean_text, fold
from bot.services.lookups import get_city, get_coalition
from bot.services.permissions import (
    acting_city,
    can_manage_coalition,
    ensure_not_archived,
    require_coalition_creator,
    require_coalition_manager,
)

KIND_LABELS: dict[str, str] = {
    "city_partnership": "City partnership",
    "metro_area_partnership": "Metro-area partnership",
    "peer_group": "Peer group",
    "international_network": "International network",
}
DESCRIPTION_LEN = 1000


def kind_slug(value: str) -> str:
    """ "metro-area partnership", "Metro-area partnership" or "metro_area_partnership" -> slug."""
    key = fold((value or "").replace("_", " ").replace("-", " "))
    for slug, label in KIND_LABELS.items():
        if key == fold(label.replace("-", " ")):
            return slug
    options = ", ".join(label.lower() for label in KIND_LABELS.values())
    raise InvalidInput(f"Please choose a coalition kind: {options}.")


def kind_label(slug: str) -> str:
    return KIND_LABELS.get(slug, slug.replace("_", " ").capitalize())


@dataclass(frozen=True, slots=True)
class CoalitionSummary:
    id: int
    name: str
    kind: str  # slug
    kind_label: str
    region: str | None
    member_count: int  # active members
    archived: bool


@dataclass(frozen=True, slots=True)
class MemberCity:
    city_id: int
    name: str
    country: str
    since: datetime  # approved_at (or requested_at when no approval was needed)


@dataclass(frozen=True, slots=True)
class PendingRequest:
    city_id: int
    name: str
    country: str
    requested_by: int
    requested_at: datetime


@dataclass(frozen=True, slots=True)
class OpenAskSummary:
    id: int
    title: str
    deadline: datetime | None
    signed: int
    total: int


@dataclass(frozen=True, slots=True)
class CoalitionDetail:
    id: int
    name: str
    kind: str
    kind_label: str
    description: str | None
    region: str | None
    channel_id: int | None
    requires_approval: bool
    archived: bool
    archived_at: datetime | None
    created_by: int
    created_at: datetime
    coordinator_ids: list[int]  # in the order they were added
    members: list[MemberCity]  # every active member, by name (the cog paginates)
    pending: list[PendingRequest]
    open_asks: list[OpenAskSummary]  # newest first
    actor_is_coordinator: bool


@dataclass(frozen=True, slots=True)
class MembershipResult:
    coalition_id: int
    coalition_name: str
    city_id: int
    city_name: str
    status: str  # "active" | "pending" (join) or the end reason "left" | "removed" | "rejected"
    ended_sign_ons: int = 0  # leaving: signatures that stopped counting (state "left")


@dataclass(frozen=True, slots=True)
class CoordinatorResult:
    coalition_id: int
    coalition_name: str
    user_id: int
    coordinator_ids: list[int]  # the coordinators after the change


@dataclass(frozen=True, slots=True)
class ArchivePlan:
    """What archiving will do, for the Confirm/Cancel prompt."""

    coalition_id: int
    coalition_name: str
    open_asks: int  # closed as /ask close would
    upcoming_actions: int  # cancelled as /action cancel would


@dataclass(frozen=True, slots=True)
class ArchiveResult:
    coalition_id: int
    coalition_name: str
    archived_at: datetime
    closed_ask_ids: list[int]  # open asks closed by the archive
    # One per upcoming action cancelled: its notice id (the reminder runtime sends it) and the
    # cities that had answered (they are told).
    cancelled_actions: list[actions.ChangeResult] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SettingsResult:
    coalition_id: int
    coalition_name: str
    channel_id: int | None
    requires_approval: bool


def _summary(c: Coalition, members: int) -> CoalitionSummary:
    return CoalitionSummary(
        id=c.id,
        name=c.name,
        kind=c.kind,
        kind_label=kind_label(c.kind),
        region=c.region,
        member_count=members,
        archived=c.archived_at is not None,
    )


async def _by_name_key(uow: UnitOfWork, actor: Actor, name_key: str) -> Coalition | None:
    return await uow.session.scalar(
        select(Coalition).where(
            Coalition.guild_id == actor.guild_id, Coalition.name_key == name_key
        )
    )


async def create_coalition(
    uow: UnitOfWork,
    actor: Actor,
    *,
    name: str,
    kind: str,
    description: str | None = None,
    region: str | None = None,
    channel_id: int | None = None,
    requires_approval: bool = False,
) -> CoalitionSummary:
    """/coalition create: the creator becomes its first coordinator.

    Who may: admins, the creator role, or everyone, as chosen in /setup (admins only until then).
    """
    name = clean_text(name, field="coalition name", max_len=NAME_LEN)  # type: ignore[assignment]
    slug = kind_slug(kind)
    description = clean_text(
        description, field="description", max_len=DESCRIPTION_LEN, required=False, multiline=True
    )
    region = clean_text(region, field="region", max_len=NAME_LEN, required=False)
    session = uow.session
    settings = await require_coalition_creator(session, actor)
    if channel_id is None and settings is not None:
        # The server's default announcement channel, chosen by an admin in /setup.
        channel_id = settings.announce_channel_id
    name_key = fold(name)
    if await _by_name_key(uow, actor, name_key) is not None:
        raise Conflict(_name_taken(name))
    now = utcnow()
    coalition = Coalition(
        guild_id=actor.guild_id,
        name=name,
        name_key=name_key,
        kind=slug,
        description=description,
        region=region,
        channel_id=channel_id,
        requires_approval=requires_approval,
        created_by=actor.user_id,
        created_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(coalition)
            await session.flush()
    except IntegrityError:
        raise Conflict(_name_taken(name)) from None
    session.add(
        Coordinator(
            coalition_id=coalition.id, user_id=actor.user_id, added_by=actor.user_id, added_at=now
        )
    )
    await session.flush()
    return _summary(coalition, 0)


def _name_taken(name: str) -> str:
    return (
        f'A coalition called "{name}" already exists in this server. '
        "Pick another name, or join that one with /coalition join."
    )


async def list_coalitions(
    uow: UnitOfWork, actor: Actor, *, include_archived: bool = True
) -> list[CoalitionSummary]:
    counts = (
        select(Membership.coalition_id, func.count().label("n"))
        .where(Membership.ended_at.is_(None), Membership.status == "active")
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
    return [_summary(c, int(n)) for c, n in rows]


async def show_coalition(uow: UnitOfWork, actor: Actor, coalition_id: int) -> CoalitionDetail:
    """/coalition show: five queries, whatever the number of members."""
    session = uow.session
    c = await get_coalition(session, actor, coalition_id)
    coordinator_ids = list(
        (
            await session.scalars(
                select(Coordinator.user_id)
                .where(Coordinator.coalition_id == c.id, Coordinator.removed_at.is_(None))
                .order_by(Coordinator.added_at, Coordinator.id)
            )
        ).all()
    )
    members: list[MemberCity] = []
    pending: list[PendingRequest] = []
    for m, city in await current_memberships(session, c.id):
        if m.status == "active":
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
            .where(Ask.coalition_id == c.id, Ask.status == "open")
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
        coordinator_ids=coordinator_ids,
        members=members,
        pending=pending,
        open_asks=[
            OpenAskSummary(a.id, title, a.deadline, counts.get(a.id, 0), len(members))
            for a, title in asks
        ],
        actor_is_coordinator=actor.user_id in coordinator_ids,
    )


async def _current_membership(uow: UnitOfWork, coalition_id: int, city_id: int):
    return await uow.session.scalar(
        select(Membership).where(
            Membership.coalition_id == coalition_id,
            Membership.city_id == city_id,
            Membership.ended_at.is_(None),
        )
    )


def _already_member(m: Membership, coalition: Coalition, city: City) -> Conflict:
    if m.status == "active":
        return Conflict(f"{city.name} is already a member of {coalition.name}.")
    return Conflict(
        f"{city.name}'s request to join {coalition.name} is already waiting for a coordinator's "
        "approval."
    )


async def join_coalition(
    uow: UnitOfWork, actor: Actor, *, coalition_id: int, city_id: int | None = None
) -> MembershipResult:
    """/coalition join: a verified representative brings their city in."""
    session = uow.session
    coalition = await get_coalition(session, actor, coalition_id, lock="update")
    ensure_not_archived(coalition)
    acting = await acting_city(session, actor, city_id, coalition_name=coalition.name)
    city = acting.city
    existing = await _current_membership(uow, coalition.id, city.id)
    if existing is not None:
        raise _already_member(existing, coalition, city)
    now = utcnow()
    m = Membership(
        coalition_id=coalition.id,
        city_id=city.id,
        status="pending" if coalition.requires_approval else "active",
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
        existing = await _current_membership(uow, coalition.id, city.id)
        if existing is None:  # pragma: no cover
            raise
        raise _already_member(existing, coalition, city) from None
    return MembershipResult(coalition.id, coalition.name, city.id, city.name, m.status)


async def _pending_request(uow: UnitOfWork, actor: Actor, coalition_id: int, city_id: int):
    session = uow.session
    coalition = await get_coalition(session, actor, coalition_id, lock="update")
    city = await get_city(session, actor, city_id)
    ensure_not_archived(coalition)
    return coalition, city


async def approve_membership(
    uow: UnitOfWork, actor: Actor, *, coalition_id: int, city_id: int
) -> MembershipResult:
    """/coalition approve: coordinators of the coalition or admins."""
    coalition, city = await _pending_request(uow, actor, coalition_id, city_id)
    await require_coalition_manager(uow.session, actor, coalition, "approve members")
    m = await _current_membership(uow, coalition.id, city.id)
    if m is None:
        raise NotFound(
            f"{city.name} has not asked to join {coalition.name}. A representative of "
            f"{city.name} can ask with /coalition join."
        )
    if m.status == "active":
        raise Conflict(f"{city.name} is already a member of {coalition.name}.")
    m.status = "active"
    m.approved_at = utcnow()
    m.approved_by = actor.user_id
    await uow.session.flush()
    return MembershipResult(coalition.id, coalition.name, city.id, city.name, "active")


async def reject_membership(
    uow: UnitOfWork, actor: Actor, *, coalition_id: int, city_id: int
) -> MembershipResult:
    """Turn down a pending request (the row ends with end_reason "rejected")."""
    coalition, city = await _pending_request(uow, actor, coalition_id, city_id)
    await require_coalition_manager(uow.session, actor, coalition, "turn down requests")
    m = await _current_membership(uow, coalition.id, city.id)
    if m is None or m.status != "pending":
        raise NotFound(f"{city.name} has no pending request to join {coalition.name}.")
    m.ended_at = utcnow()
    m.ended_by = actor.user_id
    m.end_reason = "rejected"
    await uow.session.flush()
    return MembershipResult(coalition.id, coalition.name, city.id, city.name, "rejected")


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
    reason = "left"
    if city_id is not None and await can_manage_coalition(session, actor, coalition):
        city = await get_city(session, actor, city_id)
        represents = await session.scalar(
            select(Representative.id).where(
                Representative.city_id == city.id,
                Representative.user_id == actor.user_id,
                Representative.status == "verified",
                Representative.ended_at.is_(None),
            )
        )
        if represents is None:
            reason = "removed"
    else:
        city = (await acting_city(session, actor, city_id, coalition_name=coalition.name)).city
    m = await _current_membership(uow, coalition.id, city.id)
    if m is None:
        raise NotFound(f"{city.name} is not a member of {coalition.name}.")
    now = utcnow()
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
    if reason == "removed":
        detail = f"{city.name} was removed from {coalition.name}; this signature no longer counts"
    else:
        detail = f"{city.name} left {coalition.name}; this signature no longer counts"
    for sign_on, ask, _title in rows:
        sign_on.withdrawn_at = now
        sign_on.withdrawn_by = actor.user_id
        sign_on.withdraw_reason = detail
        sign_on.end_kind = "left"
        session.add(
            AskEvent(
                ask_id=ask.id,
                kind="left",
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
                "end_kind": "left",
            },
        )
    return len(rows)


async def _coordinator_ids(uow: UnitOfWork, coalition_id: int) -> list[int]:
    return list(
        (
            await uow.session.scalars(
                select(Coordinator.user_id)
                .where(Coordinator.coalition_id == coalition_id, Coordinator.removed_at.is_(None))
                .order_by(Coordinator.added_at, Coordinator.id)
            )
        ).all()
    )


async def add_coordinator(
    uow: UnitOfWork, actor: Actor, *, coalition_id: int, user_id: int
) -> CoordinatorResult:
    session = uow.session
    coalition = await get_coalition(session, actor, coalition_id, lock="update")
    ensure_not_archived(coalition)
    await require_coalition_manager(session, actor, coalition, "add coordinators")
    current = await _coordinator_ids(uow, coalition.id)
    if user_id in current:
        raise Conflict(f"That member is already a coordinator of {coalition.name}.")
    try:
        async with session.begin_nested():
            session.add(
                Coordinator(
                    coalition_id=coalition.id,
                    user_id=user_id,
                    added_by=actor.user_id,
                    added_at=utcnow(),
                )
            )
            await session.flush()
    except IntegrityError:
        raise Conflict(f"That member is already a coordinator of {coalition.name}.") from None
    return CoordinatorResult(coalition.id, coalition.name, user_id, [*current, user_id])


async def remove_coordinator(
    uow: UnitOfWork, actor: Actor, *, coalition_id: int, user_id: int
) -> CoordinatorResult:
    session = uow.session
    # The row lock makes "not the last one" hold when two removals race (PostgreSQL).
    coalition = await get_coalition(session, actor, coalition_id, lock="update")
    ensure_not_archived(coalition)
    await require_coalition_manager(session, actor, coalition, "remove coordinators")
    rows = (
        await session.scalars(
            select(Coordinator).where(
                Coordinator.coalition_id == coalition.id, Coordinator.removed_at.is_(None)
            )
        )
    ).all()
    target = next((r for r in rows if r.user_id == user_id), None)
    if target is None:
        raise NotFound(f"That member is not a coordinator of {coalition.name}.")
    if len(rows) == 1:
        raise Conflict(
            f"That member is the last coordinator of {coalition.name}, and a coalition needs at "
            "least one. Add another coordinator first (/coalition coordinators add)."
        )
    target.removed_at = utcnow()
    target.removed_by = actor.user_id
    await session.flush()
    remaining = [
        r.user_id for r in sorted(rows, key=lambda r: (r.added_at, r.id)) if r is not target
    ]
    return CoordinatorResult(coalition.id, coalition.name, user_id, remaining)


ARCHIVED = "coalition archived"


async def _to_wind_up(
    uow: UnitOfWork, coalition: Coalition, now: datetime
) -> tuple[list[int], list[int]]:
    """The ids of the coalition's open asks and of its upcoming scheduled actions."""
    session = uow.session
    ask_ids = (
        await session.scalars(
            select(Ask.id)
            .where(Ask.coalition_id == coalition.id, Ask.status == "open")
            .order_by(Ask.id)
        )
    ).all()
    action_ids = (
        await session.scalars(
            select(Action.id)
            .where(
                Action.coalition_id == coalition.id,
                Action.status == "scheduled",
                Action.starts_at > now,
            )
            .order_by(Action.starts_at, Action.id)
        )
    ).all()
    return list(ask_ids), list(action_ids)


async def archive_plan(
    uow: UnitOfWork, actor: Actor, coalition_id: int, *, now: datetime | None = None
) -> ArchivePlan:
    """Before the Confirm/Cancel prompt of /coalition archive: the same checks, and counts."""
    session = uow.session
    coalition = await get_coalition(session, actor, coalition_id)
    ensure_not_archived(coalition)
    await require_coalition_manager(session, actor, coalition, "archive it")
    ask_ids, action_ids = await _to_wind_up(uow, coalition, now or utcnow())
    return ArchivePlan(coalition.id, coalition.name, len(ask_ids), len(action_ids))


async def archive_coalition(
    uow: UnitOfWork, actor: Actor, coalition_id: int, *, now: datetime | None = None
) -> ArchiveResult:
    """/coalition archive (after Confirm): read-only from now on.

    Each open ask is closed exactly as /ask close closes it, and each upcoming action is
    cancelled exactly as /action cancel cancels it (history, webhook events, reminders stopped,
    a change notice to the cities that answered), in the same transaction as the archive.
    """
    now = now or utcnow()
    session = uow.session
    coalition = await get_coalition(session, actor, coalition_id, lock="update")
    ensure_not_archived(coalition)
    await require_coalition_manager(session, actor, coalition, "archive it")
    ask_ids, action_ids = await _to_wind_up(uow, coalition, now)
    # Closed and cancelled while the coalition is still writable: those paths refuse archived
    # coalitions. The lock taken above keeps anyone else from changing it meanwhile.
    for ask_id in ask_ids:
        await asks.close_ask(uow, actor, ask_id, detail=ARCHIVED)
    cancelled = [
        await actions.cancel_action(
            uow,
            actor,
            action_id=action_id,
            reason=f"{coalition.name} was archived.",
            now=now,
        )
        for action_id in action_ids
    ]
    coalition.archived_at = now
    coalition.archived_by = actor.user_id
    await session.flush()
    return ArchiveResult(coalition.id, coalition.name, now, ask_ids, cancelled)


async def _settings(uow: UnitOfWork, actor: Actor, coalition_id: int) -> Coalition:
    coalition = await get_coalition(uow.session, actor, coalition_id, lock="update")
    ensure_not_archived(coalition)
    await require_coalition_manager(uow.session, actor, coalition, "change its settings")
    return coalition


def _settings_result(c: Coalition) -> SettingsResult:
    return SettingsResult(c.id, c.name, c.channel_id, c.requires_approval)


async def set_channel(
    uow: UnitOfWork, actor: Actor, *, coalition_id: int, channel_id: int | None
) -> SettingsResult:
    coalition = await _settings(uow, actor, coalition_id)
    coalition.channel_id = channel_id
    await uow.session.flush()
    return _settings_result(coalition)


async def set_approval(
    uow: UnitOfWork, actor: Actor, *, coalition_id: int, required: bool
) -> SettingsResult:
    """Turning approval off does not approve waiting requests; coordinators still decide them."""
    coalition = await _settings(uow, actor, coalition_id)
    coalition.requires_approval = bool(required)
    await uow.session.flush()
    return _settings_result(coalition)
