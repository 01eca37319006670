"""Outbound webhooks of a coalition: what coordinators manage (``subscriptions``: /webhook
add, list, remove, resume, test), what they type (``parsing``), and the bookkeeping of the
deliveries the worker sends (``deliveries``). The events themselves are queued by
bot.services.events, in the transaction of the change they report."""

from bot.services.webhooks.deliveries import (
    claim_due_deliveries,
    next_due,
    record_delivered,
    record_failed,
    record_retry,
    release,
)
from bot.services.webhooks.parsing import (
    SECRET_MAX_LEN,
    SECRET_MIN_LEN,
    clean_secret,
    event_suggestions,
    parse_events,
)
from bot.services.webhooks.results import (
    MAX_PER_COALITION,
    STATUS_LEN,
    WEBHOOK_NOT_FOUND,
    DeliveryAttempt,
    FailureNotice,
    PingTarget,
    WebhookChange,
    WebhookCreated,
    WebhookInfo,
)
from bot.services.webhooks.subscriptions import (
    WebhookDraft,
    add_webhook,
    check_webhook_host,
    list_webhooks,
    ping_target,
    prepare_webhook,
    remove_webhook,
    resume_webhook,
    save_webhook,
    webhook_choices,
)

__all__ = [
    "MAX_PER_COALITION",
    "SECRET_MAX_LEN",
    "SECRET_MIN_LEN",
    "STATUS_LEN",
    "WEBHOOK_NOT_FOUND",
    "DeliveryAttempt",
    "FailureNotice",
    "PingTarget",
    "WebhookChange",
    "WebhookCreated",
    "WebhookDraft",
    "WebhookInfo",
    "add_webhook",
    "check_webhook_host",
    "claim_due_deliveries",
    "clean_secret",
    "event_suggestions",
    "list_webhooks",
    "next_due",
    "parse_events",
    "ping_target",
    "prepare_webhook",
    "record_delivered",
    "record_failed",
    "record_retry",
    "release",
    "remove_webhook",
    "resume_webhook",
    "save_webhook",
    "webhook_choices",
]
