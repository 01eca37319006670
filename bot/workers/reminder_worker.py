"""The reminder runtime: claims due reminder rows and sends each exactly once.

Flow for one reminder (see docs/architecture.md):

1. Claim the row with one conditional UPDATE (bot.db.leases): only one process wins. Rows
   are claimed in batches, so a row may wait while the ones before it are sent.
2. Plan it (bot.services.reminders.plan_reminder): re-read the action/ask/digest; a stale,
   cancelled or already-begun one is marked and nothing is sent.
3. Send the channel post and each DM. Each message carries a nonce derived from the reminder
   id and recipient (Discord drops a repeat with ``enforce_nonce``), and each recipient
   reached is recorded at once (a retry after a crash skips them). Before each message the
   lease is renewed (bot.db.leases.renew); when that fails (the lease ran out while earlier
   rows of the batch were sent, and the row is back in the pool or another process's) we
   stop without sending. Recording also checks the reminder is still ours.
4. Mark it sent (late when it went out well after its due time).

A DM refused by Discord becomes a mention in the coalition channel, recorded and never
retried. A passing failure (Discord down) leaves the row held with a back-off lease; the
sweep retries it. Rate limits only slow sending: discord.py waits and retries them.

Nothing here imports discord: rendering and sending a plan go through a ``Sender`` (injected:
bot.ui.dm_sender.DiscordSender in production, a recording fake in service tests), so the
claiming logic is tested on both databases without a Discord.

The bot builds one ``ReminderRuntime`` (``bot.workers.reminders``), starts it once it is set up
and stops it when it closes. A commit wakes it through the unit of work's signals:
``RemindersChanged`` re-arms the alarms, ``ReminderQueued`` sends a change notice now.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.clock import Clock
from bot.db.leases import claim_due, claim_one, renew
from bot.db.models import Reminder
from bot.db.models.enums import NotificationOutcome, ReminderStatus
from bot.db.uow import UnitOfWorkFactory
from bot.scheduling import AlarmClock
from bot.services import reminders
from bot.workers.delivery_errors import DMRefused, Undeliverable

log = logging.getLogger("bot.reminders")

SWEEP_SECONDS = 60.0
# Alarms are armed for reminders due within this horizon; the sweep arms the rest later.
ARM_HORIZON = timedelta(minutes=10)
JOB_PREFIX = "reminder:"
SWEEP_JOB = "reminders:sweep"


class Sender(Protocol):
    """Renders a reminder's plan as messages and sends them. Each method raises
    ``Undeliverable`` (``dm`` also ``DMRefused``); any other error is a passing failure."""

    async def post_reminder(self, plan: reminders.Plan, channel_id: int, *, nonce: str) -> None:
        """The reminder itself, in the coalition's channel."""

    async def dm_reminder(self, plan: reminders.Plan, user_id: int, *, nonce: str) -> None:
        """The reminder, by DM to one person."""

    async def post_fallback(
        self, plan: reminders.Plan, channel_id: int, user_id: int, *, nonce: str
    ) -> None:
        """In the channel, mentioning someone whose DMs are closed."""


def nonce_for(reminder_id: int, key: str) -> str:
    """≤ 25 characters (Discord's limit), the same for every retry of one delivery."""
    return "r" + hashlib.sha256(f"{reminder_id}:{key}".encode()).hexdigest()[:20]


@dataclass
class Outcome:
    reminder_id: int
    status: str  # sent | skipped | cancelled | failed | retry | lost
    late: bool = False
    detail: str | None = None


