"""The Discord outbox: one row per message the bot posts, edits or DMs outside an interaction's
own answer, written in the same transaction as the change it reports (bot.services.outbox)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, Snowflake
from bot.db.models.enums import OutboxStatus
from bot.db.types import UTCDateTime, utcnow


class OutboxMessage(Base):
    """What to say is data (``template`` + JSON ``data``), rendered by the Discord side when it
    is sent; a live post (``key``) is rendered from the current database state, so its edits
    coalesce to the latest state. Rows of one ``target`` go out in id order."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_status_next", "status", "next_attempt_at"),
        Index("ix_outbox_messages_target_id", "target", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int | None] = mapped_column(Snowflake, index=True)
    kind: Mapped[str] = mapped_column(String(10))  # OutboxKind
    # "channel:<id>" or "user:<id>": order is kept per target.
    target: Mapped[str] = mapped_column(String(40))
    channel_id: Mapped[int | None] = mapped_column(Snowflake)
    user_id: Mapped[int | None] = mapped_column(Snowflake)
    # A live post's name ("action:12:announcement"): its edits find the message through it.
    key: Mapped[str | None] = mapped_column(String(100), index=True)
    template: Mapped[str] = mapped_column(String(40))
    data: Mapped[str] = mapped_column(Text, default="{}")
    # Set by a caller that may queue the same message twice (a retried reminder): queued once.
    dedupe_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    # A post: the message Discord created. An edit: the message it edits.
    message_id: Mapped[int | None] = mapped_column(Snowflake)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
