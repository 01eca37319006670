"""Composition root: the one place that builds settings, engine, HTTP client, scheduler and bot.

``python -m bot`` and the end-to-end tests both build the bot through ``build_bot``.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from datetime import UTC

import httpx
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.client import AnyBot, CoalitionBot, ShardedCoalitionBot
from bot.clock import Clock
from bot.cogs import EXTENSIONS
from bot.db.engine import create_engine, create_session_factory
from bot.db.migrate import upgrade_to_head
from bot.db.uow import UnitOfWorkFactory
from bot.discord_api import point_discord_at
from bot.settings import Settings

log = logging.getLogger("bot.app")

SHUTDOWN_GRACE_SECONDS = 4.0


def build_http_client() -> httpx.AsyncClient:
    """The one outbound HTTP client: no proxies from the environment, no redirects."""
    return httpx.AsyncClient(
        trust_env=False,
        follow_redirects=False,
        timeout=httpx.Timeout(10.0, connect=5.0),
        limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
        headers={"User-Agent": "CoalitionBot (+https://github.com/coalition-bot)"},
    )


def build_bot(
    settings: Settings,
    *,
    clock: Clock | None = None,
    extensions: tuple[str, ...] = EXTENSIONS,
    force_sync: bool = False,
) -> AnyBot:
    point_discord_at(settings.discord_api_base, settings.discord_gateway_url)
    engine = create_engine(settings.database_url)
    cls = ShardedCoalitionBot if settings.sharded else CoalitionBot
    return cls(
        settings=settings,
        engine=engine,
        uow=UnitOfWorkFactory(create_session_factory(engine)),
        http_client=build_http_client(),
        scheduler=AsyncIOScheduler(timezone=UTC),
        clock=clock or Clock(),
        extensions=extensions,
        force_sync=force_sync,
    )


class DatabaseUnavailable(Exception):
    pass


async def check_database(database_url: str) -> str:
    """Connect once and return the server version; raise DatabaseUnavailable with the reason."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                version = await conn.scalar(text("select sqlite_version()"))
            else:
                version = await conn.scalar(text("show server_version"))
            return str(version)
    except (OperationalError, DBAPIError, OSError, TimeoutError) as exc:
        reason = getattr(exc, "orig", None) or exc
        raise DatabaseUnavailable(f"{type(reason).__name__}: {reason}") from None
    finally:
        await engine.dispose()


async def prepare_database(
    settings: Settings, *, attempts: int = 8, first_delay: float = 1.0, max_delay: float = 30.0
) -> None:
    """Upgrade to head, waiting with backoff while the database is unreachable."""
    delay = first_delay
    for attempt in range(1, attempts + 1):
        try:
            await check_database(settings.database_url)
        except DatabaseUnavailable as exc:
            if attempt == attempts:
                raise
            log.warning(
                "database not reachable (%s); retry %d/%d in %.0fs",
                exc,
                attempt,
                attempts - 1,
                delay,
            )
            await asyncio.sleep(delay)
            delay = min(delay * 2, max_delay)
            continue
        break
    await upgrade_to_head(settings.database_url)


async def run_bot(settings: Settings, token: str) -> int:
    """Run until SIGTERM/SIGINT or a fatal error; return the process exit code."""
    await prepare_database(settings)
    bot = build_bot(settings)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    runner = asyncio.create_task(bot.start(token), name="discord-client")
    stopper = asyncio.create_task(stop.wait(), name="signal-wait")
    done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
    if stopper in done:
        log.info("shutting down")
        try:
            await asyncio.wait_for(bot.close(), timeout=SHUTDOWN_GRACE_SECONDS)
        except TimeoutError:
            log.warning("shutdown took longer than %.0fs; exiting anyway", SHUTDOWN_GRACE_SECONDS)
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
        return 0
    stopper.cancel()
    await bot.close()
    runner.result()  # re-raise a fatal client error (e.g. LoginFailure)
    return 0
