"""The Discord outbox: what the bot means to say outside an interaction's own answer.

A service queues a row in the unit of work of the change it reports (``post``, ``edit``,
``dm``, ``dms``) and the commit wakes the outbox worker (``OutboxQueued``); a rolled-back
change queues nothing. What to say is data: a ``template`` name and JSON ``data``, rendered by
the Discord side (bot.ui.outbox_sender) when the row is sent. A live post (one with a ``key``,
e.g. an action's announcement) is rendered from the database as it is then, so several edits
queued meanwhile collapse into one that shows the latest state.

The worker's side (``delivery``): ``claim_due`` takes, per channel or recipient, only the
oldest unsent row (order is kept: a cancellation never overtakes the announcement it cancels;
one edit of a message in flight at a time), under a lease (bot.db.leases) so that with several
processes each message is sent once. A passing failure is retried with a capped backoff until
``give_up_after`` has passed since it was queued (then ``gave_up``); a refused DM or a channel
that is gone or forbidden is ``undeliverable`` at once, and a refused DM with a fallback
channel queues one mention there instead.

Inside: ``queueing`` (what services call), ``delivery`` (what the worker calls), ``_common``.
"""

from bot.services.outbox._common import (
    BASE_DELAY,
    DM_FALLBACK,
    EDIT_DEBOUNCE,
    MAX_DELAY,
    UNSENT,
    announcement_key,
    backoff,
    channel_target,
    nonce_for,
    user_target,
)
from bot.services.outbox.delivery import (
    Backlog,
    Envelope,
    backlog,
    claim_due,
    hold,
    load,
    mark_sent,
    mark_undeliverable,
    next_attempt,
    retry_later,
    states,
)
from bot.services.outbox.queueing import dm, dms, edit, post

__all__ = [
    "BASE_DELAY",
    "DM_FALLBACK",
    "EDIT_DEBOUNCE",
    "MAX_DELAY",
    "UNSENT",
    "Backlog",
    "Envelope",
    "announcement_key",
    "backlog",
    "backoff",
    "channel_target",
    "claim_due",
    "dm",
    "dms",
    "edit",
    "hold",
    "load",
    "mark_sent",
    "mark_undeliverable",
    "next_attempt",
    "nonce_for",
    "post",
    "retry_later",
    "states",
    "user_target",
]
