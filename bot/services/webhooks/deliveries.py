"""The delivery worker's bookkeeping (bot.workers.webhook_worker): claim due deliveries, record
each attempt's outcome, give rows back. One short unit of work per step, never across an HTTP
request; no actor (the worker acts for no one)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from bot.db.leases import claim_one, claimable
from bot.db.models import Coalition, Coordinator, Webhook, WebhookDelivery
from bot.db.models.enums import DeliveryStatus, WebhookStatus
from bot.db.uow import UnitOfWork
from bot.outbound import urls
from bot.services import outbox
from bot.services.webhooks.results import (
    FAILURE_TEMPLATE,
    STATUS_LEN,
    DeliveryAttempt,
    FailureNotice,
)

log = logging.getLogger("bot.webhooks")


def notice_key(delivery_id: int, user_id: int | None = None) -> str:
    """The outbox dedupe key of a failure notice: once per failed delivery and reader."""
    base = f"webhook_failure:{delivery_id}"
    return base if user_id is None else f"{base}:{user_id}"


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
        WebhookDelivery.status == DeliveryStatus.SENDING,
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
            status=DeliveryStatus.DELIVERED,
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
            status=DeliveryStatus.PENDING,
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
    paused, not for every failure in between: in this transaction the delivery records it
    (``coordinators_notified_at``) and the notice is queued in the outbox (bot.services.outbox)
    as a DM to each coordinator (a refused DM becomes one mention in the coalition's channel),
    or as a post in that channel when the coalition has no coordinator; once per delivery,
    whatever replays. Returns the notice queued, or None.
    """
    session = uow.session
    done = await session.execute(
        update(WebhookDelivery)
        .where(*_held(attempt))
        .values(
            status=DeliveryStatus.FAILED,
            lease_until=None,
            last_status_code=status_code,
            last_error=error,
        )
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
            .where(Webhook.id == attempt.webhook_id, Webhook.status == WebhookStatus.ACTIVE)
            .values(status=WebhookStatus.PAUSED, paused_at=now)
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
    notice = FailureNotice(
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
    await _queue_notice(uow, notice, attempt.delivery_id)
    return notice


async def _queue_notice(uow: UnitOfWork, notice: FailureNotice, delivery_id: int) -> None:
    data = notice.to_data()
    for user_id in notice.coordinator_ids:
        await outbox.dm(
            uow,
            user_id=user_id,
            template=FAILURE_TEMPLATE,
            data=data,
            guild_id=notice.guild_id,
            fallback_channel_id=notice.channel_id,
            dedupe_key=notice_key(delivery_id, user_id),
        )
    if notice.coordinator_ids:
        return
    if notice.channel_id is None:
        log.warning(
            "webhook %s failing; coalition %s has no coordinator and no channel to tell",
            notice.webhook_id,
            notice.coalition_id,
        )
        return
    await outbox.post(
        uow,
        channel_id=notice.channel_id,
        template=FAILURE_TEMPLATE,
        data=data,
        guild_id=notice.guild_id,
        dedupe_key=notice_key(delivery_id),
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
            .values(status=DeliveryStatus.PENDING, lease_until=None, next_attempt_at=now)
            .execution_options(synchronize_session=False)
        )
        released += done.rowcount or 0  # type: ignore[attr-defined]
    return released


async def next_due(uow: UnitOfWork) -> datetime | None:
    """When the earliest waiting delivery falls due (or a held lease expires)."""
    pending = await uow.session.scalar(
        select(func.min(WebhookDelivery.next_attempt_at)).where(
            WebhookDelivery.status == DeliveryStatus.PENDING
        )
    )
    leased = await uow.session.scalar(
        select(func.min(WebhookDelivery.lease_until)).where(
            WebhookDelivery.status == DeliveryStatus.SENDING
        )
    )
    found = [t for t in (pending, leased) if t is not None]
    return min(found) if found else None
