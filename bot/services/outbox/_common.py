"""Names, statuses and small helpers the outbox's queueing and delivery share."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from bot.db.models.enums import OutboxStatus

# Backoff after failed attempt n (1-based): 5 s, 10 s, 20 s … capped at 5 minutes.
BASE_DELAY = 5.0
MAX_DELAY = 300.0
UNSENT = (OutboxStatus.PENDING, OutboxStatus.SENDING)

# A live post is edited at most about once a second for frequent changes (answers): Discord
# limits edits per channel, and one edit after a burst shows the same as ten.
EDIT_DEBOUNCE = timedelta(seconds=1)

# Templates the outbox itself queues: one mention in a channel for a refused DM.
DM_FALLBACK = "dm_fallback"


def channel_target(channel_id: int) -> str:
    return f"channel:{channel_id}"


def user_target(user_id: int) -> str:
    return f"user:{user_id}"


def announcement_key(action_id: int) -> str:
    """The live post of an action: its announcement with RSVP buttons."""
    return f"action:{action_id}:announcement"


def nonce_for(row_id: int) -> str:
    """≤ 25 characters (Discord's limit), the same for every retry of one row."""
    return "o" + hashlib.sha256(f"outbox:{row_id}".encode()).hexdigest()[:20]


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(BASE_DELAY * 2 ** max(attempts - 1, 0), MAX_DELAY))
