"""Joint lobbying actions: scheduling, RSVPs, rescheduling, cancelling, calendar files.

Every function takes ``now`` from the caller (the bot's clock), so reminders computed here
follow the same time as the reminder runtime, and tests move time instead of sleeping.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, case, select

from bot.db.models import (
    Action,
    ActionEvent,
    AskVersion,
    City,
    Coalition,
    Representative,
    Rsvp,
    UserPreference,
)
from bot.db.models.core import NAME_LEN, Ask
from bot.db.repositories.progress import current_memberships
from bot.db.types import utcnow
from bot.db.uow import UnitOfWork
from bot.errors import ChoiceNeeded, Conflict, InvalidInput, NotFound
from bot.services import events, reminders
from bot.services.common import Actor, clean_text, fold
from bot.services.lookups import get_ask, get_coalition, parse_choice_id
from bot.services.permissions import (
    acting_city,
    ensure_not_archived,
    require_active_member,
    require_coalition_manager,
)
from bot.services.timeparse import ParsedTime, parse_local_datetime, zone_from_name

KINDS: dict[str, str] = {
    "meeting": "Meeting",
    "hearing": "Hearing",
    "letter_delivery": "Letter delivery",
    "press_conference": "Press conference",
    "day_of_action": "Day of action",
    "other": "Other",
}
RESPONSES: dict[str, str] = {"going": "Going", "maybe": "Maybe", "not_going": "Not going"}
LOCATION_LEN = 200
DESCRIPTION_LEN = 2000
NOTE_LEN = 500
REASON_LEN = 500
MAX_DURATION_MINUTES = 7 * 24 * 60
ACTION_NOT_FOUND = "I can't find that action in this server. Pick one from the list as you type."
NO_ZONE = (
    "Please choose a time zone in the timezone option (for example Europe/Paris). "
    "I'll remember it for next time."
)


# --- values returned to cogs ---


@dataclass(frozen=True, slots=True)
class ActionInfo:
    id: int
    coalition_id: int
    coalition_name: str
    channel_id: int | None  # the coalition's channel
    title: str
    kind: str
    kind_label: str
    starts_at: datetime
    duration_minutes: int | None
    timezone: str
    location: str | None
    description: str | None
    status: str  # scheduled | cancelled
    sequence: int
    uid: str
    ask_id: int | None
    ask_title: str | None
    cancel_reason: str | None
    announcement_channel_id: int | None
    announcement_message_id: int | None

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def ends_at(self) -> datetime | None:
        if self.duration_minutes is None:
            return None
        return self.starts_at + timedelta(minutes=self.duration_minutes)


@dataclass(frozen=True, slots=True)
class RsvpCounts:
    going: int = 0
    maybe: int = 0
    not_going: int = 0
    no_answer: int = 0


@dataclass(frozen=True, slots=True)
class CityRsvp:
    city_id: int
    city_name: str
    response: str | None  # None: no answer yet
    note: str | None
    user_id: int | None
    answered_at: datetime | None


@dataclass(frozen=True, slots=True)
class ActionDetail:
    action: ActionInfo
    cities: list[CityRsvp]  # every active member city, by name
    counts: RsvpCounts
    history: list[tuple[str, datetime, str | None]]  # (kind, when, detail), oldest first


@dataclass(frozen=True, slots=True)
class ScheduleResult:
    action: ActionInfo
    note: str | None  # e.g. "happens twice; I used the first one"
    reminders_at: list[datetime]


@dataclass(frozen=True, slots=True)
class RsvpResult:
    action: ActionInfo
    city_name: str
    response: str
    previous: str | None
    note: str | None


@dataclass(frozen=True, slots=True)
class ChangeResult:
    action: ActionInfo
    old_starts_at: datetime
    note: str | None
    notice_id: int  # the change notice the reminder runtime delivers (DMs + channel)
    answered_cities: list[str]
    reminders_at: list[datetime]


@dataclass(frozen=True, slots=True)
class ActionChoice:
    label: str
    value: str


# --- small parsers ---


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


# --- lookups ---


async def _get_action(
    uow: UnitOfWork, actor: Actor, action_id: int, *, lock: bool = False
) -> tuple[Action, Coalition]:
    if not 0 < action_id <= 2**31 - 1:
        raise NotFound(ACTION_NOT_FOUND)
    query = (
        select(Action, Coalition)
        .join(Coalition, Coalition.id == Action.coalition_id)
        .where(Action.id == action_id, Action.guild_id == actor.guild_id)
    )
    if lock:
        query = query.with_for_update(of=Action)
    row = (await uow.session.execute(query)).first()
    if row is None:
        raise NotFound(ACTION_NOT_FOUND)
    return row[0], row[1]


async def _ask_title(uow: UnitOfWork, ask_id: int | None) -> str | None:
    if ask_id is None:
        return None
    return await uow.session.scalar(
        select(AskVersion.title)
        .join(Ask, and_(Ask.id == AskVersion.ask_id, AskVersion.version == Ask.current_version))
        .where(Ask.id == ask_id)
    )


def _info(action: Action, coalition: Coalition, ask_title: str | None) -> ActionInfo:
    return ActionInfo(
        id=action.id,
        coalition_id=coalition.id,
        coalition_name=coalition.name,
        channel_id=coalition.channel_id,
        title=action.title,
        kind=action.kind,
        kind_label=KINDS.get(action.kind, action.kind),
        starts_at=action.starts_at,
        duration_minutes=action.duration_minutes,
        timezone=action.timezone,
        location=action.location,
        description=action.description,
        status=action.status,
        sequence=action.sequence,
        uid=action.uid,
        ask_id=action.ask_id,
        ask_title=ask_title,
        cancel_reason=action.cancel_reason,
        announcement_channel_id=action.announcement_channel_id,
        announcement_message_id=action.announcement_message_id,
    )


async def action_info(uow: UnitOfWork, actor: Actor, action_id: int) -> ActionInfo:
    action, coalition = await _get_action(uow, actor, action_id)
    return _info(action, coalition, await _ask_title(uow, action.ask_id))


# --- time zones people typed ---


async def remembered_timezone(uow: UnitOfWork, user_id: int) -> str | None:
    pref = await uow.session.get(UserPreference, user_id)
    return pref.timezone if pref else None


async def _remember_timezone(uow: UnitOfWork, user_id: int, zone: str) -> None:
    pref = await uow.session.get(UserPreference, user_id)
    if pref is None:
        uow.session.add(UserPreference(user_id=user_id, timezone=zone))
    elif pref.timezone != zone:
        pref.timezone = zone


async def _read_time(
    uow: UnitOfWork, actor: Actor, when: str, tz_name: str | None, now: datetime
) -> tuple[ParsedTime, str]:
    zone_name = (tz_name or "").strip() or await remembered_timezone(uow, actor.user_id)
    if not zone_name:
        raise InvalidInput(NO_ZONE)
    zone = zone_from_name(zone_name)
    parsed = parse_local_datetime(when, zone.key, now)
    await _remember_timezone(uow, actor.user_id, zone.key)
    return parsed, zone.key


# --- schedule ---


async def schedule_action(
    uow: UnitOfWork,
    actor: Actor,
    *,
    coalition_id: int,
    title: str,
    when: str,
    timezone: str | None,
    kind: str,
    now: datetime,
    ask_id: int | None = None,
    location: str | None = None,
    duration: str | None = None,
    description: str | None = None,
) -> ScheduleResult:
    """/action schedule: coordinators of the coalition (or server admins)."""
    title_ = clean_text(title, field="title", max_len=NAME_LEN)
    assert title_ is not None
    slug = kind_slug(kind)
    location_ = clean_text(location, field="location", max_len=LOCATION_LEN, required=False)
    description_ = clean_text(
        description,
        field="description",
        max_len=DESCRIPTION_LEN,
        required=False,
        multiline=True,
    )
    minutes = parse_duration(duration)
    session = uow.session
    coalition = await get_coalition(session, actor, coalition_id)
    ensure_not_archived(coalition)
    await require_coalition_manager(session, actor, coalition, "schedule actions")
    ask_title = None
    if ask_id is not None:
        _ask, ask_coalition, version = await get_ask(session, actor, ask_id)
        if ask_coalition.id != coalition.id:
            raise InvalidInput(
                f'The ask "{version.title}" belongs to {ask_coalition.name}, not '
                f"{coalition.name}. Pick an ask of {coalition.name}, or leave the ask out."
            )
        ask_title = version.title
    parsed, zone = await _read_time(uow, actor, when, timezone, now)
    action = Action(
        guild_id=actor.guild_id,
        coalition_id=coalition.id,
        ask_id=ask_id,
        title=title_,
        kind=slug,
        starts_at=parsed.when,
        duration_minutes=minutes,
        timezone=zone,
        location=location_,
        description=description_,
        status="scheduled",
        uid=f"action-{uuid.uuid4().hex}@coalition-bot",
        sequence=0,
        created_by=actor.user_id,
        created_at=now,
    )
    session.add(action)
    await session.flush()
    session.add(
        ActionEvent(
            action_id=action.id,
            kind="scheduled",
            user_id=actor.user_id,
            new_starts_at=parsed.when,
            created_at=now,
        )
    )
    due = await reminders.sync_action_reminders(session, action, coalition, now)
    await events.emit(
        uow,
        coalition,
        "action_scheduled",
        {
            "action_id": action.id,
            "title": action.title,
            "kind": slug,
            "starts_at": action.starts_at,
            "timezone": zone,
            "location": location_,
        },
    )
    await session.flush()
    return ScheduleResult(_info(action, coalition, ask_title), parsed.note, due)


async def record_announcement(
    uow: UnitOfWork, actor: Actor, action_id: int, *, channel_id: int, message_id: int
) -> None:
    """Remember where the announcement (with its RSVP buttons) was posted."""
    action, _ = await _get_action(uow, actor, action_id)
    action.announcement_channel_id = channel_id
    action.announcement_message_id = message_id
    await uow.session.flush()


# --- list, show, autocomplete ---


async def list_actions(
    uow: UnitOfWork, actor: Actor, *, coalition_id: int, when: str = "upcoming", now: datetime
) -> tuple[str, list[ActionInfo]]:
    """/action list: upcoming (soonest first) or past (latest first). Returns (name, actions)."""
    coalition = await get_coalition(uow.session, actor, coalition_id)
    query = select(Action).where(Action.coalition_id == coalition.id)
    if when == "past":
        query = query.where(Action.starts_at <= now).order_by(Action.starts_at.desc(), Action.id)
    else:
        query = query.where(Action.starts_at > now).order_by(Action.starts_at, Action.id)
    actions = (await uow.session.scalars(query.limit(200))).all()
    return coalition.name, [_info(a, coalition, None) for a in actions]


async def upcoming_actions(
    uow: UnitOfWork, actor: Actor, coalition_id: int, limit: int = 5, *, now: datetime | None = None
) -> list[ActionInfo]:
    """For /coalition show: the next scheduled (not cancelled) actions, soonest first."""
    now = now or utcnow()
    coalition = await get_coalition(uow.session, actor, coalition_id)
    actions = (
        await uow.session.scalars(
            select(Action)
            .where(
                Action.coalition_id == coalition.id,
                Action.status == "scheduled",
                Action.starts_at > now,
            )
            .order_by(Action.starts_at, Action.id)
            .limit(limit)
        )
    ).all()
    return [_info(a, coalition, None) for a in actions]


async def rsvp_table(uow: UnitOfWork, action: Action) -> tuple[list[CityRsvp], RsvpCounts]:
    """Every active member city with its current answer (or none). Two queries."""
    members = [
        city
        for m, city in await current_memberships(uow.session, action.coalition_id)
        if m.status == "active"
    ]
    current = {
        r.city_id: r
        for r in (
            await uow.session.scalars(
                select(Rsvp).where(Rsvp.action_id == action.id, Rsvp.superseded_at.is_(None))
            )
        ).all()
    }
    rows = []
    counts = {"going": 0, "maybe": 0, "not_going": 0, "no_answer": 0}
    for city in members:
        r = current.get(city.id)
        rows.append(
            CityRsvp(
                city_id=city.id,
                city_name=city.name,
                response=r.response if r else None,
                note=r.note if r else None,
                user_id=r.user_id if r else None,
                answered_at=r.created_at if r else None,
            )
        )
        counts[r.response if r else "no_answer"] += 1
    return rows, RsvpCounts(**counts)


async def show_action(uow: UnitOfWork, actor: Actor, action_id: int) -> ActionDetail:
    action, coalition = await _get_action(uow, actor, action_id)
    cities, counts = await rsvp_table(uow, action)
    history = [
        (e.kind, e.created_at, e.detail)
        for e in (
            await uow.session.scalars(
                select(ActionEvent)
                .where(ActionEvent.action_id == action.id)
                .order_by(ActionEvent.created_at, ActionEvent.id)
            )
        ).all()
    ]
    return ActionDetail(
        _info(action, coalition, await _ask_title(uow, action.ask_id)), cities, counts, history
    )


def local_label(starts_at: datetime, zone: str) -> str:
    """ "2026-12-05 14:30 Europe/Paris": for places that cannot show Discord timestamps."""
    try:
        local = starts_at.astimezone(zone_from_name(zone))
    except InvalidInput:
        local, zone = starts_at.astimezone(UTC), "UTC"
    return f"{local:%Y-%m-%d %H:%M} {zone}"


async def action_choices(
    uow: UnitOfWork, actor: Actor, typed: str | None, *, now: datetime
) -> list[ActionChoice]:
    """Autocomplete: this server's actions, upcoming (soonest first) then past (latest first)."""
    key = fold((typed or "")[:200])
    upcoming = case((Action.starts_at > now, 0), else_=1)
    rows = (
        await uow.session.execute(
            select(Action, Coalition.name)
            .join(Coalition, Coalition.id == Action.coalition_id)
            .where(Action.guild_id == actor.guild_id)
            .order_by(upcoming, Action.starts_at, Action.id)
            .limit(500)
        )
    ).all()
    picked = [(a, name) for a, name in rows if not key or key in fold(a.title) or key in fold(name)]
    soon = [(a, n) for a, n in picked if a.starts_at > now]
    past = sorted(
        [(a, n) for a, n in picked if a.starts_at <= now],
        key=lambda p: p[0].starts_at,
        reverse=True,
    )
    out = []
    for a, name in (soon + past)[:25]:
        tag = " (cancelled)" if a.status == "cancelled" else ""
        suffix = f" · {local_label(a.starts_at, a.timezone)}{tag}"
        head = f"{a.title} — {name}"
        room = 100 - len(suffix)
        if len(head) > room:
            head = head[: room - 1] + "…"
        out.append(ActionChoice(head + suffix, str(a.id)))
    return out


