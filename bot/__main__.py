"""Command line: ``python -m bot [run|check|sync|db upgrade|db current]``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

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
            return asyncio.run(_db(settings, args.db_command))
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


async def _db(settings: Settings, what: str) -> int:
    from bot.app import prepare_database
    from bot.db.migrate import current_revision, head_revision

    if what == "upgrade":
        await prepare_database(settings, attempts=1)
        print(f"database upgraded to {head_revision()}")
    elif what == "current":
        current = await current_revision(settings.database_url)
        print(f"{current or 'empty'} (head: {head_revision()})")
    return 0


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
