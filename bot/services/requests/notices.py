"""Queueing the notices of requests, their outcomes and membership news (in the outbox, in the
unit of work of the change they report)."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.db.models import (
    Ask,
    City,
    Coalition,
    GuildSettings,
    Membership,
    OutboxMessage,
    Representative,
)
from bot.db.models.enums import (
    AskStatus,
    MembershipEnd,
    MembershipStatus,
    OutboxKind,
    RepresentativeStatus,
)
from bot.db.uow import UnitOfWork
from bot.services import outbox
from bot.text import plain

NOTICE_TEMPLATE = "request_notice"
TEXT_TEMPLATE = "text"
REPRESENTATION = "representation"
JOIN = "join"


def notice_key(kind: str, row_id: int) -> str:
    """The live notice of one request (``kind`` ``representation`` or ``join``)."""
    return f"request:{kind}:{row_id}"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


async def requests_channel(
    uow: UnitOfWork, guild_id: int, system_channel_id: int | None
) -> int | None:
    """Where representation requests go: the channel chosen in /setup, else the server's
    system channel (``system_channel_id``: given by the Discord side only when the bot may
    post there)."""
    settings = await uow.session.get(GuildSettings, guild_id)
    if settings is not None and settings.requests_channel_id is not None:
        return settings.requests_channel_id
    return system_channel_id


async def _notice_channel(uow: UnitOfWork, key: str) -> int | None:
    """The channel a notice was posted in (None: never queued)."""
    return await uow.session.scalar(
        select(OutboxMessage.channel_id)
        .where(OutboxMessage.key == key, OutboxMessage.kind == OutboxKind.POST)
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )


async def _post_notice(
    uow: UnitOfWork, *, kind: str, row_id: int, channel_id: int | None, guild_id: int
) -> tuple[int, ...]:
    if channel_id is None:
        return ()
    row = await outbox.post(
        uow,
        channel_id=channel_id,
        guild_id=guild_id,
        key=notice_key(kind, row_id),
        template=NOTICE_TEMPLATE,
        data={"kind": kind, "id": row_id},
        dedupe_key=f"{notice_key(kind, row_id)}:post",
    )
    return (row,) if row is not None else ()


async def _refresh_notice(
    uow: UnitOfWork, *, kind: str, row_id: int, guild_id: int
) -> tuple[tuple[int, ...], int | None]:
    """Edit the notice to show the request as it is now (if it was ever posted): the ids
    queued and the notice's channel."""
    key = notice_key(kind, row_id)
    channel_id = await _notice_channel(uow, key)
    if channel_id is None:
        return (), None
    row = await outbox.edit(
        uow,
        channel_id=channel_id,
        guild_id=guild_id,
        key=key,
        template=NOTICE_TEMPLATE,
        data={"kind": kind, "id": row_id},
    )
    return ((row,) if row is not None else ()), channel_id


async def _tell(
    uow: UnitOfWork, *, user_id: int, guild_id: int, content: str, fallback: int | None
) -> tuple[int, ...]:
    """A DM to the requester; refused (closed DMs), one mention in the notice's channel."""
    row = await outbox.dm(
        uow,
        user_id=user_id,
        guild_id=guild_id,
        template=TEXT_TEMPLATE,
        data={"content": content},
        fallback_channel_id=fallback,
    )
    return (row,) if row is not None else ()


async def _open_asks(uow: UnitOfWork, city_id: int) -> list[tuple[str, int]]:
    """The live coalitions the city is an active member of, with their open asks."""
    rows = await uow.session.execute(
        select(Coalition.name, func.count(Ask.id))
        .join(Membership, Membership.coalition_id == Coalition.id)
        .outerjoin(Ask, (Ask.coalition_id == Coalition.id) & (Ask.status == AskStatus.OPEN))
        .where(
            Membership.city_id == city_id,
            Membership.ended_at.is_(None),
            Membership.status == MembershipStatus.ACTIVE,
            Coalition.archived_at.is_(None),
        )
        .group_by(Coalition.id, Coalition.name, Coalition.name_key)
        .order_by(Coalition.name_key)
    )
    return [(name, int(n)) for name, n in rows.all()]


def _sign_step(names: list[str], open_asks: int) -> str:
    return (
        f"Next: sign the open asks of {', '.join(plain(n) for n in names)} "
        f"({_count(open_asks, 'open ask', 'open asks')}): press **Sign for my city** under "
        "each ask, or run /ask sign."
    )


async def _verified_next_step(uow: UnitOfWork, city: City) -> str:
    found = await _open_asks(uow, city.id)
    if not found:
        return (
            f"Next: bring {plain(city.name)} into a coalition with /coalition join (see them "
            "with /coalition list)."
        )
    open_asks = sum(n for _, n in found)
    names = [name for name, _ in found]
    if open_asks:
        return _sign_step([name for name, n in found if n], open_asks)
    return (
        f"{plain(city.name)} is in {', '.join(plain(n) for n in names)}; nothing is waiting "
        "to be signed yet. New asks are announced in the coalition's channel."
    )


