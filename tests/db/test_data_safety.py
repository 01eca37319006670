"""Nothing is lost: upgrades keep every row, batch rebuilds keep children, backups are whole."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from bot.db.backup import BackupError, backup_sqlite
from bot.db.engine import create_engine
from bot.db.migrate import alembic_config, current_revision, head_revision, upgrade_to_head
from tests.databases import create_pg_database, drop_pg_database, sqlite_url

WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def revisions_in_order() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return [r.revision for r in reversed(list(script.walk_revisions("base", "heads")))]


def _value(table: sa.Table, column: sa.Column, filled: dict[str, dict[str, Any]], pg: bool) -> Any:
    for fk in column.foreign_keys:
        return filled[fk.column.table.name][fk.column.name]
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return True
    if isinstance(kind, sa.Integer):
        return 7 if column.name not in ("id",) else None
    if isinstance(kind, sa.DateTime):
        return WHEN if pg else WHEN.replace(tzinfo=None)
    if isinstance(kind, sa.String | sa.Text):
        text = f"{table.name}.{column.name}"
        length = getattr(kind, "length", None)
        return text[:length] if length else text
    raise AssertionError(f"no sample value for {table.name}.{column.name} ({kind!r})")


def fill_new_tables(conn: sa.Connection, filled: dict[str, dict[str, Any]]) -> None:
    """Insert one row into every table that has none of ours yet, every column set."""
    meta = sa.MetaData()
    meta.reflect(conn)
    pg = conn.dialect.name == "postgresql"
    for table in meta.sorted_tables:
        if table.name in filled or table.name == "alembic_version":
            continue
        row = {}
        for column in table.columns:
            value = _value(table, column, filled, pg)
            if value is not None:
                row[column.name] = value
        result = conn.execute(table.insert().values(**row))
        pk = result.inserted_primary_key
        for column, key in zip(table.primary_key.columns, pk or (), strict=False):
            row[column.name] = key
        filled[table.name] = row


def check_rows(conn: sa.Connection, filled: dict[str, dict[str, Any]]) -> None:
    meta = sa.MetaData()
    meta.reflect(conn)
    for name, row in filled.items():
        table = meta.tables[name]
        keys = [c.name for c in table.primary_key.columns]
        found = (
            conn.execute(sa.select(table).where(*(table.c[k] == row[k] for k in keys)))
            .mappings()
            .one_or_none()
        )
        assert found is not None, f"the row in {name} was lost"
        for column, expected in row.items():
            actual = found[column]
            if isinstance(actual, datetime):
                actual = actual.replace(tzinfo=actual.tzinfo or UTC)
                expected = expected.replace(tzinfo=expected.tzinfo or UTC)
            assert actual == expected, f"{name}.{column} changed: {expected!r} -> {actual!r}"


async def _walk_and_check(url: str) -> int:
    filled: dict[str, dict[str, Any]] = {}
    engine = create_engine(url, migrating=True)
    try:
        for revision in revisions_in_order():
            async with engine.connect() as conn:

                def step(sync: sa.Connection, revision: str = revision) -> None:
                    cfg = alembic_config(url)
                    cfg.attributes["connection"] = sync
                    command.upgrade(cfg, revision)
                    check_rows(sync, filled)
                    fill_new_tables(sync, filled)
                    sync.commit()

                await conn.run_sync(step)
        await upgrade_to_head(url)
        async with engine.connect() as conn:
            await conn.run_sync(check_rows, filled)
    finally:
        await engine.dispose()
    assert await current_revision(url) == head_revision()
    return len(filled)


async def test_upgrading_from_every_revision_keeps_every_row_sqlite(tmp_path: Path) -> None:
    tables = await _walk_and_check(sqlite_url(tmp_path / "history.db"))
    assert tables >= 20


@pytest.mark.postgres
async def test_upgrading_from_every_revision_keeps_every_row_postgresql(
    postgres_database,
) -> None:
    await postgres_database.ensure()
    if postgres_database.error:
        pytest.skip(postgres_database.error)
    name = "coalition_history_" + postgres_database.name.rsplit("_", 1)[1]
    url = await create_pg_database(name)
    try:
        assert await _walk_and_check(url) >= 20
    finally:
        await drop_pg_database(name)


async def test_a_batch_rebuild_of_a_parent_table_keeps_its_children(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "batch.db")
    await upgrade_to_head(url)
    db = sqlite3.connect(tmp_path / "batch.db")
    db.execute(
        "INSERT INTO cities (id, guild_id, name, country, name_key, country_key, created_by,"
        " created_at) VALUES (1, 1, 'Lyon', 'France', 'lyon', 'france', 1, '2026-01-01')"
    )
    db.execute(
        "INSERT INTO representatives (guild_id, city_id, user_id, status, requested_at)"
        " VALUES (1, 1, 42, 'verified', '2026-01-01')"
    )
    db.commit()
    db.close()

    engine = create_engine(url, migrating=True)  # what every migration runs with
    try:
        async with engine.connect() as conn:

            def rebuild(sync: sa.Connection) -> None:
                ops = Operations(MigrationContext.configure(sync, opts={"render_as_batch": True}))
                with ops.batch_alter_table("cities", recreate="always") as batch:
                    batch.add_column(sa.Column("motto", sa.String(50), nullable=True))
                sync.commit()

            await conn.run_sync(rebuild)
    finally:
        await engine.dispose()

    db = sqlite3.connect(tmp_path / "batch.db")
    try:
        assert db.execute("SELECT user_id FROM representatives").fetchall() == [(42,)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert "motto" in [r[1] for r in db.execute("PRAGMA table_info(cities)")]
    finally:
        db.close()


async def test_backup_of_a_live_database_is_whole_and_consistent(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "live.db")
    await upgrade_to_head(url)
    engine = create_engine(url)
    stop = asyncio.Event()
    written = 0

    async def writer() -> None:
        nonlocal written
        while not stop.is_set():
            async with engine.begin() as conn:
                await conn.execute(
                    sa.text("INSERT INTO bot_state (key, value, updated_at) VALUES (:k, 'v', :t)"),
                    {"k": f"k{written}", "t": "2026-01-01 00:00:00"},
                )
            written += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(writer())
    try:
        await asyncio.sleep(0.2)
        target = tmp_path / "copies" / "backup.db"
        size = await asyncio.to_thread(backup_sqlite, url, target, pages_per_step=1)
        before_stop = written
    finally:
        stop.set()
        await task
        await engine.dispose()
    assert size > 0 and not (tmp_path / "copies" / "backup.db.partial").exists()
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = copy.execute("SELECT count(*) FROM bot_state").fetchone()[0]
        assert 0 < rows <= before_stop + 1
        version = copy.execute("SELECT version_num FROM alembic_version").fetchall()
        assert "+".join(sorted(v[0] for v in version)) == head_revision()
    finally:
        copy.close()


def test_backup_refuses_postgresql_and_the_file_itself(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="pg_dump"):
        backup_sqlite("postgresql+asyncpg://u@h/db", tmp_path / "x.db")
    (tmp_path / "a.db").write_bytes(b"")
    with pytest.raises(BackupError, match="another file"):
        backup_sqlite(sqlite_url(tmp_path / "a.db"), tmp_path / "a.db")
