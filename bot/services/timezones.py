"""Which time zone a typed time is read in, when the command's option leaves it out.

In order: the command's option; the person's zone (``/me timezone``, else the zone they last
typed: ``bot.services.me.person_zone``); the coalition's zone (``/coalition settings
timezone``); the server's zone (``/setup``); and only then the bot asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.db.models import Coalition, GuildSettings, UserPreference
from bot.db.uow import UnitOfWork
from bot.errors import InvalidInput, PermissionDenied
from bot.services.common import Actor
from bot.services.guards import managed_coalition
from bot.services.me import person_zone
from bot.services.zones import resolve_zone

NO_ZONE = (
    "Which time zone is that in? Choose one in the timezone option (a city, a country or an "
    "IANA name: Paris, Ireland, Europe/Paris). To stop being asked, set yours with "
    "/me timezone, the coalition's with /coalition settings timezone, or the server's with "
    "/setup."
)


class ZoneSource(StrEnum):
    """Where the zone a time was read in came from (said in the answer)."""

    OPTION = "option"
    PERSON = "person"
    COALITION = "coalition"
    SERVER = "server"
    ACTION = "action"  # a reschedule: the zone the action was set in


SOURCE_WORDS = {
    ZoneSource.OPTION: "the zone you chose",
    ZoneSource.PERSON: "your zone",
    ZoneSource.COALITION: "the coalition's zone",
    ZoneSource.SERVER: "the server's zone",
    ZoneSource.ACTION: "the zone it was set in",
}


@dataclass(frozen=True, slots=True)
class ChosenZone:
    name: str  # an IANA name
    source: ZoneSource

    @property
    def words(self) -> str:
        return SOURCE_WORDS[self.source]


async def remembered_timezone(uow: UnitOfWork, user_id: int) -> str | None:
    """The zone this person last typed in a command (any server), or None."""
    pref = await uow.session.get(UserPreference, user_id)
    return pref.timezone if pref else None


async def remember_timezone(uow: UnitOfWork, user_id: int, zone: str) -> None:
    pref = await uow.session.get(UserPreference, user_id)
    if pref is None:
        uow.session.add(UserPreference(user_id=user_id, timezone=zone))
    elif pref.timezone != zone:
        pref.timezone = zone


async def server_timezone(uow: UnitOfWork, guild_id: int) -> str | None:
    row = await uow.session.get(GuildSettings, guild_id)
    return row.timezone if row is not None else None


async def default_zone(
    uow: UnitOfWork,
    actor: Actor,
    option: str | None,
    *,
    coalition: Coalition | None = None,
    fallback: ChosenZone | None = None,
    locale: str | None = None,
) -> ChosenZone:
    """The zone a time is read in: ``option``, else ``fallback`` (e.g. the action's own zone),
    else the person's, the coalition's, the server's; none: InvalidInput asking for one.

    A zone typed in the option is remembered as the person's last one."""
    typed = (option or "").strip()
    if typed:
        zone = resolve_zone(typed, locale=locale).key
        await remember_timezone(uow, actor.user_id, zone)
        return ChosenZone(zone, ZoneSource.OPTION)
    if fallback is not None:
        return fallback
    candidates = (
        (await person_zone(uow, actor.guild_id, actor.user_id), ZoneSource.PERSON),
        (coalition.timezone if coalition is not None else None, ZoneSource.COALITION),
        (await server_timezone(uow, actor.guild_id), ZoneSource.SERVER),
    )
    for name, source in candidates:
        if name:
            try:
                return ChosenZone(resolve_zone(name).key, source)
            except InvalidInput:
                continue  # a zone tzdata no longer knows: the next level decides
    raise InvalidInput(NO_ZONE)


async def set_coalition_timezone(
    uow: UnitOfWork, actor: Actor, *, coalition_id: int, timezone: str | None
) -> tuple[str, str | None]:
    """/coalition settings timezone: coordinators (or admins). ``None`` clears it.
    Returns (coalition name, zone)."""
    coalition = await managed_coalition(uow.session, actor, coalition_id, "change its settings")
    zone = resolve_zone(timezone).key if (timezone or "").strip() else None
    coalition.timezone = zone
    await uow.session.flush()
    return coalition.name, zone


async def set_server_timezone(uow: UnitOfWork, actor: Actor, timezone: str | None) -> str | None:
    """/setup timezone: server admins. ``None`` clears it. Returns the zone."""
    if not actor.is_admin:
        raise PermissionDenied("Only server admins can set the server's time zone.")
    zone = resolve_zone(timezone).key if (timezone or "").strip() else None
    row = await uow.session.get(GuildSettings, actor.guild_id)
    if row is None:
        row = GuildSettings(guild_id=actor.guild_id)
        uow.session.add(row)
    row.timezone = zone
    await uow.session.flush()
    return zone
