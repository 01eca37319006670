"""Times as people say them: phrases × languages × zones → the UTC instant (issue 16).

Each row was worked out by hand from the zone rules (Europe/Paris CET +1 / CEST +2,
America/New_York EST -5 / EDT -4, Australia/Sydney AEST +10 / AEDT +11), not by running the code.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.errors import InvalidInput
from bot.services.timeparse import parse_local_datetime
from bot.services.timeparse._messages import EXAMPLE_PHRASE

# Sunday 1 March 2026, 12:00 in Paris, Berlin, Rome, Madrid; 06:00 in New York; 22:00 in Sydney.
SUNDAY = datetime(2026, 3, 1, 11, 0, tzinfo=UTC)
# Saturday 10 January 2026, 12:00 in New York: the day the examples were reproduced.
JAN_10 = datetime(2026, 1, 10, 17, 0, tzinfo=UTC)
# 01:30 CEST on 25 October 2026; at 03:00 CEST (01:00 UTC) Paris goes back to 02:00 CET.
PARIS_FALL = datetime(2026, 10, 24, 23, 30, tzinfo=UTC)
# 00:45 CET on 29 March 2026; at 02:00 CET (01:00 UTC) Paris jumps to 03:00 CEST.
PARIS_SPRING = datetime(2026, 3, 28, 23, 45, tzinfo=UTC)
# 01:00 EDT on 1 November 2026; at 02:00 EDT (06:00 UTC) New York goes back to 01:00 EST.
NY_FALL = datetime(2026, 11, 1, 5, 0, tzinfo=UTC)
# 01:30 EST on 8 March 2026; at 02:00 EST (07:00 UTC) New York jumps to 03:00 EDT.
NY_SPRING = datetime(2026, 3, 8, 6, 30, tzinfo=UTC)
# 02:30 AEDT (the first) on 5 April 2026; at 03:00 AEDT (16:00 UTC) Sydney goes back to 02:00.
SYDNEY_FALL = datetime(2026, 4, 4, 15, 30, tzinfo=UTC)

PARIS, BERLIN, ROME, MADRID = "Europe/Paris", "Europe/Berlin", "Europe/Rome", "Europe/Madrid"
NEW_YORK, SYDNEY, LONDON = "America/New_York", "Australia/Sydney", "Europe/London"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


TABLE = [
    # --- the examples ---
    ("mardi prochain 10h", PARIS, "fr", SUNDAY, utc(2026, 3, 3, 9, 0)),
    ("nächsten Dienstag 10 Uhr", BERLIN, "de", SUNDAY, utc(2026, 3, 3, 9, 0)),
    ("martedì prossimo alle 10", ROME, "it", SUNDAY, utc(2026, 3, 3, 9, 0)),
    ("el próximo martes a las 10", MADRID, "es-ES", SUNDAY, utc(2026, 3, 3, 9, 0)),
    ("next tuesday 3pm", NEW_YORK, "en-US", SUNDAY, utc(2026, 3, 3, 20, 0)),
    ("tomorrow at noon", PARIS, None, SUNDAY, utc(2026, 3, 2, 11, 0)),
    ("12/25 3pm", NEW_YORK, "en-US", JAN_10, utc(2026, 12, 25, 20, 0)),
    ("1/15 9am", NEW_YORK, "en-US", JAN_10, utc(2026, 1, 15, 14, 0)),
    ("10/31 18:00", NEW_YORK, "en-US", JAN_10, utc(2026, 10, 31, 22, 0)),  # EDT
    ("03/04 3pm", NEW_YORK, "en-US", JAN_10, utc(2026, 3, 4, 20, 0)),
    ("12/25 3pm", NEW_YORK, None, JAN_10, utc(2026, 12, 25, 20, 0)),  # only month-first works
    ("in 2h30", PARIS, None, SUNDAY, utc(2026, 3, 1, 13, 30)),
    ("in 1 hour 45 minutes", PARIS, None, SUNDAY, utc(2026, 3, 1, 12, 45)),
    ("in 90 min", PARIS, None, SUNDAY, utc(2026, 3, 1, 12, 30)),
    ("dans 2 heures", PARIS, "fr", SUNDAY, utc(2026, 3, 1, 13, 0)),
    # --- durations, in every language, always elapsed time ---
    ("in einer Stunde", BERLIN, "de", SUNDAY, utc(2026, 3, 1, 12, 0)),
    ("in 2 Stunden 15 Minuten", BERLIN, "de", SUNDAY, utc(2026, 3, 1, 13, 15)),
    ("in 1,5 Stunden", BERLIN, "de", SUNDAY, utc(2026, 3, 1, 12, 30)),
    ("dans une demi-heure", PARIS, "fr", SUNDAY, utc(2026, 3, 1, 11, 30)),
    ("dans 1h30", PARIS, "fr", SUNDAY, utc(2026, 3, 1, 12, 30)),
    ("tra mezz'ora", ROME, "it", SUNDAY, utc(2026, 3, 1, 11, 30)),
    ("tra 2 ore e mezza", ROME, "it", SUNDAY, utc(2026, 3, 1, 13, 30)),
    ("en media hora", MADRID, "es", SUNDAY, utc(2026, 3, 1, 11, 30)),
    ("dentro de 2 horas y media", MADRID, "es", SUNDAY, utc(2026, 3, 1, 13, 30)),
    ("in an hour and a half", LONDON, "en-GB", SUNDAY, utc(2026, 3, 1, 12, 30)),
    ("in 3 hours", PARIS, None, SUNDAY, utc(2026, 3, 1, 14, 0)),
    # --- relative days and weekdays ---
    ("demain à 15h", PARIS, "fr", SUNDAY, utc(2026, 3, 2, 14, 0)),
    ("morgen um 15 Uhr", BERLIN, "de", SUNDAY, utc(2026, 3, 2, 14, 0)),
    ("domani alle 15:30", ROME, "it", SUNDAY, utc(2026, 3, 2, 14, 30)),
    ("mañana a las 10 de la mañana", MADRID, "es", SUNDAY, utc(2026, 3, 2, 9, 0)),
    ("mañana a las 7 de la tarde", MADRID, "es", SUNDAY, utc(2026, 3, 2, 18, 0)),
    ("demain à 7 heures du soir", PARIS, "fr", SUNDAY, utc(2026, 3, 2, 18, 0)),
    ("übermorgen 9:15", BERLIN, "de", SUNDAY, utc(2026, 3, 3, 8, 15)),
    ("lundi 14h", PARIS, "fr", SUNDAY, utc(2026, 3, 2, 13, 0)),
    ("friday 9am", PARIS, None, SUNDAY, utc(2026, 3, 6, 8, 0)),
    ("in 2 days at 09:00", PARIS, None, SUNDAY, utc(2026, 3, 3, 8, 0)),
    ("dans 3 jours à 9h", PARIS, "fr", SUNDAY, utc(2026, 3, 4, 8, 0)),
    ("in 3 Tagen um 9 Uhr", BERLIN, "de", SUNDAY, utc(2026, 3, 4, 8, 0)),
    ("tra 2 giorni alle 9", ROME, "it", SUNDAY, utc(2026, 3, 3, 8, 0)),
    ("dentro de 2 días a las 9", MADRID, "es", SUNDAY, utc(2026, 3, 3, 8, 0)),
    ("15:00", PARIS, None, SUNDAY, utc(2026, 3, 1, 14, 0)),  # later today
    ("10:00", PARIS, None, SUNDAY, utc(2026, 3, 2, 9, 0)),  # passed today: tomorrow
    ("noon", PARIS, None, SUNDAY, utc(2026, 3, 2, 11, 0)),  # it is noon now: tomorrow's
    ("next sunday 9am", SYDNEY, "en-AU", SUNDAY, utc(2026, 3, 7, 22, 0)),  # Sunday night there
    # --- named dates, no year: the next time that date comes ---
    ("5 December 2026 14:30", PARIS, None, SUNDAY, utc(2026, 12, 5, 13, 30)),
    ("25 décembre 15h", PARIS, "fr", SUNDAY, utc(2026, 12, 25, 14, 0)),
    ("25. Dezember 15 Uhr", BERLIN, "de", SUNDAY, utc(2026, 12, 25, 14, 0)),
    ("25 dicembre alle 15", ROME, "it", SUNDAY, utc(2026, 12, 25, 14, 0)),
    ("el 25 de diciembre a las 15", MADRID, "es", SUNDAY, utc(2026, 12, 25, 14, 0)),
    ("December 25 at 3pm", NEW_YORK, "en-US", SUNDAY, utc(2026, 12, 25, 20, 0)),
    ("sábado 7 de marzo a las 18", MADRID, "es", SUNDAY, utc(2026, 3, 7, 17, 0)),
    ("samedi 7 mars à 18h30", PARIS, "fr", SUNDAY, utc(2026, 3, 7, 17, 30)),
    ("Samstag, 7. März, 18:30", BERLIN, "de", SUNDAY, utc(2026, 3, 7, 17, 30)),
    ("sabato 7 marzo alle 18:30", ROME, "it", SUNDAY, utc(2026, 3, 7, 17, 30)),
    ("1 March 11:00", PARIS, None, SUNDAY, utc(2027, 3, 1, 10, 0)),  # today's has passed
    # --- numeric dates: the user's order when both work, the only order otherwise ---
    ("25/12 18:00", PARIS, "fr", SUNDAY, utc(2026, 12, 25, 17, 0)),
    ("25.12. 18 Uhr", BERLIN, "de", SUNDAY, utc(2026, 12, 25, 17, 0)),
    ("03/04 3pm", PARIS, "fr", SUNDAY, utc(2026, 4, 3, 13, 0)),  # 3 April, CEST
    ("03/04 3pm", NEW_YORK, "en-US", SUNDAY, utc(2026, 3, 4, 20, 0)),  # 4 March, EST
    ("03/04 3pm", LONDON, "en-GB", SUNDAY, utc(2026, 4, 3, 14, 0)),  # 3 April, BST
    ("03/04 3pm", PARIS, None, SUNDAY, utc(2026, 4, 3, 13, 0)),
    ("13/04 10:00", NEW_YORK, "en-US", SUNDAY, utc(2026, 4, 13, 14, 0)),  # only day-first works
    ("12/25 3pm", PARIS, "de", SUNDAY, utc(2026, 12, 25, 14, 0)),  # only month-first works
    ("3/4/27 15:00", PARIS, "fr", SUNDAY, utc(2027, 4, 3, 13, 0)),
    ("12/25/2026 9:00", NEW_YORK, "en-US", SUNDAY, utc(2026, 12, 25, 14, 0)),
    # --- 29 February ---
    ("29/02 10:00", PARIS, None, SUNDAY, utc(2028, 2, 29, 9, 0)),
    ("29 February 2028 10:00", PARIS, None, SUNDAY, utc(2028, 2, 29, 9, 0)),
    ("29 févr. 2028 à 10h", PARIS, "fr", SUNDAY, utc(2028, 2, 29, 9, 0)),
    ("2028-02-29 10:00", PARIS, None, SUNDAY, utc(2028, 2, 29, 9, 0)),
    # --- the daylight-saving nights ---
    ("in 2 hours 30 minutes", PARIS, None, PARIS_FALL, utc(2026, 10, 25, 2, 0)),
    ("in 1 hour 45 minutes", PARIS, None, PARIS_SPRING, utc(2026, 3, 29, 1, 30)),
    ("2026-10-25 02:30", PARIS, None, SUNDAY, utc(2026, 10, 25, 0, 30)),  # first: CEST
    ("2026-03-29 03:00", PARIS, None, SUNDAY, utc(2026, 3, 29, 1, 0)),
    ("2026-03-29 01:59", PARIS, None, SUNDAY, utc(2026, 3, 29, 0, 59)),
    ("in 90 min", NEW_YORK, None, NY_FALL, utc(2026, 11, 1, 6, 30)),  # the second 01:30
    ("2026-11-01 01:30", NEW_YORK, None, SUNDAY, utc(2026, 11, 1, 5, 30)),  # first: EDT
    ("1 November 2026 1:30am", NEW_YORK, None, SUNDAY, utc(2026, 11, 1, 5, 30)),
    ("in 1 hour 45 minutes", NEW_YORK, "en-US", NY_SPRING, utc(2026, 3, 8, 8, 15)),
    ("2026-03-08 03:00", NEW_YORK, None, SUNDAY, utc(2026, 3, 8, 7, 0)),
    ("2026-04-05 02:30", SYDNEY, None, SUNDAY, utc(2026, 4, 4, 15, 30)),  # first: AEDT
    ("in 2 hours 30 minutes", SYDNEY, None, SYDNEY_FALL, utc(2026, 4, 4, 18, 0)),
    ("2026-10-04 03:00", SYDNEY, None, SUNDAY, utc(2026, 10, 3, 16, 0)),  # AEDT begins
    ("5 avril 2026 à 10h", SYDNEY, "fr", SUNDAY, utc(2026, 4, 5, 0, 0)),  # AEST
    # --- a zone written in the phrase, and zones given by place name ---
    ("3pm UTC", PARIS, None, SUNDAY, utc(2026, 3, 1, 15, 0)),
    ("tomorrow 18:00", "Lisboa", "pt-BR", SUNDAY, utc(2026, 3, 2, 18, 0)),
    ("tomorrow 18:00", "Paris", None, SUNDAY, utc(2026, 3, 2, 17, 0)),
]


@pytest.mark.parametrize(("text", "zone", "locale", "now", "expected"), TABLE)
def test_phrase_in_zone_and_language_is_this_instant(
    text: str, zone: str, locale: str | None, now: datetime, expected: datetime
) -> None:
    parsed = parse_local_datetime(text, zone, now, locale=locale)
    assert parsed.when == expected
    assert parsed.reading  # always said in words


def test_the_table_is_big_enough() -> None:
    assert len(TABLE) >= 60
    assert {row[2] for row in TABLE} >= {None, "en-US", "fr", "de", "it", "es", "es-ES"}
    assert {row[1] for row in TABLE} >= {PARIS, NEW_YORK, SYDNEY}


# --- the reading, in words, in the user's language ---


@pytest.mark.parametrize(
    ("text", "zone", "locale", "reading"),
    [
        ("2027-03-04 15:00", PARIS, None, "read as Thursday 4 March 2027, 15:00 Europe/Paris"),
        ("2027-03-04 15:00", PARIS, "fr", "lu comme jeudi 4 mars 2027 à 15:00 Europe/Paris"),
        ("2027-03-04 15:00", BERLIN, "de",
         "gelesen als Donnerstag, 4. März 2027, 15:00 Europe/Berlin"),
        ("2027-03-04 15:00", ROME, "it", "letto come giovedì 4 marzo 2027, 15:00 Europe/Rome"),
        ("2027-03-04 15:00", MADRID, "es-ES",
         "leído como jueves 4 de marzo de 2027, 15:00 Europe/Madrid"),
        ("2026-10-25 02:30", PARIS, None,
         "read as Sunday 25 October 2026, 02:30 Europe/Paris (UTC+2)"),
        ("in 2h30", PARIS, None, "read as Sunday 1 March 2026, 14:30 Europe/Paris"),
    ],
)  # fmt: skip
def test_reading_says_the_result_in_words(
    text: str, zone: str, locale: str | None, reading: str
) -> None:
    assert parse_local_datetime(text, zone, SUNDAY, locale=locale).reading == reading


def test_duration_landing_on_a_repeated_hour_gives_the_offset() -> None:
    parsed = parse_local_datetime("in 90 min", NEW_YORK, NY_FALL)
    assert parsed.reading == "read as Sunday 1 November 2026, 01:30 America/New_York (UTC-5)"


# --- numeric dates say how they were read ---


def test_ambiguous_numeric_date_follows_the_locale_and_says_so() -> None:
    us = parse_local_datetime("03/04 3pm", NEW_YORK, SUNDAY, locale="en-US")
    assert us.note is not None
    assert "month first" in us.note and "Wednesday 4 March 2026" in us.note
    fr = parse_local_datetime("03/04 15h", PARIS, SUNDAY, locale="fr")
    assert fr.note is not None
    assert "le jour d'abord" in fr.note and "vendredi 3 avril 2026" in fr.note


def test_numeric_date_possible_one_way_only_says_so() -> None:
    parsed = parse_local_datetime("12/25 3pm", NEW_YORK, JAN_10, locale="fr")
    assert parsed.note is not None
    assert "le mois d'abord" in parsed.note and "25 décembre 2026" in parsed.note


def test_unambiguous_readings_carry_no_note() -> None:
    assert parse_local_datetime("12/25 3pm", NEW_YORK, JAN_10, locale="en-US").note is None
    assert parse_local_datetime("25/12 15h", PARIS, JAN_10, locale="fr").note is None
    assert parse_local_datetime("04/04 15h", PARIS, JAN_10, locale="fr").note is None


def _exists(month: int, day: int) -> bool:
    try:
        date(2028, month, day)  # a leap year: 29 February exists
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("locale", ["en-US", "fr", None])
def test_a_year_is_never_made_up_from_a_day_or_a_month(locale: str | None) -> None:
    for a in range(1, 32):
        for b in range(1, 32):
            try:
                parsed = parse_local_datetime(f"{a}/{b} 10:00", PARIS, JAN_10, locale=locale)
            except InvalidInput:
                assert not (_exists(a, b) or _exists(b, a)), (a, b)
                continue
            leap_day = {a, b} == {2, 29}
            assert parsed.when.year in ({2028} if leap_day else {2026, 2027}), (a, b)


# --- refusals that say what went wrong, in the user's language ---


@pytest.mark.parametrize(
    ("text", "locale", "message"),
    [
        ("next blursday", None, 'I couldn\'t read "next blursday"'),
        ("next blursday 3pm", None, "I couldn't read"),
        ("mardi blursday 10h", "fr", "Je n'ai pas pu lire"),
        ("blursday", "de", "Ich konnte"),
        ("blursday", "it", "Non sono riuscito a leggere"),
        ("blursday", "es", "No pude leer"),
        ("mardi prochain", "fr", "ne dit pas à quelle heure"),
        ("nächsten Dienstag", "de", "nennt keine Uhrzeit"),
        ("in 2 days", None, "does not say the time of day"),
        ("29 February 2027 10:00", None, "not a real date"),
        ("31/04 10:00", None, "not a real date"),
        ("Wednesday 4 March 2027 15:00", None, "Thursday 4 March 2027 is not a Wednesday"),
        ("yesterday 10:00", None, "in the past"),
        ("hier à 10h", "fr", "dans le passé"),
        ("13:00 25:00", None, "I couldn't read"),
    ],
)
def test_refusals(text: str, locale: str | None, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_local_datetime(text, PARIS, SUNDAY, locale=locale)
    assert message in str(refused.value)


@pytest.mark.parametrize("locale", ["en-US", "fr", "de", "it", "es-ES"])
def test_could_not_read_offers_two_examples_that_work(locale: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_local_datetime("next blursday", PARIS, SUNDAY, locale=locale)
    message = str(refused.value)
    example = EXAMPLE_PHRASE[locale[:2]]
    assert example in message and "2026-04-14 18:00" in message
    for works in (example, "2026-04-14 18:00"):
        assert parse_local_datetime(works, PARIS, SUNDAY, locale=locale).when > SUNDAY


@pytest.mark.parametrize(
    ("text", "zone", "now", "suggested"),
    [
        ("2026-03-29 02:30", PARIS, SUNDAY, "The next valid time is 2026-03-29 03:00."),
        ("next sunday 2:30am", NEW_YORK, SUNDAY, "The next valid time is 2026-03-08 03:00."),
        ("2026-10-04 02:30", SYDNEY, SUNDAY, "The next valid time is 2026-10-04 03:00."),
    ],
)
def test_time_in_a_gap_is_refused_with_the_next_valid_time(
    text: str, zone: str, now: datetime, suggested: str
) -> None:
    with pytest.raises(InvalidInput, match="does not exist") as refused:
        parse_local_datetime(text, zone, now)
    assert suggested in str(refused.value)


def test_time_that_happens_twice_takes_the_first_and_says_so() -> None:
    parsed = parse_local_datetime("2026-04-05 02:30", SYDNEY, SUNDAY)
    assert parsed.note is not None
    assert "happens twice" in parsed.note and "first one (UTC+11)" in parsed.note


def test_durations_never_pass_through_the_wall_clock() -> None:
    # A wall-clock sum would give 04:00 CET (an hour late) and a gap refusal respectively.
    assert parse_local_datetime("in 2 hours 30 minutes", PARIS, PARIS_FALL).note is None
    spring = parse_local_datetime("in 1 hour 45 minutes", PARIS, PARIS_SPRING)
    assert spring.reading == "read as Sunday 29 March 2026, 03:30 Europe/Paris"
