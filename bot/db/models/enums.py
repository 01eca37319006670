"""The values a status (or kind) column may hold, named once.

Each is a ``StrEnum``: a member *is* its string (``AskStatus.OPEN == "open"``), so rows,
queries, JSON payloads and log lines read and write the same text as before. The columns stay
``String``: the schema does not change, and a value read back from the database is a plain
``str`` that compares equal to its member.
"""

from __future__ import annotations

from enum import StrEnum


class AskStatus(StrEnum):
    """``Ask.status``."""

    OPEN = "open"
    CLOSED = "closed"


class AskEventKind(StrEnum):
    """``AskEvent.kind``: one line of an ask's history."""

    CREATED = "created"
    EDITED = "edited"
    SIGNED = "signed"
    RECONFIRMED = "reconfirmed"
    WITHDRAWN = "withdrawn"
    LEFT = "left"  # the city left (or was removed from) the coalition: its signature ended
    CLOSED = "closed"
    REOPENED = "reopened"
    GOAL_SET = "goal_set"  # detail: the goal, as shown
    NUDGED = "nudged"  # detail: how many were nudged (user_id 0: the automatic nudge)


class BasisKind(StrEnum):
    """``SignOn.basis_kind``: what gives the representative authority to sign for the city."""

    COUNCIL_RESOLUTION = "council_resolution"
    MAYORAL_DECISION = "mayoral_decision"


class SignOnEnd(StrEnum):
    """``SignOn.end_kind``: how a sign-on ended (None while it is live)."""

    WITHDRAWN = "withdrawn"  # by its city
    LEFT = "left"  # the city left the coalition; not revived by rejoining


class MembershipStatus(StrEnum):
    """``Membership.status``; ended rows keep theirs and say why in ``end_reason``."""

    PENDING = "pending"
    ACTIVE = "active"


class MembershipEnd(StrEnum):
    """``Membership.end_reason``."""

    LEFT = "left"
    REMOVED = "removed"
    REJECTED = "rejected"


class RepresentativeStatus(StrEnum):
    """``Representative.status``: pending, then verified; ended rows keep theirs."""

    PENDING = "pending"
    VERIFIED = "verified"


class RepresentativeEnd(StrEnum):
    """``Representative.end_reason``."""

    REVOKED = "revoked"
    TURNED_DOWN = "turned_down"  # a pending request declined with a reason (Turn down)


class CoalitionKind(StrEnum):
    """``Coalition.kind`` (labels for people live with the coalitions service)."""

    CITY_PARTNERSHIP = "city_partnership"
    METRO_AREA_PARTNERSHIP = "metro_area_partnership"
    PEER_GROUP = "peer_group"
    INTERNATIONAL_NETWORK = "international_network"


class ActionStatus(StrEnum):
    """``Action.status``."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class ActionKind(StrEnum):
    """``Action.kind`` (labels for people live with the actions service)."""

    MEETING = "meeting"
    HEARING = "hearing"
    LETTER_DELIVERY = "letter_delivery"
    PRESS_CONFERENCE = "press_conference"
    DAY_OF_ACTION = "day_of_action"
    OTHER = "other"


class ActionEventKind(StrEnum):
    """``ActionEvent.kind``."""

    SCHEDULED = "scheduled"
    RESCHEDULED = "rescheduled"
    CANCELLED = "cancelled"


class Repeat(StrEnum):
    """``ActionSeries.repeat``: how a recurring action repeats."""

    WEEKLY = "weekly"
    BIWEEKLY = "every_2_weeks"
    MONTHLY_WEEKDAY = "monthly_weekday"  # e.g. the second Tuesday of each month
    MONTHLY_DATE = "monthly_date"  # e.g. the 14th of each month


class ChangeScope(StrEnum):
    """Which occurrences of a recurring action a reschedule or cancel changes."""

    THIS = "this"
    FOLLOWING = "following"  # this one and every later one


class RsvpResponse(StrEnum):
    """``Rsvp.response``."""

    GOING = "going"
    MAYBE = "maybe"
    NOT_GOING = "not_going"


class ReminderKind(StrEnum):
    """``Reminder.kind``: what a reminder is about."""

    ACTION = "action"  # before an action, at each of the coalition's offsets
    ACTION_CHANGE = "action_change"  # an action was rescheduled or cancelled
    ASK_DEADLINE = "ask_deadline"
    DIGEST = "digest"
    POOL_DEADLINE = "pool_deadline"  # before a pool's deadline: coordinators, and a nudge
    POOL_CLOSE = "pool_close"  # at a pool's deadline: closes it (bot.services.pools)
    ASK_NUDGE = "ask_nudge"  # the automatic nudge, days before an ask's deadline


class ReminderStatus(StrEnum):
    """``Reminder.status``. Claimed rows are ``sending`` under a lease (bot.db.leases)."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"
    FAILED = "failed"


class NotificationOutcome(StrEnum):
    """``ReminderNotification.outcome``: who a reminder reached, and how."""

    CHANNEL = "channel"
    CHANNEL_FAILED = "channel_failed"
    DM = "dm"
    DM_FAILED = "dm_failed"
    DM_REFUSED = "dm_refused"
    DM_REFUSED_FALLBACK = "dm_refused_fallback"  # mentioned in the channel instead


class WebhookStatus(StrEnum):
    """``Webhook.status``."""

    ACTIVE = "active"
    PAUSED = "paused"
    REMOVED = "removed"


class DeliveryStatus(StrEnum):
    """``WebhookDelivery.status``. Claimed rows are ``sending`` under a lease (bot.db.leases)."""

    PENDING = "pending"
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"


class LeaseStatus(StrEnum):
    """The statuses bot.db.leases reads and writes; shared by reminders and deliveries."""

    PENDING = "pending"
    SENDING = "sending"


class OutboxKind(StrEnum):
    """``OutboxMessage.kind``: what the outbox does in Discord."""

    POST = "post"  # a new message in a channel
    EDIT = "edit"  # an edit of a message the bot posted
    DM = "dm"  # a direct message


class OutboxStatus(StrEnum):
    """``OutboxMessage.status``. Claimed rows are ``sending`` under a lease (bot.db.leases)."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    GAVE_UP = "gave_up"  # Discord kept failing for OUTBOX_GIVE_UP_HOURS
    UNDELIVERABLE = "undeliverable"  # closed DMs, a channel gone or forbidden: never retried


class SignOrder(StrEnum):
    """``LetterVersion.sign_order``: how the signatories of a letter are ordered."""

    ALPHABETICAL = "alphabetical"
    SIGNING_DATE = "signing_date"
    POPULATION = "population"


class PoolStatus(StrEnum):
    """``Pool.status``: a demand pool takes pledges while open."""

    OPEN = "open"
    CLOSED = "closed"


class PledgeEnd(StrEnum):
    """``Pledge.end_kind``: how a pledge row ended (None while it is live)."""

    CHANGED = "changed"  # a newer pledge of the same city replaced it
    WITHDRAWN = "withdrawn"  # by its city, with a reason


class GoalCrossingKind(StrEnum):
    """``GoalCrossing.kind``: an ask's goal was reached, or dropped below again."""

    REACHED = "reached"
    LOST = "lost"
