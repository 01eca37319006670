"""Onboarding: who someone is in this server, what they can do next, the help topics, the
server setup chosen by its admins (/setup), and the once-only welcome message.

- ``help_topics``: the /help topics, read from ``help_topics.toml`` (the text is data).
- ``profile``: who the actor is here (coalitions they coordinate, cities they represent…).
- ``next_steps``: the /help overview built from a profile.
- ``server_setup``: /setup's choices and the channel permissions the bot needs.
- ``welcome``: the welcome message (``welcome.md``), posted once per server.

Nothing here imports discord: the help content is plain data that the cog renders.
"""

from __future__ import annotations

from bot.services.onboarding.help_topics import TOPIC_KEYS, TOPICS, HelpEntry, HelpTopic, topic
from bot.services.onboarding.next_steps import (
    SHOW_AT_MOST,
    Overview,
    Section,
    next_steps,
    overview,
)
from bot.services.onboarding.profile import (
    AskGap,
    CoordinatedCoalition,
    Profile,
    RepresentedCity,
    profile,
)
from bot.services.onboarding.server_setup import (
    ADMINS_ONLY,
    REQUIRED_CHANNEL_PERMISSIONS,
    SetupInfo,
    get_setup,
    missing_permissions,
    set_announce_channel,
    set_anyone_creates,
    set_creator_role,
    set_verifier_role,
)
from bot.services.onboarding.welcome import WELCOME_MESSAGE, claim_welcome, release_welcome

__all__ = [
    "ADMINS_ONLY",
    "REQUIRED_CHANNEL_PERMISSIONS",
    "SHOW_AT_MOST",
    "TOPICS",
    "TOPIC_KEYS",
    "WELCOME_MESSAGE",
    "AskGap",
    "CoordinatedCoalition",
    "HelpEntry",
    "HelpTopic",
    "Overview",
    "Profile",
    "RepresentedCity",
    "Section",
    "SetupInfo",
    "claim_welcome",
    "get_setup",
    "missing_permissions",
    "next_steps",
    "overview",
    "profile",
    "release_welcome",
    "set_announce_channel",
    "set_anyone_creates",
    "set_creator_role",
    "set_verifier_role",
    "topic",
]
