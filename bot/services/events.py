"""Coalition events for outbound webhooks, written to the outbox in the same transaction.

A service that changes something webhooks care about calls ``emit`` inside its unit of work.
The delivery rows commit (or roll back) together with the change itself, so a webhook never
hears of a sign-on that did not happen, and never misses one that did.

Payload conventions (``data``): plain JSON values; every id as a string: Discord ids exceed the
53-bit integers JavaScript can hold, and one rule for every id is one less thing for a receiver
to get wrong (``encode_body`` enforces it for every key named ``id``, ``*_id``, ``*_ids`` or
``*_by``); times as ISO 8601 UTC ending in ``Z``; an ask as ``ask_ref(...)``, a city as
``city_ref(...)``. A ``withdrawal`` is any signature that stopped counting: ``end_kind`` says
"withdrawn" when its city withdrew it, "left" when it ended because its city left the
coalition (or was removed from it).

Every body has ``id`` (``evt_...``, the same for every webhook and every retry of one event;
it is also the ``webhook-id`` header), ``type``, ``timestamp``, ``coalition`` ({id, name}) and
``data``.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from bot.db.models import Ask, City, Coalition, Webhook, WebhookDelivery
from bot.db.uow import UnitOfWork, WebhooksQueued

EVENT_TYPES: tuple[str, ...] = (
    "sign_on",
    "withdrawal",
    "ask_created",
    "ask_edited",
    "ask_closed",
    "action_scheduled",
    "action_changed",
    "letter_finalised",
    "pool_closed",
    "ask.goal_reached",
)


def iso(when: datetime | None) -> str | None:
    """An aware datetime as ISO 8601 UTC with a ``Z`` (None stays None)."""
    if when is None:
        return None
    if when.tzinfo is None:
        raise ValueError("event times must be timezone-aware")
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def ask_ref(ask: Ask, title: str) -> dict[str, Any]:
    return {
        "id": str(ask.id),
        "title": title,
        "version": ask.current_version,
        "status": ask.status,
        "deadline": iso(ask.deadline),
    }


def city_ref(city: City) -> dict[str, Any]:
    return {"id": str(city.id), "name": city.name, "country": city.country}


def _is_id_key(key: str) -> bool:
    return key == "id" or key.endswith(("_id", "_ids", "_by"))


def _ids_as_strings(value: Any, key: str = "") -> Any:
    """``value`` with every integer under an id-like key turned into a string."""
    if isinstance(value, dict):
        return {k: _ids_as_strings(v, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_ids_as_strings(v, key) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and _is_id_key(key):
        return str(value)
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def encode_body(
    event_id: str, event_type: str, when: datetime, coalition: dict[str, Any], data: dict[str, Any]
) -> str:
    """The exact JSON text sent (and signed); fixed when queued so retries send the same bytes."""
    return json.dumps(
        {
            "id": event_id,
            "type": event_type,
            "timestamp": iso(when),
            "coalition": _ids_as_strings(coalition),
            "data": _ids_as_strings(data),
        },
        default=_json_default,
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )


async def emit(uow: UnitOfWork, coalition: Coalition, event_type: str, data: dict[str, Any]) -> int:
    """Queue ``event_type`` for every active webhook of the coalition subscribed to it.

    Returns the number of deliveries queued. Once the unit of work commits, the webhook
    worker is woken (``WebhooksQueued``) and sends them.
    """
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event type {event_type!r}")
    now = uow.now
    event_id = f"evt_{uuid.uuid4().hex}"
    # Encoded even when nobody listens, so a value that is not JSON fails every test of the
    # emitting service, not a send months later.
    body = encode_body(
        event_id, event_type, now, {"id": str(coalition.id), "name": coalition.name}, data
    )
    hooks = (
        await uow.session.scalars(
            select(Webhook).where(Webhook.coalition_id == coalition.id, Webhook.status == "active")
        )
    ).all()
    subscribed = [h for h in hooks if event_type in h.events.split(",")]
    if not subscribed:
        return 0
    for hook in subscribed:
        uow.session.add(
            WebhookDelivery(
                webhook_id=hook.id,
                event_id=event_id,
                event_type=event_type,
                body=body,
                next_attempt_at=now,
            )
        )
    uow.wake(WebhooksQueued())
    return len(subscribed)
