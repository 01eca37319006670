"""Pooled procurement: a coalition's demand pool ("12 m electric buses", in "vehicles") and
the cities' pledges to it.

Nothing here is deleted. A pledge that changes or is withdrawn ends (``ended_at``, with how
and why) and a change adds a new row, like sign-ons: the rows of a city are its history. A
partial unique index allows one live pledge per pool and city, which is also what keeps two
simultaneous pledges of one city from leaving two live rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, Snowflake
from bot.db.models.enums import PoolStatus
from bot.db.types import UTCDateTime, utcnow


class Pool(Base):
    """A demand pool: pledges are taken while open, until the deadline (if any), when the
    reminder worker closes it exactly once (a ``pool_close`` reminder row)."""

    __tablename__ = "pools"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake, index=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id"), index=True)
    item: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(50))
    description: Mapped[str | None] = mapped_column(Text)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default=PoolStatus.OPEN)
    created_by: Mapped[int] = mapped_column(Snowflake)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who closed it; None for a pool closed automatically at its deadline.
    closed_by: Mapped[int | None] = mapped_column(Snowflake)


class Pledge(Base):
    """One city's pledge to a pool, made by one representative; live while ``ended_at`` is
    None (at most one live row per pool and city)."""

    __tablename__ = "pool_pledges"
    __table_args__ = (
        Index(
            "uq_pool_pledges_current",
            "pool_id",
            "city_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("pools.id"), index=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    user_id: Mapped[int] = mapped_column(Snowflake)
    # The title the representative was verified under, when they pledged.
    pledger_title: Mapped[str | None] = mapped_column(String(100))
    quantity: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    pledged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by: Mapped[int | None] = mapped_column(Snowflake)
    end_kind: Mapped[str | None] = mapped_column(String(20))  # PledgeEnd
    end_reason: Mapped[str | None] = mapped_column(Text)
