"""Pure parsing rules of actions and reminders (no database)."""

from __future__ import annotations

import pytest

from bot.errors import InvalidInput
from bot.services.actions import parse_duration
from bot.services.reminders import parse_offsets


@pytest.mark.parametrize(
    ("text", "minutes"), [("90", 90), ("90m", 90), ("1h30", 90), ("2h", 120), ("1h 5min", 65)]
)
def test_duration_formats(text: str, minutes: int) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["0", "1h75", "soon", "200h"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_duration(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("7d,1d,2h,1h,30m,10m", "At most 5"),
        ("1d,24h", "twice"),
        ("0h", "positive"),
        ("9w", "60 days"),
        ("3 days", "can't read"),
        ("", "at least one"),
    ],
)
def test_offsets_are_validated(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_offsets(text)


def test_offsets_are_normalised_longest_first() -> None:
    assert [label for label, _ in parse_offsets(" 2h, 7D ,1d")] == ["7d", "1d", "2h"]
