"""What the reminder services hand back: a plan for one delivery (or why there is none), what
each kind of reminder says, and the result of changing a coalition's offsets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ActionContent:
    action_id: int
    title: str
    kind_label: str
    starts_at: datetime
    timezone: str
    location: str | None
    offset_label: str
    going: list[str]
    maybe: list[str]
    not_going: list[str]
    no_answer: list[str]


@dataclass(frozen=True, slots=True)
class AskDeadlineContent:
    ask_id: int
    title: str
    deadline: datetime
    offset_label: str
    signed: int
    total: int
    missing: list[str]


@dataclass(frozen=True, slots=True)
class ChangeContent:
    action_id: int
    title: str
    change: str  # rescheduled | cancelled
    starts_at: datetime
    old_starts_at: datetime | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class DigestAsk:
    ask_id: int
    title: str
    deadline: datetime
    missing: list[str]
    total: int


@dataclass(frozen=True, slots=True)
class DigestAction:
    action_id: int
    title: str
    starts_at: datetime
    no_answer: list[str]
    going: int
    total: int


@dataclass(frozen=True, slots=True)
class DigestEvent:
    kind: str  # signed | withdrawn
    ask_title: str
    city_name: str
    at: datetime


@dataclass(frozen=True, slots=True)
class DigestGoal:
    ask_title: str
    kind: str  # reached | lost
    at: datetime


@dataclass(frozen=True, slots=True)
class DigestContent:
    coalition_name: str
    since: datetime
    asks: list[DigestAsk]  # closing within 14 days, soonest first
    actions: list[DigestAction]  # within 14 days, soonest first
    sign_ons: list[DigestEvent]
    withdrawals: list[DigestEvent]
    # Waiting for a coordinator's (or a verifier's) decision.
    waiting_representatives: list[str] = field(default_factory=list)  # city names, one per request
    waiting_joins: list[str] = field(default_factory=list)  # city names
    goals: list[DigestGoal] = field(default_factory=list)  # reached or lost since ``since``


PlanContent = ActionContent | AskDeadlineContent | ChangeContent | DigestContent


@dataclass(frozen=True, slots=True)
class Plan:
    """What one reminder sends. Delivery keys: "channel", "dm:<user id>"."""

    reminder_id: int
    kind: str
    due_at: datetime
    late: bool
    coalition_id: int
    coalition_name: str
    channel_id: int | None  # a post here (None: no channel post)
    dm_user_ids: list[int]  # a DM to each
    fallback_channel_id: int | None  # where refused DMs become a mention
    content: PlanContent
    done: frozenset[str] = field(default_factory=frozenset)
    # Those of ``dm_user_ids`` DMed as a participant (a representative of a city that answered
    # Going or Maybe), not as a coordinator: their DM says what to bring, not who is missing.
    participant_ids: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class Skip:
    reminder_id: int
    status: str  # cancelled | skipped
    reason: str


@dataclass(frozen=True, slots=True)
class OffsetsResult:
    coalition_id: int
    coalition_name: str
    offsets: list[str]
    actions_rearmed: int
