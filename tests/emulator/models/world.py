"""The emulator's world: users, roles, channels, members and guilds, with ids and a clock.

Plain records the tests build and inspect; each renders itself as the JSON payload Discord
would send. Guild methods that change a connected world dispatch the matching gateway event.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .permissions import ADMINISTRATOR, ALL_PERMISSIONS, EVERYONE_PERMISSIONS

if TYPE_CHECKING:
    from ..state import EmulatorState

DISCORD_EPOCH_MS = 1_420_070_400_000


class SnowflakeFactory:
    """Increasing snowflakes whose timestamps are real."""

    def __init__(self) -> None:
        self._last = 0

    def __call__(self) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        self._last = max(self._last + 1, ms << 22)
        return self._last


def iso(moment: dt.datetime) -> str:
    return moment.isoformat()


class Clock:
    """Test clock for token lifetimes: real time plus whatever the test advanced."""

    def __init__(self) -> None:
        self.offset = 0.0

    def time(self) -> float:
        return time.time() + self.offset

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.time(), dt.UTC)

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@dataclass(frozen=True)
class Violation:
    """A request Discord would have rejected (or a rule the bot broke)."""

    code: int
    status: int
    route: str
    message: str

    @property
    def text(self) -> str:
        return f"{self.route} -> {self.status}/{self.code}: {self.message}"

    def __str__(self) -> str:
        return self.text


@dataclass(eq=False)
class User:
    id: int
    name: str
    dms_open: bool = True
    bot: bool = False
    global_name: str | None = None
    locale: str = "en-US"

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def to_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
            "flags": 0,
        }


@dataclass(eq=False)
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    managed: bool = False
    bot_id: int | None = None

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": False,
            "flags": 0,
        }
        if self.bot_id is not None:
            payload["tags"] = {"bot_id": str(self.bot_id)}
        return payload


@dataclass(eq=False)
class Overwrite:
    id: int
    type: int  # 0 role, 1 member
    allow: int = 0
    deny: int = 0

    def to_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "type": self.type,
            "allow": str(self.allow),
            "deny": str(self.deny),
        }


@dataclass(eq=False)
class Channel:
    """A guild text channel (type 0) or a DM channel (type 1)."""

    id: int
    name: str
    type: int = 0
    guild: Guild | None = None
    position: int = 0
    overwrites: list[Overwrite] = field(default_factory=list)
    recipient: User | None = None
    topic: str | None = None

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    def overwrite(self, target: User | Role, *, allow: int = 0, deny: int = 0) -> None:
        """Set a permission overwrite for a role or member in this channel."""
        kind = 0 if isinstance(target, Role) else 1
        self.overwrites = [o for o in self.overwrites if o.id != target.id]
        self.overwrites.append(Overwrite(target.id, kind, allow, deny))

    def to_payload(self) -> dict[str, Any]:
        if self.type == 1:
            assert self.recipient is not None
            return {
                "id": str(self.id),
                "type": 1,
                "last_message_id": None,
                "flags": 0,
                "recipients": [self.recipient.to_payload()],
            }
        assert self.guild is not None
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild.id),
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [o.to_payload() for o in self.overwrites],
            "topic": self.topic,
            "nsfw": False,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "parent_id": None,
            "flags": 0,
        }


@dataclass(eq=False)
class Member:
    user: User
    roles: list[Role]
    joined_at: dt.datetime
    nick: str | None = None

    def to_payload(self, *, with_user: bool = True) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "roles": [str(r.id) for r in self.roles],
            "joined_at": iso(self.joined_at),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            payload["user"] = self.user.to_payload()
        return payload


class Guild:
    """A guild the bot is in. Changes after the bot connected are dispatched to it."""

    def __init__(self, emu: EmulatorState, guild_id: int, name: str, owner: User | None) -> None:
        self._emu = emu
        self.id = guild_id
        self.name = name
        self.owner = owner
        self.roles: dict[int, Role] = {}
        self.channels: dict[int, Channel] = {}
        self.members: dict[int, Member] = {}
        self.system_channel: Channel | None = None
        self.locale = "en-US"
        # Set while a GUILD_CREATE is queued: changes before it ride along in its payload.
        self.pending_create = False
        self.everyone = Role(guild_id, guild_id, "@everyone", EVERYONE_PERMISSIONS, 0)
        self.roles[guild_id] = self.everyone

    def __repr__(self) -> str:
        return f"<Guild id={self.id} name={self.name!r}>"

    def add_role(self, name: str, permissions: int = 0) -> Role:
        role = Role(self._emu.next_id(), self.id, name, permissions, position=len(self.roles))
        self.roles[role.id] = role
        self._emu._guild_event(self, "GUILD_ROLE_CREATE", {"role": role.to_payload()})
        return role

    def add_text_channel(
        self, name: str, *, bot_permissions: int | None = None, topic: str | None = None
    ) -> Channel:
        """A text channel; ``bot_permissions`` (if given) is exactly what the bot may do there."""
        channel = Channel(
            self._emu.next_id(), name, 0, self, position=len(self.channels), topic=topic
        )
        if bot_permissions is not None:
            channel.overwrites.append(
                Overwrite(
                    self._emu.bot_user.id,
                    1,
                    allow=bot_permissions,
                    deny=ALL_PERMISSIONS & ~bot_permissions,
                )
            )
        self.channels[channel.id] = channel
        if self.system_channel is None:
            self.system_channel = channel
        self._emu._guild_event(self, "CHANNEL_CREATE", channel.to_payload())
        return channel

    def add_member(
        self, user: User, *, permissions: int = 0, roles: list[Role] | None = None
    ) -> Member:
        """Add ``user``; ``permissions`` are granted through a role of their own."""
        member_roles = list(roles or [])
        if permissions:
            personal = Role(
                self._emu.next_id(),
                self.id,
                f"{user.name} permissions",
                permissions,
                position=len(self.roles),
            )
            self.roles[personal.id] = personal
            self._emu._guild_event(self, "GUILD_ROLE_CREATE", {"role": personal.to_payload()})
            member_roles.append(personal)
        member = Member(user, member_roles, self._emu.clock.now())
        self.members[user.id] = member
        self._emu._guild_event(self, "GUILD_MEMBER_ADD", member.to_payload(), intent=1 << 1)
        return member

    def give_role(self, user: User, role: Role) -> None:
        member = self.members[user.id]
        if role not in member.roles:
            member.roles.append(role)
        self._emu._guild_event(self, "GUILD_MEMBER_UPDATE", member.to_payload())

    def remove_role(self, user: User, role: Role) -> None:
        member = self.members[user.id]
        member.roles = [r for r in member.roles if r is not role]
        self._emu._guild_event(self, "GUILD_MEMBER_UPDATE", member.to_payload())

    # ----------------------------------------------------------------- permissions

    def base_permissions(self, user: User) -> int:
        if self.owner is not None and user.id == self.owner.id:
            return ALL_PERMISSIONS
        member = self.members.get(user.id)
        value = self.everyone.permissions
        for role in member.roles if member else []:
            value |= role.permissions
        return ALL_PERMISSIONS if value & ADMINISTRATOR else value

    def permissions_in(self, user: User, channel: Channel | None) -> int:
        value = self.base_permissions(user)
        if value & ADMINISTRATOR or channel is None:
            return value
        member = self.members.get(user.id)
        role_ids = {r.id for r in member.roles} if member else set()
        by_id = {o.id: o for o in channel.overwrites}
        everyone = by_id.get(self.id)
        if everyone:
            value = (value & ~everyone.deny) | everyone.allow
        allow = deny = 0
        for o in channel.overwrites:
            if o.type == 0 and o.id in role_ids:
                allow |= o.allow
                deny |= o.deny
        value = (value & ~deny) | allow
        own = by_id.get(user.id)
        if own and own.type == 1:
            value = (value & ~own.deny) | own.allow
        return value

    def to_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner.id if self.owner else self._emu.bot_user.id),
            "unavailable": False,
            "large": False,
            "member_count": len(self.members),
            "joined_at": iso(self._emu.clock.now()),
            "roles": [r.to_payload() for r in self.roles.values()],
            "channels": [c.to_payload() for c in self.channels.values()],
            "members": [m.to_payload() for m in self.members.values()],
            "threads": [],
            "presences": [],
            "voice_states": [],
            "emojis": [],
            "stickers": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "features": [],
            "system_channel_id": str(self.system_channel.id) if self.system_channel else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": self.locale,
            "vanity_url_code": None,
            "application_id": None,
            "max_members": 500000,
        }
