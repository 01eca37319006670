"""Position statements and the shared letter's settings and frozen versions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, Snowflake
from bot.db.models.core import NAME_LEN
from bot.db.types import UTCDateTime, utcnow


class Statement(Base):
    """One submission of a city's statement on an ask. The latest one not withdrawn counts."""

    __tablename__ = "statements"
    __table_args__ = (UniqueConstraint("ask_id", "city_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ask_id: Mapped[int] = mapped_column(ForeignKey("asks.id"), index=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    user_id: Mapped[int] = mapped_column(Snowflake)
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    signatory_name: Mapped[str] = mapped_column(String(NAME_LEN))
    signatory_title: Mapped[str | None] = mapped_column(String(NAME_LEN))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by: Mapped[int | None] = mapped_column(Snowflake)


class LetterSettings(Base):
    """What a coordinator set for an ask's letter. NULL everywhere means "the default"
    (in the letter's language for the words; English, A4 and alphabetical for the choices)."""

    __tablename__ = "letter_settings"

    ask_id: Mapped[int] = mapped_column(ForeignKey("asks.id"), primary_key=True)
    subject: Mapped[str | None] = mapped_column(String(200))
    place: Mapped[str | None] = mapped_column(String(100))
    salutation: Mapped[str | None] = mapped_column(String(200))
    opening: Mapped[str | None] = mapped_column(Text)
    closing: Mapped[str | None] = mapped_column(Text)
    sender: Mapped[str | None] = mapped_column(String(200))  # the sender's name
    organisation: Mapped[str | None] = mapped_column(String(200))
    contact: Mapped[str | None] = mapped_column(Text)  # e-mail, phone, address: several lines
    language: Mapped[str | None] = mapped_column(String(5))  # bot.documents Language
    paper: Mapped[str | None] = mapped_column(String(10))  # bot.documents Paper
    sign_order: Mapped[str | None] = mapped_column(String(20))  # SignOrder
    # Print each city's proof of authority (resolution or decision) in the signatories table.
    print_authority: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    updated_by: Mapped[int] = mapped_column(Snowflake)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class LetterVersion(Base):
    """A finalised letter: its exact Markdown bytes and the content every other format is
    rendered from (bot.documents' LetterInput as JSON), both frozen forever with their hashes.
    Versions finalised before PDF and Word existed have no ``input_json``: Markdown only."""

    __tablename__ = "letter_versions"
    __table_args__ = (UniqueConstraint("ask_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ask_id: Mapped[int] = mapped_column(ForeignKey("asks.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    ask_version: Mapped[int] = mapped_column(Integer)
    sign_order: Mapped[str] = mapped_column(String(20))  # SignOrder
    content: Mapped[str] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64))
    input_json: Mapped[str | None] = mapped_column(Text)
    input_sha256: Mapped[str | None] = mapped_column(String(64))
    signatory_count: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[int] = mapped_column(Snowflake)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
