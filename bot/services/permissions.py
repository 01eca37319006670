"""Who may do what. Every rule about people lives here, so cogs and services agree.

- *Coordinator of X*: a current Coordinator row for coalition X (``removed_at IS NULL``).
- *Admin*: ``actor.is_admin`` (Manage Server in this guild).
- *Coalition creator*: an admin, a member with the creator role chosen in /setup, or anyone
  when /setup says "everyone" (off by default: otherwise any member could become a
  coordinator and, with it, a manager of cities).
- *Verifier*: a member with the verifier role chosen in /setup (none by default).
- *City manager* (may add cities): an admin, or a coordinator of any non-archived coalition in
  the guild. Cities are shared by every coalition in the server; adding one gives no power over
  who represents it.
- *Representative manager of a city* (may verify and revoke who speaks for it): an admin; a
  coordinator of a non-archived coalition the city belongs to or has asked to join; for a city
  in no such coalition, a verifier. So nobody can make someone the representative of a city
  that belongs to other coalitions (or to none) and sign in its name.
- Nobody verifies themselves, except an admin.
- *Verified representative of a city*: a current Representative row with status "verified".
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    City,
    Coalition,
    Coordinator,
    GuildSettings,
    Membership,
    Representative,
)
from bot.db.models.enums import MembershipStatus, RepresentativeStatus
from bot.errors import ChoiceNeeded, Conflict, PermissionDenied
from bot.services.common import Actor
from bot.services.lookups import get_city

NO_CITY_YET = (
    "You don't represent any city yet. Run /city represent, then ask a coordinator to verify you."
)


async def is_coordinator(session: AsyncSession, coalition_id: int, user_id: int) -> bool:
    return bool(
        await session.scalar(
            select(
                exists().where(
                    Coordinator.coalition_id == coalition_id,
                    Coordinator.user_id == user_id,
                    Coordinator.removed_at.is_(None),
                )
            )
        )
    )


async def coordinates_any(session: AsyncSession, actor: Actor) -> bool:
    """Is the actor a coordinator of any non-archived coalition in this guild?"""
    return bool(
        await session.scalar(
            select(
                exists()
                .where(
                    Coordinator.user_id == actor.user_id,
                    Coordinator.removed_at.is_(None),
                    Coordinator.coalition_id == Coalition.id,
                )
                .where(Coalition.guild_id == actor.guild_id, Coalition.archived_at.is_(None))
            )
        )
    )


async def can_manage_coalition(session: AsyncSession, actor: Actor, coalition: Coalition) -> bool:
    return actor.is_admin or await is_coordinator(session, coalition.id, actor.user_id)


async def require_coalition_manager(
    session: AsyncSession, actor: Actor, coalition: Coalition, action: str
) -> None:
    """``action`` completes "Only coordinators of X or server admins can ...", e.g. "edit asks"."""
    if not await can_manage_coalition(session, actor, coalition):
        raise PermissionDenied(
            f"Only coordinators of {coalition.name} or server admins can {action}. "
            f"Ask a coordinator of {coalition.name} (listed in /coalition show)."
        )


async def require_city_manager(session: AsyncSession, actor: Actor, action: str) -> None:
    if actor.is_admin or await coordinates_any(session, actor):
        return
    raise PermissionDenied(
        f"Only coalition coordinators and server admins can {action}. "
        "Ask a coordinator (listed in /coalition show) or a server admin."
    )


def may_create_coalitions(settings: GuildSettings | None, actor: Actor) -> bool:
    if actor.is_admin:
        return True
    if settings is None:
        return False
    if settings.anyone_creates_coalitions:
        return True
    role_id = settings.coalition_creator_role_id
    return role_id is not None and role_id in actor.role_ids


async def require_coalition_creator(session: AsyncSession, actor: Actor) -> GuildSettings | None:
    """Refuse unless the actor may create coalitions here; returns the server's settings."""
    settings = await session.get(GuildSettings, actor.guild_id)
    if may_create_coalitions(settings, actor):
        return settings
    role = settings.coalition_creator_role_id if settings else None
    who = (
        "only server admins and members with the coalition-creator role chosen in /setup"
        if role is not None
        else "only server admins"
    )
    raise PermissionDenied(
        f"In this server {who} can create coalitions. Ask a server admin to create it for "
        "you, or to let more people create coalitions with /setup."
    )


def is_verifier(settings: GuildSettings | None, actor: Actor) -> bool:
    """Does the actor hold the server's verifier role (chosen in /setup)?"""
    role_id = settings.verifier_role_id if settings else None
    return role_id is not None and role_id != actor.guild_id and role_id in actor.role_ids


def refuse_self_verification(actor: Actor, user_id: int, city: City) -> None:
    """Nobody but an admin verifies themselves: a coordinator or verifier who could would
    speak for any city they like."""
    if user_id == actor.user_id and not actor.is_admin:
        raise PermissionDenied(
            f"You cannot verify yourself as a representative of {city.name}. Ask a server "
            f"admin, or someone else who may verify for {city.name}, to verify you."
        )


