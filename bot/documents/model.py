"""What a letter is made of: plain frozen values, the same for every format.

A :class:`LetterInput` holds everything a renderer needs (no database, no Discord, no clock):
the texts the coordinator wrote, the letter's language, paper and date, and the signing cities.
``to_json``/``from_json`` give a stable, versioned form, so a finalised version can keep the
exact content it was rendered from and render every format from it again, byte for byte.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal, cast, get_args

Language = Literal["en", "fr", "de", "it", "es"]
Paper = Literal["A4", "Letter"]
Format = Literal["md", "pdf", "docx"]

LANGUAGES: tuple[Language, ...] = get_args(Language)
PAPERS: tuple[Paper, ...] = get_args(Paper)
FORMATS: tuple[Format, ...] = get_args(Format)
ORDERS: tuple[str, ...] = ("alphabetical", "signing_date", "population")
ORDER_LABELS = {
    "alphabetical": "alphabetical",
    "signing_date": "signing date",
    "population": "population",
}
JSON_VERSION = 1


@dataclass(frozen=True, slots=True)
class StatementText:
    body: str
    signatory_name: str
    signatory_title: str | None


@dataclass(frozen=True, slots=True)
class Signatory:
    """A city counted as signed, with what the letter shows about it.

    The printed *name* is the statement's signatory name, else ``signer_name`` (the verified
    representative's name, when the service knows it); the *title* is the statement's
    signatory title when there is a statement, else the title the signer was verified under.
    A signatory without a name is listed by its title and city: never a placeholder."""

    city_id: int
    city: str
    country: str
    population: int | None
    signed_at: datetime
    signer_title: str | None  # the title its signer was verified under
    statement: StatementText | None
    region: str | None = None
    signer_name: str | None = None
    # The proof of authority the city signed under (None when it gave none): its kind
    # ("council_resolution" or "mayoral_decision"), reference and date.
    basis_kind: str | None = None
    basis_reference: str | None = None
    basis_date: date | None = None

    @property
    def name(self) -> str | None:
        if self.statement is not None and self.statement.signatory_name.strip():
            return self.statement.signatory_name
        if self.signer_name and self.signer_name.strip():
            return self.signer_name
        return None

    @property
    def title(self) -> str | None:
        if self.statement is not None:
            return self.statement.signatory_title
        return self.signer_title

    @property
    def representative(self) -> str:
        """The name, else "<title>, <city>", else the city (for one-line summaries)."""
        if self.name is not None:
            return self.name
        if self.title and self.title.strip():
            return f"{self.title}, {self.city}"
        return self.city


@dataclass(frozen=True, slots=True)
class LetterInput:
    title: str
    target: str
    ask_text: str
    coalition: str
    opening: str | None  # None: the default paragraph in the letter's language
    closing: str | None
    sender: str | None
    signatories: tuple[Signatory, ...]
    subject: str | None = None  # None: the ask's title
    place: str | None = None  # printed before the date: "Lyon, 2 décembre 2026"
    salutation: str | None = None  # None: the default in the letter's language
    signature_lines: tuple[str, ...] = field(default=())  # sender name, organisation, contact
    language: Language = "en"
    paper: Paper = "A4"
    letter_date: date | None = None  # required by render(); set from the version when frozen
    order: str = "alphabetical"
    print_authority: bool = False  # a Basis column in the signatories table


def _fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def ordered(signatories: Iterable[Signatory], order: str) -> list[Signatory]:
    """``alphabetical`` (by city, then country), ``signing_date`` (earliest first) or
    ``population`` (largest first, unknown last). Ties fall back to the name, then the id."""
    if order not in ORDERS:
        raise ValueError(f"unknown order {order!r}")

    def by_name(s: Signatory) -> tuple[str, str, str, str, int]:
        return (_fold(s.city), _fold(s.country), s.city, s.country, s.city_id)

    items = sorted(signatories, key=by_name)
    if order == "signing_date":
        items.sort(key=lambda s: s.signed_at)
    elif order == "population":
        items.sort(key=lambda s: (s.population is None, -(s.population or 0)))
    return items


# --- JSON: stable (sorted keys, ISO dates), versioned ("v") ---------------------------------


def _statement_json(s: StatementText | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {"body": s.body, "name": s.signatory_name, "title": s.signatory_title}


def _signatory_json(s: Signatory) -> dict[str, Any]:
    data: dict[str, Any] = {
        "city_id": s.city_id,
        "city": s.city,
        "country": s.country,
        "region": s.region,
        "population": s.population,
        "signed_at": s.signed_at.isoformat(),
        "signer_name": s.signer_name,
        "signer_title": s.signer_title,
        "statement": _statement_json(s.statement),
    }
    if s.basis_kind is not None:  # absent otherwise: letters frozen before keep their text
        data["basis"] = {
            "kind": s.basis_kind,
            "reference": s.basis_reference,
            "date": s.basis_date.isoformat() if s.basis_date else None,
        }
    return data


def to_json(letter: LetterInput) -> str:
    """The letter as JSON text: the same letter always gives the same text."""
    data: dict[str, Any] = {
        "v": JSON_VERSION,
        "title": letter.title,
        "target": letter.target,
        "ask_text": letter.ask_text,
        "coalition": letter.coalition,
        "opening": letter.opening,
        "closing": letter.closing,
        "sender": letter.sender,
        "subject": letter.subject,
        "place": letter.place,
        "salutation": letter.salutation,
        "signature_lines": list(letter.signature_lines),
        "language": letter.language,
        "paper": letter.paper,
        "letter_date": letter.letter_date.isoformat() if letter.letter_date else None,
        "order": letter.order,
        "signatories": [_signatory_json(s) for s in letter.signatories],
    }
    if letter.print_authority:  # absent otherwise: letters frozen before keep their text
        data["print_authority"] = True
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _opt_str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"letter JSON: {key} must be text")
    return value


def _str(data: Mapping[str, Any], key: str) -> str:
    value = _opt_str(data, key)
    if value is None:
        raise ValueError(f"letter JSON: {key} is missing")
    return value


def _signatory_from(data: Mapping[str, Any]) -> Signatory:
    st = data.get("statement")
    statement = (
        None
        if st is None
        else StatementText(
            body=_str(st, "body"), signatory_name=_str(st, "name"), signatory_title=st.get("title")
        )
    )
    population = data.get("population")
    basis = data.get("basis") or {}
    basis_day = _opt_str(basis, "date")
    return Signatory(
        city_id=int(data["city_id"]),
        city=_str(data, "city"),
        country=_str(data, "country"),
        population=None if population is None else int(population),
        signed_at=datetime.fromisoformat(_str(data, "signed_at")),
        signer_title=_opt_str(data, "signer_title"),
        statement=statement,
        region=_opt_str(data, "region"),
        signer_name=_opt_str(data, "signer_name"),
        basis_kind=_opt_str(basis, "kind"),
        basis_reference=_opt_str(basis, "reference"),
        basis_date=date.fromisoformat(basis_day) if basis_day else None,
    )


def from_json(text: str | bytes) -> LetterInput:
    """The letter :func:`to_json` wrote (any version this code knows); ``ValueError`` else."""
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("v") != JSON_VERSION:
        raise ValueError("letter JSON: unknown version")
    language = data.get("language", "en")
    paper = data.get("paper", "A4")
    order = data.get("order", "alphabetical")
    if language not in LANGUAGES or paper not in PAPERS or order not in ORDERS:
        raise ValueError("letter JSON: unknown language, paper or order")
    day = _opt_str(data, "letter_date")
    return LetterInput(
        title=_str(data, "title"),
        target=_str(data, "target"),
        ask_text=_str(data, "ask_text"),
        coalition=_str(data, "coalition"),
        opening=_opt_str(data, "opening"),
        closing=_opt_str(data, "closing"),
        sender=_opt_str(data, "sender"),
        signatories=tuple(_signatory_from(s) for s in data.get("signatories", [])),
        subject=_opt_str(data, "subject"),
        place=_opt_str(data, "place"),
        salutation=_opt_str(data, "salutation"),
        signature_lines=tuple(str(x) for x in data.get("signature_lines", [])),
        language=cast(Language, language),
        paper=cast(Paper, paper),
        letter_date=date.fromisoformat(day) if day else None,
        order=order,
        print_authority=data.get("print_authority") is True,
    )
