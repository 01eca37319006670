"""City profiles' history and coalition invitations (issue 18: building coalitions).

Both are append-only: a correction of a city's profile is one ``city_edits`` row per field
changed (who, when, from what, to what); each Invite a coordinator sends is one
``coalition_invites`` row, and the latest one per city and coalition says when the next may go.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, Snowflake
from bot.db.types import UTCDateTime, utcnow


class CityEdit(Base):
    """One field of a city's profile corrected by /city edit (values as text, None = empty)."""

    __tablename__ = "city_edits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    field: Mapped[str] = mapped_column(String(20))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    edited_by: Mapped[int] = mapped_column(Snowflake)
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CoalitionInvite(Base):
    """A coordinator's Invite: a DM to a verified representative of a city not in the
    coalition. At most one per city and coalition in any seven days."""

    __tablename__ = "coalition_invites"
    __table_args__ = (Index("ix_coalition_invites_pair", "coalition_id", "city_id", "sent_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id"))
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"))
    invited_by: Mapped[int] = mapped_column(Snowflake)
    user_id: Mapped[int] = mapped_column(Snowflake)  # the representative the DM went to
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
