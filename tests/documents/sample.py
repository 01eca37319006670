"""A letter that uses everything: cities in five scripts, a nameless signatory, a city without
a statement, the coordinator's lists and emphasis, a subject, a place and a signature block."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from bot.documents import Language, LetterInput, Signatory, StatementText

LETTER_DATE = date(2026, 12, 2)


def sig(
    i: int,
    city: str,
    country: str,
    day: int,
    statement: StatementText | None = None,
    title: str | None = None,
    region: str | None = None,
) -> Signatory:
    return Signatory(
        city_id=i,
        city=city,
        country=country,
        population=100_000 * (10 - i),
        signed_at=datetime(2026, 10, day, 9, tzinfo=UTC),
        signer_title=title,
        statement=statement,
        region=region,
    )


SIGNATORIES = (
    sig(
        1,
        "Łódź",
        "Polska",
        3,
        StatementText("Łódź popiera ten apel.\nTo jest druga linia.", "Hanna Zdanowska", "Mayor"),
    ),
    sig(
        2,
        "Zürich",
        "Schweiz",
        4,
        StatementText("Zürich unterstützt diese Forderung.\n\n- no list here", "Anna Müller", None),
    ),
    sig(3, "Göteborg", "Sverige", 5, title="Kommunalråd"),
    sig(
        4,
        "Θεσσαλονίκη",
        "Ελλάδα",
        6,
        StatementText("Η Θεσσαλονίκη υποστηρίζει.", "", "Δήμαρχος"),
        region="Κεντρική Μακεδονία",
    ),
    sig(
        5, "Київ", "Україна", 7, StatementText("Київ підтримує цей заклик.", "Віталій Кличко", None)
    ),
)

ASK = (
    "We ask the Prefect to:\n"
    "- support **car-free** centres\n"
    "- fund *safe* bike lanes\n\n"
    "By 2030:\n\n"
    "1. close through traffic\n"
    "2. open the squares\n\n"
    "# not a heading, <b>no html</b>"
)


def sample(language: Language = "en", paper: str = "A4") -> LetterInput:
    return LetterInput(
        title="Car-free city centres by 2030",
        target="Prefect of the Auvergne-Rhône-Alpes region",
        ask_text=ASK,
        coalition="Rhône Climate",
        opening=None,
        closing=None,
        sender="Léa Martin",
        signatories=SIGNATORIES,
        subject="Car-free centres in our region",
        place="Lyon",
        salutation=None,
        signature_lines=("Rhône Climate coalition", "contact@example.org · +33 4 00 00 00 00"),
        language=language,
        paper=paper,  # type: ignore[arg-type]
        letter_date=LETTER_DATE,
        order="alphabetical",
    )


def big(cities: int, language: Language = "en") -> LetterInput:
    """Many cities, each with a statement, so the table and statements run over pages."""
    base = sample(language)
    many = tuple(
        replace(
            SIGNATORIES[i % len(SIGNATORIES)],
            city_id=100 + i,
            city=f"{SIGNATORIES[i % len(SIGNATORIES)].city} {i:03d}",
        )
        for i in range(cities)
    )
    return replace(base, signatories=many)
