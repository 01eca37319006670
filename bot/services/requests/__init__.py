"""Requests people are told about: a representation request (/city represent) and a request
to join a coalition that needs approval (/coalition join) are posted as live notices with
buttons (Verify / Turn down, Approve / Reject) for those who may decide; the decision edits
the notice (outcome, who decided, no buttons) and DMs the requester the outcome and their next
step. Joins and leaves are announced in the coalition's channel (no pings).

Everything is queued in the outbox (bot.services.outbox) in the unit of work of the change.

- ``notices``: what the cities and coalitions services call when a request is made or
  decided, or a city joins or leaves.
- ``state``: a notice as it is now, for the Discord side to render (template
  ``request_notice``).

The decisions themselves are the cities' and coalitions' services
(``cities.verify_request``, ``cities.turn_down_request``, ``coalitions.approve_request``,
``coalitions.reject_request``); nothing here imports them.
"""

from __future__ import annotations

from bot.services.requests.notices import (
    JOIN,
    NOTICE_TEMPLATE,
    REPRESENTATION,
    join_decided,
    join_requested,
    membership_news,
    notice_key,
    representation_decided,
    representation_requested,
    requests_channel,
)
from bot.services.requests.state import RequestNotice, notice_state

__all__ = [
    "JOIN",
    "NOTICE_TEMPLATE",
    "REPRESENTATION",
    "RequestNotice",
    "join_decided",
    "join_requested",
    "membership_news",
    "notice_key",
    "notice_state",
    "representation_decided",
    "representation_requested",
    "requests_channel",
]
