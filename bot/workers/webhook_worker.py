"""The outbox worker: sends queued deliveries, retries them, and gives up loudly.

How a delivery travels:

1. A service calls ``events.emit`` inside its unit of work; the delivery row commits with the
   change, and the commit's ``WebhooksQueued`` signal wakes this runtime (``on_queued``).
2. ``drain`` claims due rows atomically (bot.db.leases.claim_due: a conditional UPDATE, with
   SKIP LOCKED on PostgreSQL), so with several bot processes on one database each delivery is
   held by exactly one of them. The lease expiry is also a fencing token: an outcome is only
   recorded while the row still carries the lease this process set.
3. Each attempt re-checks the URL (DNS included), renews its lease (bot.db.leases.renew; a
   lease that ran out, or was taken over, means another process may be sending: nothing is
   sent and nothing recorded), signs the stored body with the attempt's timestamp and POSTs
   it to the checked address (see bot.outbound.urls and .sender). The renewed lease covers
   the HTTP deadline; ``LEASE_SECONDS`` below DNS plus that deadline is refused at start.
4. 2xx: delivered. Connection errors, timeouts, 429 and 5xx: retried with exponential backoff
   and jitter (a 429/503 Retry-After is honoured, capped). Other answers, and the last
   attempt, fail the delivery. A run of ``pause_after`` failed deliveries pauses the webhook;
   coordinators hear of the first failure of a run and of the pause: the notice is queued in
   the Discord outbox in the transaction that records the failure (webhooks.record_failed),
   so it outlives a Discord outage or a restart like anything else the bot says.

Delivery is at least once: a process that dies mid-request leaves a lease that expires and
another attempt goes out with the same ``webhook-id``, which receivers use to drop repeats.

Time: the bot's clock, the one services read as ``uow.now`` when they queue a delivery, so
tests move time instead of sleeping. Only APScheduler's alarms ring on the wall clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import socket
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import httpx

from bot.clock import Clock
from bot.db.leases import renew
from bot.db.models import WebhookDelivery
from bot.db.models.enums import WebhookStatus
from bot.db.uow import UnitOfWorkFactory
from bot.outbound import sender, signing, urls
from bot.outbound.sender import AttemptResult
from bot.scheduling import AlarmClock
from bot.services import events, webhooks
from bot.services.webhooks import DeliveryAttempt, PingTarget
from bot.settings import ATTEMPT_DEADLINE

log = logging.getLogger("bot.webhooks")

SWEEP_JOB = "webhooks:sweep"
NEXT_JOB = "webhooks:next"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Six attempts over roughly an hour by default: waits of about 10 s, 40 s, 2.7 min,
    11 min and 43 min (each ±25 %)."""

    max_attempts: int = 6
    base_delay: float = 10.0
    factor: float = 4.0
    max_delay: float = 2 * 3600.0
    max_retry_after: float = 3600.0
    jitter: float = 0.25
    pause_after: int = 3  # consecutive failed deliveries before the webhook is paused

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        raw = min(self.base_delay * self.factor ** (attempt - 1), self.max_delay)
        return raw * rng.uniform(1 - self.jitter, 1 + self.jitter)


