"""The schema the models describe is exactly the one the migrations build."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.db import models  # noqa: F401
from bot.db.base import Base
from bot.db.engine import create_engine
from bot.db.migrate import current_revision, head_revision, upgrade_to_head
from tests.conftest import both_backends


def _diff(connection) -> list:
    ctx = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )
    return compare_metadata(ctx, Base.metadata)


@both_backends
async def test_models_and_migrations_agree(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(_diff)
    finally:
        await engine.dispose()
    assert diff == [], f"models and migrations differ; write a migration: {diff}"


@both_backends
async def test_database_is_at_head_and_upgrade_is_idempotent(database_url: str) -> None:
    assert await current_revision(database_url) == head_revision()
    await upgrade_to_head(database_url)  # a second start finds nothing to do
    assert await current_revision(database_url) == head_revision()


async def test_downgrade_to_base_and_back(database_url: str) -> None:
    await upgrade_to_head(database_url)
    from alembic import command

    from bot.db.migrate import alembic_config

    engine = create_engine(database_url, migrating=True)
    try:
        async with engine.connect() as conn:

            def down_up(sync_conn) -> None:
                cfg = alembic_config(database_url)
                cfg.attributes["connection"] = sync_conn
                command.downgrade(cfg, "base")
                command.upgrade(cfg, "head")
                sync_conn.commit()

            await conn.run_sync(down_up)
    finally:
        await engine.dispose()
    assert await current_revision(database_url) == head_revision()
