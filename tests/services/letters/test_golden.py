"""The letter's Markdown, byte for byte, against reviewed golden files (both backends)."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from bot.db.models import City
from bot.services import asks, cities, coalitions, letters, statements
from bot.services.common import Actor
from tests.conftest import both_backends
from tests.seed import sign_on
from tests.services.letters.conftest import (
    ADMIN,
    COORD,
    GUILD,
    REP_ANNECY,
    REP_LYON,
    SIGNED_AT,
    TODAY,
    World,
    assert_golden,
    set_signed_at,
)

pytestmark = both_backends


async def export(w: World, order: str = "alphabetical") -> bytes:
    file = await w(letters.export, COORD, ask_id=w.ask, order=order, today=TODAY)
    return file.content


@pytest.mark.parametrize("order", ["alphabetical", "signing_date", "population"])
async def test_small_coalition_in_each_order(letter_world: World, order: str) -> None:
    assert_golden(f"coalition_{order}", await export(letter_world, order))


async def test_withdrawn_city_and_its_statement_are_left_out(letter_world: World) -> None:
    w = letter_world
    await w(asks.withdraw, REP_ANNECY, ask_id=w.ask, reason="Council vote postponed")
    content = await export(w)
    assert b"Annecy" not in content and b"pilot a car-free old town" not in content
    assert_golden("withdrawal", content)


async def test_only_reconfirmed_cities_after_an_edit(letter_world: World) -> None:
    w = letter_world
    await w(
        asks.edit_ask,
        COORD,
        ask_id=w.ask,
        text="We ask the Prefect to make every city centre car-free by 2030.",
    )
    await w(asks.reconfirm, REP_LYON, ask_id=w.ask, city_id=None, version=2)
    content = await export(w)
    assert content.count(b"| Lyon |") == 1
    for name in (b"Grenoble", b"Annecy", b"Z\xc3\xbcrich"):
        assert name not in content
    assert_golden("reconfirmation", content)


async def test_hostile_text_keeps_its_words_not_its_power(world: World) -> None:
    w = world
    evil = Actor(GUILD, 666)
    async with w.uow() as uow:
        city = await cities.add_city(uow, ADMIN, name="*Evil* | City", country="<b>Nowhere</b>")
        await uow.session.execute(update(City).where(City.id == city.id).values(population=1))
        await cities.verify_representative(
            uow, ADMIN, city_id=city.id, user_id=evil.user_id, title="# Mayor | of `evil`"
        )
        await coalitions.join_coalition(uow, evil, coalition_id=w.rhone)
    await w(sign_on, evil, ask_id=w.ask)
    await set_signed_at(w, city.id, SIGNED_AT["lyon"])
    await w(
        statements.submit,
        evil,
        ask_id=w.ask,
        city_id=None,
        body=(
            "# Heading\n---\n<script>alert('x')</script>\n| a | b |\n|---|---|\n> quoted\n"
            "  indented code?\n1. list\n* star\n[link](http://x) ![img](y) &amp; `code`\n"
            "===\n\n\n\nSecond paragraph ends with a backslash \\"
        ),
        signatory_name="**Bold** _Name_",
        signatory_title="Title | with pipe",
    )
    await w(
        letters.save_settings,
        COORD,
        ask_id=w.ask,
        opening="## Not a heading\n\n- not a list",
        closing="</table> ~~struck~~",
        sender="> The sender",
    )
    content = await export(w)
    assert_golden("escaping", content)
