"""The outbox worker: sends the channel posts, edits and DMs queued by services
(bot.services.outbox), each once, in order per channel or recipient, across outages and
restarts.

Flow for one row:

1. Claim due rows with one conditional UPDATE (at most the oldest unsent row per channel or
   recipient, so order is kept and one edit of a message is in flight at a time); with
   several processes on PostgreSQL each row goes to one of them (SKIP LOCKED + the lease).
2. Renew the lease right before sending (bot.db.leases.renew); send nothing once it is lost.
3. Render and send through the injected ``OutboxSender`` (bot.ui.outbox_sender in production:
   nothing here imports discord). A post or DM carries a nonce derived from the row id, so a
   retry after Discord made the post but failed to answer never shows it twice.
4. Sent: record the message id (edits of a live post find it). ``Undeliverable`` (a channel
   gone or forbidden) and ``DMRefused`` (closed DMs) are final, and a refused DM falls back to
   one mention in the coalition's channel, through the outbox too. Any other error is
   passing: the row waits with a capped backoff and is retried until it has been failing for
   ``give_up_after`` (OUTBOX_GIVE_UP_HOURS), then it is ``gave_up``.

A commit that queued rows wakes the worker (``OutboxQueued``); a sweep every few seconds
catches what a wake missed, rows whose backoff ran out and rows left ``sending`` by a process
that died. Time comes from the clock, so tests move a FakeClock and call ``drain()``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.clock import Clock
from bot.db.models.enums import OutboxStatus
from bot.db.uow import UnitOfWorkFactory
from bot.scheduling import AlarmClock
from bot.services import outbox
from bot.workers.delivery_errors import DMRefused, Undeliverable

log = logging.getLogger("bot.outbox")

SWEEP_SECONDS = 5.0
STOP_GRACE = 2.0  # seconds stop() waits for a running sweep
SWEEP_JOB = "outbox:sweep"
# How often the backlog is logged while it is not empty.
BACKLOG_LOG_EVERY = timedelta(minutes=1)


class OutboxSender(Protocol):
    """Renders one row and sends it; returns the id of a posted message (None otherwise).
    Raises ``Undeliverable`` or ``DMRefused`` for final refusals; anything else is passing."""

    async def send(self, envelope: outbox.Envelope) -> int | None: ...


@dataclass(frozen=True, slots=True)
class Sent:
    row_id: int
    status: str  # sent | undeliverable | retry | gave_up | lost
    detail: str | None = None


class OutboxRuntime:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        sender: OutboxSender,
        *,
        alarms: AlarmClock | None = None,
        lease: timedelta = timedelta(seconds=120),
        give_up_after: timedelta = timedelta(hours=24),
        owner: str | None = None,
        batch: int = 20,
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.sender = sender
        self.alarms = alarms
        self.lease = lease
        self.give_up_after = give_up_after
        self.owner = owner or f"bot-{uuid.uuid4().hex[:12]}"
        self.batch = batch
        self._tasks: set[asyncio.Task[Any]] = set()
        self._drain_lock = asyncio.Lock()
        self._sweep_lock = asyncio.Lock()  # a scheduled sweep, awaited by stop()
        self._again = False
        self._settled = asyncio.Condition()
        self._backlog_logged_at: datetime | None = None
        self.stopped = False

    # --- what the bot and the tests call ---

    async def start(self) -> None:
        """At start-up: send what was left before a restart, then sweep every few seconds."""
        self.stopped = False
        self.spawn(self.drain(), name="outbox-startup")
        if self.alarms is not None:
            self.alarms.every(SWEEP_JOB, SWEEP_SECONDS, self.sweep)

    async def stop(self) -> None:
        self.stopped = True
        if self.alarms is not None:
            self.alarms.disarm(SWEEP_JOB)
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        # A sweep the scheduler started may still be sending: give it a moment to finish its
        # row before the engine goes away (it stops claiming once ``stopped`` is set).
        for lock in (self._sweep_lock, self._drain_lock):
            try:
                await asyncio.wait_for(lock.acquire(), STOP_GRACE)
            except TimeoutError:
                break
            lock.release()

    def on_queued(self) -> None:
        """A commit queued rows: send them now, without blocking the committer."""
        if self.stopped:
            return
        if self._drain_lock.locked():
            self._again = True  # the running drain goes round once more
            return
        self.spawn(self.drain(), name="outbox-wake")

    async def sweep(self) -> list[Sent]:
        async with self._sweep_lock:
            if self.stopped:
                return []
            sent = await self.drain()
            if not self.stopped:
                await self.log_backlog()
            return sent

    async def drain(self) -> list[Sent]:
        """Claim and send until nothing is due (a row that failed waits for its backoff)."""
        results: list[Sent] = []
        async with self._drain_lock:
            while not self.stopped:
                self._again = False
                async with self.uow() as uow:
                    ids = await outbox.claim_due(
                        uow, owner=self.owner, lease=self.lease, limit=self.batch
                    )
                if not ids:
                    if self._again:
                        continue
                    return results
                for row_id in ids:
                    results.append(await self._send(row_id))
                async with self._settled:
                    self._settled.notify_all()
        return results

    async def wait_idle(self) -> None:
        """Wait for background sends to finish (for tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def wait_settled(
        self, ids: tuple[int, ...], within: float
    ) -> dict[int, tuple[str, str | None]]:
        """Wait up to ``within`` seconds for these rows to leave pending/sending (sent here or
        by another process); their status and error either way."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            async with self.uow(read_only=True) as uow:
                found = await outbox.states(uow, ids)
            unsettled = [s for s, _ in found.values() if s in outbox.UNSENT]
            remaining = deadline - loop.time()
            if not unsettled or remaining <= 0:
                return found
            async with self._settled:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._settled.wait(), timeout=min(remaining, 0.2))

    async def log_backlog(self) -> outbox.Backlog:
        async with self.uow(read_only=True) as uow:
            backlog = await outbox.backlog(uow)
        now = self.clock.now()
        age = backlog.oldest_age(now)
        if backlog.size and (
            self._backlog_logged_at is None or now - self._backlog_logged_at >= BACKLOG_LOG_EVERY
        ):
            self._backlog_logged_at = now
            log.info(
                "outbox backlog: %d message(s) waiting, oldest %ds; %d given up in the last day",
                backlog.size,
                int(age.total_seconds()) if age else 0,
                backlog.gave_up,
            )
        return backlog

    def spawn(self, coro: Coroutine[Any, Any, Any], *, name: str) -> None:
        task = asyncio.create_task(self._logged(coro), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _logged(coro: Coroutine[Any, Any, Any]) -> None:
        try:
            await coro
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("outbox background task failed; the next sweep retries")

    # --- one row ---

    async def _send(self, row_id: int) -> Sent:
        async with self.uow() as uow:
            envelope = await outbox.load(uow, row_id)
        if isinstance(envelope, str):
            async with self.uow() as uow:
                await outbox.mark_undeliverable(uow, row_id, owner=self.owner, error=envelope)
            log.warning("outbox %s: not sent: %s", row_id, envelope)
            return Sent(row_id, OutboxStatus.UNDELIVERABLE, envelope)
        async with self.uow() as uow:
            held = await outbox.hold(uow, row_id, owner=self.owner, lease=self.lease)
        if not held:
            log.warning("outbox %s: lease lost before sending; not sending", row_id)
            return Sent(row_id, "lost")
        try:
            message_id = await self.sender.send(envelope)
        except asyncio.CancelledError:
            raise
        except (DMRefused, Undeliverable) as exc:
            refused = isinstance(exc, DMRefused)
            log.info("outbox %s (%s) undeliverable: %s", row_id, envelope.template, exc)
            async with self.uow() as uow:
                await outbox.mark_undeliverable(
                    uow, row_id, owner=self.owner, error=str(exc), dm_refused=refused
                )
            return Sent(row_id, OutboxStatus.UNDELIVERABLE, str(exc))
        except Exception as exc:
            async with self.uow() as uow:
                status = await outbox.retry_later(
                    uow,
                    row_id,
                    owner=self.owner,
                    error=repr(exc),
                    give_up_after=self.give_up_after,
                )
            if status == OutboxStatus.GAVE_UP:
                log.error("outbox %s (%s): gave up: %r", row_id, envelope.template, exc)
                return Sent(row_id, OutboxStatus.GAVE_UP, repr(exc))
            log.warning(
                "outbox %s (%s): send failed (%r); will retry", row_id, envelope.template, exc
            )
            return Sent(row_id, "retry", repr(exc))
        async with self.uow() as uow:
            ok = await outbox.mark_sent(uow, row_id, owner=self.owner, message_id=message_id)
        return Sent(row_id, OutboxStatus.SENT if ok else "lost")
