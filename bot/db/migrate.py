"""Running Alembic from the bot: upgrade to head (race-free across processes) and report state."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from bot.db.engine import create_engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# Any fixed 64-bit number; every bot process takes the same PostgreSQL advisory lock.
MIGRATION_LOCK_KEY = 0x636F616C6974  # "coalit"


def alembic_config(database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def head_revision() -> str | None:
    """The newest revision (several heads, while branches are being merged, joined by "+")."""
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    return "+".join(sorted(heads)) or None


async def upgrade_to_head(database_url: str, revision: str = "heads") -> None:
    """Upgrade the database; two processes starting together wait for each other."""
    engine = create_engine(database_url, migrating=True)
    try:
        async with engine.connect() as conn:
            await conn.run_sync(_upgrade, database_url, revision)
    finally:
        await engine.dispose()


def _upgrade(connection: Connection, database_url: str, revision: str) -> None:
    if connection.dialect.name == "postgresql":
        # Held until commit: the second process waits, then finds the schema at head.
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
    cfg = alembic_config(database_url)
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, revision)
    if connection.dialect.name == "sqlite":
        problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if problems:
            connection.rollback()
            raise RuntimeError(f"migration left rows with broken references: {problems[:5]}")
    connection.commit()


async def current_revision(database_url: str) -> str | None:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            heads = await conn.run_sync(lambda c: MigrationContext.configure(c).get_current_heads())
            return "+".join(sorted(heads)) or None
    finally:
        await engine.dispose()
