"""What the pool services hand back: plain, frozen values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class PoolInfo:
    id: int
    coalition_id: int
    coalition_name: str
    channel_id: int | None
    item: str
    unit: str
    description: str | None
    deadline: datetime | None
    status: str  # PoolStatus
    created_at: datetime
    closed_at: datetime | None
    closed_by: int | None  # None with closed_at: closed automatically at the deadline


@dataclass(frozen=True, slots=True)
class PledgeLine:
    """One city's live pledge."""

    city_id: int
    city_name: str
    country: str
    quantity: int
    note: str | None
    user_id: int
    title: str | None
    pledged_at: datetime


@dataclass(frozen=True, slots=True)
class PoolView:
    """/pool show: the pool, its live pledges (by city name) and who has not pledged."""

    pool: PoolInfo
    pledges: list[PledgeLine]
    total: int
    not_pledged: list[str]  # active member cities without a live pledge

    @property
    def cities(self) -> int:
        return len(self.pledges)


@dataclass(frozen=True, slots=True)
class PoolCreated:
    pool: PoolInfo
    deadline_reading: str | None  # the deadline in words, in the zone it was typed in
    deadline_note: str | None  # a choice the time parser made for the user
    reminders: list[datetime] = field(default_factory=list)  # before the deadline
    outbox_ids: tuple[int, ...] = ()  # the announcement, queued in the coalition's channel


@dataclass(frozen=True, slots=True)
class PoolAnnouncement:
    """What the pool's live announcement shows now: the pool and, once it is closed, its
    result (the live pledges' total and how many cities made them)."""

    pool: PoolInfo
    total: int
    cities: int


@dataclass(frozen=True, slots=True)
class PledgeForm:
    """What the Pledge form opens with: the city it pledges for, and its live pledge."""

    pool_id: int
    city_id: int
    city_name: str
    item: str
    unit: str
    quantity: int | None
    note: str | None


@dataclass(frozen=True, slots=True)
class PledgeResult:
    pool: PoolInfo
    city_name: str
    quantity: int
    note: str | None
    before: int | None  # the quantity of the pledge this one replaced
    unchanged: bool  # the same quantity and note as the live pledge: nothing recorded
    total: int
    cities: int


@dataclass(frozen=True, slots=True)
class WithdrawResult:
    pool: PoolInfo
    city_name: str
    quantity: int  # what was withdrawn
    reason: str
    total: int
    cities: int


@dataclass(frozen=True, slots=True)
class CloseResult:
    pool: PoolInfo
    total: int
    cities: int
    webhooks: int  # deliveries of ``pool_closed`` queued
    outbox_ids: tuple[int, ...] = ()  # the closing post, queued in the coalition's channel


@dataclass(frozen=True, slots=True)
class PoolExport:
    """The file /pool export sends."""

    filename: str
    content: bytes
    rows: int
    total: int
    pool: PoolInfo
