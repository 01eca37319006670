"""Engine and session factory built from settings (never at import time)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

SQLITE_BUSY_TIMEOUT_MS = 10_000
# Execution option marking a read-only unit of work (see UnitOfWork(read_only=True)).
READ_ONLY = "coalition_read_only"


def create_engine(
    database_url: str, *, echo: bool = False, migrating: bool = False, **kwargs: Any
) -> AsyncEngine:
    """An async engine with the per-backend setup the architecture guide asks for.

    ``migrating`` switches SQLite's foreign keys off: Alembic's batch mode rebuilds a table by
    copy-and-rename, and with foreign keys on, dropping the old parent deletes its child rows.
    """
    is_sqlite = database_url.startswith("sqlite")
    if is_sqlite:
        # Pooled connections: opening one (a thread, the file, four PRAGMAs) costs several
        # milliseconds, ten times a simple query. WAL lets pooled readers and a writer coexist.
        if migrating:
            kwargs.setdefault("poolclass", NullPool)
        else:
            kwargs.setdefault("pool_size", 5)
            kwargs.setdefault("max_overflow", 10)
        kwargs.setdefault("connect_args", {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    else:
        kwargs.setdefault("pool_pre_ping", True)
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 10)
    engine = create_async_engine(database_url, echo=echo, **kwargs)
    if is_sqlite:
        _configure_sqlite(engine, foreign_keys=not migrating)
    return engine


def _configure_sqlite(engine: AsyncEngine, *, foreign_keys: bool) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (below) instead of the driver's implicit deferred BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        read_only = bool(conn.get_execution_options().get(READ_ONLY))
        # query_only is a property of the pooled connection: switch it only when this
        # transaction's kind differs from the connection's last one.
        info = conn.connection.info
        if info.get("query_only", False) != read_only:
            conn.exec_driver_sql(f"PRAGMA query_only={'ON' if read_only else 'OFF'}")
            info["query_only"] = read_only
        if read_only:
            # A reader needs no lock in WAL mode: a deferred BEGIN reads a snapshot while a
            # writer works, and query_only makes any write in it fail loudly.
            conn.exec_driver_sql("BEGIN")
        else:
            # Writers take the write lock up front: a deferred transaction that reads, then
            # writes, fails with "database is locked" when another writer got in between.
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
