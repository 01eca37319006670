"""Outbound webhooks of a coalition (/webhook ...) and the bookkeeping of their deliveries.

Coordinators of a coalition and server admins manage its webhooks. A webhook is never deleted:
removing it records who removed it and when. The signing secret is returned exactly once, by
``add_webhook`` (``save_webhook``, its last step; the draft between the steps never reaches a
user); nothing else here ever returns it except ``ping_target`` and ``load_attempts``, which
hand it to the sender and are never rendered.

The second half (claim, load, record, release) is what the delivery runtime in
bot/webhooks/runtime.py calls, one short unit of work per step, never across an HTTP request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.leases import claim_one, claimable
from bot.db.models import Coalition, Coordinator, Webhook, WebhookDelivery
from bot.db.types import utcnow
from bot.db.uow import UnitOfWork
from bot.errors import Conflict, InvalidInput, NotFound
from bot.outbound import signing, urls
from bot.services.autocomplete import Choice
from bot.services.common import Actor
from bot.services.events import EVENT_TYPES
from bot.services.lookups import get_coalition
from bot.services.permissions import (
    can_manage_coalition,
    ensure_not_archived,
    require_coalition_manager,
)

MAX_PER_COALITION = 10
SECRET_MIN_LEN = 16
SECRET_MAX_LEN = 200
STATUS_LEN = 100
WEBHOOK_NOT_FOUND = (
    "I can't find that webhook in this coalition. Pick one from the list as you type "
    "(/webhook list shows them)."
)
_SEPARATORS = re.compile(r"[\s,;]+")
_SECRET_OK = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII, no spaces


# --- returned values ---


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


@dataclass(frozen=True, slots=True)
class FailureNotice:
    """Tell the coalition's coordinators that deliveries to a webhook fail."""

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


# --- parsing user input ---


def parse_events(text: str | None) -> tuple[str, ...]:
    """``"sign_on, withdrawal"`` or ``"all"`` -> event types in their canonical order."""
    words = [w for w in _SEPARATORS.split((text or "").strip().lower()) if w]
    if not words:
        raise InvalidInput(
            "Choose at least one event, separated by commas, or all. Valid events: "
            + ", ".join(EVENT_TYPES)
            + "."
        )
    if "all" in words:
        return EVENT_TYPES
    unknown = [w for w in words if w not in EVENT_TYPES]
    if unknown:
        shown = ", ".join(w[:40] for w in unknown[:5])
        raise InvalidInput(
            f"Unknown event{'s' if len(unknown) > 1 else ''}: {shown}. Valid events: "
            + ", ".join(EVENT_TYPES)
            + ", or all."
        )
    return tuple(e for e in EVENT_TYPES if e in words)


def event_suggestions(typed: str | None) -> list[Choice]:
    """Autocomplete for the comma-separated ``events`` option: keep what was typed, complete
    the last word, offer each event not yet listed, and "all"."""
    text = (typed or "")[:200].lower()
    words = [w for w in _SEPARATORS.split(text) if w]
    ends_with_separator = bool(text) and bool(_SEPARATORS.match(text[-1]))
    partial = "" if ends_with_separator or not words else words[-1]
    done = list(
        dict.fromkeys(w for w in (words if ends_with_separator else words[:-1]) if w in EVENT_TYPES)
    )
    out: list[Choice] = []
    if not done and "all".startswith(partial):
        out.append(Choice("all (every event)", "all"))
    for event in EVENT_TYPES:
        if event in done or not (event.startswith(partial) or partial in event):
            continue
        value = ",".join([*done, event])
        if len(value) <= 100:
            out.append(Choice(value, value))
    if done and not partial:
        value = ",".join(done)
        if len(value) <= 100 and not any(c.value == value for c in out):
            out.insert(0, Choice(value, value))
    return out[:25]


def clean_secret(secret: str | None) -> tuple[str, bool]:
    """(secret, generated). The messages never repeat the secret back."""
    if secret is None or not secret.strip():
        return signing.generate_secret(), True
    secret = secret.strip()
    if not _SECRET_OK.match(secret):
        raise InvalidInput(
            "The secret may contain only printable characters without spaces. Leave it empty "
            "and I will generate a strong one."
        )
    if len(secret) < SECRET_MIN_LEN or len(secret) > SECRET_MAX_LEN:
        raise InvalidInput(
            f"The secret must be {SECRET_MIN_LEN} to {SECRET_MAX_LEN} characters long. Leave it "
            "empty and I will generate a strong one."
        )
    if secret.startswith(signing.SECRET_PREFIX) and len(signing.secret_key(secret)) < 16:
        raise InvalidInput(
            "A whsec_ secret needs at least 16 bytes after the prefix. Leave it empty and I "
            "will generate one."
        )
    return secret, False


