"""The values the actions services hand back to cogs (frozen, Discord-free)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.db.models.enums import ActionStatus


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
    status: str  # ActionStatus: scheduled | cancelled
    sequence: int
    uid: str
    ask_id: int | None
    ask_title: str | None
    cancel_reason: str | None
    announcement_channel_id: int | None
    announcement_message_id: int | None
    series_id: int | None = None  # an occurrence of a recurring action
    recurrence_at: datetime | None = None  # the start its series' rule gave it

    @property
    def recurring(self) -> bool:
        return self.series_id is not None

    @property
    def cancelled(self) -> bool:
        return self.status == ActionStatus.CANCELLED

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
    outbox_ids: tuple[int, ...] = ()  # the announcement, queued (bot.services.outbox)
    reading: str = ""  # the time in words, as read ("read as Tuesday 3 March 2026, 10:00 …")
    zone_words: str = ""  # where the zone came from ("your zone", "the coalition's zone")
    repeats: str | None = None  # "weekly on Tuesday at 10:00 Europe/Paris"
    occurrences: tuple[datetime, ...] = ()  # every start of the series, soonest first


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
    outbox_ids: tuple[int, ...] = ()  # the announcement's edit, queued (bot.services.outbox)
    reading: str = ""  # the new time in words, as read
    changed: int = 1  # occurrences changed (a recurring action: this one, or it and later ones)


@dataclass(frozen=True, slots=True)
class ActionChoice:
    label: str
    value: str
