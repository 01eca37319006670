"""The shared letter (/letter ...): settings, preview, export, finalised versions.

*Who is in the letter*: exactly the cities counted as signed by bot.services.lookups
(a current sign-on confirmed for the ask's current version, by a current active member city).
Their current statements go with them; a statement of any other city is left out.

*Who may do what*: coordinators of the ask's coalition and server admins change the settings,
preview and finalise. Export and the list of versions are also open to verified
representatives of the coalition's active member cities: the letter speaks in their name.

*Formats*: Markdown, PDF and Word, all rendered by bot.documents from one LetterInput. A
finalised version freezes its Markdown bytes and that LetterInput (as JSON), each with its
sha256, dated the day it was finalised: every format of version N says the same thing, in the
same bytes, whenever it is exported.

Rendering a letter issues a fixed number of queries whatever the number of cities (get the
ask, check the permission, read the settings, read the signatories with their statements).

- ``results``: the values returned (LetterFile, LetterPreview, Missing, ...), LetterTooLarge,
  limits, and the parsers of orders, formats, languages and paper sizes.
- ``signatories``: who is counted as signed, with their statements and names (queries).
- ``settings``: /letter settings (the letter's words, the signature block, language, paper,
  order).
- ``exporting``: /letter preview (with what is missing) and /letter export, and the
  operator's shell export.
- ``finalising``: /letter finalise and /letter versions.
- ``_access`` (who may read or manage) and ``_rendering`` (database rows to a file): internal.
"""

from __future__ import annotations

from bot.documents.model import FORMATS, LANGUAGES, ORDERS, PAPERS
from bot.services.letters.exporting import export, operator_actor, preview
from bot.services.letters.finalising import finalise, versions
from bot.services.letters.results import (
    CLOSING_LEN,
    CONTACT_LEN,
    DEFAULT_UPLOAD_LIMIT,
    FORMAT_NAMES,
    LANGUAGE_NAMES,
    OPENING_LEN,
    ORGANISATION_LEN,
    PLACE_LEN,
    SALUTATION_LEN,
    SENDER_LEN,
    SHORT_HASH,
    SUBJECT_LEN,
    LetterFile,
    LetterPreview,
    LetterSettingsInfo,
    LetterTooLarge,
    LetterVersionInfo,
    Missing,
    ensure_uploadable,
    parse_format,
    parse_language,
    parse_order,
    parse_paper,
)
from bot.services.letters.settings import get_settings, save_settings
from bot.services.letters.signatories import counted_city_ids

__all__ = [
    "CLOSING_LEN",
    "CONTACT_LEN",
    "DEFAULT_UPLOAD_LIMIT",
    "FORMATS",
    "FORMAT_NAMES",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "OPENING_LEN",
    "ORDERS",
    "ORGANISATION_LEN",
    "PAPERS",
    "PLACE_LEN",
    "SALUTATION_LEN",
    "SENDER_LEN",
    "SHORT_HASH",
    "SUBJECT_LEN",
    "LetterFile",
    "LetterPreview",
    "LetterSettingsInfo",
    "LetterTooLarge",
    "LetterVersionInfo",
    "Missing",
    "counted_city_ids",
    "ensure_uploadable",
    "export",
    "finalise",
    "get_settings",
    "operator_actor",
    "parse_format",
    "parse_language",
    "parse_order",
    "parse_paper",
    "preview",
    "save_settings",
    "versions",
]
