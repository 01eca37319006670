"""Cities, representatives, coalitions, asks and sign-ons.

Nothing here is ever deleted. A row that ends (a revoked representative, a city that left, a
withdrawn sign-on) gets an end time and reason; "current" means "not ended". Partial unique
indexes allow exactly one current row per pair, which is also what makes two simultaneous
sign-ons for one city produce a single signature.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.base import Base, Snowflake
from bot.db.models.enums import AskStatus, RepresentativeStatus
from bot.db.types import UTCDateTime, utcnow

# Lengths are enforced in the services (SQLite ignores VARCHAR(n)); columns leave headroom.
NAME_LEN = 100
TEXT_LEN = 4000


class BotState(Base):
    """Small key/value facts the bot keeps about itself (e.g. the hash of the last command sync)."""

    __tablename__ = "bot_state"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class GuildSettings(Base):
    """Per-server choices made by its admins."""

    __tablename__ = "guild_settings"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    announce_channel_id: Mapped[int | None] = mapped_column(Snowflake)
    # Who may create coalitions: admins, members with this role, and everyone when
    # ``anyone_creates_coalitions`` is set (an explicit /setup choice; off by default).
    coalition_creator_role_id: Mapped[int | None] = mapped_column(Snowflake)
    anyone_creates_coalitions: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    # Members with this role verify representatives of cities in no active coalition (as
    # admins do). None: admins only.
    verifier_role_id: Mapped[int | None] = mapped_column(Snowflake)
    # Where representation requests are posted with Verify and Turn down (/setup). None: the
    # system channel, if the bot may post there.
    requests_channel_id: Mapped[int | None] = mapped_column(Snowflake)
    # The server's time zone (/setup): the last default before the bot asks (IANA name).
    timezone: Mapped[str | None] = mapped_column(String(64))
    welcomed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class City(Base):
    __tablename__ = "cities"
    __table_args__ = (UniqueConstraint("guild_id", "name_key", "country_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake, index=True)
    name: Mapped[str] = mapped_column(String(NAME_LEN))
    country: Mapped[str] = mapped_column(String(NAME_LEN))
    region: Mapped[str | None] = mapped_column(String(NAME_LEN))
    population: Mapped[int | None] = mapped_column(Integer)
    # Case- and accent-folded forms, for duplicate checks and search that behave the same on
    # SQLite and PostgreSQL.
    name_key: Mapped[str] = mapped_column(String(NAME_LEN * 2))
    country_key: Mapped[str] = mapped_column(String(NAME_LEN * 2))
    created_by: Mapped[int] = mapped_column(Snowflake)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The profile (bot.services.cities.profiles): from the gazetteer (geonames_id set) or typed
    # by hand; corrections are kept in city_edits. Degrees WGS84; an IANA zone name.
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    timezone: Mapped[str | None] = mapped_column(String(64))
    geonames_id: Mapped[int | None] = mapped_column(Integer)
    country_code: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1, from the gazetteer
    region_code: Mapped[str | None] = mapped_column(String(20))  # GeoNames admin1 code


class Representative(Base):
    """A person's request to speak for a city, and what became of it."""

    __tablename__ = "representatives"
    __table_args__ = (
        Index(
            "uq_representatives_current",
            "city_id",
            "user_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
        Index("ix_representatives_user", "guild_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    user_id: Mapped[int] = mapped_column(Snowflake)
    # RepresentativeStatus: pending -> verified; ended rows keep their last status and say
    # why in end_reason.
    status: Mapped[str] = mapped_column(String(20), default=RepresentativeStatus.PENDING)
    title: Mapped[str | None] = mapped_column(String(NAME_LEN))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by: Mapped[int | None] = mapped_column(Snowflake)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by: Mapped[int | None] = mapped_column(Snowflake)
    end_reason: Mapped[str | None] = mapped_column(String(20))  # RepresentativeEnd
    # A request turned down with the Turn down button: the reason given (the requester is told).
    end_note: Mapped[str | None] = mapped_column(Text)

    city: Mapped[City] = relationship(lazy="raise")


class Coalition(Base):
    __tablename__ = "coalitions"
    __table_args__ = (UniqueConstraint("guild_id", "name_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake, index=True)
    name: Mapped[str] = mapped_column(String(NAME_LEN))
    name_key: Mapped[str] = mapped_column(String(NAME_LEN * 2))
    kind: Mapped[str] = mapped_column(String(40))  # CoalitionKind
    description: Mapped[str | None] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(String(NAME_LEN))
    channel_id: Mapped[int | None] = mapped_column(Snowflake)
    requires_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    # A sign-on must give its basis (a council resolution or mayoral decision).
    authority_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Reminder offsets before each action, e.g. "7d,1d,2h".
    reminder_offsets: Mapped[str] = mapped_column(String(100), default="7d,1d,2h")
    # The coalition's time zone (/coalition settings timezone), a default for times typed.
    timezone: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[int] = mapped_column(Snowflake)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    archived_by: Mapped[int | None] = mapped_column(Snowflake)


class Coordinator(Base):
    __tablename__ = "coordinators"
    __table_args__ = (
        Index(
            "uq_coordinators_current",
            "coalition_id",
            "user_id",
            unique=True,
            sqlite_where=text("removed_at IS NULL"),
            postgresql_where=text("removed_at IS NULL"),
        ),
        Index("ix_coordinators_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id"), index=True)
    user_id: Mapped[int] = mapped_column(Snowflake)
    added_by: Mapped[int] = mapped_column(Snowflake)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by: Mapped[int | None] = mapped_column(Snowflake)


class Membership(Base):
    """A city's membership of a coalition: requested, active, then perhaps ended."""

    __tablename__ = "memberships"
    __table_args__ = (
        Index(
            "uq_memberships_current",
            "coalition_id",
            "city_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id"), index=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    # MembershipStatus (ended rows keep theirs)
    status: Mapped[str] = mapped_column(String(20))
    requested_by: Mapped[int] = mapped_column(Snowflake)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by: Mapped[int | None] = mapped_column(Snowflake)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by: Mapped[int | None] = mapped_column(Snowflake)
    end_reason: Mapped[str | None] = mapped_column(String(20))  # MembershipEnd

    city: Mapped[City] = relationship(lazy="raise")


class Ask(Base):
    """A policy ask put to a decision-maker. Its text lives in versions."""

    __tablename__ = "asks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake, index=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=AskStatus.OPEN)
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The zone the deadline was typed in: edit forms show it on that wall clock and keep it.
    deadline_timezone: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[int] = mapped_column(Snowflake)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    coalition: Mapped[Coalition] = relationship(lazy="raise")
    versions: Mapped[list[AskVersion]] = relationship(
        back_populates="ask", lazy="raise", order_by="AskVersion.version"
    )


class AskVersion(Base):
    __tablename__ = "ask_versions"
    __table_args__ = (UniqueConstraint("ask_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ask_id: Mapped[int] = mapped_column(ForeignKey("asks.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(NAME_LEN))
    target: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int] = mapped_column(Snowflake)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    ask: Mapped[Ask] = relationship(back_populates="versions", lazy="raise")


class SignOn(Base):
    """A city's signature on an ask, made by one representative.

    ``confirmed_version`` is the latest ask version the city stands behind; when it is below
    the ask's current version the signature awaits re-confirmation and does not count.
    """

    __tablename__ = "sign_ons"
    __table_args__ = (
        Index(
            "uq_sign_ons_current",
            "ask_id",
            "city_id",
            unique=True,
            sqlite_where=text("withdrawn_at IS NULL"),
            postgresql_where=text("withdrawn_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ask_id: Mapped[int] = mapped_column(ForeignKey("asks.id"), index=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    user_id: Mapped[int] = mapped_column(Snowflake)
    signer_title: Mapped[str | None] = mapped_column(String(NAME_LEN))
    note: Mapped[str | None] = mapped_column(Text)
    signed_version: Mapped[int] = mapped_column(Integer)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_version: Mapped[int] = mapped_column(Integer)
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_by: Mapped[int] = mapped_column(Snowflake)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by: Mapped[int | None] = mapped_column(Snowflake)
    withdraw_reason: Mapped[str | None] = mapped_column(Text)
    # SignOnEnd: how it ended, "withdrawn" by its city, or "left" when the city left the
    # coalition (a left sign-on no longer counts and is not revived by rejoining). None while
    # live.
    end_kind: Mapped[str | None] = mapped_column(String(20))
    # Proof of authority (all None when none was given): BasisKind, the resolution's or
    # decision's reference, its date, and an optional public http(s) URL.
    basis_kind: Mapped[str | None] = mapped_column(String(30))
    basis_reference: Mapped[str | None] = mapped_column(String(200))
    basis_date: Mapped[date | None] = mapped_column(Date)
    basis_url: Mapped[str | None] = mapped_column(String(500))

    city: Mapped[City] = relationship(lazy="raise")


class AskEvent(Base):
    """The history of an ask: created, edited, signed, reconfirmed, withdrawn, closed, reopened."""

    __tablename__ = "ask_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ask_id: Mapped[int] = mapped_column(ForeignKey("asks.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # AskEventKind
    user_id: Mapped[int] = mapped_column(Snowflake)
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id"))
    version: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
