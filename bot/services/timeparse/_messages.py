"""What the time reader says, in the languages of the bot's users (one place, one table).

The i18n issue will move these sentences to the translation catalogue; until then this is the
one table. ``language`` maps Discord's ``interaction.locale`` ("en-US", "fr", "es-ES") to one of
the table's languages (English for any other).
"""

from __future__ import annotations

from datetime import date, datetime
from types import MappingProxyType

from babel import Locale
from babel.dates import format_date, format_datetime

LANGUAGES = ("en", "fr", "de", "it", "es")

# Dates with their weekday and time, as each language writes them ("read as ...").
_WHEN_PATTERN = MappingProxyType(
    {
        "en": "EEEE d MMMM y, HH:mm",
        "fr": "EEEE d MMMM y 'à' HH:mm",
        "de": "EEEE, d. MMMM y, HH:mm",
        "it": "EEEE d MMMM y, HH:mm",
        "es": "EEEE d 'de' MMMM 'de' y, HH:mm",
    }
)
_DATE_PATTERN = MappingProxyType(
    {
        "en": "EEEE d MMMM y",
        "fr": "EEEE d MMMM y",
        "de": "EEEE, d. MMMM y",
        "it": "EEEE d MMMM y",
        "es": "EEEE d 'de' MMMM 'de' y",
    }
)
# A phrase that works in each language (tested), shown when something could not be read.
EXAMPLE_PHRASE = MappingProxyType(
    {
        "en": "next tuesday 3pm",
        "fr": "mardi prochain 15h",
        "de": "nächsten Dienstag 15 Uhr",
        "it": "martedì prossimo alle 15",
        "es": "el próximo martes a las 15",
    }
)
# How each language adds a time of day to a phrase ("tomorrow 18:00", "domani alle 18").
_ADD_TIME = MappingProxyType(
    {
        "en": "{text} 18:00",
        "fr": "{text} 18h",
        "de": "{text} 18 Uhr",
        "it": "{text} alle 18",
        "es": "{text} a las 18",
    }
)