# --- commands ---


async def _webhook(uow: UnitOfWork, actor: Actor, coalition: Coalition, webhook_id: int) -> Webhook:
    hook = await uow.session.scalar(
        select(Webhook).where(
            Webhook.id == webhook_id,
            Webhook.guild_id == actor.guild_id,
            Webhook.coalition_id == coalition.id,
            Webhook.status != "removed",
        )
    )
    if hook is None:
        raise NotFound(WEBHOOK_NOT_FOUND)
    return hook


def _events(hook: Webhook) -> tuple[str, ...]:
    return tuple(e for e in hook.events.split(",") if e)


@dataclass(frozen=True, slots=True)
class WebhookDraft:
    """A /webhook add that its actor may make, its input checked; the host not yet resolved
    unless ``address`` is set (by ``check_webhook_host``)."""

    coalition_id: int
    url: str
    events: tuple[str, ...]
    secret: str = field(repr=False)
    secret_generated: bool
    checked: urls.CheckedURL = field(repr=False)
    address: str | None = None


async def _room_for(session: AsyncSession, coalition: Coalition, url: str) -> None:
    current = (
        await session.scalars(
            select(Webhook).where(Webhook.coalition_id == coalition.id, Webhook.status != "removed")
        )
    ).all()
    if any(h.url == url for h in current):
        raise Conflict(
            f"{coalition.name} already has a webhook for that URL. Remove it first "
            "(/webhook remove) to change its events or secret."
        )
    if len(current) >= MAX_PER_COALITION:
        raise Conflict(
            f"{coalition.name} already has {MAX_PER_COALITION} webhooks, the most allowed. "
            "Remove one first (/webhook remove)."
        )


async def _may_add(session: AsyncSession, actor: Actor, coalition_id: int, lock: bool) -> Coalition:
    coalition = await get_coalition(session, actor, coalition_id, lock="update" if lock else None)
    await require_coalition_manager(session, actor, coalition, "add webhooks")
    ensure_not_archived(coalition)
    return coalition


async def prepare_webhook(
    uow: UnitOfWork,
    actor: Actor,
    *,
    coalition_id: int,
    url: str,
    events: str,
    secret: str | None = None,
    allow_private: bool = False,
) -> WebhookDraft:
    """/webhook add, step 1 (a read-only unit of work is enough): who may add comes first,
    then the input, without any network access. Whoever may not add webhooks learns nothing
    about the URL, and above all nothing from a DNS lookup of an internal name."""
    session = uow.session
    coalition = await _may_add(session, actor, coalition_id, lock=False)
    chosen = parse_events(events)
    key, generated = clean_secret(secret)
    checked = urls.parse_url(url, allow_private=allow_private)
    url = url.strip()
    await _room_for(session, coalition, url)
    return WebhookDraft(coalition.id, url, chosen, key, generated, checked)


async def check_webhook_host(
    draft: WebhookDraft, *, allow_private: bool, resolver: urls.Resolver = urls.system_resolver
) -> WebhookDraft:
    """Step 2, outside any transaction (DNS may take seconds): resolve the host and check
    every address it has."""
    target = await urls.resolve(draft.checked, allow_private=allow_private, resolver=resolver)
    return replace(draft, address=target.address)


async def save_webhook(uow: UnitOfWork, actor: Actor, draft: WebhookDraft) -> WebhookCreated:
    """Step 3 (a write unit of work): the permission again (it may have changed since step 1),
    then the duplicate and count checks under the coalition's lock, and the new row."""
    if draft.address is None:
        raise RuntimeError("check_webhook_host must resolve the draft's host before saving it")
    session = uow.session
    coalition = await _may_add(session, actor, draft.coalition_id, lock=True)
    await _room_for(session, coalition, draft.url)
    hook = Webhook(
        guild_id=actor.guild_id,
        coalition_id=coalition.id,
        url=draft.url,
        events=",".join(draft.events),
        secret=draft.secret,
        status="active",
        consecutive_failures=0,
        created_by=actor.user_id,
        created_at=utcnow(),
    )
    session.add(hook)
    await session.flush()
    return WebhookCreated(
        id=hook.id,
        coalition_id=coalition.id,
        coalition_name=coalition.name,
        host=urls.display_host(draft.url),
        events=draft.events,
        secret=draft.secret,
        secret_generated=draft.secret_generated,
    )


