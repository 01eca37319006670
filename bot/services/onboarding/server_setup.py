"""/setup: the server's choices made by its admins (announcement channel, who creates
coalitions, who verifies representatives, where representation requests are posted) and the
channel permissions the bot needs."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.models import GuildSettings
from bot.db.uow import UnitOfWork
from bot.errors import InvalidInput, PermissionDenied
from bot.services.common import Actor

# What the bot needs in the announcement channel: (attribute of Discord's permissions, label).
REQUIRED_CHANNEL_PERMISSIONS: tuple[tuple[str, str], ...] = (
    ("view_channel", "View Channel"),
    ("send_messages", "Send Messages"),
    ("embed_links", "Embed Links"),
    ("attach_files", "Attach Files"),
)

ADMINS_ONLY = (
    "Only server admins (people with the Manage Server permission) can change the setup. "
    "Ask one of them to run /setup."
)


@dataclass(frozen=True, slots=True)
class SetupInfo:
    announce_channel_id: int | None
    # Who may create coalitions: server admins always; members with ``creator_role_id``;
    # everyone when ``anyone_creates`` (an explicit choice, off by default).
    creator_role_id: int | None
    anyone_creates: bool = False
    # Members with this role verify representatives of cities in no active coalition (as
    # admins do). None: admins only.
    verifier_role_id: int | None = None
    # Where representation requests are posted with Verify and Turn down. None: the system
    # channel, if the bot may post there.
    requests_channel_id: int | None = None


def missing_permissions(granted: dict[str, bool]) -> list[str]:
    """Labels of the required permissions not granted, in a fixed order."""
    return [label for name, label in REQUIRED_CHANNEL_PERMISSIONS if not granted.get(name)]


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise PermissionDenied(ADMINS_ONLY)


async def _settings_row(uow: UnitOfWork, guild_id: int) -> GuildSettings:
    row = await uow.session.get(GuildSettings, guild_id)
    if row is None:
        row = GuildSettings(guild_id=guild_id)
        uow.session.add(row)
    return row


def _info(row: GuildSettings | None) -> SetupInfo:
    if row is None:
        return SetupInfo(None, None)
    return SetupInfo(
        row.announce_channel_id,
        row.coalition_creator_role_id,
        anyone_creates=bool(row.anyone_creates_coalitions),
        verifier_role_id=row.verifier_role_id,
        requests_channel_id=row.requests_channel_id,
    )


async def get_setup(uow: UnitOfWork, actor: Actor) -> SetupInfo:
    _require_admin(actor)
    return _info(await uow.session.get(GuildSettings, actor.guild_id))


async def set_announce_channel(uow: UnitOfWork, actor: Actor, channel_id: int) -> SetupInfo:
    """New coalitions created without a channel announce in this one."""
    _require_admin(actor)
    row = await _settings_row(uow, actor.guild_id)
    row.announce_channel_id = channel_id
    await uow.session.flush()
    return _info(row)


async def set_creator_role(uow: UnitOfWork, actor: Actor, role_id: int | None) -> SetupInfo:
    """Members with this role (and admins) may create coalitions; None: admins only.

    Choosing a role ends the "everyone" choice: a role is a restriction. The @everyone role
    (whose id is the server's) means everyone.
    """
    _require_admin(actor)
    row = await _settings_row(uow, actor.guild_id)
    everyone = role_id == actor.guild_id
    row.coalition_creator_role_id = None if everyone else role_id
    row.anyone_creates_coalitions = everyone
    await uow.session.flush()
    return _info(row)


async def set_anyone_creates(uow: UnitOfWork, actor: Actor, anyone: bool) -> SetupInfo:
    """Everyone may create coalitions (``True``), or only admins and the creator role."""
    _require_admin(actor)
    row = await _settings_row(uow, actor.guild_id)
    row.anyone_creates_coalitions = anyone
    await uow.session.flush()
    return _info(row)


async def set_verifier_role(uow: UnitOfWork, actor: Actor, role_id: int | None) -> SetupInfo:
    """Members with this role verify representatives of cities in no active coalition (as
    admins do); None: admins only."""
    _require_admin(actor)
    if role_id == actor.guild_id:
        raise InvalidInput(
            "@everyone cannot be the verifier role: anyone could then speak for any new city. "
            "Pick a role only trusted members have, or press Only admins verify."
        )
    row = await _settings_row(uow, actor.guild_id)
    row.verifier_role_id = role_id
    await uow.session.flush()
    return _info(row)


async def set_requests_channel(uow: UnitOfWork, actor: Actor, channel_id: int) -> SetupInfo:
    """Representation requests (/city represent) are posted here with Verify and Turn down."""
    _require_admin(actor)
    row = await _settings_row(uow, actor.guild_id)
    row.requests_channel_id = channel_id
    await uow.session.flush()
    return _info(row)
