"""Everyday phrases read exactly: a day part and a time part, in five languages.

"mardi prochain 10h", "nächsten Dienstag 10 Uhr", "martedì prossimo alle 10", "el próximo
martes a las 10", "next tuesday 3pm", "tomorrow at noon", "12/25 3pm", "25. Dezember 15 Uhr".
The time of day is found first, then one day part; whatever is left must be joining words
("at", "le", "um", "a las"), or the phrase is not one of ours and the caller tries dateparser.

Numbers are never stretched into years: a date without a year is the next time that date
comes (12/25 → the coming 25 December). A numeric date readable both ways (03/04) follows the
user's Discord language (en-US month first, the others day first) and says so; one readable
only one way (12/25) is read that way and says so.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.errors import InvalidInput
from bot.services.common import fold
from bot.services.timeparse._messages import (
    date_words,
    month_first,
    say,
    weekday_name,
    with_time,
)
from bot.services.timeparse._words import (
    DAY_UNITS,
    DURATION_PREFIXES,
    EARLY_PARTS,
    FILLERS,
    HOUR_PREPOSITIONS,
    LATER_PARTS,
    MIDNIGHT,
    MONTHS,
    NEXT_AFTER,
    NEXT_BEFORE,
    NOON,
    ONE,
    RELATIVE_DAYS,
    THIS_BEFORE,
    WEEK_UNITS,
    WEEKDAYS,
    alternation,
)

_WD = alternation(list(WEEKDAYS))
_MON = alternation(list(MONTHS))
_PREP = alternation(HOUR_PREPOSITIONS)
_NUM = r"(?<![\d/.:,])"  # a number that does not continue another one
_AP = r"(?:a\.?\s?m\.?|p\.?\s?m\.?)(?![a-z])"
_TIME = re.compile(
    rf"(?:(?:\b(?:{_PREP})\s+)?(?:"
    rf"{_NUM}(?P<h1>\d{{1,2}}):(?P<m1>\d{{2}})(?:\s*(?P<ap1>{_AP}))?(?:\s*(?:uhr|h)\b)?"
    rf"|{_NUM}(?P<h3>\d{{1,2}})(?:\.(?P<m3>\d{{2}}))?\s*uhr\b(?:\s+(?P<m3b>\d{{1,2}})\b)?"
    rf"|{_NUM}(?P<h4>\d{{1,2}})(?:\.(?P<m4>\d{{2}}))?\s*(?P<ap4>{_AP})"
    rf"|{_NUM}(?P<h2>\d{{1,2}})\s*(?:h|heures?)(?:\s*(?P<m2>\d{{2}}))?\b"
    rf"|\b(?P<word>{alternation(NOON + MIDNIGHT)})\b"
    rf"|{_NUM}(?P<h5>\d{{1,2}})(?=\s+(?:{alternation(LATER_PARTS + EARLY_PARTS)})\b)"
    rf")|\b(?:{_PREP})\s+{_NUM}(?P<h6>\d{{1,2}})(?:\.(?P<m6>\d{{2}}))?\b(?![/.:]\d))"
    rf"(?:\s+(?P<part>{alternation(LATER_PARTS + EARLY_PARTS)})\b)?"
)
_ARTICLE = r"(?:(?:the|le|il|el|am|den|der)\s+)?"
_DATES = (
    re.compile(
        rf"(?:\b(?P<wd>{_WD})\s+)?{_ARTICLE}{_NUM}(?P<d>\d{{1,2}})(?:st|nd|rd|th|er|o|°|\.)?\s*"
        rf"(?:(?:of|de)\s+)?\b(?P<mon>{_MON})(?![a-z])\.?"
        rf"(?:\s+(?:(?:de|del)\s+)?(?P<y>\d{{4}})(?!\d))?"
    ),
    re.compile(
        rf"(?:\b(?P<wd>{_WD})\s+)?\b(?P<mon>{_MON})(?![a-z])\.?\s+(?:the\s+)?"
        rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?![\d:.]\d)(?:\s+(?P<y>\d{{4}})(?!\d))?"
    ),
    re.compile(
        rf"(?:\b(?P<wd>{_WD})\s+)?{_ARTICLE}{_NUM}(?P<a>\d{{1,2}})(?P<sep>[/.])(?P<b>\d{{1,2}})"
        rf"(?:(?P=sep)(?P<y>\d{{4}}|\d{{2}}))?\.?(?![\d/])"
    ),
    re.compile(
        rf"\b(?:{alternation(DURATION_PREFIXES)})\s+(?P<n>\d{{1,3}}|{alternation(ONE)})\s+"
        rf"(?P<unit>{alternation(DAY_UNITS + WEEK_UNITS)})\b"
    ),
    re.compile(rf"\b(?P<rel>{alternation(list(RELATIVE_DAYS))})\b"),
    re.compile(
        rf"\b(?:(?P<pre>{alternation(NEXT_BEFORE + THIS_BEFORE)})\s+)?(?P<weekday>{_WD})\b"
        rf"(?:\s+(?P<post>{alternation(NEXT_AFTER)})\b)?"
    ),
)
_LEFTOVER = re.compile(r"[a-z0-9]+")
_LOOKAHEAD_YEARS = 8  # the next 29 February is at most 8 years away


@dataclass(frozen=True, slots=True)
class Phrase:
    """What a phrase said: a wall time in the user's zone, and a note when we chose for them."""

    wall: datetime
    note: str | None = None