async def add_webhook(
    uow: UnitOfWork,
    actor: Actor,
    *,
    coalition_id: int,
    url: str,
    events: str,
    secret: str | None = None,
    allow_private: bool = False,
    resolver: urls.Resolver = urls.system_resolver,
) -> WebhookCreated:
    """/webhook add in one unit of work (tests, scripts): permission, input, DNS, then the row.

    The bot runs the three steps in three units of work (read-only, none, write), so no write
    transaction waits on DNS.
    """
    draft = await prepare_webhook(
        uow,
        actor,
        coalition_id=coalition_id,
        url=url,
        events=events,
        secret=secret,
        allow_private=allow_private,
    )
    draft = await check_webhook_host(draft, allow_private=allow_private, resolver=resolver)
    return await save_webhook(uow, actor, draft)


async def list_webhooks(uow: UnitOfWork, actor: Actor, *, coalition_id: int) -> list[WebhookInfo]:
    """/webhook list: current (not removed) webhooks, oldest first. Managers only."""
    session = uow.session
    coalition = await get_coalition(session, actor, coalition_id)
    await require_coalition_manager(session, actor, coalition, "see its webhooks")
    hooks = (
        await session.scalars(
            select(Webhook)
            .where(Webhook.coalition_id == coalition.id, Webhook.status != "removed")
            .order_by(Webhook.created_at, Webhook.id)
        )
    ).all()
    return [
        WebhookInfo(
            id=h.id,
            host=urls.display_host(h.url),
            events=_events(h),
            status=h.status,
            last_status=h.last_status,
            last_delivery_at=h.last_delivery_at,
            consecutive_failures=h.consecutive_failures,
            created_by=h.created_by,
            created_at=h.created_at,
        )
        for h in hooks
    ]


async def remove_webhook(
    uow: UnitOfWork, actor: Actor, *, coalition_id: int, webhook_id: int
) -> WebhookChange:
    """/webhook remove: recorded as removed (kept for the record); waiting deliveries dropped."""
    session = uow.session
    coalition = await get_coalition(session, actor, coalition_id)
    await require_coalition_manager(session, actor, coalition, "remove webhooks")
    hook = await _webhook(uow, actor, coalition, webhook_id)
    now = utcnow()
    hook.status = "removed"
    hook.removed_at = now
    hook.removed_by = actor.user_id
    dropped = await session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == hook.id, WebhookDelivery.status == "pending")
        .values(status="failed", last_error="webhook removed", lease_until=None)
        .execution_options(synchronize_session=False)
    )
    await session.flush()
    return WebhookChange(
        hook.id,
        coalition.id,
        coalition.name,
        urls.display_host(hook.url),
        "removed",
        dropped.rowcount or 0,  # type: ignore[attr-defined]
    )


async def resume_webhook(
    uow: UnitOfWork, actor: Actor, *, coalition_id: int, webhook_id: int
) -> WebhookChange:
    """/webhook resume: a paused webhook receives new events again."""
    session = uow.session
    coalition = await get_coalition(session, actor, coalition_id)
    ensure_not_archived(coalition)
    await require_coalition_manager(session, actor, coalition, "resume webhooks")
    hook = await _webhook(uow, actor, coalition, webhook_id)
    if hook.status != "paused":
        raise Conflict(f"Webhook #{hook.id} ({urls.display_host(hook.url)}) is not paused.")
    hook.status = "active"
    hook.paused_at = None
    hook.consecutive_failures = 0
    await session.flush()
    return WebhookChange(
        hook.id, coalition.id, coalition.name, urls.display_host(hook.url), "active"
    )


async def ping_target(
    uow: UnitOfWork, actor: Actor, *, coalition_id: int, webhook_id: int
) -> PingTarget:
    """/webhook test: what to send the ping to (active or paused webhooks)."""
    session = uow.session
    coalition = await get_coalition(session, actor, coalition_id)
    await require_coalition_manager(session, actor, coalition, "test webhooks")
    hook = await _webhook(uow, actor, coalition, webhook_id)
    return PingTarget(
        webhook_id=hook.id,
        coalition_id=coalition.id,
        coalition_name=coalition.name,
        host=urls.display_host(hook.url),
        url=hook.url,
        secret=hook.secret,
    )


