"""A consistent copy of a live SQLite database, taken with SQLite's online backup API.

The copy is made page by page while the bot keeps running; readers and writers are not
stopped, and the result is a single self-contained file (no -wal/-shm companions). For
PostgreSQL use ``pg_dump`` (see README).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(Exception):
    pass


def backup_sqlite(database_url: str, target: Path, *, pages_per_step: int = 256) -> int:
    """Copy the database to ``target`` (replaced if it exists); return its size in bytes."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        raise BackupError(
            "db backup copies SQLite files; for PostgreSQL run: "
            "pg_dump --format=custom --file=coalition.dump DBNAME"
        )
    source_path = Path(url.database)
    if not source_path.exists():
        raise BackupError(f"there is no database file at {source_path}")
    target = target.expanduser()
    if target.resolve() == source_path.resolve():
        raise BackupError("the backup must go to another file than the database itself")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    try:
        dest = sqlite3.connect(partial)
        try:
            # Small steps let the bot's writers in between; a page changed mid-copy makes
            # SQLite restart the copy, so the result is always one consistent snapshot.
            source.backup(dest, pages=pages_per_step, sleep=0.005)
            dest.execute("PRAGMA journal_mode=DELETE")
            check = dest.execute("PRAGMA integrity_check").fetchone()
        finally:
            dest.close()
    finally:
        source.close()
    if not check or check[0] != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(f"the copy failed its integrity check: {check}")
    partial.replace(target)
    return target.stat().st_size