def normalise(raw: str) -> str:
    """Folded, apostrophes and word hyphens as spaces: "Aujourd'hui" → "aujourd hui"."""
    text = fold(raw.replace("’", "'"))
    text = re.sub(r"(?<=[a-z])['\-](?=[a-z])", " ", text)
    return " ".join(re.sub(r"(?<!\d),|,(?!\d)", " ", text).split())  # "1,5" stays a number


_CLOCK_GROUPS: tuple[tuple[str, str | None, str | None], ...] = (
    ("h1", "m1", "ap1"),
    ("h2", "m2", None),
    ("h3", "m3", None),
    ("h4", "m4", "ap4"),
    ("h5", None, None),
    ("h6", "m6", None),
)


def _clock(match: re.Match[str], shown: str, lang: str, iso: str) -> time:
    if match["word"]:
        return time(12) if match["word"] in NOON else time(0)
    hour = minute = 0
    ampm = None
    for h, m, ap in _CLOCK_GROUPS:
        if match[h] is not None:
            minutes = (match[m] if m else None) or (match["m3b"] if h == "h3" else None)
            hour, minute = int(match[h]), int(minutes or 0)
            ampm = match[ap] if ap else None
            break
    if ampm is not None:
        if not 1 <= hour <= 12:
            raise InvalidInput(say(lang, "not_real", text=shown, iso=iso))
        hour = hour % 12 + (12 if ampm.startswith("p") else 0)
    elif match["part"] in LATER_PARTS and hour < 12:
        hour += 12
    if hour > 23 or minute > 59:
        raise InvalidInput(say(lang, "not_real", text=shown, iso=iso))
    return time(hour, minute)


def _valid(year: int | None, month: int, day: int) -> bool:
    if not 1 <= month <= 12:
        return False
    return 1 <= day <= calendar.monthrange(year if year is not None else 2000, month)[1]


def _year(month: int, day: int, clock: time, now: datetime) -> int:
    """The year of the next ``day``/``month`` at ``clock`` after ``now`` (local, naive)."""
    for year in range(now.year, now.year + _LOOKAHEAD_YEARS + 1):
        if _valid(year, month, day) and datetime.combine(date(year, month, day), clock) > now:
            return year
    raise AssertionError("every valid day and month comes back within eight years")


@dataclass(frozen=True, slots=True)
class _Context:
    shown: str
    lang: str
    locale: str | None
    iso: str
    now: datetime  # local wall time, naive


def _numeric(a: int, b: int, year: int | None, ctx: _Context) -> tuple[int, int, str | None, str]:
    """Month and day of "a/b", the note to give (if any) and the order it was read in."""
    prefer_mf = month_first(ctx.locale)
    preferred, other = ((a, b), (b, a)) if prefer_mf else ((b, a), (a, b))
    if _valid(year, *preferred):
        note_key = "order_locale" if _valid(year, *other) and a != b else None
        return *preferred, note_key, "month_first" if prefer_mf else "day_first"
    if _valid(year, *other):
        return *other, "order_forced", "day_first" if prefer_mf else "month_first"
    raise InvalidInput(say(ctx.lang, "not_real", text=ctx.shown, iso=ctx.iso))


