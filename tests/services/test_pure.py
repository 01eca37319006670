"""Pure helpers: time parsing and progress bars (no database)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import InvalidInput
from bot.services.progress import progress_bar, progress_sentence
from bot.services.timeparse import parse_local_datetime

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
