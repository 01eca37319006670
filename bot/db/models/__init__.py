"""Every table. Importing this package registers them all on ``Base.metadata``."""

from bot.db.models.actions import (
    Action,
    ActionEvent,
    ActionSeries,
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
from bot.db.models.goals import AskGoal, AskNudge, CoalitionNudges, GoalCrossing
from bot.db.models.letters import LetterSettings, LetterVersion, Statement
from bot.db.models.outbox import OutboxMessage
from bot.db.models.people import PersonSettings
from bot.db.models.pools import Pledge, Pool
from bot.db.models.profiles import CityEdit, CoalitionInvite
from bot.db.models.webhooks import Webhook, WebhookDelivery

__all__ = [
    "Action",
    "ActionEvent",
    "ActionSeries",
    "Ask",
    "AskEvent",
    "AskGoal",
    "AskNudge",
    "AskVersion",
    "BotState",
    "City",
    "CityEdit",
    "Coalition",
    "CoalitionInvite",
    "CoalitionNudges",
    "Coordinator",
    "Digest",
    "GoalCrossing",
    "GuildSettings",
    "LetterSettings",
    "LetterVersion",
    "Membership",
    "OutboxMessage",
    "PersonSettings",
    "Pledge",
    "Pool",
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
