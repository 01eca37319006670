"""Standard worlds for tests, built through the services themselves.

Service tests: the ``world`` fixture (re-exported by tests/services/conftest.py).

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
from sqlalchemy import delete

from bot.db.models import OutboxMessage
from bot.db.uow import UnitOfWork, UnitOfWorkFactory
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


async def sign_on(
    uow: UnitOfWork,
    actor: Actor,
    *,
    ask_id: int,
    city_id: int | None = None,
    note: str | None = None,
) -> asks.SignResult:
    """The city signs in one step: /ask sign's prompt and its Confirm button, as a user would."""
    prompt = await asks.prepare_sign(uow, actor, ask_id=ask_id, city_id=city_id)
    return await asks.confirm_sign(
        uow, actor, ask_id=ask_id, city_id=prompt.city_id, version=prompt.version, note=note
    )


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
    return await build_world(uow_factory)


async def build_world(uow_factory: UnitOfWorkFactory) -> World:
    async with uow_factory() as uow:
        # Created as if allowed to (by default only admins create coalitions).
        rhone = await coalitions.create_coalition(
            uow,
            Actor(GUILD, COORD.user_id, is_admin=True),
            name="Rhône Climate",
            kind="metro-area partnership",
        )
        alpine = await coalitions.create_coalition(
            uow,
            Actor(GUILD, COORD_B.user_id, is_admin=True),
            name="Alpine Peers",
            kind="peer group",
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


@dataclass
class E2ESeed:
    """Ids created by ``seed_e2e`` in the emulator's server A."""

    coalition: int
    lyon: int
    grenoble: int
    marseille: int
    ask: int


async def seed_e2e(world: Any, *, with_ask: bool = True) -> E2ESeed:
    """For end-to-end tests: cora coordinates "Alpine Climate Pact"; Lyon (lena, Deputy Mayor
    for Climate), Grenoble (gus) and Marseille (mia, who has closed DMs) are verified, member
    cities; an open ask "Car-free centres by 2030". Ada is the server admin; sam a stranger."""
    g = world.guild.id
    admin = Actor(g, world.ada.id, is_admin=True)
    async with world.uow() as uow:
        coalition = await coalitions.create_coalition(
            uow,
            Actor(g, world.cora.id, is_admin=True),  # as if allowed to create coalitions
            name="Alpine Climate Pact",
            kind="city partnership",
            channel_id=world.channels["coalition"].id,
        )
        made = {}
        for name, user, title in [
            ("Lyon", world.lena, "Deputy Mayor for Climate"),
            ("Grenoble", world.gus, "Climate Officer"),
            ("Marseille", world.mia, "Mayor"),
        ]:
            city = await cities.add_city(uow, admin, name=name, country="France")
            made[name] = city.id
            await cities.verify_representative(
                uow, admin, city_id=city.id, user_id=user.id, title=title
            )
            await coalitions.join_coalition(
                uow, Actor(g, user.id), coalition_id=coalition.id, city_id=city.id
            )
        ask_id = 0
        if with_ask:
            ask = await asks.create_ask(
                uow,
                Actor(g, world.cora.id),
                coalition_id=coalition.id,
                title="Car-free centres by 2030",
                target="Ministry of Ecological Transition",
                text="We ask the Ministry to fund car-free city centres by 2030.",
            )
            ask_id = ask.id
        # The seeded past is already told: the ask's announcement is not posted again.
        await uow.session.execute(delete(OutboxMessage))
    return E2ESeed(
        coalition=coalition.id,
        lyon=made["Lyon"],
        grenoble=made["Grenoble"],
        marseille=made["Marseille"],
        ask=ask_id,
    )
