"""Composition root: the one place that builds settings, engine, HTTP client, scheduler and bot.

``python -m bot`` and the end-to-end tests both build the bot through ``build_bot``.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Coroutine
from datetime import UTC
from typing import Any, TypeVar

import aiohttp
import discord
import discord.http
import httpx
import yarl
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.client import AnyBot, CoalitionBot, ShardedCoalitionBot, quiet_voice
from bot.clock import Clock
from bot.cogs import EXTENSIONS
from bot.db.engine import create_engine, create_session_factory
from bot.db.migrate import upgrade_to_head
from bot.db.uow import UnitOfWorkFactory
from bot.discord_api import point_discord_at
from bot.settings import Settings

log = logging.getLogger("bot.app")

SHUTDOWN_GRACE_SECONDS = 4.0
T = TypeVar("T")


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
    clock = clock or Clock()
    uow = UnitOfWorkFactory(create_session_factory(engine), clock=clock)
    bot = cls(
        settings=settings,
        engine=engine,
        uow=uow,
        http_client=build_http_client(),
        scheduler=AsyncIOScheduler(timezone=UTC),
        clock=clock,
        extensions=extensions,
        force_sync=force_sync,
    )
    # The one way a service wakes a worker: it raises a signal on its unit of work
    # (``uow.wake(...)``), and once that commits the bot's workers hear it.
    uow.on_commit = bot.workers.on_commit
    return bot


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
    settings: Settings,
    *,
    attempts: int = 8,
    first_delay: float = 1.0,
    max_delay: float = 30.0,
    stop: asyncio.Event | None = None,
) -> bool:
    """Upgrade to head, waiting with backoff while the database is unreachable.

    Returns False, having changed nothing, when ``stop`` is set while waiting (SIGTERM at
    start-up); an upgrade once begun is finished, not cut short.
    """
    stop = stop or asyncio.Event()
    delay = first_delay
    for attempt in range(1, attempts + 1):
        try:
            checked = await _unless_stopped(check_database(settings.database_url), stop)
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
            if await _stopped_within(stop, delay):
                return False
            delay = min(delay * 2, max_delay)
            continue
        if checked is _STOPPED:
            return False
        break
    await upgrade_to_head(settings.database_url)
    return True


# --- Discord unreachable: one line for the operator, and retries for `run` ---

DISCORD_FIRST_DELAY = 2.0
DISCORD_MAX_DELAY = 60.0


def _discord_address(exc: BaseException) -> str:
    host, port = getattr(exc, "host", None), getattr(exc, "port", None)
    if host:
        return f"{host}:{port}" if port else str(host)
    url = yarl.URL(discord.http.Route.BASE)
    return f"{url.host}:{url.port}" if url.port else str(url.host)


def discord_unreachable(exc: BaseException) -> str | None:
    """A line saying the network failed on the way to Discord ("cannot reach Discord at
    HOST:PORT: CAUSE": DNS, refused or lost connection, TLS, timeout, a Discord outage), or None
    when ``exc`` is anything else."""
    os_error = getattr(exc, "os_error", None)
    detail = getattr(os_error, "strerror", None) or str(os_error or exc)
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        cause = f"DNS lookup failed ({detail})"
    elif isinstance(exc, aiohttp.ClientConnectorCertificateError):
        cause = f"its TLS certificate was not accepted ({exc.certificate_error})"
    elif isinstance(exc, aiohttp.ClientSSLError):
        reason = getattr(os_error, "reason", None) or detail
        cause = f"the TLS handshake failed ({reason})"
    elif isinstance(exc, aiohttp.ClientConnectorError):
        refused = isinstance(os_error, ConnectionRefusedError)
        cause = "the connection was refused" if refused else f"cannot connect ({detail})"
    elif isinstance(exc, aiohttp.ServerTimeoutError):
        cause = "no answer in time"
    elif isinstance(exc, aiohttp.ClientConnectionError):
        cause = f"the connection was lost ({str(exc) or type(exc).__name__})"
    elif isinstance(exc, discord.DiscordServerError):
        cause = f"Discord answered HTTP {exc.status} (an outage?)"
    elif isinstance(exc, discord.GatewayNotFound):
        cause = "the gateway address could not be found"
    else:
        return None
    return f"cannot reach Discord at {_discord_address(exc)}: {cause}"


async def check_discord(token: str) -> int:
    """Log in over REST only (no gateway) and return the application id; raise as login does."""
    quiet_voice()
    client = discord.Client(intents=discord.Intents(guilds=True))
    try:
        await client.login(token)
        return int(client.application_id or 0)
    finally:
        await client.close()


# --- run ---

_STOPPED = object()


async def _unless_stopped(work: Coroutine[Any, Any, T], stop: asyncio.Event) -> T | object:
    """``work``'s result, or _STOPPED (``work`` cancelled) if ``stop`` is set first."""
    task = asyncio.ensure_future(work)
    stopper = asyncio.ensure_future(stop.wait())
    done, _ = await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    if stopper in done:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return _STOPPED
    stopper.cancel()
    return task.result()


async def _stopped_within(stop: asyncio.Event, seconds: float) -> bool:
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        return False
    return True


async def _serve(bot: AnyBot, token: str, stop: asyncio.Event) -> BaseException | None:
    """Run ``bot`` until ``stop`` (None) or until it fails to start or run (the error)."""
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
        return None
    stopper.cancel()
    await bot.close()
    return runner.exception()


async def run_bot(
    settings: Settings,
    token: str,
    *,
    first_delay: float = DISCORD_FIRST_DELAY,
    max_delay: float = DISCORD_MAX_DELAY,
) -> int:
    """Run until SIGTERM/SIGINT (exit 0) or a fatal error (raised).

    While Discord cannot be reached the bot retries with backoff (doubling, at most
    ``max_delay``), one log line per attempt, rather than exit: a supervisor would only restart
    it. SIGTERM ends the wait for the database or for Discord at once, with exit code 0.
    """
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        if not await prepare_database(settings, stop=stop) or stop.is_set():
            log.info("stopped before start-up finished")
            return 0
        delay, attempt = first_delay, 0
        while True:
            error = await _serve(build_bot(settings), token, stop)
            if error is None:
                return 0
            reason = discord_unreachable(error)
            if reason is None:
                raise error
            attempt += 1
            log.warning("%s; retry %d in %.0fs", reason, attempt, delay)
            if await _stopped_within(stop, delay):
                log.info("stopped while waiting for Discord")
                return 0
            delay = min(delay * 2, max_delay)
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
