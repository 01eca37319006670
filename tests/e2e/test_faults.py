"""Faults seen from Discord: the database going away and coming back, without a restart."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys
import time
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import func, select

from bot.app import DatabaseUnavailable, prepare_database
from bot.db.models import SignOn
from bot.settings import load_settings
from tests.databases import PG_HOST, PG_PORT, PG_USER
from tests.seed import seed_e2e

ROOT = Path(__file__).resolve().parents[2]


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, database="postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_database_lost_while_running_then_back(world, database_url) -> None:
    name = database_url.rsplit("/", 1)[1]
    assert "Coalition Bot" in (await world.slash("about", user=world.sam)).text
    await _admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    try:
        await _admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        )
        down = await world.slash("about", user=world.sam)
        assert down.ephemeral
        assert "can't reach the database" in down.text
        assert "was not saved" in down.text
    finally:
        await _admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    back = await world.slash("about", user=world.sam)
    assert "Coalition Bot" in back.text and "can't reach" not in back.text


# --- a command that writes, while the database is down ---


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_sign_on_while_the_database_is_down_is_not_saved_and_works_after(
    world, database_url
) -> None:
    seed = await seed_e2e(world)
    name = database_url.rsplit("/", 1)[1]
    prompt = await world.slash("ask sign", user=world.lena, ask=str(seed.ask))
    await _admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    try:
        await _admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        )
        down = await world.emu.click(prompt.message, label="Confirm", user=world.lena)
        messages = ([down.message] if down.message else []) + list(down.followups)
        assert len(messages) == 1 and messages[0].ephemeral
        assert "can't reach the database" in down.text and "was not saved" in down.text
        assert "Confirm" in [b["label"] for b in prompt.message.buttons()], "still offered"
    finally:
        await _admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    async with world.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(SignOn)) == 0
    again = await world.emu.click(prompt.message, label="Confirm", user=world.lena)
    assert "Done: Lyon signed" in again.text
    async with world.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(SignOn)) == 1
    await world.bot.workers.outbox.drain()  # the announcement goes through the outbox
    assert len(world.emu.channel_messages(world.channels["coalition"])) == 1  # one announcement


# --- unreachable at start-up ---


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _unreachable_settings():  # type: ignore[no-untyped-def]
    return load_settings(
        discord_token="x", database_url=f"postgresql://postgres@127.0.0.1:{_closed_port()}/x"
    )


async def test_start_up_retries_with_backoff_then_gives_up_with_the_reason(caplog) -> None:
    caplog.set_level(logging.WARNING, logger="bot.app")
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailable) as failure:
        await prepare_database(_unreachable_settings(), attempts=4, first_delay=0.05)
    waited = time.monotonic() - started
    retries = [r.getMessage() for r in caplog.records if "database not reachable" in r.getMessage()]
    assert len(retries) == 3, retries  # attempts 1-3 wait; the 4th gives up
    assert [m.split("retry ")[1].split(" in")[0] for m in retries] == ["1/3", "2/3", "3/3"]
    assert waited >= 0.05 + 0.1 + 0.2, "the delay doubles"
    assert "refused" in str(failure.value).lower() or "connect" in str(failure.value).lower()


async def test_start_up_succeeds_once_the_database_answers(monkeypatch, caplog) -> None:
    from bot import app

    caplog.set_level(logging.WARNING, logger="bot.app")
    calls: list[int] = []
    upgraded: list[str] = []

    async def flaky(url: str) -> str:
        calls.append(1)
        if len(calls) < 3:
            raise DatabaseUnavailable("ConnectionRefusedError: not yet")
        return "16.0"

    async def upgrade(url: str) -> None:
        upgraded.append(url)

    monkeypatch.setattr(app, "check_database", flaky)
    monkeypatch.setattr(app, "upgrade_to_head", upgrade)
    await prepare_database(_unreachable_settings(), attempts=5, first_delay=0.01)
    assert len(calls) == 3 and len(upgraded) == 1


def _env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))}
    env.update(DISCORD_TOKEN="emu.token", DATABASE_URL=database_url, PYTHONPATH=str(ROOT))
    return env


async def test_python_m_bot_db_upgrade_unreachable_one_line_and_exit_1(tmp_path) -> None:
    url = f"postgresql://postgres@127.0.0.1:{_closed_port()}/coalition"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "db", "upgrade",
        env=_env(url), cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await asyncio.wait_for(proc.communicate(), timeout=30)
    assert proc.returncode == 1
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: cannot reach the database (")
    assert "Check DATABASE_URL" in lines[0] and "Traceback" not in err.decode()


async def test_python_m_bot_waits_for_an_unreachable_database_without_crashing(tmp_path) -> None:
    url = f"postgresql://postgres@127.0.0.1:{_closed_port()}/coalition"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot",
        env=_env(url), cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), timeout=30)).decode()
        assert "database not reachable" in line and "retry 1/7 in 1s" in line, line
        assert proc.returncode is None, "still running: it waits instead of crash-looping"
    finally:
        proc.kill()
        await proc.wait()
