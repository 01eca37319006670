"""Reading what people type for an action: its kind, an answer, a duration, a time and zone."""

from __future__ import annotations

import re

from bot.db.models import Coalition
from bot.db.models.enums import ActionKind, RsvpResponse
from bot.db.uow import UnitOfWork
from bot.errors import InvalidInput, NotFound
from bot.services.common import Actor, fold
from bot.services.lookups import parse_choice_id
from bot.services.timeparse import ParsedTime, parse_local_datetime
from bot.services.timezones import ChosenZone, default_zone

KINDS: dict[str, str] = {
    ActionKind.MEETING: "Meeting",
    ActionKind.HEARING: "Hearing",
    ActionKind.LETTER_DELIVERY: "Letter delivery",
    ActionKind.PRESS_CONFERENCE: "Press conference",
    ActionKind.DAY_OF_ACTION: "Day of action",
    ActionKind.OTHER: "Other",
}
RESPONSES: dict[str, str] = {
    RsvpResponse.GOING: "Going",
    RsvpResponse.MAYBE: "Maybe",
    RsvpResponse.NOT_GOING: "Not going",
}
LOCATION_LEN = 200
DESCRIPTION_LEN = 2000
NOTE_LEN = 500
REASON_LEN = 500
MAX_DURATION_MINUTES = 7 * 24 * 60
ACTION_NOT_FOUND = "I can't find that action in this server. Pick one from the list as you type."


def kind_slug(value: str | None) -> str:
    key = fold((value or "").replace("_", " ").replace("-", " "))
    for slug, label in KINDS.items():
        if key in (fold(label), fold(slug.replace("_", " "))):
            return slug
    options = ", ".join(label.lower() for label in KINDS.values())
    raise InvalidInput(f"Please choose what kind of action it is: {options}.")


def response_slug(value: str | None) -> str:
    key = fold((value or "").replace("_", " ").replace("-", " "))
    for slug, label in RESPONSES.items():
        if key in (fold(label), fold(slug.replace("_", " "))):
            return slug
    raise InvalidInput("Please answer going, maybe or not going.")


_DURATION = re.compile(
    r"^(?:(?P<h>\d{1,3})\s*h(?:ours?|rs?)?\s*(?P<hm>\d{1,2})?\s*(?:m(?:in(?:utes?)?)?)?"
    r"|(?P<m>\d{1,5})\s*(?:m(?:in(?:utes?)?)?)?)$",
    re.IGNORECASE,
)


def parse_duration(value: str | None) -> int | None:
    """ "90", "90m", "1h30", "2h", "1h 30min" -> minutes; None when not given."""
    raw = " ".join((value or "").split())
    if not raw:
        return None
    match = _DURATION.match(raw)
    help_ = 'Write the duration in minutes ("90") or hours and minutes ("1h30").'
    if match is None:
        raise InvalidInput(f"I can't read that duration. {help_}")
    if match["m"] is not None:
        minutes = int(match["m"])
    else:
        extra = int(match["hm"] or 0)
        if extra >= 60:
            raise InvalidInput(f"Minutes after the hours must be below 60. {help_}")
        minutes = int(match["h"]) * 60 + extra
    if minutes <= 0:
        raise InvalidInput(f"The duration must be longer than zero. {help_}")
    if minutes > MAX_DURATION_MINUTES:
        raise InvalidInput("An action can last at most 7 days. Please shorten the duration.")
    return minutes


def parse_action_id(value: str | int | None) -> int:
    """An autocomplete value back to an action id; anything else is NotFound."""
    try:
        return parse_choice_id(value, "action")
    except NotFound:
        raise NotFound(ACTION_NOT_FOUND) from None


async def read_time(
    uow: UnitOfWork,
    actor: Actor,
    when: str,
    tz_name: str | None,
    *,
    coalition: Coalition | None = None,
    fallback: ChosenZone | None = None,
    locale: str | None = None,
) -> tuple[ParsedTime, ChosenZone]:
    """``when`` read in ``tz_name``, else in the zone that defaults (bot.services.timezones),
    in the user's ``locale`` (Discord's): the time and the zone it was read in."""
    zone = await default_zone(
        uow, actor, tz_name, coalition=coalition, fallback=fallback, locale=locale
    )
    parsed = parse_local_datetime(when, zone.name, uow.now, locale=locale)
    return parsed, zone
