"""A small standard world, built through the services themselves.

Guild 1 has two coalitions: "Rhône Climate" (coordinator 10) with Lyon and Grenoble as
members, and "Alpine Peers" (coordinator 11) with no members. Lyon has a verified
representative (100, "Deputy Mayor for Climate"), Grenoble one (101), Annecy a pending request
(102). An open ask sits in Rhône Climate. Guild 2 is another world with its own coalition.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest

from bot.db.uow import UnitOfWorkFactory
from bot.services import asks, cities, coalitions
from bot.services.common import Actor

T = TypeVar("T")

GUILD = 1
OTHER_GUILD = 2

ADMIN = Actor(GUILD, 1, is_admin=True)
COORD = Actor(GUILD, 10)
COORD_B = Actor(GUILD, 11)
REP_LYON = Actor(GUILD, 100)
REP_GRENOBLE = Actor(GUILD, 101)
PENDING = Actor(GUILD, 102)
STRANGER = Actor(GUILD, 999)
OTHER_ADMIN = Actor(OTHER_GUILD, 2, is_admin=True)


async def run(
    uow_factory: UnitOfWorkFactory, fn: Callable[..., Awaitable[T]], *a: Any, **kw: Any
) -> T:
    """One command: its own unit of work, committed on success, rolled back on error."""
    async with uow_factory() as uow:
        return await fn(uow, *a, **kw)


@dataclass
class World:
    uow: UnitOfWorkFactory
    rhone: int
    alpine: int
    other_coalition: int
    lyon: int
    grenoble: int
    annecy: int
    zurich: int
    other_city: int
    ask: int
    other_ask: int

    async def __call__(self, fn: Callable[..., Awaitable[T]], *a: Any, **kw: Any) -> T:
        return await run(self.uow, fn, *a, **kw)


@pytest.fixture
async def world(uow_factory: UnitOfWorkFactory) -> World:
    async with uow_factory() as uow:
        rhone = await coalitions.create_coalition(
            uow, COORD, name="Rhône Climate", kind="metro-area partnership"
        )
        alpine = await coalitions.create_coalition(
            uow, COORD_B, name="Alpine Peers", kind="peer group"
        )
        other = await coalitions.create_coalition(
            uow, OTHER_ADMIN, name="Rhône Climate", kind="city partnership"
        )
        ids = {}
        for name, country in [
            ("Lyon", "France"),
            ("Grenoble", "France"),
            ("Annecy", "France"),
            ("Zürich", "Switzerland"),
        ]:
            ids[name] = (await cities.add_city(uow, ADMIN, name=name, country=country)).id
        other_city = (await cities.add_city(uow, OTHER_ADMIN, name="Lyon", country="France")).id
        await cities.verify_representative(
            uow, ADMIN, city_id=ids["Lyon"], user_id=100, title="Deputy Mayor for Climate"
        )
        await cities.verify_representative(uow, ADMIN, city_id=ids["Grenoble"], user_id=101)
        await cities.request_representation(uow, PENDING, ids["Annecy"])
        await coalitions.join_coalition(uow, REP_LYON, coalition_id=rhone.id)
        await coalitions.join_coalition(uow, REP_GRENOBLE, coalition_id=rhone.id)
        ask = await asks.create_ask(
            uow,
            COORD,
            coalition_id=rhone.id,
            title="Car-free city centres by 2030",
            target="Prefect of the Auvergne-Rhône-Alpes region",
            text="We ask the Prefect to:\n- support car-free centres\n- fund bike lanes",
        )
        other_ask = await asks.create_ask(
            uow, OTHER_ADMIN, coalition_id=other.id, title="Other", target="T", text="Body"
        )
    return World(
        uow=uow_factory,
        rhone=rhone.id,
        alpine=alpine.id,
        other_coalition=other.id,
        lyon=ids["Lyon"],
        grenoble=ids["Grenoble"],
        annecy=ids["Annecy"],
        zurich=ids["Zürich"],
        other_city=other_city,
        ask=ask.id,
        other_ask=other_ask.id,
    )