# --- RSVP ---


async def _rsvp_city(
    uow: UnitOfWork, actor: Actor, coalition: Coalition, city_id: int | None, via_button: bool
) -> City:
    session = uow.session
    if city_id is None:
        member_ids = {
            city.id
            for m, city in await current_memberships(session, coalition.id)
            if m.status == "active"
        }
        mine = (
            await session.scalars(
                select(City)
                .join(Representative, Representative.city_id == City.id)
                .where(
                    City.guild_id == actor.guild_id,
                    Representative.user_id == actor.user_id,
                    Representative.status == "verified",
                    Representative.ended_at.is_(None),
                )
                .order_by(City.name_key, City.id)
            )
        ).all()
        candidates = [c for c in mine if c.id in member_ids]
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            names = [c.name for c in candidates]
            where = "/action rsvp" if via_button else "the city option"
            raise ChoiceNeeded(
                f"You represent several cities of {coalition.name} ({', '.join(names)}). "
                f"Answer with {where} and choose the city.",
                choices=names,
            )
    acting = await acting_city(session, actor, city_id, coalition_name=coalition.name)
    await require_active_member(session, coalition, acting.city)
    return acting.city


async def rsvp(
    uow: UnitOfWork,
    actor: Actor,
    *,
    action_id: int,
    response: str,
    now: datetime,
    city_id: int | None = None,
    note: str | None = None,
    via_button: bool = False,
) -> RsvpResult:
    """/action rsvp and the RSVP buttons: one answer per city; a new answer supersedes.

    Answers to one action take turns (the action row is locked on PostgreSQL; SQLite
    serialises writers anyway): two representatives of a city answering at the same moment
    are both recorded, the later one replacing the earlier and saying so ("Before: ..."),
    instead of the later one failing on the city's one current answer.
    """
    slug = response_slug(response)
    note_ = clean_text(note, field="note", max_len=NOTE_LEN, required=False)
    action, coalition = await _get_action(uow, actor, action_id, lock=True)
    if action.status == "cancelled":
        raise Conflict(f'"{action.title}" was cancelled, so it takes no more answers.')
    if action.starts_at <= now:
        raise Conflict(f'"{action.title}" has already started, so it takes no more answers.')
    ensure_not_archived(coalition)
    city = await _rsvp_city(uow, actor, coalition, city_id, via_button)
    session = uow.session
    previous = await session.scalar(
        select(Rsvp)
        .where(Rsvp.action_id == action.id, Rsvp.city_id == city.id, Rsvp.superseded_at.is_(None))
        .with_for_update()
    )
    before = previous.response if previous else None
    if previous is not None:
        if previous.response == slug and previous.note == note_:
            return RsvpResult(_info(action, coalition, None), city.name, slug, before, note_)
        previous.superseded_at = now
        await session.flush()
    session.add(
        Rsvp(
            action_id=action.id,
            city_id=city.id,
            user_id=actor.user_id,
            response=slug,
            note=note_,
            created_at=now,
        )
    )
    await session.flush()
    return RsvpResult(_info(action, coalition, None), city.name, slug, before, note_)


