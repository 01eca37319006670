"""Joint lobbying actions, RSVPs, reminders and people's preferred time zones.

Reminders follow the architecture guide: the table is the record (status, lease, attempts);
APScheduler only wakes the bot when one falls due.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, Snowflake
from bot.db.models.core import NAME_LEN
from bot.db.models.enums import ActionStatus, ReminderStatus
from bot.db.types import UTCDateTime, utcnow


class ActionSeries(Base):
    """A recurring action: its rule, and the calendar identity of the whole series. Each
    occurrence is an ``Action`` row (``series_id``) with its own reminders and answers."""

    __tablename__ = "action_series"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake, index=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id"), index=True)
    repeat: Mapped[str] = mapped_column(String(30))  # Repeat
    timezone: Mapped[str] = mapped_column(String(64))  # occurrences keep its wall-clock time
    first_starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(Integer)  # occurrences planned (the RRULE's COUNT)
    until_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # as the coordinator said
    uid: Mapped[str] = mapped_column(String(100), unique=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[int] = mapped_column(Snowflake)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Action(Base):
    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake, index=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id"), index=True)
    ask_id: Mapped[int | None] = mapped_column(ForeignKey("asks.id"))
    title: Mapped[str] = mapped_column(String(NAME_LEN))
    kind: Mapped[str] = mapped_column(String(30))  # ActionKind
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64))  # the zone it was scheduled in
    location: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.SCHEDULED)
    # Calendar identity: the UID never changes; SEQUENCE rises on every reschedule.
    uid: Mapped[str] = mapped_column(String(100), unique=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    announcement_channel_id: Mapped[int | None] = mapped_column(Snowflake)
    announcement_message_id: Mapped[int | None] = mapped_column(Snowflake)
    created_by: Mapped[int] = mapped_column(Snowflake)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by: Mapped[int | None] = mapped_column(Snowflake)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # An occurrence of a recurring action: its series and the start its rule gave it (the
    # calendar's RECURRENCE-ID), kept when this occurrence alone is moved.
    series_id: Mapped[int | None] = mapped_column(ForeignKey("action_series.id"), index=True)
    recurrence_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ActionEvent(Base):
    """History of an action: scheduled, rescheduled (old and new time), cancelled."""

    __tablename__ = "action_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # ActionEventKind
    user_id: Mapped[int] = mapped_column(Snowflake)
    old_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    new_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Rsvp(Base):
    """A city's answer for an action. A change adds a row and supersedes the previous one."""

    __tablename__ = "rsvps"
    __table_args__ = (
        Index(
            "uq_rsvps_current",
            "action_id",
            "city_id",
            unique=True,
            sqlite_where=text("superseded_at IS NULL"),
            postgresql_where=text("superseded_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), index=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"))
    user_id: Mapped[int] = mapped_column(Snowflake)
    response: Mapped[str] = mapped_column(String(20))  # RsvpResponse
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Reminder(Base):
    """One reminder to send once: before an action, before an ask's deadline, or a digest.

    A process claims a due row with a conditional UPDATE (status pending, or sending with an
    expired lease) and only the process whose UPDATE changed the row sends it.
    """

    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_status_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # ReminderKind
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id"), index=True)
    ask_id: Mapped[int | None] = mapped_column(ForeignKey("asks.id"), index=True)
    offset_label: Mapped[str | None] = mapped_column(String(20))  # "7d", "2h"
    # Unique per thing reminded of, offset and target time: re-arming never duplicates.
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default=ReminderStatus.PENDING)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReminderNotification(Base):
    """Who a reminder reached and how: channel post, DM, or a channel mention after a refused DM."""

    __tablename__ = "reminder_notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminders.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(Snowflake)
    channel_id: Mapped[int | None] = mapped_column(Snowflake)
    outcome: Mapped[str] = mapped_column(String(30))  # NotificationOutcome
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Digest(Base):
    """A coalition's weekly digest schedule (one row per coalition; off = enabled false)."""

    __tablename__ = "digests"

    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday
    local_time: Mapped[str] = mapped_column(String(5))  # "09:00"
    timezone: Mapped[str] = mapped_column(String(64))
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by: Mapped[int] = mapped_column(Snowflake)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class UserPreference(Base):
    """Per-person defaults, such as the time zone they last typed."""

    __tablename__ = "user_preferences"

    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    timezone: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
