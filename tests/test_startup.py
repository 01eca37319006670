"""Starting the bot as an operator does: real ``python -m bot`` processes, a local Discord (the
emulator) and Discords that cannot be reached: no such host, a closed port, no TLS there."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from tests.emulator import DiscordEmulator

ROOT = Path(__file__).resolve().parents[1]
VOICE_WARNING = "voice will NOT be supported"


def env_for(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))}
    env.update(PYTHONPATH=str(ROOT), DATABASE_URL=f"sqlite:///{tmp_path}/data/bot.db")
    env.update(settings)
    return env


async def run_cli(*args: str, env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args,
        env=env, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


class Process:
    """A running ``python -m bot``, its output read line by line."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.lines: list[str] = []

    async def wait_for_line(self, marker: str, *, count: int = 1, timeout: float = 30) -> None:  # noqa: ASYNC109
        async def read() -> None:
            assert self.proc.stdout is not None
            while sum(marker in line for line in self.lines) < count:
                line = await self.proc.stdout.readline()
                if not line:
                    raise AssertionError(f"exited before {marker!r}:\n" + self.output)
                self.lines.append(line.decode())

        await asyncio.wait_for(read(), timeout)

    async def terminate(self, timeout: float = 10) -> int:  # noqa: ASYNC109
        self.proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.proc.wait(), timeout)
        assert self.proc.stdout is not None
        self.lines += (await self.proc.stdout.read()).decode().splitlines(keepends=True)
        return code

    @property
    def output(self) -> str:
        return "".join(self.lines)


@contextlib.asynccontextmanager
async def started(env: dict[str, str], cwd: Path) -> AsyncIterator[Process]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot",
        env=env, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        yield Process(proc)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def plain_http_port() -> Iterator[int]:
    """A local HTTP server without TLS: an https:// address there fails the TLS handshake."""
    server = HTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    server.RequestHandlerClass.log_message = lambda *a: None  # type: ignore[method-assign]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
async def emu() -> AsyncIterator[DiscordEmulator]:
    emulator = DiscordEmulator()
    await emulator.start()
    try:
        yield emulator
    finally:
        await emulator.stop()


# --- Discord unreachable ---


def unreachable(kind: str, tls_port: int) -> tuple[str, str, str]:
    """(DISCORD_API_BASE, the address the line names, the cause it gives)."""
    if kind == "dns":
        return "http://discord.invalid/api/v10", "discord.invalid:80", "DNS lookup failed"
    if kind == "refused":
        port = closed_port()
        return f"http://127.0.0.1:{port}/api/v10", f"127.0.0.1:{port}", "connection was refused"
    return f"https://127.0.0.1:{tls_port}/api/v10", f"127.0.0.1:{tls_port}", "TLS handshake failed"


@pytest.mark.parametrize("command", ["check", "sync"])
@pytest.mark.parametrize("kind", ["dns", "refused", "tls"])
async def test_check_and_sync_say_in_one_line_that_discord_is_unreachable(
    tmp_path: Path, plain_http_port: int, command: str, kind: str
) -> None:
    base, address, cause = unreachable(kind, plain_http_port)
    env = env_for(tmp_path, DISCORD_TOKEN="some-token", DISCORD_API_BASE=base)
    code, out, err = await run_cli(command, env=env, cwd=tmp_path)
    assert code == 1, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"error: cannot reach Discord at {address}: ")
    assert cause in lines[0] and "DISCORD_API_BASE" in lines[0]
    assert "Traceback" not in out + err and VOICE_WARNING not in out + err