class WebhookRuntime:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        client: httpx.AsyncClient,
        clock: Clock,
        allow_private: bool,
        lease_seconds: float,
        resolver: urls.Resolver = urls.system_resolver,
        policy: RetryPolicy | None = None,
        attempt_deadline: float = ATTEMPT_DEADLINE,
        concurrency: int = 8,
        alarms: AlarmClock | None = None,
        sweep_seconds: float = 30.0,
        rng: random.Random | None = None,
    ) -> None:
        longest = urls.DNS_TIMEOUT + attempt_deadline
        if lease_seconds < longest:
            raise ValueError(
                f"the lease ({lease_seconds:g} s) must cover the longest attempt "
                f"({longest:g} s: DNS plus the HTTP deadline)"
            )
        self.uow = uow
        self.client = client
        self.clock = clock
        self.allow_private = allow_private
        self.lease = timedelta(seconds=lease_seconds)
        self.resolver = resolver
        self.policy = policy or RetryPolicy()
        self.attempt_deadline = attempt_deadline
        self.concurrency = max(1, concurrency)
        self.alarms = alarms
        self.sweep_seconds = sweep_seconds
        self.rng = rng or random.Random()
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._inflight: dict[int, DeliveryAttempt] = {}
        self._drain_task: asyncio.Task[int] | None = None
        self._again = False
        self._started = False
        self._stopping = False

    # --- life cycle ---

    def now(self) -> datetime:
        return self.clock.now()

    async def start(self) -> None:
        """Listen for new deliveries, sweep periodically, and resume what is due (a restart
        picks up pending rows and rows whose sender died holding the lease)."""
        if self._started:
            return
        self._started = True
        self._stopping = False
        if self.alarms is not None:
            self.alarms.every(SWEEP_JOB, self.sweep_seconds, self._on_alarm)
        self.wake()

    async def stop(self, grace: float = 2.0) -> None:
        """Stop taking work; let sends in flight finish for ``grace`` seconds, then cancel
        them and give their rows back so another process (or the next start) retries them."""
        self._stopping = True
        if self.alarms is not None and self.alarms.scheduler.running:
            self.alarms.disarm(SWEEP_JOB)
            self.alarms.disarm(NEXT_JOB)
        task = self._drain_task
        if task is not None and not task.done():
            await asyncio.wait({task}, timeout=grace)
            if not task.done():
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._inflight:
            held = list(self._inflight.values())
            self._inflight.clear()
            async with self.uow() as uow:
                count = await webhooks.release(uow, held, now=self.now())
            log.info("webhook deliveries released at shutdown: %d", count)
        self._started = False

    # --- waking and draining ---

    def on_queued(self) -> None:
        """A commit queued deliveries: send them now, if this runtime is running."""
        if self._started:
            self.wake()

    def wake(self) -> None:
        """Deliver what is due, soon (called after a commit that queued deliveries)."""
        if self._stopping:
            return
        self._again = True
        if self._drain_task is None or self._drain_task.done():
            self._drain_task = asyncio.get_running_loop().create_task(
                self._drain(), name="webhook-drain"
            )

    async def settle(self) -> int:
        """Wait until the current drain (if any) has finished; return its attempt count."""
        task = self._drain_task
        if task is None:
            return 0
        return await asyncio.shield(task)

    async def deliver_due(self) -> int:
        """Send everything due now and wait for the outcome; returns the attempts made."""
        self.wake()
        return await self.settle()

    async def _on_alarm(self) -> None:
        self.wake()
        await self.settle()

    async def _drain(self) -> int:
        attempts = 0
        try:
            while self._again and not self._stopping:
                self._again = False
                attempts += await self._drain_once()
            await self._arm_next()
        except Exception:
            # E.g. the database is unreachable: the periodic sweep tries again later.
            log.exception("webhook delivery pass failed; the next sweep will retry")
        return attempts

    async def _drain_once(self) -> int:
        running: set[asyncio.Task[None]] = set()
        attempts = 0
        try:
            while True:
                room = self.concurrency - len(running)
                batch: list[DeliveryAttempt] = []
                if room > 0 and not self._stopping:
                    async with self.uow() as uow:
                        batch = await webhooks.claim_due_deliveries(
                            uow, now=self.now(), lease=self.lease, owner=self.owner, limit=room
                        )
                for attempt in batch:
                    self._inflight[attempt.delivery_id] = attempt
                    running.add(asyncio.create_task(self._deliver(attempt)))
                attempts += len(batch)
                if not running:
                    return attempts
                done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    if (exc := task.exception()) is not None:
                        log.error("webhook delivery crashed", exc_info=exc)
        finally:
            for task in running:
                task.cancel()
            if running:
                await asyncio.gather(*running, return_exceptions=True)

    async def _arm_next(self) -> None:
        """Ring again when the next retry falls due (the periodic sweep is the safety net)."""
        if self.alarms is None or not self.alarms.scheduler.running or self._stopping:
            return
        async with self.uow() as uow:
            when = await webhooks.next_due(uow)
        if when is None:
            self.alarms.disarm(NEXT_JOB)
            return
        wait = max(0.0, (when - self.now()).total_seconds()) + 0.05
        # APScheduler rings on the wall clock: the wait, measured on ours, starts now.
        self.alarms.arm(NEXT_JOB, datetime.now(UTC) + timedelta(seconds=wait), self._on_alarm)

    # --- one attempt ---

    async def _deliver(self, attempt: DeliveryAttempt) -> None:
        # A cancelled attempt (shutdown) stays in _inflight, so stop() can give its row back.
        try:
            await self._deliver_one(attempt)
        except asyncio.CancelledError:
            raise
        except BaseException:
            self._inflight.pop(attempt.delivery_id, None)
            raise
        self._inflight.pop(attempt.delivery_id, None)

    async def _deliver_one(self, attempt: DeliveryAttempt) -> None:
        if attempt.webhook_status != WebhookStatus.ACTIVE:
            async with self.uow() as uow:
                await webhooks.record_failed(
                    uow,
                    attempt,
                    now=self.now(),
                    status_code=None,
                    error=f"webhook {attempt.webhook_status}",
                    summary=f"webhook {attempt.webhook_status}",
                    pause_after=self.policy.pause_after,
                    count=False,
                )
            return
        target = await self._target(attempt.url)
        if isinstance(target, AttemptResult):
            await self._record(attempt, target)
            return
        held = await self._hold(attempt)
        if held is None:
            return
        result = await self._post(target, attempt.secret, attempt.event_id, attempt.body.encode())
        await self._record(held, result)

    async def _hold(self, attempt: DeliveryAttempt) -> DeliveryAttempt | None:
        """Renew the lease right before the POST, so it covers the whole request. None (send
        nothing, record nothing) when it ran out or another process holds the row now."""
        async with self.uow() as uow:
            until = await renew(
                uow.session,
                WebhookDelivery,
                attempt.delivery_id,
                now=self.now(),
                lease=self.lease,
                held_until=attempt.lease_until,
            )
        if until is None:
            self._inflight.pop(attempt.delivery_id, None)
            log.warning(
                "webhook delivery id=%s event=%s: lease ran out before sending (another process "
                "may be sending it); not sent",
                attempt.delivery_id,
                attempt.event_id,
            )
            return None
        held = replace(attempt, lease_until=until)
        self._inflight[attempt.delivery_id] = held  # stop() gives back the renewed lease
        return held

    async def _target(self, url: str) -> urls.Target | AttemptResult:
        """The checked address to send to (DNS included), or why this attempt fails."""
        try:
            return await urls.check_url(
                url, allow_private=self.allow_private, resolver=self.resolver
            )
        except urls.URLRefused as exc:
            return AttemptResult(False, None, 0.0, exc.message, retryable=False)
        except urls.HostNotFound as exc:
            return AttemptResult(False, None, 0.0, exc.message, retryable=True)

    async def _post(
        self, target: urls.Target, secret: str, event_id: str, body: bytes
    ) -> AttemptResult:
        timestamp = int(self.now().timestamp())
        headers = signing.signed_headers(secret, event_id, timestamp, body)
        return await sender.post(self.client, target, headers, body, deadline=self.attempt_deadline)

    async def _record(self, attempt: DeliveryAttempt, result: AttemptResult) -> None:
        now = self.now()
        outcome = "delivered"
        async with self.uow() as uow:
            if result.ok:
                kept = await webhooks.record_delivered(
                    uow,
                    attempt,
                    now=now,
                    status_code=result.status_code or 0,
                    summary=result.summary,
                )
            elif result.retryable and attempt.attempt < self.policy.max_attempts:
                delay = self.retry_delay(attempt.attempt, result, now)
                outcome = f"retry in {delay:.0f}s"
                kept = await webhooks.record_retry(
                    uow,
                    attempt,
                    now=now,
                    next_attempt_at=now + timedelta(seconds=delay),
                    status_code=result.status_code,
                    error=result.error or "failed",
                    summary=f"{result.summary}, retrying",
                )
            else:
                notice = await webhooks.record_failed(
                    uow,
                    attempt,
                    now=now,
                    status_code=result.status_code,
                    error=result.error or "failed",
                    summary=result.summary,
                    pause_after=self.policy.pause_after,
                )
                outcome = "failed" if notice is None else "failed, notice queued"
                kept = True
        log.info(
            "webhook delivery id=%s webhook=%s event=%s type=%s attempt=%d/%d status=%s "
            "duration_ms=%.0f outcome=%s%s",
            attempt.delivery_id,
            attempt.webhook_id,
            attempt.event_id,
            attempt.event_type,
            attempt.attempt,
            self.policy.max_attempts,
            result.status_code if result.status_code is not None else result.error,
            result.elapsed_ms,
            outcome,
            "" if kept else " (lease lost; not recorded)",
        )

    def retry_delay(self, attempt: int, result: AttemptResult, now: datetime) -> float:
        asked = sender.parse_retry_after(result.retry_after, now)
        if asked is not None:
            return min(asked, self.policy.max_retry_after)
        return self.policy.backoff(attempt, self.rng)

    # --- /webhook test ---

    async def send_ping(self, target: PingTarget) -> AttemptResult:
        """One signed ``ping`` now, not queued and not retried."""
        event_id = f"evt_{uuid.uuid4().hex}"
        body = events.encode_body(
            event_id,
            "ping",
            self.now(),
            {"id": target.coalition_id, "name": target.coalition_name},
            {"webhook_id": target.webhook_id},
        ).encode()
        checked = await self._target(target.url)
        if isinstance(checked, AttemptResult):
            return checked
        return await self._post(checked, target.secret, event_id, body)