class ReminderRuntime:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        sender: Sender,
        *,
        alarms: AlarmClock | None = None,
        lease: timedelta = timedelta(seconds=120),
        owner: str | None = None,
        batch: int = 10,
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.sender = sender
        self.alarms = alarms
        self.lease = lease
        self.owner = owner or f"bot-{uuid.uuid4().hex[:12]}"
        self.batch = batch
        self._tasks: set[asyncio.Task[Any]] = set()
        self._sweep_lock = asyncio.Lock()

    # --- what the bot and the tests call ---

    async def start(self) -> None:
        """At start-up: one sweep in the background (late reminders go out now, marked
        late), then a sweep every minute. The sweep (re)arms alarms for what falls due soon."""
        self.spawn(self.sweep(), name="reminders-startup-sweep")
        if self.alarms is not None:
            self.alarms.every(SWEEP_JOB, SWEEP_SECONDS, self.sweep)

    async def stop(self) -> None:
        if self.alarms is not None:
            for job_id in self.alarms.armed(JOB_PREFIX):
                self.alarms.disarm(job_id)
            self.alarms.disarm(SWEEP_JOB)
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def sweep(self) -> list[Outcome]:
        """Create the sweep-made reminders (ask deadlines, digests), send everything due, and
        arm alarms for what falls due within the horizon."""
        async with self._sweep_lock:
            async with self.uow() as uow:
                await reminders.ensure_scheduled(uow)
            outcomes = await self.run_due()
            await self.arm_upcoming()
            return outcomes

    async def run_due(self) -> list[Outcome]:
        """Claim and send every due reminder (and every one whose holder's lease ran out)."""
        outcomes: list[Outcome] = []
        tried: set[int] = set()
        while True:
            async with self.uow() as uow:
                ids = await claim_due(
                    uow.session,
                    Reminder,
                    now=uow.now,
                    lease=self.lease,
                    owner=self.owner,
                    due_column=Reminder.due_at,
                    limit=self.batch,
                )
            if not ids:
                return outcomes
            for rid in ids:
                outcomes.append(await self._deliver(rid))
            if tried.issuperset(ids):  # only rows we already tried this pass: stop
                return outcomes
            tried.update(ids)

    async def run_one(self, reminder_id: int) -> Outcome | None:
        """An alarm rang (or a command just queued a notice): claim this one row and send it."""
        async with self.uow() as uow:
            won = await claim_one(
                uow.session,
                Reminder,
                reminder_id,
                now=uow.now,
                lease=self.lease,
                owner=self.owner,
                due_column=Reminder.due_at,
            )
        if not won:
            return None
        return await self._deliver(reminder_id)

    async def _on_alarm(self, reminder_id: int) -> None:
        # Tracked like a kick, so wait_idle() and stop() see sends that an alarm started.
        self.spawn(self.run_one(reminder_id), name=f"reminder-alarm-{reminder_id}")

    def kick(self, reminder_id: int) -> None:
        """Send a just-queued reminder (a change notice) now, without blocking the caller."""
        self.spawn(self.run_one(reminder_id), name=f"reminder-{reminder_id}")

    async def arm_upcoming(self) -> int:
        if self.alarms is None:
            return 0
        async with self.uow(read_only=True) as uow:
            due = await reminders.pending_before(uow, self.clock.now() + ARM_HORIZON)
        for rid, when in due:
            self.alarms.arm(f"{JOB_PREFIX}{rid}", when, self._on_alarm, rid)
        return len(due)

    def arm(self, reminder_id: int, when: datetime) -> None:
        if self.alarms is not None and when <= self.clock.now() + ARM_HORIZON:
            self.alarms.arm(f"{JOB_PREFIX}{reminder_id}", when, self._on_alarm, reminder_id)

    async def wait_idle(self) -> None:
        """Wait for background sends (start-up sweep, kicked notices) to finish (for tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

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
            log.exception("reminder background task failed; the next sweep retries")

    # --- one reminder ---

    async def _deliver(self, reminder_id: int) -> Outcome:
        try:
            return await self._deliver_claimed(reminder_id)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            # A passing failure: keep it held with a back-off; the sweep retries it.
            log.warning("reminder %s: send failed (%r); will retry", reminder_id, exc)
            async with self.uow() as uow:
                status = await reminders.release(
                    uow, reminder_id, owner=self.owner, error=repr(exc)
                )
            if status == ReminderStatus.FAILED:
                log.error("reminder %s failed for good after repeated errors", reminder_id)
            return Outcome(
                reminder_id,
                "failed" if status == ReminderStatus.FAILED else "retry",
                detail=repr(exc),
            )

    async def _deliver_claimed(self, reminder_id: int) -> Outcome:
        async with self.uow() as uow:
            plan = await reminders.plan_reminder(uow, reminder_id)
        if isinstance(plan, reminders.Skip):
            async with self.uow() as uow:
                await reminders.finish(
                    uow,
                    reminder_id,
                    owner=self.owner,
                    status=plan.status,
                    detail=plan.reason,
                )
            level = logging.INFO if plan.status == ReminderStatus.SKIPPED else logging.DEBUG
            log.log(level, "reminder %s %s: %s", reminder_id, plan.status, plan.reason)
            return Outcome(reminder_id, plan.status, detail=plan.reason)

        if plan.channel_id is not None and "channel" not in plan.done:
            if not await self._hold(reminder_id):
                return Outcome(reminder_id, "lost")
            try:
                await self.sender.post_reminder(
                    plan, plan.channel_id, nonce=nonce_for(reminder_id, "channel")
                )
                outcome = NotificationOutcome.CHANNEL
            except Undeliverable as exc:
                log.warning(
                    "reminder %s: channel %s unusable: %s", reminder_id, plan.channel_id, exc
                )
                outcome = NotificationOutcome.CHANNEL_FAILED
            if not await self._record(reminder_id, outcome, channel_id=plan.channel_id):
                return Outcome(reminder_id, "lost")

        for user_id in plan.dm_user_ids:
            if f"dm:{user_id}" in plan.done:
                continue
            channel_id = None
            if not await self._hold(reminder_id):
                return Outcome(reminder_id, "lost")
            try:
                await self.sender.dm_reminder(
                    plan, user_id, nonce=nonce_for(reminder_id, f"dm:{user_id}")
                )
                outcome = NotificationOutcome.DM
            except DMRefused:
                fallback = await self._fallback(plan, user_id)
                if fallback is None:
                    return Outcome(reminder_id, "lost")
                outcome, channel_id = fallback
            except Undeliverable as exc:
                log.warning("reminder %s: DM to %s impossible: %s", reminder_id, user_id, exc)
                outcome = NotificationOutcome.DM_FAILED
            if not await self._record(reminder_id, outcome, user_id=user_id, channel_id=channel_id):
                return Outcome(reminder_id, "lost")

        async with self.uow() as uow:
            held = await reminders.finish(
                uow,
                reminder_id,
                owner=self.owner,
                status=ReminderStatus.SENT,
                late=plan.late,
            )
        if not held:
            return Outcome(reminder_id, "lost")
        if plan.late:
            log.info("reminder %s sent late (was due %s)", reminder_id, plan.due_at.isoformat())
        return Outcome(reminder_id, "sent", late=plan.late)

    async def _fallback(
        self, plan: reminders.Plan, user_id: int
    ) -> tuple[NotificationOutcome, int | None] | None:
        """A refused DM: mention that person in the coalition channel instead (once).
        None when the reminder is no longer ours to send."""
        if plan.fallback_channel_id is None:
            log.info(
                "reminder %s: DM to %s refused and no channel to fall back to",
                plan.reminder_id,
                user_id,
            )
            return NotificationOutcome.DM_REFUSED, None
        if not await self._hold(plan.reminder_id):
            return None
        try:
            await self.sender.post_fallback(
                plan,
                plan.fallback_channel_id,
                user_id,
                nonce=nonce_for(plan.reminder_id, f"fallback:{user_id}"),
            )
        except Undeliverable as exc:
            log.warning(
                "reminder %s: fallback for %s impossible: %s", plan.reminder_id, user_id, exc
            )
            return NotificationOutcome.DM_REFUSED, None
        return NotificationOutcome.DM_REFUSED_FALLBACK, plan.fallback_channel_id

    async def _hold(self, reminder_id: int) -> bool:
        """Renew the lease right before a send; False (send nothing) once it is not ours."""
        async with self.uow() as uow:
            until = await renew(
                uow.session,
                Reminder,
                reminder_id,
                now=uow.now,
                lease=self.lease,
                owner=self.owner,
            )
        if until is None:
            log.warning(
                "reminder %s: lease ran out or was taken over before sending; not sending",
                reminder_id,
            )
        return until is not None

    async def _record(
        self,
        reminder_id: int,
        outcome: str,
        *,
        user_id: int | None = None,
        channel_id: int | None = None,
    ) -> bool:
        async with self.uow() as uow:
            held = await reminders.record_delivery(
                uow,
                reminder_id,
                owner=self.owner,
                lease=self.lease,
                outcome=outcome,
                user_id=user_id,
                channel_id=channel_id,
            )
        if not held:
            log.warning("reminder %s: lease lost to another process; stopping", reminder_id)
        return held
