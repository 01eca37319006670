"""The words of everyday times in English, French, German, Italian and Spanish.

Every table is keyed by folded text (lower case, no accents: "März" → "marz", "mañana" →
"manana"), the form the reader works on. Month and weekday names come from CLDR (Babel), so
they are spelled as each language spells them; the rest is the short list below. All five
languages are understood whatever the user's own language is.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from babel import Locale

from bot.services.common import fold

_LANGUAGES = ("en", "fr", "de", "it", "es")


def _names(kind: str, extra: dict[str, int]) -> MappingProxyType[str, int]:
    table: dict[str, int] = {}
    for language in _LANGUAGES:
        locale = Locale.parse(language)
        source = locale.months if kind == "months" else locale.days
        widths = ("wide", "abbreviated") if kind == "months" else ("wide",)
        for context in ("format", "stand-alone"):
            for width in widths:
                for number, name in source[context][width].items():
                    table[fold(str(name)).rstrip(".")] = int(number)
    table.update(extra)
    return MappingProxyType(table)


# 1 = January.
MONTHS = _names("months", {"sept": 9, "janner": 1, "setiembre": 9, "maerz": 3})
# 0 = Monday.
WEEKDAYS = _names(
    "days",
    {
        "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3,
        "fri": 4, "sat": 5, "sun": 6, "sonnabend": 5,
    },
)  # fmt: skip

# Days from today.
RELATIVE_DAYS = MappingProxyType(
    {
        "day after tomorrow": 2, "apres demain": 2, "ubermorgen": 2, "uebermorgen": 2,
        "dopodomani": 2, "pasado manana": 2,
        "yesterday": -1, "hier": -1, "gestern": -1, "ieri": -1, "ayer": -1,
        "today": 0, "aujourd hui": 0, "aujourdhui": 0, "heute": 0, "oggi": 0, "hoy": 0,
        "tomorrow": 1, "demain": 1, "morgen": 1, "domani": 1, "manana": 1,
    }
)  # fmt: skip

# "next tuesday", "mardi prochain", "nächsten Dienstag", "martedì prossimo", "el próximo
# martes": the first such day after today. Without one of these ("friday 9am"), today counts
# when the time is still ahead.
NEXT_BEFORE = ("next", "coming", "nachsten", "nachster", "nachstes", "naechsten", "kommenden",
               "kommender", "prossimo", "prossima", "proximo", "proxima")  # fmt: skip
NEXT_AFTER = ("prochain", "prochaine", "qui vient", "prossimo", "prossima", "proximo",
              "proxima", "que viene")  # fmt: skip
THIS_BEFORE = ("this", "ce", "diesen", "dieser", "questo", "questa", "este", "esta")

# Words that only join the parts of a phrase ("at", "le", "um", "alle", "a las").
FILLERS = frozenset(
    ("at", "on", "the", "of", "le", "la", "l", "a", "um", "am", "alle", "all", "ore", "el",
     "de", "del", "las", "los", "il", "lo", "kl", "vers", "gegen", "den", "der", "dem", "und",
     "et", "and", "y", "e", "ce", "this", "diesen", "dieser", "questo", "questa", "este", "esta")
)  # fmt: skip

# Before a bare hour ("at 10", "à 10", "um 10", "alle 10", "a las 10"); longest first.
HOUR_PREPOSITIONS = (
    "alle ore",
    "a las",
    "a la",
    "alle",
    "ore",
    "at",
    "um",
    "a",
    "vers",
    "gegen",
    "kl",
)

NOON = ("noon", "midday", "midi", "mittag", "mittags", "mezzogiorno", "mediodia")
MIDNIGHT = ("midnight", "minuit", "mitternacht", "mezzanotte", "medianoche")
# After a time: the part of the day that makes "7 du soir" 19:00. Morning words change nothing.
LATER_PARTS = ("in the afternoon", "in the evening", "at night", "de l apres midi",
               "de l aprem", "du soir", "nachmittags", "abends", "am nachmittag", "am abend",
               "del pomeriggio", "di pomeriggio", "di sera", "della sera", "de la tarde",
               "de la noche")  # fmt: skip
EARLY_PARTS = ("in the morning", "du matin", "morgens", "vormittags", "am morgen",
               "am vormittag", "di mattina", "del mattino", "della mattina",
               "de la manana")  # fmt: skip

# "in 2 hours", "dans 2 heures", "in 2 Stunden", "tra 2 ore", "en 2 horas".
DURATION_PREFIXES = ("dentro de", "in", "dans", "tra", "fra", "en", "d ici")
MINUTE_UNITS = ("m", "min", "mins", "minute", "minutes", "minuten", "minuto", "minuti",
                "minutos", "mn")  # fmt: skip
HOUR_UNITS = ("h", "hr", "hrs", "hour", "hours", "heure", "heures", "std", "stunde", "stunden",
              "ora", "ore", "hora", "horas")  # fmt: skip
DAY_UNITS = ("d", "day", "days", "jour", "jours", "tag", "tage", "tagen", "giorno", "giorni",
             "dia", "dias")  # fmt: skip
WEEK_UNITS = ("w", "week", "weeks", "semaine", "semaines", "woche", "wochen", "settimana",
              "settimane", "semana", "semanas")  # fmt: skip
# "an hour", "une heure", "einer Stunde", "un'ora", "una hora".
ONE = ("a", "an", "one", "un", "une", "ein", "eine", "einer", "einem", "einen", "uno", "una")
# "half an hour", "une demi-heure", "einer halben Stunde", "mezz'ora", "media hora"; and after
# a unit, "2 heures et demie", "2 ore e mezza", "2 horas y media", "an hour and a half".
HALF = ("half", "demi", "demie", "halbe", "halben", "mezza", "mezzo", "mezz", "media", "medio")
AND = ("and", "et", "und", "e", "y")


def alternation(words: tuple[str, ...] | frozenset[str] | list[str]) -> str:
    """A regex alternation of ``words``, longest first so "alle ore" wins over "alle"."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)
