"""Background workers: reminder delivery and webhook delivery (no Discord imports).

The bot owns one of each (``bot.workers``, a ``Workers``); what they send through Discord is
injected (bot.ui.dm_sender), and a commit wakes them through the unit of work's signals.
"""

from bot.workers.lifecycle import Workers
from bot.workers.reminder_worker import (
    DMRefused,
    Outcome,
    ReminderRuntime,
    Sender,
    Undeliverable,
    nonce_for,
)
from bot.workers.webhook_worker import Notifier, RetryPolicy, WebhookRuntime

__all__ = [
    "DMRefused",
    "Notifier",
    "Outcome",
    "ReminderRuntime",
    "RetryPolicy",
    "Sender",
    "Undeliverable",
    "WebhookRuntime",
    "Workers",
    "nonce_for",
]
