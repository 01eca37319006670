"""Reminders as records: which ones exist, when they fall due, and what each should say.

The database is the record (docs: "Reminders that fire exactly once"). This package decides
*what* to send, *to whom* and *whether it is stale*, and keeps the bookkeeping (who was
reached, sent/skipped). Sending through Discord is the reminder worker's (bot.workers).

Kinds of reminder rows (each planned through the table in ``planning.KINDS``):

- ``action``: before an action, at each of the coalition's offsets. Key
  ``action:<id>:s<sequence>:<offset>``: a reschedule raises the sequence, so old rows are stale.
- ``ask_deadline``: 7 days and 1 day before an ask's deadline, created by the periodic sweep.
  Key ``ask:<id>:<deadline epoch>:<offset>``.
- ``action_change``: the notice after a reschedule or a cancellation (an outbox row, due at
  once), so those DMs get the same exactly-once delivery and DM fallback as reminders.
- ``digest``: a coalition's weekly digest (its schedule: bot.services.digests).

Modules: ``offsets`` (reading "7d,1d,2h"), ``rows`` (creating and cancelling rows),
``offset_settings`` (/coalition settings reminders), ``planning`` (what one delivery sends),
``queue`` (the worker's bookkeeping), ``results`` (the values handed back); the ``_``-prefixed
modules hold each kind's planner.
"""

from bot.services.reminders._action_kinds import rsvp_groups
from bot.services.reminders._digest_kind import (
    FIRST_WINDOW,
    HORIZON,
    build_digest,
    digest_key,
    digest_row,
    next_occurrence,
)
from bot.services.reminders._recipients import coordinator_ids
from bot.services.reminders.offset_settings import set_reminder_offsets
from bot.services.reminders.offsets import (
    ASK_OFFSETS,
    DEFAULT_OFFSETS,
    MAX_OFFSET,
    MAX_OFFSETS,
    OFFSETS_HELP,
    coalition_offsets,
    describe_offset,
    offset_delta,
    parse_offsets,
)
from bot.services.reminders.planning import (
    KINDS,
    LATE_AFTER,
    KindHandlers,
    ensure_scheduled,
    plan_reminder,
)
from bot.services.reminders.queue import (
    MAX_ATTEMPTS,
    finish,
    pending_before,
    record_delivery,
    release,
    still_held,
)
from bot.services.reminders.results import (
    ActionContent,
    AskDeadlineContent,
    ChangeContent,
    DigestAction,
    DigestAsk,
    DigestContent,
    DigestEvent,
    DigestGoal,
    OffsetsResult,
    Plan,
    PlanContent,
    Skip,
)
from bot.services.reminders.rows import (
    action_key,
    cancel_action_reminders,
    cancel_pending,
    insert_if_absent,
    queue_change_notice,
    sync_action_reminders,
)

__all__ = [
    "ASK_OFFSETS",
    "DEFAULT_OFFSETS",
    "FIRST_WINDOW",
    "HORIZON",
    "KINDS",
    "LATE_AFTER",
    "MAX_ATTEMPTS",
    "MAX_OFFSET",
    "MAX_OFFSETS",
    "OFFSETS_HELP",
    "ActionContent",
    "AskDeadlineContent",
    "ChangeContent",
    "DigestAction",
    "DigestAsk",
    "DigestContent",
    "DigestEvent",
    "DigestGoal",
    "KindHandlers",
    "OffsetsResult",
    "Plan",
    "PlanContent",
    "Skip",
    "action_key",
    "build_digest",
    "cancel_action_reminders",
    "cancel_pending",
    "coalition_offsets",
    "coordinator_ids",
    "describe_offset",
    "digest_key",
    "digest_row",
    "ensure_scheduled",
    "finish",
    "insert_if_absent",
    "next_occurrence",
    "offset_delta",
    "parse_offsets",
    "pending_before",
    "plan_reminder",
    "queue_change_notice",
    "record_delivery",
    "release",
    "rsvp_groups",
    "set_reminder_offsets",
    "still_held",
    "sync_action_reminders",
]
