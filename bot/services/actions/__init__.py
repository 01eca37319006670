"""Joint lobbying actions: scheduling, RSVPs, rescheduling, cancelling, calendar files.

Every function reads the time from its unit of work (``uow.now``, the bot's clock), so the
reminders computed here follow the same time as the reminder worker, and tests move time
instead of sleeping.

Modules: ``scheduling`` (schedule, reschedule, cancel), ``series`` (recurring actions: their
occurrences and which ones a change touches), ``rsvps`` (answers), ``queries`` (read-only),
``ical`` (calendar files, built with the ``icalendar`` library), ``results`` (values handed
back); ``_parsing``, ``_recurrence`` (the rule, pure), ``_records`` and ``_announcing`` (the
live announcement through the outbox; what it shows is public: ``announcement_board``) are
internal. Which zone a typed time is read in: ``bot.services.timezones``.
"""

from bot.services.actions._announcing import AnnouncementBoard, announcement_board
from bot.services.actions._parsing import (
    ACTION_NOT_FOUND,
    KINDS,
    RESPONSES,
    kind_slug,
    parse_action_id,
    parse_duration,
    response_slug,
)
from bot.services.actions._records import action_info
from bot.services.actions._recurrence import MAX_OCCURRENCES, REPEAT_LABELS
from bot.services.actions.ical import SCOPES, ics, ics_text
from bot.services.actions.queries import (
    action_choices,
    list_actions,
    local_label,
    rsvp_table,
    show_action,
    upcoming_actions,
)
from bot.services.actions.results import (
    ActionChoice,
    ActionDetail,
    ActionInfo,
    ChangeResult,
    CityRsvp,
    RsvpCounts,
    RsvpResult,
    ScheduleResult,
)
from bot.services.actions.rsvps import rsvp
from bot.services.actions.scheduling import (
    cancel_action,
    record_announcement,
    reschedule_action,
    schedule_action,
)
from bot.services.timezones import remembered_timezone

__all__ = [
    "ACTION_NOT_FOUND",
    "KINDS",
    "MAX_OCCURRENCES",
    "REPEAT_LABELS",
    "RESPONSES",
    "SCOPES",
    "ActionChoice",
    "ActionDetail",
    "ActionInfo",
    "AnnouncementBoard",
    "ChangeResult",
    "CityRsvp",
    "RsvpCounts",
    "RsvpResult",
    "ScheduleResult",
    "action_choices",
    "action_info",
    "announcement_board",
    "cancel_action",
    "ics",
    "ics_text",
    "kind_slug",
    "list_actions",
    "local_label",
    "parse_action_id",
    "parse_duration",
    "record_announcement",
    "remembered_timezone",
    "reschedule_action",
    "response_slug",
    "rsvp",
    "rsvp_table",
    "schedule_action",
    "show_action",
    "upcoming_actions",
]
