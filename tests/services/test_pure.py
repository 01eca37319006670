"""Pure helpers: time parsing and progress bars (no database)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import InvalidInput
from bot.services.timeparse import parse_local_datetime
from bot.ui.progress import progress_bar, progress_sentence

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_local_time_becomes_utc() -> None:
    parsed = parse_local_datetime("2026-05-14 18:00", "Europe/Paris", NOW)
    assert parsed.when == datetime(2026, 5, 14, 16, 0, tzinfo=UTC)
    assert parsed.note is None


def test_date_alone_means_end_of_day() -> None:
    parsed = parse_local_datetime("2026-05-14", "America/New_York", NOW)
    assert parsed.when == datetime(2026, 5, 15, 3, 59, tzinfo=UTC)


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "../etc/passwd", "Europe/Paris\x00"])
def test_unknown_zone_names_an_example(zone: str) -> None:
    with pytest.raises(InvalidInput, match="Europe/Paris"):
        parse_local_datetime("2026-05-14 18:00", zone, NOW)


@pytest.mark.parametrize(
    "text", ["tomorrow", "2026-13-01", "2026-02-30 10:00", "2026-05-14 25:00", ""]
)
def test_unreadable_or_impossible_dates(text: str) -> None:
    with pytest.raises(InvalidInput, match="YYYY-MM-DD"):
        parse_local_datetime(text, "Europe/Paris", NOW)


def test_past_is_refused() -> None:
    with pytest.raises(InvalidInput, match="in the past"):
        parse_local_datetime("2026-02-28 12:00", "Europe/Paris", NOW)


def test_dst_gap_is_refused() -> None:
    # Paris skips 02:00-03:00 on 2026-03-29.
    with pytest.raises(InvalidInput, match="does not exist"):
        parse_local_datetime("2026-03-29 02:30", "Europe/Paris", NOW)


def test_ambiguous_time_takes_first_occurrence_and_says_so() -> None:
    # Paris repeats 02:00-03:00 on 2026-10-25; the first 02:30 is CEST (UTC+2).
    parsed = parse_local_datetime("2026-10-25 02:30", "Europe/Paris", NOW)
    assert parsed.when == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert parsed.note is not None and "first" in parsed.note and "UTC+2" in parsed.note


def test_progress_bar() -> None:
    assert progress_bar(3, 10) == "▓▓▓░░░░░░░ 3/10"
    assert progress_bar(0, 0) == "░░░░░░░░░░ 0/0"
    assert progress_bar(1, 1000) == "▓░░░░░░░░░ 1/1000"
    assert progress_bar(999, 1000) == "▓▓▓▓▓▓▓▓▓░ 999/1000"
    assert progress_bar(12, 12, width=4) == "▓▓▓▓ 12/12"
    assert progress_sentence(7, 12) == "7 of 12 member cities signed"


# --- everyday phrases (read with dateparser in the given zone) ---

SUNDAY_NOON_PARIS = datetime(2026, 3, 1, 11, 0, tzinfo=UTC)  # Sunday 12:00 in Paris


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("next tuesday 3pm", datetime(2026, 3, 3, 14, 0, tzinfo=UTC)),
        ("in 2 days at 09:00", datetime(2026, 3, 3, 8, 0, tzinfo=UTC)),
        ("tomorrow 18:00", datetime(2026, 3, 2, 17, 0, tzinfo=UTC)),
        ("5 December 2026 14:30", datetime(2026, 12, 5, 13, 30, tzinfo=UTC)),
        ("in 3 hours", datetime(2026, 3, 1, 14, 0, tzinfo=UTC)),
    ],
)
def test_everyday_phrases_are_read_in_the_given_zone(text: str, expected: datetime) -> None:
    assert parse_local_datetime(text, "Europe/Paris", SUNDAY_NOON_PARIS).when == expected


def test_phrase_in_new_york_uses_new_york_wall_time() -> None:
    parsed = parse_local_datetime("next tuesday 3pm", "America/New_York", SUNDAY_NOON_PARIS)
    assert parsed.when == datetime(2026, 3, 3, 20, 0, tzinfo=UTC)  # EST, UTC-5


def test_phrase_landing_in_a_dst_gap_is_refused() -> None:
    # New York skips 02:00-03:00 on Sunday 2026-03-08.
    with pytest.raises(InvalidInput, match="does not exist"):
        parse_local_datetime("next sunday 2:30am", "America/New_York", SUNDAY_NOON_PARIS)


def test_phrase_on_fall_back_night_takes_first_occurrence() -> None:
    # New York repeats 01:00-02:00 on 2026-11-01; the first 01:30 is EDT (UTC-4).
    parsed = parse_local_datetime("1 November 2026 1:30am", "America/New_York", SUNDAY_NOON_PARIS)
    assert parsed.when == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert parsed.note is not None and "UTC-4" in parsed.note


def test_phrase_in_the_past_is_refused() -> None:
    with pytest.raises(InvalidInput, match="in the past"):
        parse_local_datetime("yesterday 10:00", "Europe/Paris", SUNDAY_NOON_PARIS)


@pytest.mark.parametrize("text", ["next tuesday", "in 2 days"])
def test_phrase_without_a_time_of_day_asks_for_one(text: str) -> None:
    with pytest.raises(InvalidInput, match="time of day"):
        parse_local_datetime(text, "Europe/Paris", SUNDAY_NOON_PARIS)


@pytest.mark.parametrize("text", ["banana at 3pm", "x" * 150 + " 3pm"])
def test_unreadable_phrase_gives_both_formats(text: str) -> None:
    with pytest.raises(InvalidInput, match="next tuesday 3pm"):
        parse_local_datetime(text, "Europe/Paris", SUNDAY_NOON_PARIS)
