"""Shared fixtures, and the end-of-run check that no secret reached a log line.

Fixtures: real databases on SQLite and PostgreSQL, and a unit-of-work factory.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.db.engine import create_engine, create_session_factory
from bot.db.uow import UnitOfWorkFactory
from tests import command_coverage, secrets_tap
from tests.databases import PostgresDatabase, SqliteTemplate

IN_CI = bool(os.environ.get("CI"))

E2E_TESTS = Path(__file__).parent / "e2e"
# A full run (this many tests, end-to-end ones among them) must also have seen secrets and
# log lines; in a partial run only a leak fails.
FULL_RUN_MIN_TESTS = 50
_LEAK_PROBLEMS = pytest.StashKey[list[str]]()
_UNCOVERED = pytest.StashKey[list[str]]()


def pytest_configure(config: pytest.Config) -> None:
    secrets_tap.install()


def _full_run(session: pytest.Session) -> bool:
    if session.exitstatus != pytest.ExitCode.OK:  # interrupted or failed: it ran only part
        return False
    items: list[pytest.Item] = getattr(session, "items", [])
    return len(items) >= FULL_RUN_MIN_TESTS and any(
        E2E_TESTS in item.path.parents for item in items
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # Every log line of the run has been written: no secret may be among them.
    problems = secrets_tap.leak_problems(full_run=_full_run(session))
    session.config.stash[_LEAK_PROBLEMS] = problems
    uncovered = command_coverage.problems(session)
    session.config.stash[_UNCOVERED] = uncovered
    if (problems or uncovered) and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    uncovered = config.stash.get(_UNCOVERED, [])
    if uncovered:
        terminalreporter.section("command coverage check failed", sep="=", red=True, bold=True)
        for line in uncovered:
            terminalreporter.line(line, red=True)
    problems = config.stash.get(_LEAK_PROBLEMS, [])
    if problems:
        terminalreporter.section("secrets check failed", sep="=", red=True, bold=True)
        for problem in problems:
            terminalreporter.line(problem, red=True)
    elif secrets_tap.SECRETS:
        terminalreporter.line(
            f"secrets check: no secret in {len(secrets_tap.TAP.texts)} log lines "
            f"({len(secrets_tap.SECRETS)} secrets registered)"
        )


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
