"""Two representatives of one city answer the same action at the same moment (issue 13, item 4).

Both used to read "no current answer" (or the same one), both inserted, and the loser hit the
unique index on the city's current answer: "Something went wrong (ref …)". Now each answer is
recorded in turn, and the later one says what it replaced.

Each transaction is held right after it read the city's current answer until the other one
has read it too (or a second has passed), which is exactly the interleaving that broke.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.db.engine import create_engine
from bot.db.models import Rsvp
from bot.db.uow import UnitOfWorkFactory
from bot.services import actions, cities
from bot.services.common import Actor
from tests.conftest import both_backends
from tests.seed import ADMIN, GUILD, REP_LYON, World
from tests.services.actions.test_actions import NOW, schedule

pytestmark = both_backends

SECOND_LYON_REP = Actor(GUILD, 200)


class Meeting:
    """Whoever arrives first waits (at most ``patience`` seconds) for the second."""

    def __init__(self, patience: float = 1.0) -> None:
        self.arrived = 0
        self.both = asyncio.Event()
        self.patience = patience

    async def arrive(self) -> None:
        self.arrived += 1
        if self.arrived >= 2:
            self.both.set()
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.both.wait(), self.patience)


class PausingSession(AsyncSession):
    def __init__(self, *args: Any, meeting: Meeting, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.meeting = meeting

    async def scalar(self, statement: Any, *args: Any, **kw: Any) -> Any:
        result = await super().scalar(statement, *args, **kw)
        if isinstance(statement, Select) and any(
            d.get("entity") is Rsvp for d in statement.column_descriptions
        ):
            await self.meeting.arrive()
        return result


@pytest.fixture
def clock() -> FakeClock:
    """The time the actions of tests.services.actions.test_actions are scheduled at."""
    return FakeClock(NOW)


@pytest.fixture
async def two_processes(
    database_url: str, clock: FakeClock
) -> AsyncIterator[list[UnitOfWorkFactory]]:
    """Two engines (as two bot processes would have) whose sessions pause as described."""
    meeting = Meeting()
    engines = [create_engine(database_url), create_engine(database_url)]
    try:
        yield [
            UnitOfWorkFactory(
                async_sessionmaker(
                    engine,
                    class_=PausingSession,
                    expire_on_commit=False,
                    autoflush=False,
                    meeting=meeting,
                ),
                clock=clock,
            )
            for engine in engines
        ]
    finally:
        for engine in engines:
            await engine.dispose()


async def _answer(factory: UnitOfWorkFactory, actor: Actor, action_id: int, response: str):  # type: ignore[no-untyped-def]
    async with factory() as uow:
        return await actions.rsvp(uow, actor, action_id=action_id, response=response)


async def _current(world: World, action_id: int) -> list[str]:
    async with world.uow() as uow:
        return list(
            (
                await uow.session.scalars(
                    select(Rsvp.response).where(
                        Rsvp.action_id == action_id, Rsvp.superseded_at.is_(None)
                    )
                )
            ).all()
        )


@pytest.mark.parametrize("answered_before", [False, True], ids=["first-answer", "change"])
async def test_two_representatives_answering_at_once_both_get_a_clean_answer(
    world: World, two_processes: list[UnitOfWorkFactory], answered_before: bool
) -> None:
    await world(
        cities.verify_representative, ADMIN, city_id=world.lyon, user_id=SECOND_LYON_REP.user_id
    )
    action = (await schedule(world)).action
    if answered_before:
        await world(actions.rsvp, REP_LYON, action_id=action.id, response="maybe")
    first, second = two_processes
    results = await asyncio.gather(
        _answer(first, REP_LYON, action.id, "going"),
        _answer(second, SECOND_LYON_REP, action.id, "not_going"),
        return_exceptions=True,
    )
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, f"an answer failed instead of being recorded: {errors!r}"
    ours, theirs = results
    assert isinstance(ours, actions.RsvpResult) and isinstance(theirs, actions.RsvpResult)
    # One went first; the other saw its answer and replaced it, saying so.
    earlier, later = (ours, theirs) if theirs.previous == ours.response else (theirs, ours)
    assert later.previous == earlier.response, (ours, theirs)
    assert earlier.previous == ("maybe" if answered_before else None)
    assert await _current(world, action.id) == [later.response]
