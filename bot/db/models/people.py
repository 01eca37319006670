"""Personal settings (``/me``): what a person wants the bot to send them, in one server.

One row per person and server, made the first time they change something; a person with no
row has every default (reminders and nudges by DM on, no time zone or language chosen).
Later settings (time zone, language) are columns here, shown by ``/me``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String, true
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, Snowflake
from bot.db.types import UTCDateTime, utcnow


class PersonSettings(Base):
    __tablename__ = "person_settings"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    # Action and deadline reminders by DM (a representative of a city that answered Going or
    # Maybe; a coordinator's own reminder DMs).
    reminders: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Coordinators' nudges to sign an ask (/ask nudge and the automatic nudge).
    nudges: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    timezone: Mapped[str | None] = mapped_column(String(64))  # an IANA zone name
    language: Mapped[str | None] = mapped_column(String(16))  # a BCP 47 tag, e.g. "de"
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
