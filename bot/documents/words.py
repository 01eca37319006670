"""The letter's own words in each language it can be written in: one catalogue entry per
language, so a translator reads and fixes one block. Dates and numbers come from Babel (CLDR),
counts choose their plural form with the language's CLDR plural rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

from bot.documents.model import Language

# The Babel locale per letter language: British English writes "28 November 2026".
_LOCALES: Mapping[Language, str] = MappingProxyType(
    {"en": "en_GB", "fr": "fr_FR", "de": "de_DE", "it": "it_IT", "es": "es_ES"}
)


@dataclass(frozen=True, slots=True)
class Words:
    letter: str  # the title when the ask has none
    to: str
    subject: str
    our_ask: str
    statements: str
    signatories: str
    # "{count}" is replaced; keys are CLDR plural categories ("one", "many", "other", ...)
    signed_count: Mapping[str, str]
    no_statements: str
    no_signatories: str
    empty_ask: str
    empty_statement: str
    table_header: tuple[str, str, str, str, str]  # city, country, name, title, signed on
    page: str  # "{page}" and "{pages}" are replaced
    salutation: str
    opening: str  # "{coalition}" is replaced
    closing: str
    sender: str  # "{coalition}" is replaced


CATALOGUE: Mapping[Language, Words] = MappingProxyType(
    {
        "en": Words(
            letter="Letter",
            to="To:",
            subject="Subject:",
            our_ask="Our ask",
            statements="Position statements",
            signatories="Signatories",
            signed_count={
                "one": "{count} city has signed this letter.",
                "other": "{count} cities have signed this letter.",
            },
            no_statements="No signing city has submitted a position statement.",
            no_signatories="No city has signed the current version of this ask yet.",
            empty_ask="(The ask has no text.)",
            empty_statement="(The statement is empty.)",
            table_header=("City", "Country", "Representative", "Title", "Signed on"),
            page="Page {page} of {pages}",
            salutation="Dear Sir or Madam,",
            opening=(
                "We, the undersigned cities, members of {coalition}, write to you together in "
                "support of the ask below."
            ),
            closing="We would welcome the opportunity to discuss this with you. Yours sincerely,",
            sender="The member cities of {coalition}",
        ),
        "fr": Words(
            letter="Lettre",
            to="À :",
            subject="Objet :",
            our_ask="Notre demande",
            statements="Prises de position",
            signatories="Signataires",
            signed_count={
                "one": "{count} ville a signé cette lettre.",
                "many": "{count} de villes ont signé cette lettre.",
                "other": "{count} villes ont signé cette lettre.",
            },
            no_statements="Aucune ville signataire n'a soumis de prise de position.",
            no_signatories="Aucune ville n'a encore signé la version actuelle de cette demande.",
            empty_ask="(La demande n'a pas de texte.)",
            empty_statement="(La prise de position est vide.)",
            table_header=("Ville", "Pays", "Représentant·e", "Fonction", "Signé le"),
            page="Page {page} sur {pages}",
            salutation="Madame, Monsieur,",
            opening=(
                "Nous, villes soussignées, membres de {coalition}, vous écrivons ensemble à "
                "l'appui de la demande ci-dessous."
            ),
            closing=(
                "Nous serions heureux d'en discuter avec vous. Veuillez agréer, Madame, "
                "Monsieur, l'expression de notre haute considération."
            ),
            sender="Les villes membres de {coalition}",
        ),
        "de": Words(
            letter="Brief",
            to="An:",
            subject="Betreff:",
            our_ask="Unser Anliegen",
            statements="Stellungnahmen",
            signatories="Unterzeichnende",
            signed_count={
                "one": "{count} Stadt hat diesen Brief unterzeichnet.",
                "other": "{count} Städte haben diesen Brief unterzeichnet.",
            },
            no_statements="Keine unterzeichnende Stadt hat eine Stellungnahme eingereicht.",
            no_signatories=(
                "Noch keine Stadt hat die aktuelle Fassung dieses Anliegens unterzeichnet."
            ),
            empty_ask="(Das Anliegen hat keinen Text.)",
            empty_statement="(Die Stellungnahme ist leer.)",
            table_header=("Stadt", "Land", "Vertreten durch", "Funktion", "Unterzeichnet am"),
            page="Seite {page} von {pages}",
            salutation="Sehr geehrte Damen und Herren,",
            opening=(
                "Wir, die unterzeichnenden Städte, Mitglieder von {coalition}, wenden uns "
                "gemeinsam an Sie, um das folgende Anliegen zu unterstützen."
            ),
            closing=("Gerne würden wir dies mit Ihnen besprechen. Mit freundlichen Grüßen"),
            sender="Die Mitgliedsstädte von {coalition}",
        ),
        "it": Words(
            letter="Lettera",
            to="A:",
            subject="Oggetto:",
            our_ask="La nostra richiesta",
            statements="Prese di posizione",
            signatories="Firmatari",
            signed_count={
                "one": "{count} città ha firmato questa lettera.",
                "many": "{count} di città hanno firmato questa lettera.",
                "other": "{count} città hanno firmato questa lettera.",
            },
            no_statements="Nessuna città firmataria ha presentato una presa di posizione.",
            no_signatories=(
                "Nessuna città ha ancora firmato la versione attuale di questa richiesta."
            ),
            empty_ask="(La richiesta non ha testo.)",
            empty_statement="(La presa di posizione è vuota.)",
            table_header=("Città", "Paese", "Rappresentante", "Carica", "Firmato il"),
            page="Pagina {page} di {pages}",
            salutation="Gentili Signore e Signori,",
            opening=(
                "Noi, città sottoscritte, membri di {coalition}, Le scriviamo insieme a "
                "sostegno della richiesta che segue."
            ),
            closing="Saremmo lieti di discuterne con Lei. Distinti saluti,",
            sender="Le città membri di {coalition}",
        ),
        "es": Words(
            letter="Carta",
            to="A:",
            subject="Asunto:",
            our_ask="Nuestra petición",
            statements="Declaraciones de posición",
            signatories="Firmantes",
            signed_count={
                "one": "{count} ciudad ha firmado esta carta.",
                "many": "{count} de ciudades han firmado esta carta.",
                "other": "{count} ciudades han firmado esta carta.",
            },
            no_statements="Ninguna ciudad firmante ha presentado una declaración de posición.",
            no_signatories="Ninguna ciudad ha firmado todavía la versión actual de esta petición.",
            empty_ask="(La petición no tiene texto.)",
            empty_statement="(La declaración está vacía.)",
            table_header=("Ciudad", "País", "Representante", "Cargo", "Firmado el"),
            page="Página {page} de {pages}",
            salutation="Estimados señores:",
            opening=(
                "Nosotras, las ciudades abajo firmantes, miembros de {coalition}, le escribimos "
                "juntas en apoyo de la petición que sigue."
            ),
            closing="Quedamos a su disposición para tratar este asunto. Atentamente,",
            sender="Las ciudades miembros de {coalition}",
        ),
    }
)


# The signatories table's Basis column (a letter setting): its header and the kinds of basis.
_BASIS: Mapping[Language, tuple[str, str, str]] = MappingProxyType(
    {  # header, council resolution, mayoral decision
        "en": ("Basis", "Council resolution", "Mayoral decision"),
        "fr": ("Fondement", "Délibération du conseil municipal", "Arrêté du maire"),
        "de": ("Grundlage", "Ratsbeschluss", "Verfügung des Bürgermeisters"),
        "it": ("Fondamento", "Delibera del consiglio comunale", "Decreto del sindaco"),
        "es": ("Fundamento", "Acuerdo del pleno", "Decreto de alcaldía"),
    }
)


def basis_header(language: Language = "en") -> str:
    return _BASIS[language][0]


def basis_kind(kind: str, language: Language = "en") -> str:
    """``council_resolution`` / ``mayoral_decision`` in the letter's language."""
    _, resolution, decision = _BASIS[language]
    return {"council_resolution": resolution, "mayoral_decision": decision}.get(kind, kind)