async def test_run_retries_with_backoff_then_connects_once_discord_answers(
    tmp_path: Path, emu: DiscordEmulator
) -> None:
    """Discord is down at start (a closed port); the bot retries, one line per attempt, with a
    growing delay, and serves as soon as Discord is back (a relay to the emulator opens)."""
    port = closed_port()
    env = env_for(
        tmp_path,
        DISCORD_TOKEN=emu.bot_token,
        DISCORD_API_BASE=f"http://127.0.0.1:{port}/api/v10",
        DISCORD_GATEWAY_URL=emu.gateway_url,
        DISCORD_GUILD_READY_TIMEOUT="0.1",
    )
    async with started(env, tmp_path) as bot:
        await bot.wait_for_line("cannot reach Discord", count=2, timeout=30)
        retries = [line for line in bot.lines if "cannot reach Discord" in line]
        assert retries == bot.lines, "one line per attempt, nothing else"
        assert f"at 127.0.0.1:{port}: the connection was refused; retry 1 in 2s" in retries[0]
        assert "retry 2 in 4s" in retries[1]
        assert bot.proc.returncode is None, "it keeps trying instead of exiting"
        relay = await asyncio.start_server(_relay_to(emu.port), "127.0.0.1", port)
        try:
            await bot.wait_for_line("ready as", timeout=30)
            assert await bot.terminate() == 0
        finally:
            relay.close()
    assert "Traceback" not in bot.output and VOICE_WARNING not in bot.output


def _relay_to(target_port: int):  # type: ignore[no-untyped-def]
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", target_port)

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    return handle


async def test_sigterm_while_waiting_for_discord_exits_0_at_once(tmp_path: Path) -> None:
    env = env_for(
        tmp_path, DISCORD_TOKEN="t", DISCORD_API_BASE=f"http://127.0.0.1:{closed_port()}/api"
    )
    async with started(env, tmp_path) as bot:
        await bot.wait_for_line("retry 1 in 2s")
        assert await bot.terminate(timeout=5) == 0
    assert "stopped while waiting for Discord" in bot.output


async def test_sigterm_while_the_database_is_unreachable_at_start_exits_0(tmp_path: Path) -> None:
    env = env_for(
        tmp_path,
        DISCORD_TOKEN="t",
        DATABASE_URL=f"postgresql://postgres@127.0.0.1:{closed_port()}/coalition",
    )
    async with started(env, tmp_path) as bot:
        await bot.wait_for_line("database not reachable")
        assert await bot.terminate(timeout=5) == 0
    assert "stopped before start-up finished" in bot.output
    assert "Traceback" not in bot.output


# --- check, as a new operator runs it ---


async def test_check_on_a_new_database_path_creates_nothing_and_says_plain_words(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in env_for(tmp_path).items() if k != "DATABASE_URL"}  # the default
    code, out, err = await run_cli("check", env=env, cwd=tmp_path)
    assert code == 2, "the token is missing"
    assert os.listdir(tmp_path) == [], "check created files"
    assert "discord token: MISSING (set DISCORD_TOKEN)" in out
    assert "data/coalition.db does not exist yet: `python -m bot` creates it" in out
    assert "None" not in out and "run db upgrade" not in out
    assert "Traceback" not in out + err


async def test_check_logs_in_and_prints_the_invite_link(
    tmp_path: Path, emu: DiscordEmulator
) -> None:
    env = env_for(tmp_path, DISCORD_TOKEN=emu.bot_token, DISCORD_API_BASE=emu.api_base)
    code, out, err = await run_cli("check", env=env, cwd=tmp_path)
    assert code == 0, (out, err)
    assert "data" not in os.listdir(tmp_path)
    assert f"discord: OK (the token logs in; application id {emu.application_id})" in out
    assert (
        "invite link (permissions 52224): https://discord.com/oauth2/authorize?client_id="
        f"{emu.application_id}&scope=bot+applications.commands&permissions=52224"
    ) in out
    assert out.count("\n") == 5, out  # settings, token, database, discord, invite link
    assert err == "" and VOICE_WARNING not in out

    refused = env_for(tmp_path, DISCORD_TOKEN="not-the-token", DISCORD_API_BASE=emu.api_base)
    code, out, err = await run_cli("check", env=refused, cwd=tmp_path)
    assert code == 2 and err.startswith("error: Discord refused the token")