# --- reschedule, cancel ---


async def _answered_cities(uow: UnitOfWork, action_id: int) -> list[str]:
    return list(
        (
            await uow.session.scalars(
                select(City.name)
                .join(Rsvp, Rsvp.city_id == City.id)
                .where(Rsvp.action_id == action_id, Rsvp.superseded_at.is_(None))
                .order_by(City.name_key)
            )
        ).all()
    )


async def _for_change(
    uow: UnitOfWork, actor: Actor, action_id: int, verb: str
) -> tuple[Action, Coalition]:
    action, coalition = await _get_action(uow, actor, action_id, lock=True)
    await require_coalition_manager(uow.session, actor, coalition, f"{verb} its actions")
    ensure_not_archived(coalition)
    if action.status == "cancelled":
        raise Conflict(f'"{action.title}" is already cancelled. Schedule a new action instead.')
    return action, coalition


async def reschedule_action(
    uow: UnitOfWork,
    actor: Actor,
    *,
    action_id: int,
    when: str,
    now: datetime,
    timezone: str | None = None,
) -> ChangeResult:
    """/action reschedule: coordinators. Reminders follow; cities that answered are told."""
    action, coalition = await _for_change(uow, actor, action_id, "reschedule")
    if action.starts_at <= now:
        raise Conflict(f'"{action.title}" has already started; schedule a new action instead.')
    zone_name = (timezone or "").strip() or action.timezone
    parsed, zone = await _read_time(uow, actor, when, zone_name, now)
    if parsed.when == action.starts_at:
        raise Conflict(f'"{action.title}" is already at that time; nothing changed.')
    old = action.starts_at
    action.starts_at = parsed.when
    action.timezone = zone
    action.sequence += 1
    session = uow.session
    session.add(
        ActionEvent(
            action_id=action.id,
            kind="rescheduled",
            user_id=actor.user_id,
            old_starts_at=old,
            new_starts_at=parsed.when,
            created_at=now,
        )
    )
    due = await reminders.sync_action_reminders(session, action, coalition, now)
    notice = await reminders.queue_change_notice(session, action, "rescheduled", now, old=old)
    await events.emit(
        uow,
        coalition,
        "action_changed",
        {
            "action_id": action.id,
            "change": "rescheduled",
            "title": action.title,
            "old_starts_at": old,
            "starts_at": action.starts_at,
            "sequence": action.sequence,
        },
    )
    await session.flush()
    return ChangeResult(
        _info(action, coalition, await _ask_title(uow, action.ask_id)),
        old,
        parsed.note,
        notice,
        await _answered_cities(uow, action.id),
        due,
    )


