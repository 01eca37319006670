"""Background workers: reminder, webhook and Discord-outbox delivery (no Discord imports).

The bot owns one of each (``bot.workers``, a ``Workers``); what they send through Discord is
injected (bot.ui.dm_sender), and a commit wakes them through the unit of work's signals.
"""

from bot.workers.delivery_errors import DMRefused, Undeliverable
from bot.workers.lifecycle import Workers
from bot.workers.outbox_worker import OutboxRuntime
from bot.workers.reminder_worker import Outcome, ReminderRuntime, Sender, nonce_for
from bot.workers.webhook_worker import RetryPolicy, WebhookRuntime

__all__ = [
    "DMRefused",
    "OutboxRuntime",
    "Outcome",
    "ReminderRuntime",
    "RetryPolicy",
    "Sender",
    "Undeliverable",
    "WebhookRuntime",
    "Workers",
    "nonce_for",
]
