"""What the coalition services return: frozen plain values the cogs render."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.services.actions import ChangeResult


@dataclass(frozen=True, slots=True)
class CoalitionSummary:
    id: int
    name: str
    kind: str  # slug
    kind_label: str
    region: str | None
    member_count: int  # active members
    archived: bool


@dataclass(frozen=True, slots=True)
class MemberCity:
    city_id: int
    name: str
    country: str
    since: datetime  # approved_at (or requested_at when no approval was needed)


@dataclass(frozen=True, slots=True)
class PendingRequest:
    city_id: int
    name: str
    country: str
    requested_by: int
    requested_at: datetime


@dataclass(frozen=True, slots=True)
class OpenAskSummary:
    id: int
    title: str
    deadline: datetime | None
    signed: int
    total: int


@dataclass(frozen=True, slots=True)
class CoalitionDetail:
    id: int
    name: str
    kind: str
    kind_label: str
    description: str | None
    region: str | None
    channel_id: int | None
    requires_approval: bool
    archived: bool
    archived_at: datetime | None
    created_by: int
    created_at: datetime
    coordinator_ids: list[int]  # in the order they were added
    members: list[MemberCity]  # every active member, by name (the cog paginates)
    pending: list[PendingRequest]
    open_asks: list[OpenAskSummary]  # newest first
    actor_is_coordinator: bool


@dataclass(frozen=True, slots=True)
class MembershipResult:
    coalition_id: int
    coalition_name: str
    city_id: int
    city_name: str
    status: str  # "active" | "pending" (join) or the end reason "left" | "removed" | "rejected"
    ended_sign_ons: int = 0  # leaving: signatures that stopped counting (state "left")
    notice_channel_id: int | None = None  # a join needing approval: where its notice went


@dataclass(frozen=True, slots=True)
class CoordinatorResult:
    coalition_id: int
    coalition_name: str
    user_id: int
    coordinator_ids: list[int]  # the coordinators after the change


@dataclass(frozen=True, slots=True)
class ArchivePlan:
    """What archiving will do, for the Confirm/Cancel prompt."""

    coalition_id: int
    coalition_name: str
    open_asks: int  # closed as /ask close would
    upcoming_actions: int  # cancelled as /action cancel would


@dataclass(frozen=True, slots=True)
class ArchiveResult:
    coalition_id: int
    coalition_name: str
    archived_at: datetime
    closed_ask_ids: list[int]  # open asks closed by the archive
    # One per upcoming action cancelled: its notice id (the reminder runtime sends it) and the
    # cities that had answered (they are told).
    cancelled_actions: list[ChangeResult] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SettingsResult:
    coalition_id: int
    coalition_name: str
    channel_id: int | None
    requires_approval: bool