async def cancel_action(
    uow: UnitOfWork, actor: Actor, *, action_id: int, reason: str, now: datetime
) -> ChangeResult:
    """/action cancel: coordinators. Reminders stop; cities that answered are told."""
    reason_ = clean_text(reason, field="reason", max_len=REASON_LEN, multiline=True)
    action, coalition = await _for_change(uow, actor, action_id, "cancel")
    action.status = "cancelled"
    action.cancelled_at = now
    action.cancelled_by = actor.user_id
    action.cancel_reason = reason_
    session = uow.session
    session.add(
        ActionEvent(
            action_id=action.id,
            kind="cancelled",
            user_id=actor.user_id,
            old_starts_at=action.starts_at,
            detail=reason_,
            created_at=now,
        )
    )
    await reminders.cancel_action_reminders(session, action.id)
    notice = await reminders.queue_change_notice(session, action, "cancelled", now)
    await events.emit(
        uow,
        coalition,
        "action_changed",
        {
            "action_id": action.id,
            "change": "cancelled",
            "title": action.title,
            "starts_at": action.starts_at,
            "reason": reason_,
        },
    )
    await session.flush()
    return ChangeResult(
        _info(action, coalition, await _ask_title(uow, action.ask_id)),
        action.starts_at,
        None,
        notice,
        await _answered_cities(uow, action.id),
        [],
    )


