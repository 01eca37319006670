"""The bot under measurement: built as ``python -m bot`` builds it, on the local Discord."""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bot.cogs import EXTENSIONS
from bot.db.migrate import upgrade_to_head
from tests.databases import create_pg_database, drop_pg_database, sqlite_url
from tests.e2e.world import MEMBER_PERMISSIONS, running_bot
from tests.emulator import DiscordEmulator

BENCH_EXTENSIONS = (*EXTENSIONS, "bench.floor_cog")


@contextlib.asynccontextmanager
async def database(backend: str) -> AsyncIterator[str]:
    """A fresh, migrated database for one benchmark, removed afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="coalition-bench-") as folder:
            url = sqlite_url(Path(folder) / "bench.db")
            await upgrade_to_head(url)
            yield url
        return
    name = f"coalition_bench_{uuid.uuid4().hex[:8]}"
    url = await create_pg_database(name)
    try:
        await upgrade_to_head(url)
        yield url
    finally:
        await drop_pg_database(name)


@dataclass
class Stage:
    emu: DiscordEmulator
    guild: Any
    channel: Any
    users: list[Any]
    bot: Any = None


def stage(members: int) -> Stage:
    """A server with ``members`` members (each may later represent one city)."""
    emu = DiscordEmulator()
    owner = emu.add_user("admin")
    guild = emu.add_guild("Bench Server", owner=owner)
    channel = guild.add_text_channel("general")
    guild.add_member(owner, permissions=MEMBER_PERMISSIONS | (1 << 5))
    users = [owner]
    for i in range(members):
        user = emu.add_user(f"rep{i:04d}")
        guild.add_member(user, permissions=MEMBER_PERMISSIONS)
        users.append(user)
    return Stage(emu=emu, guild=guild, channel=channel, users=users)


@contextlib.asynccontextmanager
async def running(stage_: Stage, database_url: str, **settings: Any) -> AsyncIterator[Stage]:
    await stage_.emu.start()
    try:
        async with running_bot(
            stage_.emu, database_url, extensions=BENCH_EXTENSIONS, **settings
        ) as bot:
            stage_.bot = bot
            yield stage_
    finally:
        await stage_.emu.stop()


class StatementCounter:
    """Counts SQL statements the bot's engine sends (SQLAlchemy's before_cursor_execute)."""

    def __init__(self, engine: Any) -> None:
        # None: the bot runs in another process, where its statements cannot be counted.
        self.engine = getattr(engine, "sync_engine", engine)
        self.count = 0

    def _on(self, *args: Any) -> None:
        self.count += 1

    def __enter__(self) -> StatementCounter:
        if self.engine is not None:
            event.listen(self.engine, "before_cursor_execute", self._on)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.engine is not None:
            event.remove(self.engine, "before_cursor_execute", self._on)


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(sorted(values), n=100, method="inclusive")[int(q) - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def ratio(value: float, floor: float) -> str:
    return f"{value / floor:.2f}×" if floor > 0 else "—"


ROOT = Path(__file__).resolve().parents[1]


def bot_env(emu: DiscordEmulator, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE"))}
    env.update(
        DISCORD_TOKEN=emu.bot_token,
        DISCORD_API_BASE=emu.api_base,
        DISCORD_GATEWAY_URL=emu.gateway_url,
        DISCORD_GUILD_READY_TIMEOUT="0.1",
        DATABASE_URL=database_url,
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


@contextlib.asynccontextmanager
async def process(
    cmd: list[str], env: dict[str, str], cwd: Path = ROOT, ready: bytes = b"ready as"
) -> AsyncIterator[asyncio.subprocess.Process]:
    """A bot process on the emulator (its own interpreter and core, as in production)."""
    proc = await asyncio.create_subprocess_exec(
        *cmd, env=env, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    try:
        assert proc.stdout is not None
        while True:
            line = await asyncio.wait_for(proc.stdout.readline(), timeout=60)
            if not line:
                raise RuntimeError(f"{cmd} exited before it was ready")
            if ready in line:
                break
        drain = asyncio.create_task(_drain(proc))
        yield proc
    finally:
        if proc.returncode is None:
            proc.terminate()
        await proc.wait()
    drain.cancel()


async def _drain(proc: asyncio.subprocess.Process) -> None:
    assert proc.stdout is not None
    while await proc.stdout.read(65536):
        pass


def bot_command() -> list[str]:
    return [sys.executable, "-m", "bot"]
