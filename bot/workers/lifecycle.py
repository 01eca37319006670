"""The bot's background workers as one typed part: built with the bot, started once it is set
up, stopped when it closes, and woken by the signals of committed units of work."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.uow import OutboxQueued, ReminderQueued, RemindersChanged, Wake, WebhooksQueued
from bot.workers.outbox_worker import OutboxRuntime
from bot.workers.reminder_worker import ReminderRuntime
from bot.workers.webhook_worker import WebhookRuntime


@dataclass(eq=False, slots=True)
class Workers:
    """``bot.workers.reminders``, ``bot.workers.webhooks`` and ``bot.workers.outbox``."""

    reminders: ReminderRuntime
    webhooks: WebhookRuntime
    outbox: OutboxRuntime

    async def start(self) -> None:
        """Resume what is due: late reminders, deliveries and Discord messages left pending
        before a restart."""
        await self.outbox.start()
        await self.reminders.start()
        await self.webhooks.start()

    async def stop(self) -> None:
        """Before the HTTP client and the database close: sends in flight finish or are
        given back for the next start (or another process) to retry."""
        await self.webhooks.stop()
        await self.reminders.stop()
        await self.outbox.stop()

    async def on_commit(self, wakes: tuple[Wake, ...]) -> None:
        """The one way a commit wakes a worker (``UnitOfWorkFactory.on_commit``)."""
        for wake in wakes:
            match wake:
                case WebhooksQueued():
                    self.webhooks.on_queued()
                case RemindersChanged():
                    await self.reminders.arm_upcoming()
                case ReminderQueued(reminder_id=reminder_id):
                    self.reminders.kick(reminder_id)
                case OutboxQueued():
                    self.outbox.on_queued()