def _dated(match: re.Match[str], clock: time, ctx: _Context) -> tuple[date, str | None]:
    """A date with a day and a month (and maybe a year), named or numeric."""
    year = int(match["y"]) if match["y"] else None
    if year is not None and year < 100:
        year += 2000
    note_key: str | None = None
    order = ""
    if "mon" in match.re.groupindex:
        month, day = MONTHS[match["mon"]], int(match["d"])
    else:
        a, b = int(match["a"]), int(match["b"])
        month, day, note_key, order = _numeric(a, b, year, ctx)
    if not _valid(year, month, day):
        raise InvalidInput(say(ctx.lang, "not_real", text=ctx.shown, iso=ctx.iso))
    found = date(year if year is not None else _year(month, day, clock, ctx.now), month, day)
    if match["wd"] and WEEKDAYS[match["wd"]] != found.weekday():
        said = weekday_name(ctx.lang, WEEKDAYS[match["wd"]])
        raise InvalidInput(
            say(ctx.lang, "weekday_mismatch", text=ctx.shown, date=date_words(ctx.lang, found),
                said=said)
        )  # fmt: skip
    if note_key is None:
        return found, None
    # The impossible month of the other reading: "12/25" read day first has month 25.
    bad = str(int(match["a"]) if order == "day_first" else int(match["b"]))
    note = say(
        ctx.lang,
        note_key,
        part=match.group(0).strip(),
        order=say(ctx.lang, order),
        date=date_words(ctx.lang, found),
        iso=found.isoformat(),
        bad=bad,
    )
    return found, note


def _day(match: re.Match[str], clock: time, ctx: _Context) -> tuple[date, str | None]:
    today = ctx.now.date()
    found = match.groupdict()
    if found.get("rel"):
        return today + timedelta(days=RELATIVE_DAYS[found["rel"]]), None
    if found.get("unit"):
        count = int(found["n"]) if found["n"][0].isdigit() else 1
        days = count * (7 if found["unit"] in WEEK_UNITS else 1)
        return today + timedelta(days=days), None
    if found.get("weekday"):
        ahead = (WEEKDAYS[found["weekday"]] - today.weekday()) % 7
        is_next = found["pre"] in NEXT_BEFORE or found["post"] is not None
        if ahead == 0 and (is_next or datetime.combine(today, clock) <= ctx.now):
            ahead = 7
        return today + timedelta(days=ahead), None
    return _dated(match, clock, ctx)


def read_phrase(
    folded: str, shown: str, now_local: datetime, locale: str | None, lang: str, iso: str
) -> Phrase | None:
    """The phrase as a naive local wall time, or None when it is not made of our parts."""
    rest = folded
    clock: time | None = None
    found_time = list(_TIME.finditer(rest))
    if len(found_time) > 1:
        return None
    if found_time:
        clock = _clock(found_time[0], shown, lang, iso)
        rest = rest[: found_time[0].start()] + " " + rest[found_time[0].end() :]
    day_match = None
    for pattern in _DATES:
        day_match = pattern.search(rest)
        if day_match is not None:
            rest = rest[: day_match.start()] + " " + rest[day_match.end() :]
            break
    if any(word not in FILLERS for word in _LEFTOVER.findall(rest)):
        return None
    if clock is None and day_match is None:
        return None
    now = now_local.replace(tzinfo=None)
    if clock is None:
        raise InvalidInput(
            say(lang, "no_time", text=shown, with_time=with_time(lang, shown), iso=iso)
        )
    ctx = _Context(shown=shown, lang=lang, locale=locale, iso=iso, now=now)
    if day_match is None:
        today = now.date()
        day = today if datetime.combine(today, clock) > now else today + timedelta(days=1)
        return Phrase(wall=datetime.combine(day, clock))
    day, note = _day(day_match, clock, ctx)
    return Phrase(wall=datetime.combine(day, clock), note=note)
