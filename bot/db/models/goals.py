"""Ask goals, their crossings, nudges and the coalition's automatic-nudge setting (issue 14).

- ``ask_goals``: one row per ask with a goal (each part optional: cities, regions, countries,
  population). Evaluating a goal locks this row, so two sign-ons at once are judged in turn.
- ``goal_crossings``: the goal's history as numbered crossings (1 = first reached, 2 = lost,
  3 = reached again …). ``(ask_id, number)`` is unique: whoever inserts a number first
  announces it, in the transaction of the change that crossed; a second process finds the
  number taken and says nothing. Odd count = met.
- ``ask_nudges``: each nudge sent (by a coordinator, or automatically: ``sent_by`` NULL).
- ``coalition_nudges``: ``/coalition settings nudges days_before`` (0 or no row = off).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, Snowflake
from bot.db.types import UTCDateTime, utcnow


class AskGoal(Base):
    __tablename__ = "ask_goals"

    ask_id: Mapped[int] = mapped_column(ForeignKey("asks.id"), primary_key=True)
    cities: Mapped[int | None] = mapped_column(Integer)
    regions: Mapped[int | None] = mapped_column(Integer)
    countries: Mapped[int | None] = mapped_column(Integer)
    population: Mapped[int | None] = mapped_column(BigInteger)
    set_by: Mapped[int] = mapped_column(Snowflake)
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GoalCrossing(Base):
    __tablename__ = "goal_crossings"
    __table_args__ = (UniqueConstraint("ask_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ask_id: Mapped[int] = mapped_column(ForeignKey("asks.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # odd: reached, even: lost
    kind: Mapped[str] = mapped_column(String(20))  # GoalCrossingKind
    user_id: Mapped[int | None] = mapped_column(Snowflake)  # whose change crossed it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AskNudge(Base):
    __tablename__ = "ask_nudges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    ask_id: Mapped[int] = mapped_column(ForeignKey("asks.id"), index=True)
    sent_by: Mapped[int | None] = mapped_column(Snowflake)  # None: the automatic nudge
    message: Mapped[str | None] = mapped_column(Text)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CoalitionNudges(Base):
    __tablename__ = "coalition_nudges"

    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id"), primary_key=True)
    days_before: Mapped[int] = mapped_column(Integer, default=0)
    updated_by: Mapped[int] = mapped_column(Snowflake)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
