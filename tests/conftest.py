"""Shared fixtures: real databases on SQLite and PostgreSQL, and a unit-of-work factory."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import pytest

from bot.db.engine import create_engine, create_session_factory
from bot.db.uow import UnitOfWorkFactory
from tests import secrets_tap
from tests.db import PostgresDatabase, SqliteTemplate

IN_CI = bool(os.environ.get("CI"))


def pytest_configure(config: pytest.Config) -> None:
    secrets_tap.install()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The secrets check reads every log line of the run, so it goes last of all.
    last = [i for i in items if i.nodeid.endswith("test_no_secret_reached_any_log")]
    for item in last:
        items.remove(item)
        items.append(item)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    return SqliteTemplate(tmp_path_factory.mktemp("sqlite"))


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[PostgresDatabase]:
    db = PostgresDatabase()
    yield db
    db.drop()


async def _require_postgres(db: PostgresDatabase) -> None:
    await db.ensure()
    if db.error:
        if IN_CI:
            pytest.fail(db.error, pytrace=False)
        pytest.skip(db.error)


@pytest.fixture
async def database_url(
    request: pytest.FixtureRequest, sqlite_template: SqliteTemplate
) -> AsyncIterator[str]:
    """A migrated, empty database: SQLite by default, PostgreSQL when parametrised so."""
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        yield await sqlite_template.fresh()
        return
    db: PostgresDatabase = request.getfixturevalue("postgres_database")
    await _require_postgres(db)
    await db.truncate()
    yield db.url


# Use as: @both_backends on a test (or module: pytestmark = both_backends) taking database_url.
both_backends = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
async def uow_factory(database_url: str) -> AsyncIterator[UnitOfWorkFactory]:
    engine = create_engine(database_url)
    try:
        yield UnitOfWorkFactory(create_session_factory(engine))
    finally:
        await engine.dispose()