async def require_representative_manager(
    session: AsyncSession, actor: Actor, city: City, action: str
) -> None:
    """``action`` completes "... can ...", e.g. "verify representatives"."""
    if actor.is_admin:
        return
    rows = (
        await session.execute(
            select(Coalition.name, Coordinator.user_id)
            .join(Membership, Membership.coalition_id == Coalition.id)
            .outerjoin(
                Coordinator,
                (Coordinator.coalition_id == Coalition.id)
                & (Coordinator.user_id == actor.user_id)
                & Coordinator.removed_at.is_(None),
            )
            .where(
                Coalition.guild_id == actor.guild_id,
                Membership.city_id == city.id,
                Membership.ended_at.is_(None),
                Coalition.archived_at.is_(None),
            )
            .order_by(Coalition.name_key)
        )
    ).all()
    if rows:
        if any(user_id is not None for _, user_id in rows):
            return
        names = ", ".join(dict.fromkeys(name for name, _ in rows))
        raise PermissionDenied(
            f"Only coordinators of {names} (the coalitions {city.name} is in or asked to "
            f"join) or server admins can {action} for {city.name}. Ask one of them (listed in "
            "/coalition show)."
        )
    settings = await session.get(GuildSettings, actor.guild_id)
    if is_verifier(settings, actor):
        return
    verifiers = (
        "server admins and members with the verifier role chosen in /setup"
        if settings is not None and settings.verifier_role_id is not None
        else "server admins"
    )
    raise PermissionDenied(
        f"{city.name} is in no active coalition, so only {verifiers} can {action} for it. "
        "Ask a server admin."
    )


def ensure_not_archived(coalition: Coalition) -> None:
    if coalition.archived_at is not None:
        raise Conflict(f"{coalition.name} is archived and read-only.")


@dataclass(frozen=True, slots=True)
class ActingCity:
    """The city a representative acts for, with the title they were verified under."""

    city: City
    title: str | None


async def acting_city(
    session: AsyncSession,
    actor: Actor,
    city_id: int | None,
    *,
    coalition_name: str | None = None,
) -> ActingCity:
    """The city the actor speaks for: ``city_id`` if given, else their only verified city.

    Raises PermissionDenied when they do not (yet) represent it, ChoiceNeeded with the city
    names when they represent several and named none.
    """
    rows = (
        await session.execute(
            select(Representative, City)
            .join(City, City.id == Representative.city_id)
            .where(
                Representative.guild_id == actor.guild_id,
                City.guild_id == actor.guild_id,
                Representative.user_id == actor.user_id,
                Representative.ended_at.is_(None),
            )
            .order_by(City.name_key, City.id)
        )
    ).all()
    verified: list[tuple[Representative, City]] = []
    pending: list[City] = []
    for rep, city in rows:
        if rep.status == RepresentativeStatus.VERIFIED:
            verified.append((rep, city))
        else:
            pending.append(city)
    who = f"a coordinator of {coalition_name}" if coalition_name else "a coordinator"

    if city_id is None:
        if len(verified) == 1:
            rep, city = verified[0]
            return ActingCity(city=city, title=rep.title)
        if not verified:
            if pending:
                waiting = ", ".join(c.name for c in pending)
                raise PermissionDenied(
                    f"Your request to represent {waiting} is still waiting for verification. "
                    f"Ask {who} to verify you (/city verify)."
                )
            raise PermissionDenied(NO_CITY_YET)
        names = [city.name for _, city in verified]
        raise ChoiceNeeded(
            f"You represent several cities ({', '.join(names)}). Choose which one in the city "
            "option.",
            choices=names,
        )

    for rep, city in verified:
        if city.id == city_id:
            return ActingCity(city=city, title=rep.title)
    city = await get_city(session, actor, city_id)
    if any(c.id == city.id for c in pending):
        raise PermissionDenied(
            f"Your request to represent {city.name} is still waiting for verification. "
            f"Ask {who} to verify you for {city.name} (/city verify)."
        )
    if verified:
        mine = ", ".join(c.name for _, c in verified)
        raise PermissionDenied(
            f"You represent {mine}, not {city.name}. Ask {who} to verify you for {city.name} "
            "(/city verify)."
        )
    raise PermissionDenied(
        f"You don't represent {city.name}. Run /city represent {city.name}, then ask {who} to "
        "verify you."
    )


async def require_active_member(
    session: AsyncSession, coalition: Coalition, city: City
) -> Membership:
    membership = await session.scalar(
        select(Membership).where(
            Membership.coalition_id == coalition.id,
            Membership.city_id == city.id,
            Membership.ended_at.is_(None),
        )
    )
    if membership is None:
        raise PermissionDenied(
            f"{city.name} is not a member of {coalition.name}. "
            f"Bring it in first with /coalition join {coalition.name}."
        )
    if membership.status != MembershipStatus.ACTIVE:
        raise PermissionDenied(
            f"{city.name}'s request to join {coalition.name} is still waiting for approval. "
            f"Ask a coordinator of {coalition.name} to approve it (/coalition approve)."
        )
    return membership
