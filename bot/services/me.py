"""Personal settings (``/me``): what a person wants the bot to DM them, and their time zone and
language. One row per person and server (``person_settings``); no row means the defaults
(reminders and nudges on, no zone or language chosen).

Other services read a person's choices through ``person_zone`` and ``turned_off``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select

from bot.db.models import UserPreference
from bot.db.models.people import PersonSettings
from bot.db.uow import UnitOfWork
from bot.errors import InvalidInput
from bot.services.common import Actor
from bot.services.timeparse import zone_from_name


class DmKind(StrEnum):
    """What a DM is for: each can be turned off on its own with ``/me notifications``."""

    REMINDERS = "reminders"  # action and deadline reminders
    NUDGES = "nudges"  # coordinators' nudges to sign an ask


@dataclass(frozen=True, slots=True)
class MySettings:
    reminders: bool
    nudges: bool
    timezone: str | None
    language: str | None
    changed: tuple[str, ...] = ()  # the settings this command changed, in order


def _settings(row: PersonSettings | None, changed: tuple[str, ...] = ()) -> MySettings:
    if row is None:
        return MySettings(True, True, None, None, changed)
    return MySettings(row.reminders, row.nudges, row.timezone, row.language, changed)


async def person_zone(uow: UnitOfWork, guild_id: int, user_id: int) -> str | None:
    """The IANA zone a person chose in this server with ``/me``, else the zone they last typed
    in a command (remembered across servers), else None."""
    row = await uow.session.get(PersonSettings, (guild_id, user_id))
    if row is not None and row.timezone:
        return row.timezone
    pref = await uow.session.get(UserPreference, user_id)
    return pref.timezone if pref is not None else None


async def my_settings(uow: UnitOfWork, actor: Actor) -> MySettings:
    """``/me``: the actor's settings in this server."""
    return _settings(await uow.session.get(PersonSettings, (actor.guild_id, actor.user_id)))


async def set_notifications(
    uow: UnitOfWork, actor: Actor, *, reminders: bool | None = None, nudges: bool | None = None
) -> MySettings:
    """``/me notifications``: turn reminder or nudge DMs on or off (None: leave as it is)."""
    if reminders is None and nudges is None:
        raise InvalidInput(
            "Choose what to change: reminders, nudges or both (on or off). "
            "/me shows your settings as they are."
        )
    session = uow.session
    row = await session.get(PersonSettings, (actor.guild_id, actor.user_id))
    if row is None:
        row = PersonSettings(
            guild_id=actor.guild_id,
            user_id=actor.user_id,
            reminders=True,
            nudges=True,
            updated_at=uow.now,
        )
        session.add(row)
    changed: list[str] = []
    if reminders is not None and row.reminders != reminders:
        row.reminders = reminders
        changed.append(DmKind.REMINDERS)
    if nudges is not None and row.nudges != nudges:
        row.nudges = nudges
        changed.append(DmKind.NUDGES)
    if changed:
        row.updated_at = uow.now
    await session.flush()
    return _settings(row, tuple(changed))


async def set_timezone(uow: UnitOfWork, actor: Actor, *, timezone: str | None) -> MySettings:
    """``/me timezone``: the zone the bot reads this person's times in (in this server), before
    the coalition's and the server's. None or blank clears it."""
    name = (timezone or "").strip()
    zone = zone_from_name(name).key if name else None
    session = uow.session
    row = await session.get(PersonSettings, (actor.guild_id, actor.user_id))
    if row is None:
        row = PersonSettings(
            guild_id=actor.guild_id,
            user_id=actor.user_id,
            reminders=True,
            nudges=True,
            updated_at=uow.now,
        )
        session.add(row)
    changed: tuple[str, ...] = ()
    if row.timezone != zone:
        row.timezone = zone
        row.updated_at = uow.now
        changed = ("timezone",)
    await session.flush()
    return _settings(row, changed)


async def turned_off(
    uow: UnitOfWork, guild_id: int, user_ids: Iterable[int], kind: DmKind
) -> set[int]:
    """Those of ``user_ids`` who turned ``kind`` DMs off in this server (one query)."""
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        return set()
    column = PersonSettings.reminders if kind == DmKind.REMINDERS else PersonSettings.nudges
    rows = await uow.session.scalars(
        select(PersonSettings.user_id).where(
            PersonSettings.guild_id == guild_id,
            PersonSettings.user_id.in_(ids),
            column.is_(False),
        )
    )
    return set(rows.all())
