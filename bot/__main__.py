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
from bot.discord_api import point_discord_at
from bot.settings import Settings, SettingsError, load_settings

EXIT_USAGE = 2
EXIT_FAILURE = 1


def _sub(
    parent: argparse._SubParsersAction[argparse.ArgumentParser], name: str, summary: str, more: str
) -> argparse.ArgumentParser:
    """A subcommand: ``summary`` in its parent's list, ``summary`` and ``more`` in its --help."""
    return parent.add_parser(
        name,
        help=summary,
        description=f"{summary[0].upper()}{summary[1:]}. {more}",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="Coalition Bot: cities acting together on climate."
    )
    parser.add_argument("--version", action="version", version=f"coalition-bot {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="{run,check,sync,db,letter}")
    _sub(
        sub,
        "run",
        "connect to Discord and serve commands (the default)",
        "Creates or upgrades the database tables first, waiting while the database is "
        "unreachable, and keeps retrying while Discord is. Stops cleanly on SIGTERM or Ctrl-C.",
    )
    _sub(
        sub,
        "check",
        "validate settings, reach the database and log in to Discord",
        "Changes nothing: no file, folder or table is created. Exit code 0 when everything is "
        "ready, 1 when the database or Discord cannot be reached, 2 when a setting is wrong.",
    )
    _sub(
        sub,
        "sync",
        "push slash-command definitions to Discord now",
        "The bot does this by itself at start when the commands changed; use this after "
        "changing DISCORD_GUILD_IDS, or to repair commands edited by hand.",
    )
    db = _sub(
        sub,
        "db",
        "database maintenance",
        "`python -m bot` upgrades the database by itself at start; these are for operators.",
    )
    db_sub = db.add_subparsers(dest="db_command", metavar="{upgrade,current,backup}")
    _sub(
        db_sub,
        "upgrade",
        "apply all migrations",
        "Creates the tables on a new database. Safe to run while other processes start.",
    )
    _sub(
        db_sub,
        "current",
        "show the database's migration revision",
        "Prints the revision the database is at and the one this version of the bot needs.",
    )
    backup = _sub(
        db_sub,
        "backup",
        "copy the live SQLite database to PATH (PostgreSQL: use pg_dump)",
        "Uses SQLite's online backup: the bot may keep running meanwhile.",
    )
    backup.add_argument("path", help="the file to write (replaced if it exists)")
    letter = _sub(
        sub,
        "letter",
        "the shared letter of an ask",
        "For letters too large to upload to Discord; any server's ask, by id.",
    )
    letter_sub = letter.add_subparsers(dest="letter_command", metavar="{export}")
    export = _sub(
        letter_sub,
        "export",
        "write an ask's letter as Markdown, PDF or Word, the same bytes as /letter export",
        "Writes to stdout, or to FILE with -o.",
    )
    export.add_argument("--ask", type=int, required=True, metavar="ID", help="the ask's id")
    export.add_argument("--version", type=int, metavar="N", help="a finalised version number")
    export.add_argument(
        "--order",
        choices=("alphabetical", "signing_date", "population"),
        help="order of the cities in a live letter (default: the letter's settings)",
    )
    export.add_argument(
        "--date", type=date.fromisoformat, help="the live letter's date (default: today, UTC)"
    )
    export.add_argument(
        "--format",
        choices=("md", "pdf", "docx"),
        default="md",
        help="md (Markdown, the default), pdf or docx (Word); a finalised version gives the "
        "same bytes in each format every time",
    )
    export.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    return parser


# A group named without what to do: say what it can do, instead of argparse's
# "the following arguments are required: db_command".
_GROUPS = {
    "db": (
        "db_command",
        "say what to do with the database: `python -m bot db upgrade`, `db current` or "
        "`db backup PATH` (see `python -m bot db --help`).",
    ),
    "letter": (
        "letter_command",
        "say what to do with a letter: `python -m bot letter export --ask ID` "
        "(see `python -m bot letter --help`).",
    ),
}


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
    if command in _GROUPS and getattr(args, _GROUPS[command][0]) is None:
        return fail(_GROUPS[command][1])
    try:
        # `check` changes nothing on disk, not even the SQLite file's folder.
        settings = load_settings(create_data_dir=command != "check")
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
        from bot.app import DatabaseUnavailable, discord_unreachable

        if isinstance(exc, DatabaseUnavailable):
            return fail(
                f"cannot reach the database ({exc}). Check DATABASE_URL and that the server "
                "is running.",
                EXIT_FAILURE,
            )
        unreachable = discord_unreachable(exc) if command in ("check", "sync") else None
        if unreachable is not None:
            return fail(
                f"{unreachable}. Check the network (DNS, firewall, proxy) and DISCORD_API_BASE "
                "if you set it.",
                EXIT_FAILURE,
            )
        raise
    return fail(f"unknown command {command!r}")


def _sqlite_file_missing(settings: Settings) -> Path | None:
    """The SQLite file, when it does not exist yet (``check`` must not create it)."""
    if settings.backend != "sqlite" or not settings.url.database:
        return None
    path = Path(settings.url.database).expanduser()
    return None if path.exists() else path


def _schema_state(current: str | None, head: str | None) -> str:
    if current == head:
        return "tables up to date"
    if current is None:
        return "no tables yet: `python -m bot` creates them when it starts"
    return (
        f"tables at revision {current}, this version needs {head}: `python -m bot` upgrades "
        "them when it starts"
    )


async def _check(settings: Settings) -> int:
    """Say, in plain words, whether the bot could start; change nothing."""
    import sqlite3

    from bot.app import check_database, check_discord
    from bot.client import INVITE_PERMISSIONS, invite_url
    from bot.db.migrate import current_revision, head_revision

    logging.getLogger("discord").setLevel(logging.WARNING)  # the lines below say it all
    token = settings.discord_token.get_secret_value().strip() if settings.discord_token else ""
    print(f"settings: OK (database backend {settings.backend})")
    print("discord token: " + ("set" if token else "MISSING (set DISCORD_TOKEN)"))
    missing = _sqlite_file_missing(settings)
    if missing is not None:
        print(
            f"database: OK (sqlite {sqlite3.sqlite_version}); the file {missing} does not exist "
            "yet: `python -m bot` creates it, and its tables, when it starts"
        )
    else:
        version = await check_database(settings.database_url)
        state = _schema_state(await current_revision(settings.database_url), head_revision())
        print(f"database: OK ({settings.backend} {version}; {state})")
    if not token:
        return EXIT_USAGE
    point_discord_at(settings.discord_api_base, settings.discord_gateway_url)
    application_id = await check_discord(token)
    print(f"discord: OK (the token logs in; application id {application_id})")
    print(f"invite link (permissions {INVITE_PERMISSIONS.value}): {invite_url(application_id)}")
    return 0


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
                fmt=args.format,
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