# --- representation requests (/city represent) ---


async def representation_requested(
    uow: UnitOfWork, rep: Representative, *, system_channel_id: int | None
) -> int | None:
    """Post the request's notice with Verify and Turn down; the channel it goes to (None: the
    server has no requests channel and no system channel the bot may post in)."""
    channel_id = await requests_channel(uow, rep.guild_id, system_channel_id)
    queued = await _post_notice(
        uow, kind=REPRESENTATION, row_id=rep.id, channel_id=channel_id, guild_id=rep.guild_id
    )
    return channel_id if queued else None


async def representation_decided(
    uow: UnitOfWork, rep: Representative, city: City
) -> tuple[int, ...]:
    """The request was verified or turned down: the notice shows it (its buttons go) and the
    requester is told by DM, with their next step or the reason."""
    queued, channel_id = await _refresh_notice(
        uow, kind=REPRESENTATION, row_id=rep.id, guild_id=rep.guild_id
    )
    name = plain(city.name)
    if rep.ended_at is None and rep.status == RepresentativeStatus.VERIFIED:
        content = (
            f"✅ You are now a verified representative of **{name}** (verified by "
            f"<@{rep.verified_by}>). {await _verified_next_step(uow, city)}"
        )
    else:
        why = f' Their reason: "{plain(rep.end_note)}".' if rep.end_note else ""
        content = (
            f"Your request to represent **{name}** was turned down by <@{rep.ended_by}>.{why} "
            f"If you do speak for {name}, talk to them, then ask again with /city represent."
        )
    return queued + await _tell(
        uow, user_id=rep.user_id, guild_id=rep.guild_id, content=content, fallback=channel_id
    )


# --- joining a coalition that needs approval (/coalition join) ---


async def join_requested(
    uow: UnitOfWork, m: Membership, coalition: Coalition, *, system_channel_id: int | None
) -> int | None:
    """Post the join request's notice with Approve and Reject, in the coalition's channel (or,
    without one, where representation requests go); the channel, or None."""
    channel_id = coalition.channel_id or await requests_channel(
        uow, coalition.guild_id, system_channel_id
    )
    queued = await _post_notice(
        uow, kind=JOIN, row_id=m.id, channel_id=channel_id, guild_id=coalition.guild_id
    )
    return channel_id if queued else None


async def join_decided(
    uow: UnitOfWork, m: Membership, coalition: Coalition, city: City
) -> tuple[int, ...]:
    """The join request was approved, turned down or withdrawn (the city left before a
    decision): the notice shows it. Approved or turned down, the requester is told by DM;
    approved, the join is announced in the coalition's channel unless the notice is there."""
    queued, channel_id = await _refresh_notice(
        uow, kind=JOIN, row_id=m.id, guild_id=coalition.guild_id
    )
    name, cname = plain(city.name), plain(coalition.name)
    if m.ended_at is None and m.status == MembershipStatus.ACTIVE:
        open_asks = await uow.session.scalar(
            select(func.count(Ask.id)).where(
                Ask.coalition_id == coalition.id, Ask.status == AskStatus.OPEN
            )
        )
        step = (
            _sign_step([coalition.name], int(open_asks))
            if open_asks
            else "Nothing is waiting to be signed yet. New asks are announced in its channel."
        )
        content = (
            f"✅ **{name}** is now a member of **{cname}** (approved by <@{m.approved_by}>). {step}"
        )
        if coalition.channel_id != channel_id:
            queued += await membership_news(uow, coalition, city, change="joined")
    elif m.end_reason == MembershipEnd.REJECTED:
        content = (
            f"**{cname}** turned down {name}'s request to join (decided by <@{m.ended_by}>). "
            f"Ask a coordinator of {cname} why (listed in /coalition show)."
        )
    else:
        return queued
    return queued + await _tell(
        uow,
        user_id=m.requested_by,
        guild_id=coalition.guild_id,
        content=content,
        fallback=channel_id,
    )


async def membership_news(
    uow: UnitOfWork, coalition: Coalition, city: City, *, change: str
) -> tuple[int, ...]:
    """One line in the coalition's channel (no pings): ``change`` is "joined", "left" or
    "removed"."""
    if coalition.channel_id is None:
        return ()
    members = await uow.session.scalar(
        select(func.count(Membership.id)).where(
            Membership.coalition_id == coalition.id,
            Membership.ended_at.is_(None),
            Membership.status == MembershipStatus.ACTIVE,
        )
    )
    name, cname = plain(city.name), plain(coalition.name)
    said = {
        "joined": f"**{name}** joined **{cname}**.",
        "left": f"**{name}** left **{cname}**.",
        "removed": f"**{name}** was removed from **{cname}**.",
    }[change]
    content = f"{said} It now has {_count(int(members or 0), 'member city', 'member cities')}."
    row = await outbox.post(
        uow,
        channel_id=coalition.channel_id,
        guild_id=coalition.guild_id,
        template=TEXT_TEMPLATE,
        data={"content": content},
    )
    return (row,) if row is not None else ()
