"""The comma-separated ``events`` option: parsing and autocomplete (no database)."""

from __future__ import annotations

import pytest

from bot.errors import InvalidInput
from bot.services.events import EVENT_TYPES
from bot.services.webhooks import event_suggestions, parse_events


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("sign_on", ("sign_on",)),
        ("withdrawal sign_on", ("sign_on", "withdrawal")),
        ("sign_on,,withdrawal; ask_closed", ("sign_on", "withdrawal", "ask_closed")),
        ("Sign_On, SIGN_ON", ("sign_on",)),
        ("all", EVENT_TYPES),
        ("sign_on, all", EVENT_TYPES),
    ],
)
def test_parse_events(typed: str, expected: tuple[str, ...]) -> None:
    assert parse_events(typed) == expected


@pytest.mark.parametrize("typed", ["", "  ,, ", "ping", "sign-on"])
def test_parse_events_refuses_with_the_valid_names(typed: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_events(typed)
    assert all(name in refused.value.message for name in EVENT_TYPES)


def test_suggestions_start_with_all_and_every_event() -> None:
    values = [c.value for c in event_suggestions("")]
    assert values[0] == "all" and set(values[1:]) == set(EVENT_TYPES)


def test_suggestions_complete_the_last_word_and_keep_the_rest() -> None:
    values = [c.value for c in event_suggestions("sign_on, ask_c")]
    assert values == ["sign_on,ask_created", "sign_on,ask_closed"]
    after_comma = [c.value for c in event_suggestions("sign_on,")]
    assert after_comma[0] == "sign_on"
    assert "sign_on,withdrawal" in after_comma and "sign_on,sign_on" not in after_comma


def test_suggestions_fit_discord_limits() -> None:
    typed = ",".join(EVENT_TYPES[:-1]) + ","
    for choice in event_suggestions(typed):
        assert len(choice.value) <= 100 and len(choice.label) <= 100
    assert len(event_suggestions("a")) <= 25
