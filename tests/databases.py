"""Real test databases: a migrated SQLite file per test and one PostgreSQL database per session.

The PostgreSQL server is the one at 127.0.0.1:5432 (user ``postgres``, trust auth). With ``CI``
set an unreachable server fails the run; otherwise PostgreSQL tests skip with one reason.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from pathlib import Path

import asyncpg

from bot.db.base import Base
from bot.db.migrate import upgrade_to_head

PG_HOST = os.environ.get("TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("TEST_PG_USER", "postgres")
PG_SKIP_REASON = (
    f"PostgreSQL is not reachable at {PG_HOST}:{PG_PORT} (user {PG_USER}); "
    "start it or set CI=1 to make this an error"
)


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def pg_url(database: str) -> str:
    return f"postgresql+asyncpg://{PG_USER}@{PG_HOST}:{PG_PORT}/{database}"


async def _pg_admin(sql: str) -> None:
    conn = await asyncpg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, database="postgres", timeout=5
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


class SqliteTemplate:
    """Migrate one SQLite file per test session; each test gets a copy (fast, and real)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.template = folder / "template.db"
        self._ready = False

    async def fresh(self) -> str:
        if not self._ready:
            await upgrade_to_head(sqlite_url(self.template))
            self._ready = True
        target = self.folder / f"test-{uuid.uuid4().hex[:12]}.db"
        shutil.copyfile(self.template, target)
        return sqlite_url(target)


class PostgresDatabase:
    """One freshly created and migrated database for the whole test session, dropped at the end.

    Each test starts from empty tables (TRUNCATE ... RESTART IDENTITY), which is much faster
    than creating a database per test and keeps ids predictable.
    """

    def __init__(self) -> None:
        self.name = f"coalition_test_{uuid.uuid4().hex[:10]}"
        self.url = pg_url(self.name)
        self.error: str | None = None
        self._created = False

    async def ensure(self) -> None:
        """Create and migrate on first use; remember a failure so later tests skip fast."""
        if self._created or self.error:
            return
        try:
            await _pg_admin(f'CREATE DATABASE "{self.name}"')
        except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
            self.error = f"{PG_SKIP_REASON} ({type(exc).__name__}: {exc})"
            return
        self._created = True
        await upgrade_to_head(self.url)

    async def truncate(self) -> None:
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        conn = await asyncpg.connect(self.url.replace("postgresql+asyncpg", "postgresql"))
        try:
            await conn.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        finally:
            await conn.close()

    def drop(self) -> None:
        if self._created:
            asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))


async def create_pg_database(name: str) -> str:
    """A separate empty PostgreSQL database (for migration tests); drop with drop_pg_database."""
    await _pg_admin(f'CREATE DATABASE "{name}"')
    return pg_url(name)


async def drop_pg_database(name: str) -> None:
    await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
