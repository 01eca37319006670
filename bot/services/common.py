"""Pieces every service shares: who is acting, and how user text is checked and folded."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class Actor:
    """The person running a command, as the cog saw them.

    ``is_admin`` means the Manage Server permission in this guild. ``guild_id`` scopes every
    lookup: nothing from another server is ever found.
    """

    guild_id: int
    user_id: int
    is_admin: bool = False
    role_ids: frozenset[int] = frozenset()


# Control characters (C0/C1 except tab and newline), zero-width spaces, word joiners and
# bidirectional marks and overrides: they hide or reorder text in a letter, so user text may
# not contain them. The zero-width (non-)joiners U+200C/U+200D stay allowed: Persian and
# Indic scripts and emoji sequences (👩‍👩‍👧) need them. Unpaired
# surrogates (a JSON "\\ud800" escape) cannot be stored as UTF-8 by either database driver.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
    "\ud800-\udfff]"
)


def clean_text(
    value: str | None,
    *,
    field: str,
    max_len: int,
    required: bool = True,
    multiline: bool = False,
) -> str | None:
    """Normalise (NFC, trimmed, ``\\n`` line ends) and validate one piece of user text.

    The same rules run on SQLite and PostgreSQL (which would otherwise differ: SQLite ignores
    ``VARCHAR(n)`` and PostgreSQL refuses NUL bytes).
    """
    if value is None:
        value = ""
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not value:
        if required:
            raise InvalidInput(f"The {field} cannot be empty. Please type some text.")
        return None
    if not multiline and "\n" in value:
        raise InvalidInput(f"The {field} must fit on one line.")
    if _FORBIDDEN.search(value):
        raise InvalidInput(
            f"The {field} contains invisible or control characters. Please retype it as plain text."
        )
    if len(value) > max_len:
        raise InvalidInput(
            f"The {field} is {len(value):,} characters long; the limit is {max_len:,}. "
            "Please shorten it."
        )
    return value


def fold(value: str) -> str:
    """Case- and accent-insensitive key: "São Paulo" and "sao paulo" fold alike."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    # Joiners change how text looks, not what it names: "Lyon" and "Ly\u200don" fold alike.
    stripped = "".join(
        c for c in decomposed if not unicodedata.combining(c) and c not in "\u200c\u200d"
    )
    return " ".join(stripped.split())
