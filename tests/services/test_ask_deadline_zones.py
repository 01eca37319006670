"""An ask's deadline keeps the zone it was typed in: read in the zone that defaults when none is
given, said back in words, and shown on that wall clock by the edit form."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import InvalidInput
from bot.services import asks, timezones
from tests.conftest import both_backends
from tests.services.conftest import COORD, World

pytestmark = both_backends


async def create(world: World, deadline: str, tz: str | None = None) -> asks.AskCreated:
    return await world(
        asks.create_ask,
        COORD,
        coalition_id=world.rhone,
        title="Safe school streets",
        target="Prefecture",
        text="Close school streets to cars at school times.",
        deadline_text=deadline,
        tz_name=tz,
    )


async def test_a_deadline_is_read_in_the_zone_that_defaults_and_said_back(world: World) -> None:
    with pytest.raises(InvalidInput, match="Which time zone"):
        await create(world, "2036-06-10 18:00")
    await world(
        timezones.set_coalition_timezone, COORD, coalition_id=world.rhone, timezone="Lisboa"
    )
    made = await create(world, "2036-06-10 18:00")
    assert made.deadline == datetime(2036, 6, 10, 17, 0, tzinfo=UTC)  # 18:00 in Lisbon (WEST)
    assert made.deadline_reading == "read as Tuesday 10 June 2036, 18:00 Europe/Lisbon"
    form = await world(asks.edit_form, COORD, made.id)
    assert form.deadline_zone == "Europe/Lisbon"
    assert form.deadline_boxes == ("2036-06-10 18:00", "Europe/Lisbon")


async def test_an_edit_keeps_the_asks_zone_unless_another_is_given(world: World) -> None:
    made = await create(world, "2036-06-10 18:00", "Paris")
    assert made.deadline == datetime(2036, 6, 10, 16, 0, tzinfo=UTC)
    # No zone given: read in the zone the deadline was set in (not the coalition's or server's).
    await world(timezones.set_coalition_timezone, COORD, coalition_id=world.rhone, timezone="UTC")
    moved = await world(asks.edit_ask, COORD, ask_id=made.id, deadline_text="2036-06-17 18:00")
    assert moved.deadline == datetime(2036, 6, 17, 16, 0, tzinfo=UTC)
    assert moved.deadline_reading == "read as Tuesday 17 June 2036, 18:00 Europe/Paris"
    assert (await world(asks.edit_form, COORD, made.id)).deadline_boxes == (
        "2036-06-17 18:00",
        "Europe/Paris",
    )
    # Another zone given: read in it, and kept from now on.
    other = await world(
        asks.edit_ask, COORD, ask_id=made.id, deadline_text="2036-06-17 18:00", tz_name="New York"
    )
    assert other.deadline == datetime(2036, 6, 17, 22, 0, tzinfo=UTC)
    assert (await world(asks.edit_form, COORD, made.id)).deadline_zone == "America/New_York"
    # A text-only edit says no reading; clearing the deadline forgets its zone.
    text = await world(asks.edit_ask, COORD, ask_id=made.id, text="Close them at all times.")
    assert text.deadline_reading == "" and text.deadline == other.deadline
    await world(asks.edit_ask, COORD, ask_id=made.id, clear_deadline=True)
    form = await world(asks.edit_form, COORD, made.id)
    assert form.deadline is None and form.deadline_zone is None
    assert form.deadline_boxes == ("", "")


async def test_an_edit_in_the_users_locale(world: World) -> None:
    """Discord's locale decides how a numeric date is read: month first for en-US."""
    made = await create(world, "2036-06-10 18:00", "Paris")
    us = await world(
        asks.edit_ask,
        COORD,
        ask_id=made.id,
        deadline_text="7/4/2036 10:00",
        locale="en-US",
    )
    assert us.deadline == datetime(2036, 7, 4, 8, 0, tzinfo=UTC)
    gb = await world(
        asks.edit_ask,
        COORD,
        ask_id=made.id,
        deadline_text="7/4/2036 10:00",
        locale="en-GB",
    )
    assert gb.deadline == datetime(2036, 4, 7, 8, 0, tzinfo=UTC)
