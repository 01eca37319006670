"""The emulator's world: users, guilds, channels, messages and interactions.

These are plain records the tests build and inspect. Each knows how to render itself as the
JSON payload Discord would send.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .server import DiscordEmulator

DISCORD_EPOCH_MS = 1_420_070_400_000

# Permission bits the emulator reasons about.
CREATE_INSTANT_INVITE = 1 << 0
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
CONNECT = 1 << 20
SPEAK = 1 << 21
CHANGE_NICKNAME = 1 << 26
USE_APPLICATION_COMMANDS = 1 << 31
SEND_MESSAGES_IN_THREADS = 1 << 38
ALL_PERMISSIONS = (1 << 51) - 1

EVERYONE_PERMISSIONS = (
    CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | CONNECT
    | SPEAK
    | CHANGE_NICKNAME
    | USE_APPLICATION_COMMANDS
    | SEND_MESSAGES_IN_THREADS
)
DEFAULT_BOT_PERMISSIONS = EVERYONE_PERMISSIONS | MANAGE_MESSAGES | MENTION_EVERYONE


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

    def __init__(self, emu: DiscordEmulator, guild_id: int, name: str, owner: User | None) -> None:
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


@dataclass(eq=False)
class Attachment:
    id: int
    filename: str
    data: bytes
    content_type: str | None = None
    description: str | None = None

    def to_payload(self, base_url: str) -> dict[str, Any]:
        url = f"{base_url}/attachments/{self.id}/{self.filename}"
        payload: dict[str, Any] = {
            "id": str(self.id),
            "filename": self.filename,
            "size": len(self.data),
            "url": url,
            "proxy_url": url,
        }
        if self.content_type:
            payload["content_type"] = self.content_type
        if self.description:
            payload["description"] = self.description
        return payload


def _embed_text(embed: dict[str, Any]) -> list[str]:
    parts = [
        (embed.get("author") or {}).get("name") or "",
        embed.get("title") or "",
        embed.get("description") or "",
    ]
    for f in embed.get("fields") or []:
        parts += [f.get("name") or "", f.get("value") or ""]
    parts.append((embed.get("footer") or {}).get("text") or "")
    return [p for p in parts if p]


@dataclass(eq=False)
class Message:
    """A message the bot created: a channel post, DM, interaction response or followup."""

    id: int
    channel_id: int
    author: User
    guild_id: int | None = None
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    flags: int = 0
    allowed_mentions: dict[str, Any] | None = None
    nonce: str | None = None
    type: int = 0
    dm_user: User | None = None
    interaction: Interaction | None = None
    loading: bool = False
    deleted: bool = False
    edits: int = 0
    created_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    edited_at: dt.datetime | None = None
    tts: bool = False

    @property
    def author_id(self) -> int:
        return self.author.id

    @property
    def files(self) -> list[tuple[str, bytes]]:
        return [(a.filename, a.data) for a in self.attachments]

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & 64)

    @property
    def text(self) -> str:
        parts = [self.content] if self.content else []
        for embed in self.embeds:
            parts += _embed_text(embed)
        return "\n".join(parts)

    def buttons(self) -> list[dict[str, Any]]:
        return [c for c in walk_components(self.components) if c.get("type") == 2]

    def selects(self) -> list[dict[str, Any]]:
        return [c for c in walk_components(self.components) if c.get("type") in {3, 5, 6, 7, 8}]

    def to_payload(self, emu: DiscordEmulator) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "type": self.type,
            "author": self.author.to_payload(),
            "content": self.content,
            "timestamp": iso(self.created_at),
            "edited_timestamp": iso(self.edited_at) if self.edited_at else None,
            "tts": self.tts,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [a.to_payload(emu.base_url) for a in self.attachments],
            "embeds": self.embeds,
            "components": self.components,
            "pinned": False,
            "flags": self.flags | (128 if self.loading else 0),
        }
        if self.guild_id is not None:
            payload["guild_id"] = str(self.guild_id)
        if self.nonce is not None:
            payload["nonce"] = self.nonce
        if self.interaction is not None:
            payload["webhook_id"] = str(emu.application_id)
            payload["application_id"] = str(emu.application_id)
            payload["interaction_metadata"] = {
                "id": str(self.interaction.id),
                "type": self.interaction.type,
                "user": self.interaction.user.to_payload(),
                "authorizing_integration_owners": {},
            }
        return payload


def walk_components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every component in a tree (rows, labels, sections, containers) in order."""
    found: list[dict[str, Any]] = []
    for component in components:
        found.append(component)
        found += walk_components(component.get("components") or [])
        for key in ("component", "accessory"):
            if component.get(key):
                found += walk_components([component[key]])
    return found


@dataclass(eq=False)
class Interaction:
    """One interaction the emulator dispatched, and everything the bot answered."""

    id: int
    token: str
    type: int
    user: User
    guild: Guild | None
    channel: Channel
    data: dict[str, Any]
    created_monotonic: float
    created_clock: float
    command_path: str | None = None
    # Loop time when the bot's first response arrived (for latency benchmarks).
    responded_monotonic: float | None = None
    source_message: Message | None = None
    response_type: int | None = None
    response_data: dict[str, Any] | None = None
    response_flags: int = 0
    message: Message | None = None
    followups: list[Message] = field(default_factory=list)
    choices: list[dict[str, Any]] | None = None
    expired: bool = False
    rejections: list[str] = field(default_factory=list)
    _waiter: Callable[[Callable[[], bool], float], Any] | None = field(default=None, repr=False)

    @property
    def acknowledged(self) -> bool:
        return self.response_type is not None

    @property
    def latency(self) -> float | None:
        """Seconds from dispatching INTERACTION_CREATE to the bot's first response."""
        if self.responded_monotonic is None:
            return None
        return self.responded_monotonic - self.created_monotonic

    @property
    def ephemeral(self) -> bool:
        return bool(self.response_flags & 64)

    @property
    def modal(self) -> dict[str, Any] | None:
        return self.response_data if self.response_type == 9 else None

    @property
    def content(self) -> str:
        return self.message.content if self.message else ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.message.embeds if self.message else []

    @property
    def components(self) -> list[dict[str, Any]]:
        return self.message.components if self.message else []

    @property
    def files(self) -> list[tuple[str, bytes]]:
        return self.message.files if self.message else []

    @property
    def text(self) -> str:
        return self.message.text if self.message else ""

    @property
    def all_text(self) -> str:
        """The response's text followed by every followup's.

        After a deferral the first followup becomes the original response (as on Discord),
        so it is ``message``, not ``followups[0]``.
        """
        parts = [self.text, *(m.text for m in self.followups)]
        return "\n".join(p for p in parts if p)

    async def wait_followups(self, n: int, timeout: float = 5.0) -> list[Message]:  # noqa: ASYNC109
        """Wait until at least ``n`` followups arrived; returns them."""
        assert self._waiter is not None
        await self._waiter(lambda: len(self.followups) >= n, timeout)
        return self.followups

    async def wait_original(self, timeout: float = 5.0) -> Message:  # noqa: ASYNC109
        """Wait until the original response message exists and is no longer loading."""
        assert self._waiter is not None
        await self._waiter(lambda: self.message is not None and not self.message.loading, timeout)
        assert self.message is not None
        return self.message
