"""What the bot wrote and what users did: attachments, messages and interactions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .world import Channel, Guild, User, iso

if TYPE_CHECKING:
    from ..state import EmulatorState


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

    def to_payload(self, emu: EmulatorState) -> dict[str, Any]:
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
