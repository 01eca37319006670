"""Letters and statements: the standard world plus a four-city coalition with fixed dates.

``letter_world`` adds to tests/seed.py's world: Annecy (representative 102, "Mayor") and Zürich
(representative 103, "Stadträtin für Umwelt") verified and joined to Rhône Climate, populations
for every city, and all four cities signed at fixed dates, so a letter renders the same bytes
every time, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.db.models import City, SignOn
from bot.services import cities, coalitions, statements
from bot.services.common import Actor
from tests.seed import (  # noqa: F401  (the world fixture)
    ADMIN,
    COORD,
    GUILD,
    REP_GRENOBLE,
    REP_LYON,
    World,
    sign_on,
    world,
)

TODAY = date(2026, 11, 28)
REP_ANNECY = Actor(GUILD, 102)
REP_ZURICH = Actor(GUILD, 103)
GOLDEN = Path(__file__).parent / "golden"

POPULATIONS = {"lyon": 522_250, "grenoble": 158_198, "annecy": 131_272, "zurich": 421_878}
SIGNED_AT = {
    "grenoble": datetime(2026, 10, 1, 9, 0, tzinfo=UTC),
    "zurich": datetime(2026, 10, 5, 16, 30, tzinfo=UTC),
    "lyon": datetime(2026, 10, 10, 8, 15, tzinfo=UTC),
    "annecy": datetime(2026, 10, 20, 23, 59, tzinfo=UTC),
}
REPS = {"lyon": REP_LYON, "grenoble": REP_GRENOBLE, "annecy": REP_ANNECY, "zurich": REP_ZURICH}

LYON_STATEMENT = (
    "Lyon has closed its Presqu'île to through traffic since 2024.\n\n"
    "We support this ask because:\n"
    "- air quality improved by 20%\n"
    "- shops reported more visitors"
)
ZURICH_STATEMENT = (
    "Zürich unterstützt diese Forderung.\n\nNous soutenons aussi la version française."
)
ANNECY_STATEMENT = "Annecy will pilot a car-free old town in 2027."


def city_ids(w: World) -> dict[str, int]:
    return {"lyon": w.lyon, "grenoble": w.grenoble, "annecy": w.annecy, "zurich": w.zurich}


async def set_signed_at(w: World, city_id: int, when: datetime) -> None:
    async with w.uow() as uow:
        await uow.session.execute(
            update(SignOn)
            .where(SignOn.ask_id == w.ask, SignOn.city_id == city_id)
            .values(signed_at=when, confirmed_at=when)
        )


async def build_letter_world(w: World) -> World:
    async with w.uow() as uow:
        await cities.verify_representative(
            uow, ADMIN, city_id=w.annecy, user_id=REP_ANNECY.user_id, title="Mayor"
        )
        await cities.verify_representative(
            uow, ADMIN, city_id=w.zurich, user_id=REP_ZURICH.user_id, title="Stadträtin für Umwelt"
        )
        await coalitions.join_coalition(uow, REP_ANNECY, coalition_id=w.rhone)
        await coalitions.join_coalition(uow, REP_ZURICH, coalition_id=w.rhone)
        for key, city_id in city_ids(w).items():
            await uow.session.execute(
                update(City).where(City.id == city_id).values(population=POPULATIONS[key])
            )
    for key, actor in REPS.items():
        await w(sign_on, actor, ask_id=w.ask)
        await set_signed_at(w, city_ids(w)[key], SIGNED_AT[key])
    for actor, body, name, title in [
        (REP_LYON, LYON_STATEMENT, "Léa Martin", "Deputy Mayor for Climate"),
        (REP_ZURICH, ZURICH_STATEMENT, "Anna Müller", None),
        (REP_ANNECY, ANNECY_STATEMENT, "Paul Dubois", "Mayor"),
    ]:
        await w(
            statements.submit,
            actor,
            ask_id=w.ask,
            city_id=None,
            body=body,
            signatory_name=name,
            signatory_title=title,
        )
    return w


@pytest.fixture
async def letter_world(world: World) -> World:  # noqa: F811
    return await build_letter_world(world)


def assert_golden(name: str, content: bytes) -> None:
    """Compare with tests/services/letters/golden/<name>.md; UPDATE_GOLDEN=1 rewrites the file."""
    path = GOLDEN / f"{name}.md"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_bytes(content)
    assert path.exists(), f"no golden file {path.name}: run with UPDATE_GOLDEN=1 and review it"
    expected = path.read_bytes()
    assert content.decode() == expected.decode(), f"letter differs from golden/{path.name}"
    assert content == expected
