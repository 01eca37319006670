"""Both backends side by side: every hostile example runs on SQLite and on PostgreSQL, and the
two must agree (same accept/refuse decision, same message, same stored value).

Hypothesis drives synchronous tests, so these fixtures run their own event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from bot.db.engine import create_engine, create_session_factory
from bot.db.uow import UnitOfWorkFactory
from bot.errors import UserFacingError
from tests.conftest import IN_CI
from tests.databases import PostgresDatabase, SqliteTemplate
from tests.seed import World, build_world


@dataclass(frozen=True)
class Outcome:
    """What one backend did with one input: the value stored, or the refusal."""

    accepted: bool
    value: Any = None  # what was read back from the database
    refusal: str | None = None  # the message shown to the user
    refusal_type: str | None = None


Step = Callable[[World], Awaitable[Any]]


@dataclass
class Backends:
    loop: asyncio.AbstractEventLoop
    worlds: dict[str, World]

    def run(self, write: Step, read: Callable[[World, Any], Awaitable[Any]]) -> dict[str, Outcome]:
        """``write`` on each backend (its own unit of work); on success ``read`` back."""

        async def one(world: World) -> Outcome:
            try:
                result = await write(world)
            except UserFacingError as exc:
                return Outcome(False, refusal=exc.message, refusal_type=type(exc).__name__)
            return Outcome(True, value=await read(world, result))

        return {
            name: self.loop.run_until_complete(one(world)) for name, world in self.worlds.items()
        }

    def call(self, name: str, fn: Callable[[World], Awaitable[Any]]) -> Any:
        return self.loop.run_until_complete(fn(self.worlds[name]))


@pytest.fixture
def backends(request: pytest.FixtureRequest, sqlite_template: SqliteTemplate) -> Iterator[Backends]:
    loop = asyncio.new_event_loop()
    engines = []
    try:
        urls = {"sqlite": loop.run_until_complete(sqlite_template.fresh())}
        pg: PostgresDatabase = request.getfixturevalue("postgres_database")
        loop.run_until_complete(pg.ensure())
        if pg.error:
            if IN_CI:
                pytest.fail(pg.error, pytrace=False)
            pytest.skip(pg.error)
        loop.run_until_complete(pg.truncate())
        urls["postgresql"] = pg.url
        worlds = {}
        for name, url in urls.items():
            engine = create_engine(url)
            engines.append(engine)
            factory = UnitOfWorkFactory(create_session_factory(engine))
            worlds[name] = loop.run_until_complete(build_world(factory))
        yield Backends(loop, worlds)
    finally:
        for engine in engines:
            loop.run_until_complete(engine.dispose())
        loop.close()
