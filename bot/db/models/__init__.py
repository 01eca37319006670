"""Every table. Importing this package registers them all on ``Base.metadata``."""

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

__all__ = [
    "Ask",
    "AskEvent",
    "AskVersion",
    "BotState",
    "City",
    "Coalition",
    "Coordinator",
    "GuildSettings",
    "Membership",
    "Representative",
    "SignOn",
]
