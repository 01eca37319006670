"""Reading asks (read-only): list, show, the full text, signatories, history, and what the
ask's live announcement shows (for the outbox, which has no actor)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, select

from bot.db.models import Ask, AskEvent, AskVersion, City, Coalition, SignOn
from bot.db.models.enums import MembershipStatus, SignOnEnd
from bot.db.uow import UnitOfWork
from bot.errors import InvalidInput, NotFound
from bot.services.asks._rows import progress
from bot.services.asks._text import STATUSES
from bot.services.asks.results import (
    AskDetail,
    AskEventInfo,
    AskPost,
    AskSummary,
    AskText,
    LeftInfo,
    MissingCity,
    Signatories,
    SignatoryInfo,
    WithdrawnInfo,
)
from bot.services.common import Actor
from bot.services.lookups import (
    active_member_count,
    current_memberships,
    get_ask,
    get_coalition,
    signed_counts,
)


async def list_asks(
    uow: UnitOfWork, actor: Actor, *, coalition_id: int, status: str = "open"
) -> list[AskSummary]:
    """/ask list: newest first. ``status`` is "open", "closed" or "all"."""
    if status not in STATUSES:
        raise InvalidInput('Please choose a status: "open", "closed" or "all".')
    session = uow.session
    coalition = await get_coalition(session, actor, coalition_id)
    query = (
        select(Ask, AskVersion.title)
        .join(
            AskVersion, and_(AskVersion.ask_id == Ask.id, AskVersion.version == Ask.current_version)
        )
        .where(Ask.coalition_id == coalition.id)
        .order_by(Ask.created_at.desc(), Ask.id.desc())
    )
    if status != "all":
        query = query.where(Ask.status == status)
    rows = (await session.execute(query)).all()
    counts = await signed_counts(session, [a.id for a, _ in rows])
    total = await active_member_count(session, coalition.id)
    return [
        AskSummary(
            id=a.id,
            coalition_id=coalition.id,
            coalition_name=coalition.name,
            title=title,
            status=a.status,
            version=a.current_version,
            deadline=a.deadline,
            signed=counts.get(a.id, 0),
            total=total,
        )
        for a, title in rows
    ]


async def _signatories(uow: UnitOfWork, ask: Ask, version: AskVersion) -> Signatories:
    session = uow.session
    members = [
        city
        for m, city in await current_memberships(session, ask.coalition_id)
        if m.status == MembershipStatus.ACTIVE
    ]
    # The city's name comes along for the cities no longer in the coalition ("left").
    sign_ons = (
        await session.execute(
            select(SignOn, City.name, City.country)
            .join(City, City.id == SignOn.city_id)
            .where(SignOn.ask_id == ask.id)
            .order_by(SignOn.signed_at, SignOn.id)
        )
    ).all()
    current: dict[int, SignOn] = {}
    last_ended: dict[int, tuple[SignOn, str, str]] = {}
    for s, name, country in sign_ons:
        if s.withdrawn_at is None:
            current[s.city_id] = s
        else:
            last_ended[s.city_id] = (s, name, country)  # later rows overwrite earlier ones
    signed: list[SignatoryInfo] = []
    stale: list[SignatoryInfo] = []
    withdrawn: list[WithdrawnInfo] = []
    missing: list[MissingCity] = []
    left: list[LeftInfo] = []

    def left_info(s: SignOn, name: str, country: str, member: bool) -> LeftInfo:
        return LeftInfo(
            city_id=s.city_id,
            city_name=name,
            country=country,
            signed_by=s.user_id,
            signed_at=s.signed_at,
            left_at=s.withdrawn_at,  # type: ignore[arg-type]
            ended_by=s.withdrawn_by or s.user_id,
            member=member,
        )

    member_ids = {city.id for city in members}
    for city_id, (gone, name, country) in last_ended.items():
        if city_id not in member_ids and city_id not in current and gone.end_kind == SignOnEnd.LEFT:
            left.append(left_info(gone, name, country, member=False))
    for city in members:
        live = current.get(city.id)
        ended = last_ended.get(city.id)
        if live is None and ended is not None and ended[0].end_kind == SignOnEnd.LEFT:
            left.append(left_info(*ended, member=True))
        elif live is not None:
            info = SignatoryInfo(
                city_id=city.id,
                city_name=city.name,
                country=city.country,
                user_id=live.user_id,
                title=live.signer_title,
                signed_at=live.signed_at,
                signed_version=live.signed_version,
                confirmed_version=live.confirmed_version,
                confirmed_at=live.confirmed_at,
                confirmed_by=live.confirmed_by,
                note=live.note,
            )
            (signed if live.confirmed_version >= ask.current_version else stale).append(info)
        elif ended is not None:
            w = ended[0]
            withdrawn.append(
                WithdrawnInfo(
                    city_id=city.id,
                    city_name=city.name,
                    country=city.country,
                    signed_by=w.user_id,
                    withdrawn_by=w.withdrawn_by or w.user_id,
                    withdrawn_at=w.withdrawn_at,  # type: ignore[arg-type]
                    reason=w.withdraw_reason or "",
                )
            )
        else:
            missing.append(MissingCity(city.id, city.name, city.country))
    signed.sort(key=lambda i: (i.signed_at, i.city_id))
    stale.sort(key=lambda i: (i.signed_at, i.city_id))
    withdrawn.sort(key=lambda i: (i.withdrawn_at, i.city_id))
    left.sort(key=lambda i: (i.left_at, i.city_id))
    return Signatories(
        ask_id=ask.id,
        title=version.title,
        version=ask.current_version,
        signed=signed,
        needs_reconfirmation=stale,
        withdrawn=withdrawn,
        missing=missing,
        total=len(members),
        left=left,
    )


async def signatories(uow: UnitOfWork, actor: Actor, ask_id: int) -> Signatories:
    """/ask signatories: three queries, whatever the number of cities."""
    ask, _coalition, version = await get_ask(uow.session, actor, ask_id)
    return await _signatories(uow, ask, version)


async def show_ask(uow: UnitOfWork, actor: Actor, ask_id: int) -> AskDetail:
    """/ask show: the text, deadline, progress and the four signatory lists."""
    ask, coalition, version = await get_ask(uow.session, actor, ask_id)
    return AskDetail(
        id=ask.id,
        coalition_id=coalition.id,
        coalition_name=coalition.name,
        coalition_archived=coalition.archived_at is not None,
        status=ask.status,
        title=version.title,
        target=version.target,
        text=version.body,
        version=ask.current_version,
        version_created_at=version.created_at,
        deadline=ask.deadline,
        created_by=ask.created_by,
        created_at=ask.created_at,
        closed_at=ask.closed_at,
        signatories=await _signatories(uow, ask, version),
    )


def _edited_at(ask: Ask, version: AskVersion) -> datetime | None:
    return version.created_at if ask.current_version > 1 else None


async def full_text(uow: UnitOfWork, actor: Actor, ask_id: int) -> AskText:
    """Read the full text (the button under an ask): anyone in the ask's server."""
    ask, coalition, version = await get_ask(uow.session, actor, ask_id)
    return AskText(
        ask_id=ask.id,
        coalition_name=coalition.name,
        title=version.title,
        target=version.target,
        text=version.body,
        version=ask.current_version,
        edited_at=_edited_at(ask, version),
        deadline=ask.deadline,
        status=ask.status,
    )


