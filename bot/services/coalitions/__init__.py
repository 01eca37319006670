"""Coalitions, their coordinators and their member cities (/coalition ...).

- ``results``: the frozen values returned; ``kinds``: coalition kinds, slugs and labels.
- ``queries``: /coalition list and show (reads).
- ``lifecycle``: create, and archive (its plan, then the archive).
- ``membership``: join, approve, reject, leave.
- ``requests``: the Approve and Reject buttons of a join request's notice.
- ``coordinators``: add and remove coordinators.
- ``settings``: the announcement channel and whether joining needs approval.
"""

from __future__ import annotations

from bot.services.coalitions.coordinators import add_coordinator, remove_coordinator
from bot.services.coalitions.kinds import KIND_LABELS, kind_label, kind_slug
from bot.services.coalitions.lifecycle import (
    ARCHIVED,
    DESCRIPTION_LEN,
    archive_coalition,
    archive_plan,
    create_coalition,
)
from bot.services.coalitions.membership import (
    approve_membership,
    join_coalition,
    leave_coalition,
    reject_membership,
)
from bot.services.coalitions.queries import list_coalitions, show_coalition
from bot.services.coalitions.requests import approve_request, reject_request
from bot.services.coalitions.results import (
    ArchivePlan,
    ArchiveResult,
    CoalitionDetail,
    CoalitionSummary,
    CoordinatorResult,
    MemberCity,
    MembershipResult,
    OpenAskSummary,
    PendingRequest,
    SettingsResult,
)
from bot.services.coalitions.settings import set_approval, set_channel

__all__ = [
    "ARCHIVED",
    "DESCRIPTION_LEN",
    "KIND_LABELS",
    "ArchivePlan",
    "ArchiveResult",
    "CoalitionDetail",
    "CoalitionSummary",
    "CoordinatorResult",
    "MemberCity",
    "MembershipResult",
    "OpenAskSummary",
    "PendingRequest",
    "SettingsResult",
    "add_coordinator",
    "approve_membership",
    "approve_request",
    "archive_coalition",
    "archive_plan",
    "create_coalition",
    "join_coalition",
    "kind_label",
    "kind_slug",
    "leave_coalition",
    "list_coalitions",
    "reject_membership",
    "reject_request",
    "remove_coordinator",
    "set_approval",
    "set_channel",
    "show_coalition",
]
