"""Time zones by the names people use: IANA names, cities and countries, in several languages."""

from __future__ import annotations

import zoneinfo
from importlib.resources import files

import pytest

from bot.errors import ChoiceNeeded, InvalidInput
from bot.services.timeparse import zone_from_name
from bot.services.zones import resolve_zone, zone_choices
from bot.services.zones._places import PLACES


@pytest.mark.parametrize(
    ("name", "zone"),
    [
        ("Europe/Paris", "Europe/Paris"),
        ("europe/paris", "Europe/Paris"),
        ("America/New_York", "America/New_York"),
        ("america/new york", "America/New_York"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("US/Eastern", "US/Eastern"),  # old IANA names still work as written
        ("Paris", "Europe/Paris"),
        ("  paris  ", "Europe/Paris"),
        ("Lisboa", "Europe/Lisbon"),
        ("Lisbon", "Europe/Lisbon"),
        ("New York", "America/New_York"),
        ("new-york", "America/New_York"),
        ("Wien", "Europe/Vienna"),
        ("München", "Europe/Berlin"),
        ("Munich", "Europe/Berlin"),
        ("Lyon", "Europe/Paris"),
        ("Genève", "Europe/Zurich"),
        ("Kiev", "Europe/Kyiv"),
        ("São Paulo", "America/Sao_Paulo"),
        ("sao paulo", "America/Sao_Paulo"),
        ("Ireland", "Europe/Dublin"),
        ("Irlande", "Europe/Dublin"),
        ("Deutschland", "Europe/Berlin"),  # Berlin and Busingen keep the same clock
        ("Allemagne", "Europe/Berlin"),
        ("Germany", "Europe/Berlin"),
        ("Italia", "Europe/Rome"),
        ("France", "Europe/Paris"),
        ("UK", "Europe/London"),
        ("Japan", "Asia/Tokyo"),
        ("Singapore", "Asia/Singapore"),
        ("Schweiz", "Europe/Zurich"),
    ],
)
def test_names_people_use_resolve_to_one_zone(name: str, zone: str) -> None:
    assert resolve_zone(name).key == zone
    assert zone_from_name(name).key == zone  # the name every service already calls


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Portland", {"America/Los_Angeles", "America/New_York"}),
        ("Valencia", {"Europe/Madrid", "America/Caracas"}),
        ("Birmingham", {"Europe/London", "America/Chicago"}),
        ("Spain", {"Europe/Madrid", "Atlantic/Canary"}),
        ("España", {"Europe/Madrid", "Atlantic/Canary"}),
        ("Portugal", {"Europe/Lisbon", "Atlantic/Azores"}),
        (
            "United States",
            {
                "America/New_York",
                "America/Chicago",
                "America/Denver",
                "America/Phoenix",
                "America/Los_Angeles",
                "America/Anchorage",
                "America/Adak",
                "Pacific/Honolulu",
            },
        ),
    ],
)
def test_names_with_several_zones_ask_which(name: str, expected: set[str]) -> None:
    with pytest.raises(ChoiceNeeded) as asked:
        resolve_zone(name)
    assert set(asked.value.choices) == expected
    for zone in expected:
        assert zone in asked.value.message
    # The autocomplete offers the same choices when the name is typed.
    assert expected <= {c.value for c in zone_choices(name)}


def test_united_states_choices_are_named_after_their_cities() -> None:
    with pytest.raises(ChoiceNeeded) as asked:
        resolve_zone("USA")
    assert "United States: New York" in asked.value.message
    assert "Los Angeles · America/Los_Angeles" in asked.value.message


@pytest.mark.parametrize(
    "name",
    ["Mars/Olympus", "Atlantis", "../etc/passwd", "Europe/Paris\x00", "zone.tab", "tzdata.zi",
     "__init__.py", "Europe", "x" * 500],
)  # fmt: skip
def test_unknown_names_are_refused_with_examples(name: str) -> None:
    with pytest.raises(InvalidInput, match="is not a time zone I know") as refused:
        resolve_zone(name)
    assert "Europe/Paris" in str(refused.value) and "Lisboa" in str(refused.value)


def test_nothing_given_asks_for_a_zone() -> None:
    with pytest.raises(InvalidInput, match="Please choose a time zone"):
        resolve_zone("  ")


# --- autocomplete ---


def test_typing_a_city_offers_it_first() -> None:
    assert zone_choices("paris")[0].value == "Europe/Paris"
    assert zone_choices("paris")[0].label == "Paris (France) · Europe/Paris"
    assert zone_choices("lisboa")[0].value == "Europe/Lisbon"
    assert zone_choices("new y")[0].value == "America/New_York"


def test_labels_use_the_users_language() -> None:
    assert zone_choices("irlande", locale="fr")[0].label == "Irlande · Europe/Dublin"
    assert zone_choices("lyon", locale="de")[0].label == "Lyon (Frankreich) · Europe/Paris"


def test_nothing_typed_offers_the_users_country_first() -> None:
    us = zone_choices("", locale="en-US")
    assert us[0].value == "America/New_York"
    assert {"America/Chicago", "America/Los_Angeles"} <= {c.value for c in us}
    assert zone_choices("", locale="fr")[0].value == "Europe/Paris"
    assert zone_choices("", locale="de")[0].value == "Europe/Berlin"
    assert zone_choices("")[0].value == "UTC"


@pytest.mark.parametrize(
    "typed", ["", "a", "pa", "port", "united", "america/", "new", "san", "x" * 200, "é", "/"]
)
def test_every_choice_fits_discord_and_resolves_to_itself(typed: str) -> None:
    choices = zone_choices(typed, locale="en-US")
    assert len(choices) <= 25
    assert len({c.value for c in choices}) == len(choices)
    for choice in choices:
        assert 1 <= len(choice.label) <= 100 and len(choice.value) <= 100
        assert resolve_zone(choice.value).key == choice.value


# --- the city table is honest ---


def _zone_countries() -> dict[str, str]:
    text = files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    return {row[2]: row[0] for row in rows}


def test_every_place_in_the_table_lies_in_its_zones_country() -> None:
    countries = _zone_countries()
    available = zoneinfo.available_timezones()
    lines = PLACES.strip().splitlines()
    assert len(lines) > 100
    for line in lines:
        names, country, zone, *_ = line.split(";")
        assert zone in available, line
        assert countries.get(zone) == country, line
        assert all(name.strip() == name and name for name in names.split("|")), line
