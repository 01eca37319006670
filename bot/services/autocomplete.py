"""Autocomplete choices: one query each, at most 25, matched anywhere in the folded name.

Values are ``str(id)``; turn them back with bot.services.lookups.parse_choice_id.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, select

from bot.db.models import Ask, AskVersion, City, Coalition, Coordinator, Membership, Representative
from bot.db.models.enums import AskStatus, MembershipStatus, RepresentativeStatus
from bot.db.uow import UnitOfWork
from bot.services.common import Actor, fold

LIMIT = 25  # Discord's maximum number of choices
LABEL_LEN = 100  # Discord's maximum choice name length


@dataclass(frozen=True, slots=True)
class Choice:
    label: str
    value: str


def _label(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LABEL_LEN else text[: LABEL_LEN - 1] + "…"


def _key(typed: str | None) -> str:
    # Autocomplete input is partial and unvalidated; only a bounded, folded key reaches SQL.
    return fold((typed or "")[:200])


def _city_label(city: City, suffix: str = "") -> str:
    base = f"{city.name} ({city.country})"
    if not suffix:
        return _label(base)
    room = LABEL_LEN - len(suffix)
    if len(base) > room:
        base = base[: room - 1] + "…"
    return base + suffix


async def cities(uow: UnitOfWork, actor: Actor, typed: str | None) -> list[Choice]:
    key = _key(typed)
    rows = await uow.session.scalars(
        select(City)
        .where(City.guild_id == actor.guild_id, City.name_key.contains(key, autoescape=True))
        .order_by(City.name_key.startswith(key, autoescape=True).desc(), City.name_key, City.id)
        .limit(LIMIT)
    )
    return [Choice(_city_label(c), str(c.id)) for c in rows]


async def my_cities(uow: UnitOfWork, actor: Actor, typed: str | None) -> list[Choice]:
    """For the optional ``city`` option: the actor's verified cities first, then the rest."""
    key = _key(typed)
    mine = (
        exists()
        .where(
            Representative.city_id == City.id,
            Representative.user_id == actor.user_id,
            Representative.status == RepresentativeStatus.VERIFIED,
            Representative.ended_at.is_(None),
        )
        .label("mine")
    )
    rows = (
        await uow.session.execute(
            select(City, mine)
            .where(City.guild_id == actor.guild_id, City.name_key.contains(key, autoescape=True))
            .order_by(mine.desc(), City.name_key, City.id)
            .limit(LIMIT)
        )
    ).all()
    return [Choice(_city_label(c, " · yours" if is_mine else ""), str(c.id)) for c, is_mine in rows]


async def coalitions(
    uow: UnitOfWork, actor: Actor, typed: str | None, *, include_archived: bool = False
) -> list[Choice]:
    key = _key(typed)
    query = select(Coalition).where(
        Coalition.guild_id == actor.guild_id, Coalition.name_key.contains(key, autoescape=True)
    )
    if not include_archived:
        query = query.where(Coalition.archived_at.is_(None))
    rows = await uow.session.scalars(
        query.order_by(
            Coalition.name_key.startswith(key, autoescape=True).desc(), Coalition.name_key
        ).limit(LIMIT)
    )
    return [
        Choice(_label(c.name + (" (archived)" if c.archived_at else "")), str(c.id)) for c in rows
    ]


async def asks(
    uow: UnitOfWork, actor: Actor, typed: str | None, *, open_only: bool = False
) -> list[Choice]:
    """Asks matching the title or coalition name. The actor's own come first: those of
    coalitions they coordinate or whose member cities they represent; then open before closed.

    Titles have no folded column, so the match runs here on the guild's asks (still one query).
    """
    key = _key(typed)
    coordinates = exists().where(
        Coordinator.coalition_id == Ask.coalition_id,
        Coordinator.user_id == actor.user_id,
        Coordinator.removed_at.is_(None),
    )
    represents = exists().where(
        Membership.coalition_id == Ask.coalition_id,
        Membership.ended_at.is_(None),
        Membership.status == MembershipStatus.ACTIVE,
        Representative.city_id == Membership.city_id,
        Representative.user_id == actor.user_id,
        Representative.status == RepresentativeStatus.VERIFIED,
        Representative.ended_at.is_(None),
    )
    query = (
        select(Ask.id, Ask.status, AskVersion.title, Coalition.name, Coalition.name_key)
        .join(Coalition, Coalition.id == Ask.coalition_id)
        .join(
            AskVersion, and_(AskVersion.ask_id == Ask.id, AskVersion.version == Ask.current_version)
        )
        .where(Ask.guild_id == actor.guild_id)
        .order_by(
            (coordinates | represents).desc(),
            (Ask.status == AskStatus.OPEN).desc(),
            Ask.created_at.desc(),
            Ask.id.desc(),
        )
    )
    if open_only:
        query = query.where(Ask.status == AskStatus.OPEN)
    out: list[Choice] = []
    for ask_id, status, title, coalition_name, coalition_key in await uow.session.execute(query):
        if key and key not in fold(title) and key not in coalition_key:
            continue
        closed = " (closed)" if status != AskStatus.OPEN else ""
        out.append(Choice(_label(f"{title} — {coalition_name}{closed}"), str(ask_id)))
        if len(out) == LIMIT:
            break
    return out
