"""Autocomplete: scoped to the guild, folded matching anywhere, at most 25, one query."""

from __future__ import annotations

from sqlalchemy import insert

from bot.db.models import City
from bot.services import asks, autocomplete, cities, coalitions
from bot.services.common import Actor, fold
from bot.services.lookups import parse_choice_id
from tests.conftest import both_backends
from tests.services.conftest import ADMIN, COORD, COORD_B, GUILD, OTHER_ADMIN, REP_LYON, World

pytestmark = both_backends


async def test_cities_folded_substring_and_guild_scoped(world: World) -> None:
    choices = await world(autocomplete.cities, ADMIN, "URI")
    assert [c.label for c in choices] == ["Zürich (Switzerland)"]
    assert choices[0].value == str(world.zurich)
    assert [c.label for c in await world(autocomplete.cities, ADMIN, "lyo")] == ["Lyon (France)"]
    assert [c.value for c in await world(autocomplete.cities, OTHER_ADMIN, "")] == [
        str(world.other_city)
    ]
    # LIKE wildcards typed by the user are literal.
    assert await world(autocomplete.cities, ADMIN, "%") == []
    assert await world(autocomplete.cities, ADMIN, "_") == []


async def test_at_most_25_and_labels_fit(world: World) -> None:
    async with world.uow() as uow:
        await uow.session.execute(
            insert(City),
            [
                {
                    "guild_id": GUILD,
                    "name": f"Saint-Étienne-{i:02d}-" + "x" * 75,
                    "country": "France",
                    "name_key": fold(f"Saint-Étienne-{i:02d}-" + "x" * 75),
                    "country_key": "france",
                    "created_by": 1,
                }
                for i in range(40)
            ],
        )
    choices = await world(autocomplete.cities, ADMIN, "etienne")
    assert len(choices) == 25 and all(len(c.label) <= 100 for c in choices)
    assert choices[0].label.startswith("Saint-Étienne-00")


async def test_my_cities_puts_verified_first(world: World) -> None:
    await world(cities.verify_representative, ADMIN, city_id=world.zurich, user_id=100)
    choices = await world(autocomplete.my_cities, REP_LYON, "")
    assert [c.label for c in choices] == [
        "Lyon (France) · yours",
        "Zürich (Switzerland) · yours",
        "Annecy (France)",
        "Grenoble (France)",
    ]


async def test_coalitions_exclude_archived_unless_asked(world: World) -> None:
    await world(coalitions.archive_coalition, COORD_B, world.alpine)
    assert [c.label for c in await world(autocomplete.coalitions, ADMIN, "")] == ["Rhône Climate"]
    labels = [
        c.label for c in await world(autocomplete.coalitions, ADMIN, "", include_archived=True)
    ]
    assert labels == ["Alpine Peers (archived)", "Rhône Climate"]
    assert [c.label for c in await world(autocomplete.coalitions, ADMIN, "RHONE")] == [
        "Rhône Climate"
    ]


async def test_asks_mine_first_and_matching(world: World) -> None:
    alpine_ask = await world(
        asks.create_ask,
        COORD_B,
        coalition_id=world.alpine,
        title="Électrification",
        target="T",
        text="x",
    )
    # The Lyon representative's city is in Rhône Climate: its ask comes first for them.
    mine = await world(autocomplete.asks, REP_LYON, "")
    assert [c.value for c in mine] == [str(world.ask), str(alpine_ask.id)]
    # The Alpine coordinator sees theirs first.
    theirs = await world(autocomplete.asks, COORD_B, "")
    assert [c.value for c in theirs] == [str(alpine_ask.id), str(world.ask)]
    assert [c.value for c in await world(autocomplete.asks, Actor(GUILD, 5), "electri")] == [
        str(alpine_ask.id)
    ]
    # Matching the coalition's name works too; other guilds never show up.
    assert [c.label for c in await world(autocomplete.asks, ADMIN, "rhone")] == [
        "Car-free city centres by 2030 — Rhône Climate"
    ]
    assert [c.value for c in await world(autocomplete.asks, OTHER_ADMIN, "")] == [
        str(world.other_ask)
    ]
    await world(asks.close_ask, COORD, world.ask)
    assert (await world(autocomplete.asks, REP_LYON, "car"))[0].label.endswith("(closed)")
    assert await world(autocomplete.asks, REP_LYON, "car", open_only=True) == []


async def test_parse_choice_id(world: World) -> None:
    import pytest

    from bot.errors import NotFound

    assert parse_choice_id(" 12 ") == 12
    for bad in ["Lyon", "", None, "-3", str(2**40)]:
        with pytest.raises(NotFound, match="Pick one from the list"):
            parse_choice_id(bad, "city")
