"""Shared preludes of use cases, named once: each loads what a command acts on and checks it.

Use these instead of repeating "get → check → check" in every service function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Ask, AskVersion, City, Coalition
from bot.db.models.enums import AskStatus
from bot.services.common import Actor
from bot.services.lookups import Lock, get_ask, get_coalition
from bot.services.permissions import (
    acting_city,
    ensure_not_archived,
    require_active_member,
    require_coalition_manager,
)


async def managed_coalition(
    session: AsyncSession, actor: Actor, coalition_id: int, doing: str, *, lock: Lock = None
) -> Coalition:
    """The server's coalition ``coalition_id``, not archived, that the actor manages.

    ``doing`` completes "Only coordinators of X or server admins can …" (e.g. "edit asks").
    Raises NotFound, Conflict (archived) or PermissionDenied, in that order.
    """
    coalition = await get_coalition(session, actor, coalition_id, lock=lock)
    ensure_not_archived(coalition)
    await require_coalition_manager(session, actor, coalition, doing)
    return coalition


async def managed_ask(
    session: AsyncSession, actor: Actor, ask_id: int, doing: str, *, lock: Lock = None
) -> tuple[Ask, Coalition, AskVersion]:
    """The server's ask ``ask_id``, its coalition (not archived, managed by the actor) and its
    current version. ``doing`` completes "Only coordinators of X or server admins can …"."""
    ask, coalition, version = await get_ask(session, actor, ask_id, lock=lock)
    ensure_not_archived(coalition)
    await require_coalition_manager(session, actor, coalition, doing)
    return ask, coalition, version


@dataclass(frozen=True, slots=True)
class CityOnAsk:
    """An open ask of a live coalition and the city the actor speaks for on it."""

    ask: Ask
    coalition: Coalition
    version: AskVersion  # the ask's current version
    city: City
    signer_title: str | None  # the title the actor was verified under for ``city``


async def city_on_open_ask(
    session: AsyncSession,
    actor: Actor,
    ask_id: int,
    city_id: int | None,
    *,
    closed: Callable[[str, str], Exception],
    lock: Lock = None,
    member: bool = True,
) -> CityOnAsk:
    """The server's ask ``ask_id``, open, and the city the actor acts for on it.

    get ask -> coalition not archived -> ask open -> acting city -> (``member``) the city is an
    active member of the coalition. ``closed(title, coalition_name)`` builds the error for a
    closed ask: each feature words it for what it was about to do.
    Raises NotFound, Conflict, PermissionDenied or ChoiceNeeded, in that order.
    """
    ask, coalition, version = await get_ask(session, actor, ask_id, lock=lock)
    ensure_not_archived(coalition)
    if ask.status != AskStatus.OPEN:
        raise closed(version.title, coalition.name)
    acting = await acting_city(session, actor, city_id, coalition_name=coalition.name)
    if member:
        await require_active_member(session, coalition, acting.city)
    return CityOnAsk(ask, coalition, version, acting.city, acting.title)