# --- iCalendar ---


def _ics_escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def _ics_fold(line: str) -> str:
    """Fold at 75 octets (RFC 5545 3.1), never splitting a UTF-8 character."""
    out: list[str] = []
    current = b""
    limit = 75
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > limit:
            out.append(current.decode("utf-8"))
            current = b""
            limit = 74  # continuation lines start with one space
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def _ics_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def ics_text(action: ActionInfo, *, now: datetime) -> str:
    """An iCalendar (RFC 5545) file for one action, times in UTC."""
    end = action.ends_at or action.starts_at + timedelta(hours=1)
    description = action.description or ""
    if action.ask_title:
        description = (description + "\n\n" if description else "") + f"Ask: {action.ask_title}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Coalition Bot//Actions//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{action.uid}",
        f"SEQUENCE:{action.sequence}",
        f"DTSTAMP:{_ics_time(now)}",
        f"DTSTART:{_ics_time(action.starts_at)}",
        f"DTEND:{_ics_time(end)}",
        f"SUMMARY:{_ics_escape(action.title)}",
        f"CATEGORIES:{_ics_escape(action.kind_label)}",
        f"STATUS:{'CANCELLED' if action.cancelled else 'CONFIRMED'}",
    ]
    if action.location:
        lines.append(f"LOCATION:{_ics_escape(action.location)}")
    if description:
        lines.append(f"DESCRIPTION:{_ics_escape(description)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(_ics_fold(line) + "\r\n" for line in lines)


async def ics(uow: UnitOfWork, actor: Actor, action_id: int, *, now: datetime) -> tuple[str, bytes]:
    """/action ics: (file name, bytes)."""
    info = await action_info(uow, actor, action_id)
    slug = re.sub(r"[^a-z0-9]+", "-", fold(info.title)).strip("-")[:40] or "action"
    return f"{slug}.ics", ics_text(info, now=now).encode("utf-8")


__all__ = [
    "KINDS",
    "RESPONSES",
    "ActionChoice",
    "ActionDetail",
    "ActionInfo",
    "ChangeResult",
    "CityRsvp",
    "RsvpCounts",
    "RsvpResult",
    "ScheduleResult",
    "action_choices",
    "action_info",
    "cancel_action",
    "ics",
    "list_actions",
    "parse_action_id",
    "parse_duration",
    "remembered_timezone",
    "reschedule_action",
    "rsvp",
    "schedule_action",
    "show_action",
    "upcoming_actions",
]