_MESSAGES: MappingProxyType[str, MappingProxyType[str, str]] = MappingProxyType(
    {
        "read_as": MappingProxyType(
            {
                "en": "read as {when} {zone}",
                "fr": "lu comme {when} {zone}",
                "de": "gelesen als {when} {zone}",
                "it": "letto come {when} {zone}",
                "es": "leído como {when} {zone}",
            }
        ),
        "unreadable": MappingProxyType(
            {
                "en": 'I couldn\'t read "{text}" as a date and time. Try "{ex1}" or "{ex2}".',
                "fr": "Je n'ai pas pu lire « {text} » comme une date et une heure. "
                "Essayez « {ex1} » ou « {ex2} ».",
                "de": "Ich konnte „{text}“ nicht als Datum und Uhrzeit lesen. "
                "Versuchen Sie „{ex1}“ oder „{ex2}“.",
                "it": "Non sono riuscito a leggere «{text}» come data e ora. "
                "Prova «{ex1}» oppure «{ex2}».",
                "es": "No pude leer «{text}» como fecha y hora. Prueba «{ex1}» o «{ex2}».",
            }
        ),
        "empty": MappingProxyType(
            {
                "en": 'Please give a date. Write it as "YYYY-MM-DD HH:MM" (for example "{iso}") '
                'or "YYYY-MM-DD", or like "{ex1}".',
                "fr": "Indiquez une date : « AAAA-MM-JJ HH:MM » (par exemple « {iso} ») "
                "ou « AAAA-MM-JJ », ou comme « {ex1} ».",
                "de": "Bitte geben Sie ein Datum an: „JJJJ-MM-TT HH:MM“ (zum Beispiel „{iso}“) "
                "oder „JJJJ-MM-TT“, oder wie „{ex1}“.",
                "it": "Indica una data: «AAAA-MM-GG HH:MM» (per esempio «{iso}») "
                "o «AAAA-MM-GG», oppure come «{ex1}».",
                "es": "Indica una fecha: «AAAA-MM-DD HH:MM» (por ejemplo «{iso}») "
                "o «AAAA-MM-DD», o como «{ex1}».",
            }
        ),
        "bad_iso": MappingProxyType(
            {
                "en": 'I can\'t read "{text}" as a date and time. Write it as "YYYY-MM-DD HH:MM" '
                '(for example "{iso}") or "YYYY-MM-DD".',
                "fr": "Je ne peux pas lire « {text} » comme une date et une heure. Écrivez "
                "« AAAA-MM-JJ HH:MM » (par exemple « {iso} ») ou « AAAA-MM-JJ ».",
                "de": "Ich kann „{text}“ nicht als Datum und Uhrzeit lesen. Schreiben Sie "
                "„JJJJ-MM-TT HH:MM“ (zum Beispiel „{iso}“) oder „JJJJ-MM-TT“.",
                "it": "Non riesco a leggere «{text}» come data e ora. Scrivi "
                "«AAAA-MM-GG HH:MM» (per esempio «{iso}») o «AAAA-MM-GG».",
                "es": "No puedo leer «{text}» como fecha y hora. Escribe "
                "«AAAA-MM-DD HH:MM» (por ejemplo «{iso}») o «AAAA-MM-DD».",
            }
        ),
        "not_real": MappingProxyType(
            {
                "en": '"{text}" is not a real date or time. Write it as "YYYY-MM-DD HH:MM" '
                '(for example "{iso}") or "YYYY-MM-DD".',
                "fr": "« {text} » n'est pas une date ou une heure qui existe. Écrivez "
                "« AAAA-MM-JJ HH:MM » (par exemple « {iso} ») ou « AAAA-MM-JJ ».",
                "de": "„{text}“ ist kein gültiges Datum und keine gültige Uhrzeit. Schreiben Sie "
                "„JJJJ-MM-TT HH:MM“ (zum Beispiel „{iso}“) oder „JJJJ-MM-TT“.",
                "it": "«{text}» non è una data o un'ora che esiste. Scrivi "
                "«AAAA-MM-GG HH:MM» (per esempio «{iso}») o «AAAA-MM-GG».",
                "es": "«{text}» no es una fecha o una hora que exista. Escribe "
                "«AAAA-MM-DD HH:MM» (por ejemplo «{iso}») o «AAAA-MM-DD».",
            }
        ),
        "no_time": MappingProxyType(
            {
                "en": '"{text}" does not say the time of day. Add one, for example "{with_time}", '
                'or write it as "YYYY-MM-DD HH:MM" (for example "{iso}").',
                "fr": "« {text} » ne dit pas à quelle heure. Ajoutez-la, par exemple "
                "« {with_time} », ou écrivez « AAAA-MM-JJ HH:MM » (par exemple « {iso} »).",
                "de": "„{text}“ nennt keine Uhrzeit. Fügen Sie eine hinzu, zum Beispiel "
                "„{with_time}“, oder schreiben Sie „JJJJ-MM-TT HH:MM“ (zum Beispiel „{iso}“).",
                "it": "«{text}» non dice l'ora. Aggiungila, per esempio «{with_time}», "
                "oppure scrivi «AAAA-MM-GG HH:MM» (per esempio «{iso}»).",
                "es": "«{text}» no dice la hora. Añádela, por ejemplo «{with_time}», "
                "o escribe «AAAA-MM-DD HH:MM» (por ejemplo «{iso}»).",
            }
        ),
        "gap": MappingProxyType(
            {
                "en": "{wall} does not exist in {zone}: the clocks jump forward that night. "
                "The next valid time is {next}.",
                "fr": "{wall} n'existe pas à {zone} : on avance les horloges cette nuit-là. "
                "L'heure valide suivante est {next}.",
                "de": "{wall} gibt es in {zone} nicht: In dieser Nacht wird die Uhr vorgestellt. "
                "Die nächste gültige Zeit ist {next}.",
                "it": "{wall} non esiste a {zone}: quella notte gli orologi vanno avanti. "
                "L'ora valida successiva è {next}.",
                "es": "{wall} no existe en {zone}: esa noche se adelantan los relojes. "
                "La siguiente hora válida es {next}.",
            }
        ),
        "twice": MappingProxyType(
            {
                "en": "{wall} happens twice in {zone} (the clocks go back that night); "
                "I used the first one ({offset}).",
                "fr": "{wall} arrive deux fois à {zone} (on recule les horloges cette nuit-là) ; "
                "j'ai pris la première ({offset}).",
                "de": "{wall} kommt in {zone} zweimal vor (in dieser Nacht wird die Uhr "
                "zurückgestellt); ich habe die erste genommen ({offset}).",
                "it": "{wall} capita due volte a {zone} (quella notte gli orologi tornano "
                "indietro); ho usato la prima ({offset}).",
                "es": "{wall} ocurre dos veces en {zone} (esa noche se atrasan los relojes); "
                "usé la primera ({offset}).",
            }
        ),
        "past": MappingProxyType(
            {
                "en": "{wall} ({zone}) is in the past. Please choose a future time.",
                "fr": "{wall} ({zone}) est dans le passé. Choisissez un moment à venir.",
                "de": "{wall} ({zone}) liegt in der Vergangenheit. Bitte wählen Sie eine "
                "zukünftige Zeit.",
                "it": "{wall} ({zone}) è nel passato. Scegli un momento futuro.",
                "es": "{wall} ({zone}) ya pasó. Elige un momento futuro.",
            }
        ),
        "order_locale": MappingProxyType(
            {
                "en": '"{part}" can be read two ways; as your Discord language writes dates, '
                'I took {order}: {date}. Write "{iso}" to be sure.',
                "fr": "« {part} » peut se lire de deux façons ; comme votre langue Discord écrit "
                "les dates, j'ai pris {order} : {date}. Écrivez « {iso} » pour être sûr.",
                "de": "„{part}“ lässt sich zweifach lesen; wie Ihre Discord-Sprache Daten "
                "schreibt, habe ich {order} genommen: {date}. Schreiben Sie „{iso}“, "
                "um sicherzugehen.",
                "it": "«{part}» si può leggere in due modi; come la tua lingua di Discord scrive "
                "le date, ho preso {order}: {date}. Scrivi «{iso}» per essere sicuro.",
                "es": "«{part}» se puede leer de dos maneras; como tu idioma de Discord escribe "
                "las fechas, tomé {order}: {date}. Escribe «{iso}» para estar seguro.",
            }
        ),
        "order_forced": MappingProxyType(
            {
                "en": '"{part}" can only be read {order} (there is no month {bad}): {date}.',
                "fr": "« {part} » ne peut se lire que {order} (il n'y a pas de mois {bad}) : "
                "{date}.",
                "de": "„{part}“ lässt sich nur {order} lesen (es gibt keinen Monat {bad}): {date}.",
                "it": "«{part}» si può leggere solo {order} (non esiste il mese {bad}): {date}.",
                "es": "«{part}» solo se puede leer {order} (no existe el mes {bad}): {date}.",
            }
        ),
        "month_first": MappingProxyType(
            {
                "en": "month first",
                "fr": "le mois d'abord",
                "de": "den Monat zuerst",
                "it": "prima il mese",
                "es": "primero el mes",
            }
        ),
        "day_first": MappingProxyType(
            {
                "en": "day first",
                "fr": "le jour d'abord",
                "de": "den Tag zuerst",
                "it": "prima il giorno",
                "es": "primero el día",
            }
        ),
        "weekday_mismatch": MappingProxyType(
            {
                "en": '"{text}": {date} is not a {said}. Please check the date.',
                "fr": "« {text} » : {date} n'est pas un {said}. Vérifiez la date.",
                "de": "„{text}“: {date} ist kein {said}. Bitte prüfen Sie das Datum.",
                "it": "«{text}»: {date} non è {said}. Controlla la data.",
                "es": "«{text}»: {date} no es {said}. Revisa la fecha.",
            }
        ),
        "guess": MappingProxyType(
            {
                "en": "I read this as {when} {zone}; if that is not what you meant, "
                'write it as "{iso}".',
                "fr": "Je l'ai lu comme {when} {zone} ; si ce n'est pas ce que vous vouliez, "
                "écrivez « {iso} ».",
                "de": "Ich habe es als {when} {zone} gelesen; falls das nicht gemeint war, "
                "schreiben Sie „{iso}“.",
                "it": "L'ho letto come {when} {zone}; se non è ciò che intendevi, scrivi «{iso}».",
                "es": "Lo leí como {when} {zone}; si no es lo que querías, escribe «{iso}».",
            }
        ),
        "too_far": MappingProxyType(
            {
                "en": '"{text}" is too far ahead. Please give a date instead.',
                "fr": "« {text} » est trop loin. Indiquez plutôt une date.",
                "de": "„{text}“ liegt zu weit in der Zukunft. Geben Sie lieber ein Datum an.",
                "it": "«{text}» è troppo lontano. Indica piuttosto una data.",
                "es": "«{text}» está demasiado lejos. Indica mejor una fecha.",
            }
        ),
    }
)


