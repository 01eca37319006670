"""The shared letter (/letter ...): settings, preview, export, finalised versions.

*Who is in the letter*: exactly the cities counted as signed by bot.services.lookups
(a current sign-on confirmed for the ask's current version, by a current active member city).
Their current statements go with them; a statement of any other city is left out.

*Who may do what*: coordinators of the ask's coalition and server admins change the settings,
preview and finalise. Export and the list of versions are also open to verified
representatives of the coalition's active member cities: the letter speaks in their name.

Rendering a letter issues a fixed number of queries whatever the number of cities (get the
ask, check the permission, read the settings, read the signatories with their statements).

- ``results``: the values returned (LetterFile, LetterPreview, ...), LetterTooLarge, limits.
- ``signatories``: who is counted as signed, with their statements (queries).
- ``settings``: /letter settings (opening, closing, sender line).
- ``exporting``: /letter preview and /letter export, and the operator's shell export.
- ``finalising``: /letter finalise and /letter versions.
- ``_access`` (who may read or manage) and ``_rendering`` (database rows to a file): internal.
"""

from __future__ import annotations

from bot.documents.letter import ORDERS
from bot.services.letters.exporting import export, operator_actor, preview
from bot.services.letters.finalising import finalise, versions
from bot.services.letters.results import (
    CLOSING_LEN,
    DEFAULT_UPLOAD_LIMIT,
    OPENING_LEN,
    SENDER_LEN,
    SHORT_HASH,
    LetterFile,
    LetterPreview,
    LetterSettingsInfo,
    LetterTooLarge,
    LetterVersionInfo,
    ensure_uploadable,
    parse_order,
)
from bot.services.letters.settings import get_settings, save_settings
from bot.services.letters.signatories import counted_city_ids

__all__ = [
    "CLOSING_LEN",
    "DEFAULT_UPLOAD_LIMIT",
    "OPENING_LEN",
    "ORDERS",
    "SENDER_LEN",
    "SHORT_HASH",
    "LetterFile",
    "LetterPreview",
    "LetterSettingsInfo",
    "LetterTooLarge",
    "LetterVersionInfo",
    "counted_city_ids",
    "ensure_uploadable",
    "export",
    "finalise",
    "get_settings",
    "operator_actor",
    "parse_order",
    "preview",
    "save_settings",
    "versions",
]
