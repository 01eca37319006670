"""Command line: ``python -m bot [run|check|sync|db upgrade|db current|letter export]``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import discord

from bot import __version__
from bot.settings import Settings, SettingsError, load_settings

EXIT_USAGE = 2
EXIT_FAILURE = 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="Coalition Bot: cities acting together on climate."
    )
    parser.add_argument("--version", action="version", version=f"coalition-bot {__version__}")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="connect to Discord and serve commands (the default)")
    sub.add_parser("check", help="validate settings and reach the database, without Discord")
    sub.add_parser("sync", help="push slash-command definitions to Discord now")
    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply all migrations")
    db_sub.add_parser("current", help="show the database's migration revision")
    backup = db_sub.add_parser(
        "backup", help="copy the live SQLite database to PATH (PostgreSQL: use pg_dump)"
    )
    backup.add_argument("path", help="the file to write (replaced if it exists)")
    letter = sub.add_parser("letter", help="the shared letter of an ask")
    letter_sub = letter.add_subparsers(dest="letter_command", required=True)
    export = letter_sub.add_parser(
        "export", help="write an ask's letter as Markdown, the same bytes as /letter export"
    )
    export.add_argument("--ask", type=int, required=True, metavar="ID", help="the ask's id")
    export.add_argument("--version", type=int, metavar="N", help="a finalised version number")
    export.add_argument(
        "--order",
        choices=("alphabetical", "signing_date", "population"),
        default="alphabetical",
        help="order of the cities in a live letter (default: alphabetical)",
    )
    export.add_argument(
        "--date", type=date.fromisoformat, help="the live letter's date (default: today, UTC)"
    )
    export.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    return parser


def fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def _secrets(settings: Settings) -> list[str]:
    values = [settings.url.password or ""]
    if settings.discord_token:
        values.append(settings.discord_token.get_secret_value())
    return values


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "run"
    try:
        settings = load_settings()
        token = settings.require_token() if command in ("run", "sync") else None
    except SettingsError as exc:
        return fail(str(exc))

    from bot.logging_setup import configure_logging

    configure_logging(settings.log_level, _secrets(settings))
    try:
        if command == "run":
            from bot.app import run_bot

            return asyncio.run(run_bot(settings, token or ""))
        if command == "sync":
            return asyncio.run(_sync(settings, token or ""))
        if command == "check":
            return asyncio.run(_check(settings))
        if command == "db":
            return asyncio.run(_db(settings, args.db_command, getattr(args, "path", "")))
        if command == "letter":
            return asyncio.run(_letter_export(settings, args))
    except discord.LoginFailure:
        return fail("Discord refused the token: check DISCORD_TOKEN (Bot tab of your app).")
    except KeyboardInterrupt:
        return 0
    except Exception as exc:
        from bot.app import DatabaseUnavailable

        if isinstance(exc, DatabaseUnavailable):
            return fail(
                f"cannot reach the database ({exc}). Check DATABASE_URL and that the server "
                "is running.",
                EXIT_FAILURE,
            )
        raise
    return fail(f"unknown command {command!r}")


async def _check(settings: Settings) -> int:
    from bot.app import check_database
    from bot.db.migrate import current_revision, head_revision

    print(f"settings: OK (database backend {settings.backend})")
    print("discord token: " + ("set" if settings.discord_token else "MISSING (set DISCORD_TOKEN)"))
    version = await check_database(settings.database_url)
    current, head = await current_revision(settings.database_url), head_revision()
    state = "up to date" if current == head else f"at {current}, head is {head}: run db upgrade"
    print(f"database: OK ({settings.backend} {version}; schema {state})")
    return 0 if settings.discord_token else EXIT_USAGE


async def _db(settings: Settings, what: str, path: str = "") -> int:
    from bot.app import prepare_database
    from bot.db.migrate import current_revision, head_revision

    if what == "upgrade":
        await prepare_database(settings, attempts=1)
        print(f"database upgraded to {head_revision()}")
    elif what == "current":
        current = await current_revision(settings.database_url)
        print(f"{current or 'empty'} (head: {head_revision()})")
    elif what == "backup":
        from bot.db.backup import BackupError, backup_sqlite

        try:
            size = await asyncio.to_thread(backup_sqlite, settings.database_url, Path(path))
        except BackupError as exc:
            return fail(str(exc))
        print(f"backup written to {path} ({size:,} bytes)")
    return 0


async def _letter_export(settings: Settings, args: argparse.Namespace) -> int:
    """An operator tool: any server's ask, by id; for letters too large for a Discord upload."""
    from sqlalchemy.exc import DBAPIError

    from bot.db.engine import create_engine, create_session_factory
    from bot.db.uow import UnitOfWorkFactory
    from bot.errors import UserFacingError
    from bot.services import letters

    engine = create_engine(settings.database_url)
    try:
        async with UnitOfWorkFactory(create_session_factory(engine))() as uow:
            actor = await letters.operator_actor(uow, args.ask)
            file = await letters.export(
                uow,
                actor,
                ask_id=args.ask,
                order=args.order,
                version=args.version,
                today=args.date or datetime.now(UTC).date(),
            )
    except UserFacingError as exc:
        return fail(exc.message, EXIT_FAILURE)
    except DBAPIError as exc:
        return fail(f"cannot read the database ({exc.orig}); run `db upgrade`?", EXIT_FAILURE)
    finally:
        await engine.dispose()
    _write_output(args.output, file.content, file.sha256)
    return 0


def _write_output(path: str | None, content: bytes, sha256: str) -> None:
    if path:
        Path(path).write_bytes(content)
        print(f"wrote {path} ({len(content):,} bytes, sha256 {sha256})", file=sys.stderr)
    else:
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()


async def _sync(settings: Settings, token: str) -> int:
    from bot.app import build_bot, prepare_database

    await prepare_database(settings)
    bot = build_bot(settings, force_sync=True)
    try:
        await bot.login(token)  # runs setup_hook, which syncs (forced)
    finally:
        await bot.close()
    logging.getLogger("bot").info("commands synced")
    return 0


if __name__ == "__main__":
    sys.exit(main())