async def webhook_choices(
    uow: UnitOfWork, actor: Actor, coalition_id: int | None, typed: str | None
) -> list[Choice]:
    """Autocomplete for the ``webhook`` option: the chosen coalition's webhooks (managers)."""
    if coalition_id is None:
        return []
    coalition = await uow.session.scalar(
        select(Coalition).where(Coalition.id == coalition_id, Coalition.guild_id == actor.guild_id)
    )
    if coalition is None or not await can_manage_coalition(uow.session, actor, coalition):
        return []
    hooks = (
        await uow.session.scalars(
            select(Webhook)
            .where(Webhook.coalition_id == coalition.id, Webhook.status != "removed")
            .order_by(Webhook.created_at, Webhook.id)
        )
    ).all()
    key = (typed or "").strip().lower().lstrip("#")[:100]
    out = []
    for h in hooks:
        label = f"#{h.id} {urls.display_host(h.url)} · {len(_events(h))} events"
        if h.status == "paused":
            label += " · paused"
        if key and key not in label.lower():
            continue
        out.append(Choice(label[:100], str(h.id)))
    return out[:25]


# --- delivery bookkeeping (the runtime; no actor) ---


async def claim_due_deliveries(
    uow: UnitOfWork, *, now: datetime, lease: timedelta, owner: str, limit: int
) -> list[DeliveryAttempt]:
    """Claim up to ``limit`` due deliveries for this process and read what sending needs.

    Candidates are picked with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (SQLite's write lock
    serialises claimers anyway), then each is claimed with bot.db.leases.claim_one, the
    conditional UPDATE only one process can win. (bot.db.leases.claim_due's single
    ``UPDATE ... WHERE id IN (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED)`` was measured to
    claim more than ``n`` rows on PostgreSQL, letting one process grab a whole backlog.)
    """
    session = uow.session
    due = WebhookDelivery.next_attempt_at
    candidates = (
        select(WebhookDelivery.id)
        .where(claimable(WebhookDelivery, now, due))
        .order_by(due, WebhookDelivery.id)
        .limit(limit)
    )
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = [
        row_id
        for row_id in (await session.scalars(candidates)).all()
        if await claim_one(
            session, WebhookDelivery, row_id, now=now, lease=lease, owner=owner, due_column=due
        )
    ]
    if not ids:
        return []
    rows = (
        await uow.session.execute(
            select(WebhookDelivery, Webhook)
            .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
            .where(WebhookDelivery.id.in_(ids))
            .order_by(WebhookDelivery.id)
            .execution_options(populate_existing=True)
        )
    ).all()
    return [
        DeliveryAttempt(
            delivery_id=d.id,
            webhook_id=h.id,
            coalition_id=h.coalition_id,
            event_id=d.event_id,
            event_type=d.event_type,
            body=d.body,
            attempt=d.attempts,
            lease_until=d.lease_until,  # type: ignore[arg-type]
            url=h.url,
            secret=h.secret,
            webhook_status=h.status,
        )
        for d, h in rows
    ]


def _held(attempt: DeliveryAttempt):  # type: ignore[no-untyped-def]
    return (
        WebhookDelivery.id == attempt.delivery_id,
        WebhookDelivery.status == "sending",
        WebhookDelivery.lease_until == attempt.lease_until,
    )


async def record_delivered(
    uow: UnitOfWork, attempt: DeliveryAttempt, *, now: datetime, status_code: int, summary: str
) -> bool:
    """False when the lease was lost meanwhile (another process owns the row now)."""
    session = uow.session
    done = await session.execute(
        update(WebhookDelivery)
        .where(*_held(attempt))
        .values(
            status="delivered",
            delivered_at=now,
            lease_until=None,
            last_status_code=status_code,
            last_error=None,
        )
        .execution_options(synchronize_session=False)
    )
    if (done.rowcount or 0) != 1:  # type: ignore[attr-defined]
        return False
    await session.execute(
        update(Webhook)
        .where(Webhook.id == attempt.webhook_id)
        .values(consecutive_failures=0, last_status=summary[:STATUS_LEN], last_delivery_at=now)
        .execution_options(synchronize_session=False)
    )
    return True


async def record_retry(
    uow: UnitOfWork,
    attempt: DeliveryAttempt,
    *,
    now: datetime,
    next_attempt_at: datetime,
    status_code: int | None,
    error: str,
    summary: str,
) -> bool:
    session = uow.session
    done = await session.execute(
        update(WebhookDelivery)
        .where(*_held(attempt))
        .values(
            status="pending",
            lease_until=None,
            next_attempt_at=next_attempt_at,
            last_status_code=status_code,
            last_error=error,
        )
        .execution_options(synchronize_session=False)
    )
    if (done.rowcount or 0) != 1:  # type: ignore[attr-defined]
        return False
    await session.execute(
        update(Webhook)
        .where(Webhook.id == attempt.webhook_id)
        .values(last_status=summary[:STATUS_LEN], last_delivery_at=now)
        .execution_options(synchronize_session=False)
    )
    return True


