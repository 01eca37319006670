"""Proof of authority on sign-ons: the council resolution or mayoral decision a
representative signs under (its kind, reference, date and optional public URL).

The form's fields are checked here (strict YYYY-MM-DD dates, http(s) URLs up to 500
characters); a coalition with ``authority_required`` refuses a new sign-on without a complete
basis (see signing.confirm_sign).
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date

from sqlalchemy import select

from bot.db.models import SignOn
from bot.db.models.enums import BasisKind
from bot.db.uow import UnitOfWork
from bot.errors import InvalidInput
from bot.services.asks.queries import signatories
from bot.services.asks.results import Basis, Signatories
from bot.services.common import Actor, clean_text, fold

REFERENCE_LEN = 200
URL_LEN = 500
_KIND_WORDS = {
    BasisKind.COUNCIL_RESOLUTION: ("council resolution", "resolution", "council"),
    BasisKind.MAYORAL_DECISION: ("mayoral decision", "decision", "mayoral", "mayor"),
}
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_URL = re.compile(r"https?://[^\s/?#]+[^\s]*", re.IGNORECASE)


def _basis_kind(raw: str | None) -> str | None:
    text = " ".join(fold(raw or "").replace("_", " ").split())
    if not text:
        return None
    for kind, words in _KIND_WORDS.items():
        if text in words or text == kind:
            return str(kind)
    raise InvalidInput(
        f'"{raw}" is not a kind of basis. Type "council resolution" or "mayoral decision".'
    )


def _basis_date(raw: str | None, today: date) -> date | None:
    text = (raw or "").strip()
    if not text:
        return None
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f'"{text}" is not a date. Type the date of the resolution or decision as '
            "YYYY-MM-DD, e.g. 2026-11-20."
        ) from None
    if day > today:
        raise InvalidInput(
            f"{day.isoformat()} is in the future: give the date the resolution or decision "
            "was taken."
        )
    return day


def _basis_url(raw: str | None) -> str | None:
    url = clean_text(raw, field="URL", max_len=URL_LEN, required=False)
    if url is not None and not _URL.fullmatch(url):
        raise InvalidInput(
            "The URL must be a public web address starting with http:// or https://."
        )
    return url


def parse_basis(
    *,
    kind: str | None,
    reference: str | None,
    day: str | None,
    url: str | None,
    today: date,
) -> Basis | None:
    """The proof of authority typed in the form, checked; None when every field is empty."""
    parsed_kind = _basis_kind(kind)
    ref = clean_text(reference, field="reference", max_len=REFERENCE_LEN, required=False)
    parsed_day = _basis_date(day, today)
    parsed_url = _basis_url(url)
    if parsed_kind is None and ref is None and parsed_day is None and parsed_url is None:
        return None
    if parsed_kind is None:
        raise InvalidInput('Say what the basis is: "council resolution" or "mayoral decision".')
    if ref is None:
        raise InvalidInput("Give the reference of the resolution or decision (e.g. 2026-117).")
    return Basis(parsed_kind, ref, parsed_day, parsed_url)


def missing_basis(basis: Basis | None) -> str | None:
    """What a coalition requiring the basis still needs, or None when it is complete."""
    if basis is None:
        return "this sign-on gives none"
    if basis.date is None:
        return "the date of the resolution or decision is missing"
    return None


def basis_of(sign_on: SignOn) -> Basis | None:
    if sign_on.basis_kind is None or sign_on.basis_reference is None:
        return None
    return Basis(sign_on.basis_kind, sign_on.basis_reference, sign_on.basis_date, sign_on.basis_url)


def record_basis(sign_on: SignOn, basis: Basis) -> None:
    sign_on.basis_kind = basis.kind
    sign_on.basis_reference = basis.reference
    sign_on.basis_date = basis.date
    sign_on.basis_url = basis.url


def detail(note: str | None, basis: Basis | None) -> str | None:
    """The history line's detail: the note, and the basis given with the signature."""
    parts = [p for p in (note, f"Basis: {basis.describe()}" if basis else None) if p]
    return "\n".join(parts) or None


async def signatories_with_basis(uow: UnitOfWork, actor: Actor, ask_id: int) -> Signatories:
    """/ask signatories, each signed city with the basis it gave (one more query)."""
    sig = await signatories(uow, actor, ask_id)
    ids = [i.city_id for i in (*sig.signed, *sig.needs_reconfirmation)]
    if not ids:
        return sig
    rows = await uow.session.scalars(
        select(SignOn).where(
            SignOn.ask_id == sig.ask_id, SignOn.withdrawn_at.is_(None), SignOn.city_id.in_(ids)
        )
    )
    bases = {s.city_id: basis_of(s) for s in rows}
    return dataclasses.replace(
        sig,
        signed=[dataclasses.replace(i, basis=bases.get(i.city_id)) for i in sig.signed],
        needs_reconfirmation=[
            dataclasses.replace(i, basis=bases.get(i.city_id)) for i in sig.needs_reconfirmation
        ],
    )