async def announcement_state(uow: UnitOfWork, ask_id: int) -> AskPost | None:
    """The ask's live announcement as it is now; None when the ask is gone."""
    row = (
        await uow.session.execute(
            select(Ask, AskVersion, Coalition.name)
            .join(
                AskVersion,
                and_(AskVersion.ask_id == Ask.id, AskVersion.version == Ask.current_version),
            )
            .join(Coalition, Coalition.id == Ask.coalition_id)
            .where(Ask.id == ask_id)
        )
    ).first()
    if row is None:
        return None
    ask, version, coalition_name = row
    signed, total = await progress(uow, ask)
    return AskPost(
        ask_id=ask.id,
        coalition_name=coalition_name,
        title=version.title,
        target=version.target,
        text=version.body,
        edited_at=_edited_at(ask, version),
        deadline=ask.deadline,
        status=ask.status,
        signed=signed,
        total=total,
    )


async def history(uow: UnitOfWork, actor: Actor, ask_id: int) -> list[AskEventInfo]:
    """/ask history: every event, oldest first."""
    session = uow.session
    ask, _coalition, _ver = await get_ask(session, actor, ask_id)
    rows = (
        await session.execute(
            select(AskEvent, City.name)
            .outerjoin(City, City.id == AskEvent.city_id)
            .where(AskEvent.ask_id == ask.id)
            .order_by(AskEvent.created_at, AskEvent.id)
        )
    ).all()
    return [
        AskEventInfo(
            id=e.id,
            kind=e.kind,
            user_id=e.user_id,
            at=e.created_at,
            version=e.version,
            city_id=e.city_id,
            city_name=name,
            detail=e.detail,
        )
        for e, name in rows
    ]


async def guild_of_ask(uow: UnitOfWork, ask_id: int) -> int:
    """The server an ask belongs to, for buttons pressed in DMs (which carry no server).

    Only the guild id is revealed; every rule still runs with an actor scoped to that guild,
    so the presser must be a verified representative there.
    """
    guild_id = await uow.session.scalar(select(Ask.guild_id).where(Ask.id == ask_id))
    if guild_id is None:
        raise NotFound("That ask no longer exists.")
    return int(guild_id)
