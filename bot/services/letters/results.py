"""What the letter services return and refuse with, and the limits they check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.db.models.enums import SignOrder
from bot.documents.letter import ORDERS
from bot.errors import InvalidInput, UserFacingError

OPENING_LEN = 2000
CLOSING_LEN = 2000
SENDER_LEN = 200
DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024  # Discord's limit for servers without boosts
SHORT_HASH = 12


class LetterTooLarge(UserFacingError):
    """The export does not fit in one Discord upload; the message names the shell command."""

    def __init__(self, size: int, limit: int, ask_id: int, version: int | None) -> None:
        command = f"python -m bot letter export --ask {ask_id}"
        if version is not None:
            command += f" --version {version}"
        command += " -o letter.md"
        super().__init__(
            f"This letter is {_megabytes(size)}, more than the {_megabytes(limit)} Discord "
            f"accepts in one upload here. Ask the person who runs the bot to export it from "
            f"the server's shell instead: `{command}`"
        )
        self.size = size
        self.limit = limit
        self.command = command


@dataclass(frozen=True, slots=True)
class LetterFile:
    """One rendered (or frozen) letter: exactly the bytes to upload or write."""

    ask_id: int
    ask_title: str
    filename: str
    content: bytes
    sha256: str
    signatory_count: int
    order: str
    version: int | None  # the finalised version number, None for a live rendering
    created_at: datetime | None  # when the version was finalised

    @property
    def short_hash(self) -> str:
        return self.sha256[:SHORT_HASH]

    @property
    def text(self) -> str:
        return self.content.decode("utf-8")


@dataclass(frozen=True, slots=True)
class LetterSettingsInfo:
    ask_id: int
    ask_title: str
    opening: str
    closing: str
    sender: str
    customised: bool  # False: these are the defaults, nothing saved yet


@dataclass(frozen=True, slots=True)
class LetterPreview:
    file: LetterFile
    statement_without_signature: list[str]  # city names: statement, but not counted as signed
    awaiting_reconfirmation: list[str]  # signed an earlier version of the ask
    not_signed: list[str]  # active member cities with no current signature (left ones too)


@dataclass(frozen=True, slots=True)
class LetterVersionInfo:
    number: int
    created_at: datetime
    created_by: int
    signatory_count: int
    sha256: str
    order: str
    ask_version: int

    @property
    def short_hash(self) -> str:
        return self.sha256[:SHORT_HASH]


def _megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size:,} bytes"
    return f"{size / (1024 * 1024):.1f} MB"


def parse_order(value: str | None) -> SignOrder:
    """ "alphabetical" (default), "signing date"/"signing_date" or "population"."""
    if value is None or not value.strip():
        return SignOrder.ALPHABETICAL
    key = value.strip().lower().replace(" ", "_").replace("-", "_")
    if key not in ORDERS:
        raise InvalidInput(
            'Please choose an order: "alphabetical", "signing date" or "population".'
        )
    return SignOrder(key)


def ensure_uploadable(file: LetterFile, limit: int) -> None:
    """Refuse (with the shell command to use instead) a file larger than ``limit`` bytes."""
    if len(file.content) > limit:
        raise LetterTooLarge(len(file.content), limit, file.ask_id, file.version)
