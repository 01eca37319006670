"""What the webhook services return: plain values, never rows. The signing secret appears only
in ``WebhookCreated`` (shown once) and in what the sender needs (``PingTarget``,
``DeliveryAttempt``), which is never rendered."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

MAX_PER_COALITION = 10
STATUS_LEN = 100
WEBHOOK_NOT_FOUND = (
    "I can't find that webhook in this coalition. Pick one from the list as you type "
    "(/webhook list shows them)."
)


@dataclass(frozen=True, slots=True)
class WebhookCreated:
    id: int
    coalition_id: int
    coalition_name: str
    host: str
    events: tuple[str, ...]
    secret: str  # show once, ephemerally; never again
    secret_generated: bool


@dataclass(frozen=True, slots=True)
class WebhookInfo:
    id: int
    host: str  # the host only: never the path, query or user:password
    events: tuple[str, ...]
    status: str  # active | paused
    last_status: str | None
    last_delivery_at: datetime | None
    consecutive_failures: int
    created_by: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class WebhookChange:
    id: int
    coalition_id: int
    coalition_name: str
    host: str
    status: str
    dropped: int = 0  # deliveries still waiting that will not be sent


@dataclass(frozen=True, slots=True)
class PingTarget:
    """What the sender needs for /webhook test; the secret never leaves the sender."""

    webhook_id: int
    coalition_id: int
    coalition_name: str
    host: str
    url: str
    secret: str


@dataclass(frozen=True, slots=True)
class DeliveryAttempt:
    """One claimed delivery: everything the sender needs, read in one query."""

    delivery_id: int
    webhook_id: int
    coalition_id: int
    event_id: str
    event_type: str
    body: str
    attempt: int  # 1 for the first attempt
    lease_until: datetime  # the fencing token: records only land while we still hold it
    url: str
    secret: str
    webhook_status: str


# The outbox template of the notice (bot.ui.outbox_sender renders it from the notice's fields).
FAILURE_TEMPLATE = "webhook_failure"


@dataclass(frozen=True, slots=True)
class FailureNotice:
    """Tell the coalition's coordinators that deliveries to a webhook fail: queued in the
    outbox (template ``webhook_failure``, data ``to_data()``) with the failure it reports."""

    guild_id: int
    coalition_id: int
    coalition_name: str
    channel_id: int | None
    coordinator_ids: tuple[int, ...]
    webhook_id: int
    host: str
    event_type: str
    event_id: str
    attempts: int
    error: str
    consecutive_failures: int
    paused: bool

    def to_data(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> FailureNotice:
        """The notice back from an outbox row's data (which may carry more keys)."""
        values = {f.name: data[f.name] for f in fields(cls)}
        values["coordinator_ids"] = tuple(int(u) for u in values["coordinator_ids"])
        return cls(**values)