def words(language: Language) -> Words:
    return CATALOGUE[language]


def locale(language: Language) -> Locale:
    return Locale.parse(_LOCALES[language])


def long_date(day: date, language: Language = "en") -> str:
    """``28 November 2026``, ``28 novembre 2026``, ``28. November 2026``: never the machine's
    locale."""
    return format_date(day, format="long", locale=_LOCALES[language])


def short_date(day: date, language: Language = "en") -> str:
    """The table's dates: ``28 Nov 2026``, ``28 nov. 2026``, ``28.11.2026``."""
    return format_date(day, format="medium", locale=_LOCALES[language])


def number(value: int, language: Language = "en") -> str:
    """``1,000`` / ``1 000`` / ``1.000``."""
    return format_decimal(value, locale=_LOCALES[language])


def signed_count(count: int, language: Language = "en") -> str:
    """The count sentence with the language's plural form for ``count``."""
    forms = CATALOGUE[language].signed_count
    form = forms.get(locale(language).plural_form(count)) or forms["other"]
    return form.replace("{count}", number(count, language))


def default_salutation(language: Language = "en") -> str:
    return CATALOGUE[language].salutation


def _named(coalition: str, language: Language) -> str:
    """The coalition as the default sentences name it: in English with its article
    ("the Clean Air Alliance"), unless its name already has one."""
    if language == "en" and not coalition.lower().startswith("the "):
        return f"the {coalition}"
    return coalition


def default_opening(coalition: str, language: Language = "en") -> str:
    return CATALOGUE[language].opening.replace("{coalition}", _named(coalition, language))


def default_closing(language: Language = "en") -> str:
    return CATALOGUE[language].closing


def default_sender(coalition: str, language: Language = "en") -> str:
    return CATALOGUE[language].sender.replace("{coalition}", _named(coalition, language))


def page_label(page: int, pages: int, language: Language = "en") -> str:
    w = CATALOGUE[language]
    return w.page.replace("{page}", number(page, language)).replace(
        "{pages}", number(pages, language)
    )
