"""Guild-scoped fetches: an id from another server is simply not found."""

from __future__ import annotations

from typing import Literal

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Ask, AskVersion, City, Coalition
from bot.errors import NotFound
from bot.services.common import Actor

CITY_NOT_FOUND = "I can't find that city in this server. Pick one from the list as you type."
COALITION_NOT_FOUND = (
    "I can't find that coalition in this server. Pick one from the list as you type."
)
ASK_NOT_FOUND = "I can't find that ask in this server. Pick one from the list as you type."

# Row ids are 32-bit on PostgreSQL; a bigger number could only be a typo, never a row.
_MAX_ID = 2**31 - 1

Lock = Literal["share", "update"] | None


def _valid_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= _MAX_ID


def parse_choice_id(value: str | int | None, kind: str = "coalition") -> int:
    """An autocomplete value back to an id; free text the user typed instead is NotFound."""
    message = {"city": CITY_NOT_FOUND, "ask": ASK_NOT_FOUND}.get(kind, COALITION_NOT_FOUND)
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise NotFound(message) from None
    if not _valid_id(number):
        raise NotFound(message)
    return number


async def get_city(session: AsyncSession, actor: Actor, city_id: int) -> City:
    if not _valid_id(city_id):
        raise NotFound(CITY_NOT_FOUND)
    city = await session.scalar(
        select(City).where(City.id == city_id, City.guild_id == actor.guild_id)
    )
    if city is None:
        raise NotFound(CITY_NOT_FOUND)
    return city


async def get_coalition(
    session: AsyncSession, actor: Actor, coalition_id: int, *, lock: Lock = None
) -> Coalition:
    """``lock="update"`` serialises changes to one coalition (coordinators, membership)."""
    if not _valid_id(coalition_id):
        raise NotFound(COALITION_NOT_FOUND)
    query = select(Coalition).where(
        Coalition.id == coalition_id, Coalition.guild_id == actor.guild_id
    )
    if lock:
        query = query.with_for_update(read=lock == "share")
    coalition = await session.scalar(query)
    if coalition is None:
        raise NotFound(COALITION_NOT_FOUND)
    return coalition


async def get_ask(
    session: AsyncSession, actor: Actor, ask_id: int, *, lock: Lock = None
) -> tuple[Ask, Coalition, AskVersion]:
    """The ask, its coalition and its current version, in one query.

    Signers take a share lock and editors an update lock on the ask row (PostgreSQL; SQLite
    already serialises writers), so a sign-on can never slip in under a version being replaced.
    """
    if not _valid_id(ask_id):
        raise NotFound(ASK_NOT_FOUND)
    query = (
        select(Ask, Coalition, AskVersion)
        .join(Coalition, Coalition.id == Ask.coalition_id)
        .join(
            AskVersion,
            and_(AskVersion.ask_id == Ask.id, AskVersion.version == Ask.current_version),
        )
        .where(Ask.id == ask_id, Ask.guild_id == actor.guild_id)
    )
    if lock:
        # The ask row alone is locked first, then read with its version by a new statement.
        # Locked inside the join, a row just changed by the edit we waited for is re-checked
        # on PostgreSQL against the join's older snapshot: its new current_version matches no
        # version row seen there, and the ask would seem not to exist.
        await session.execute(
            select(Ask.id)
            .where(Ask.id == ask_id, Ask.guild_id == actor.guild_id)
            .with_for_update(read=lock == "share")
        )
    row = (await session.execute(query)).first()
    if row is None:
        raise NotFound(ASK_NOT_FOUND)
    return row
