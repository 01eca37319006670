"""Every table. Importing this package registers them all on ``Base.metadata``."""

from bot.db.models.actions import (
    Action,
    ActionEvent,
    Digest,
    Reminder,
    ReminderNotification,
    Rsvp,
    UserPreference,
)
from bot.db.models.core import (
    Ask,
    AskEvent,
    AskVersion,
    BotState,
    City,
    Coalition,
    Coordinator,
    GuildSettings,
    Membership,
    Representative,
    SignOn,
)
from bot.db.models.letters import LetterSettings, LetterVersion, Statement
from bot.db.models.webhooks import Webhook, WebhookDelivery

__all__ = [
    "Action",
    "ActionEvent",
    "Ask",
    "AskEvent",
    "AskVersion",
    "BotState",
    "City",
    "Coalition",
    "Coordinator",
    "Digest",
    "GuildSettings",
    "LetterSettings",
    "LetterVersion",
    "Membership",
    "Reminder",
    "ReminderNotification",
    "Representative",
    "Rsvp",
    "SignOn",
    "Statement",
    "UserPreference",
    "Webhook",
    "WebhookDelivery",
]