def language(locale: str | None) -> str:
    """Discord's locale ("en-US", "fr", "es-ES", "pt-BR") → a language of the table."""
    head = (locale or "en").replace("_", "-").split("-")[0].lower()
    return head if head in LANGUAGES else "en"


def month_first(locale: str | None) -> bool:
    """Only American English writes 03/04 for the 4th of March; others write the day first."""
    return (locale or "").replace("_", "-").lower() == "en-us"


def say(lang: str, message: str, **values: str) -> str:
    return _MESSAGES[message][lang].format(**values)


def with_time(lang: str, text: str) -> str:
    return _ADD_TIME[lang].format(text=text)


def when_words(lang: str, wall: datetime) -> str:
    """ "Wednesday 4 March 2027, 15:00" in ``lang`` (``wall`` is the local wall time)."""
    naive = wall.replace(tzinfo=None)
    return format_datetime(naive, _WHEN_PATTERN[lang], locale=lang)


def date_words(lang: str, day: date) -> str:
    return format_date(day, _DATE_PATTERN[lang], locale=lang)


def reading(lang: str, wall: datetime, zone: str, offset: str | None = None) -> str:
    """ "read as Wednesday 4 March 2027, 15:00 Europe/Paris" (with the offset when it is needed
    to tell two equal wall times apart)."""
    shown = f"{zone} ({offset})" if offset else zone
    return say(lang, "read_as", when=when_words(lang, wall), zone=shown)


def weekday_name(lang: str, weekday: int) -> str:
    """0 → "Monday" / "lundi" / "Montag" / "lunedì" / "lunes"."""
    return str(Locale.parse(lang).days["format"]["wide"][weekday])