async def record_failed(
    uow: UnitOfWork,
    attempt: DeliveryAttempt,
    *,
    now: datetime,
    status_code: int | None,
    error: str,
    summary: str,
    pause_after: int,
    count: bool = True,
) -> FailureNotice | None:
    """Mark the delivery failed for good.

    With ``count`` (a real failure, not a delivery dropped because its webhook was paused or
    removed) the webhook's run of failed deliveries grows; at ``pause_after`` the webhook is
    paused. Coordinators are told on the first failure of a run and when the webhook is
    paused, not for every failure in between; the returned notice is claimed in this
    transaction (``coordinators_notified_at``), so it is sent at most once.
    """
    session = uow.session
    done = await session.execute(
        update(WebhookDelivery)
        .where(*_held(attempt))
        .values(status="failed", lease_until=None, last_status_code=status_code, last_error=error)
        .execution_options(synchronize_session=False)
    )
    if (done.rowcount or 0) != 1 or not count:  # type: ignore[attr-defined]
        return None
    failures = (
        await session.execute(
            update(Webhook)
            .where(Webhook.id == attempt.webhook_id)
            .values(
                consecutive_failures=Webhook.consecutive_failures + 1,
                last_status=f"failed: {summary}"[:STATUS_LEN],
                last_delivery_at=now,
            )
            .returning(Webhook.consecutive_failures)
            .execution_options(synchronize_session=False)
        )
    ).scalar_one()
    paused = False
    if failures >= pause_after:
        paused_rows = await session.execute(
            update(Webhook)
            .where(Webhook.id == attempt.webhook_id, Webhook.status == "active")
            .values(status="paused", paused_at=now)
            .execution_options(synchronize_session=False)
        )
        paused = (paused_rows.rowcount or 0) == 1  # type: ignore[attr-defined]
    if failures != 1 and not paused:
        return None
    await session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == attempt.delivery_id)
        .values(coordinators_notified_at=now)
        .execution_options(synchronize_session=False)
    )
    hook, coalition = (
        await session.execute(
            select(Webhook, Coalition)
            .join(Coalition, Coalition.id == Webhook.coalition_id)
            .where(Webhook.id == attempt.webhook_id)
        )
    ).one()
    coordinators = (
        await session.scalars(
            select(Coordinator.user_id)
            .where(Coordinator.coalition_id == coalition.id, Coordinator.removed_at.is_(None))
            .order_by(Coordinator.added_at, Coordinator.id)
        )
    ).all()
    return FailureNotice(
        guild_id=coalition.guild_id,
        coalition_id=coalition.id,
        coalition_name=coalition.name,
        channel_id=coalition.channel_id,
        coordinator_ids=tuple(coordinators),
        webhook_id=hook.id,
        host=urls.display_host(hook.url),
        event_type=attempt.event_type,
        event_id=attempt.event_id,
        attempts=attempt.attempt,
        error=summary,
        consecutive_failures=failures,
        paused=paused,
    )


async def release(uow: UnitOfWork, attempts: list[DeliveryAttempt], *, now: datetime) -> int:
    """Give claimed rows back (shutting down mid-send): another process may take them now.

    The attempt in progress still counts: the receiver may have seen it.
    """
    released = 0
    for attempt in attempts:
        done = await uow.session.execute(
            update(WebhookDelivery)
            .where(*_held(attempt))
            .values(status="pending", lease_until=None, next_attempt_at=now)
            .execution_options(synchronize_session=False)
        )
        released += done.rowcount or 0  # type: ignore[attr-defined]
    return released


async def next_due(uow: UnitOfWork) -> datetime | None:
    """When the earliest waiting delivery falls due (or a held lease expires)."""
    pending = await uow.session.scalar(
        select(func.min(WebhookDelivery.next_attempt_at)).where(WebhookDelivery.status == "pending")
    )
    leased = await uow.session.scalar(
        select(func.min(WebhookDelivery.lease_until)).where(WebhookDelivery.status == "sending")
    )
    found = [t for t in (pending, leased) if t is not None]
    return min(found) if found else None
