"""What the letter services return and refuse with, and the limits they check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.db.models.enums import SignOrder
from bot.documents.model import LANGUAGES, ORDERS, PAPERS, Format, Language, Paper
from bot.errors import InvalidInput, UserFacingError

SUBJECT_LEN = 200
PLACE_LEN = 100
SALUTATION_LEN = 200
OPENING_LEN = 2000
CLOSING_LEN = 2000
SENDER_LEN = 200  # the sender's name
ORGANISATION_LEN = 200
CONTACT_LEN = 500  # e-mail, phone, address: several lines
CONTACT_LINES = 6
DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024  # Discord's limit for servers without boosts
SHORT_HASH = 12

LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "fr": "French",
    "de": "German",
    "it": "Italian",
    "es": "Spanish",
}
FORMAT_NAMES: dict[str, str] = {"md": "Markdown", "pdf": "PDF", "docx": "Word (DOCX)"}
# What people type or pick for a format, to the file extension it means.
_FORMAT_WORDS: dict[str, Format] = {
    "markdown": "md",
    "md": "md",
    "pdf": "pdf",
    "docx": "docx",
    "word": "docx",
}


class LetterTooLarge(UserFacingError):
    """The export does not fit in one Discord upload; the message names the shell command."""

    def __init__(
        self, size: int, limit: int, ask_id: int, version: int | None, fmt: Format = "md"
    ) -> None:
        command = f"python -m bot letter export --ask {ask_id}"
        if version is not None:
            command += f" --version {version}"
        if fmt != "md":
            command += f" --format {fmt}"
        command += f" -o letter.{fmt}"
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
    format: Format = "md"
    language: Language = "en"

    @property
    def short_hash(self) -> str:
        return self.sha256[:SHORT_HASH]

    @property
    def text(self) -> str:
        """The Markdown text (a PDF or Word file has none)."""
        if self.format != "md":
            raise ValueError(f"a {self.format} letter is not text")
        return self.content.decode("utf-8")


@dataclass(frozen=True, slots=True)
class LetterSettingsInfo:
    """The settings as the forms show them: saved values, else the defaults (``customised``
    says whether anything was saved)."""

    ask_id: int
    ask_title: str
    subject: str
    place: str
    salutation: str
    opening: str
    closing: str
    sender: str
    organisation: str
    contact: str
    language: Language
    paper: Paper
    order: SignOrder
    customised: bool  # False: these are the defaults, nothing saved yet


@dataclass(frozen=True, slots=True)
class Missing:
    """A signing city whose part of the letter is incomplete, and who can complete it."""

    city_id: int
    city_name: str
    statement: bool  # no statement
    name: bool  # no signatory name: the letter lists the city by title
    title: bool  # no signatory title
    representatives: tuple[int, ...]  # user ids of its verified representatives (may fix it)


@dataclass(frozen=True, slots=True)
class LetterPreview:
    file: LetterFile
    missing: list[Missing]  # signing cities without a statement, a name or a title
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
    all_formats: bool = True  # False: finalised before PDF and Word, Markdown only

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


def parse_format(value: str | None) -> Format:
    """ "markdown"/"md" (default), "pdf", "docx"/"word"."""
    if value is None or not value.strip():
        return "md"
    fmt = _FORMAT_WORDS.get(value.strip().lower().lstrip("."))
    if fmt is None:
        raise InvalidInput('Please choose a format: "markdown", "pdf" or "docx".')
    return fmt


def parse_language(value: str | None) -> Language | None:
    """An ISO code among LANGUAGES, or None (keep / default)."""
    if value is None or not value.strip():
        return None
    code = value.strip().lower()
    for language in LANGUAGES:
        if code in (language, LANGUAGE_NAMES[language].lower()):
            return language
    raise InvalidInput(
        "Please choose the letter's language: "
        + ", ".join(f"{LANGUAGE_NAMES[lang]} ({lang})" for lang in LANGUAGES)
        + "."
    )


def parse_paper(value: str | None) -> Paper | None:
    if value is None or not value.strip():
        return None
    for paper in PAPERS:
        if value.strip().lower() == paper.lower():
            return paper
    raise InvalidInput('Please choose the paper size: "A4" or "Letter".')


def ensure_uploadable(file: LetterFile, limit: int) -> None:
    """Refuse (with the shell command to use instead) a file larger than ``limit`` bytes."""
    if len(file.content) > limit:
        raise LetterTooLarge(len(file.content), limit, file.ask_id, file.version, file.format)
