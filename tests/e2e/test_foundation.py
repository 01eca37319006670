"""The foundation seen from Discord: /about, error replies, command sync, start and stop."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import signal
import sys
import time
from pathlib import Path

import pytest

from bot.cogs import EXTENSIONS
from tests.conftest import both_backends
from tests.e2e.world import build_world, running_bot

ROOT = Path(__file__).resolve().parents[2]


@both_backends
async def test_about_is_ephemeral_and_shows_backend_not_url(world, database_url) -> None:
    reply = await world.slash("about", user=world.sam)
    assert reply.ephemeral
    text = reply.text
    assert "Coalition Bot" in text
    assert ("postgresql" if "postgresql" in database_url else "sqlite") in text
    assert "Coalitions in this server" in text
    assert database_url not in text and "://" not in text


async def test_about_counts_only_this_servers_coalitions(world) -> None:
    from bot.db.models import Coalition

    async with world.uow() as uow:
        for guild, name in ((world.guild, "A1"), (world.guild, "A2"), (world.other_guild, "B1")):
            uow.session.add(
                Coalition(
                    guild_id=guild.id,
                    name=name,
                    name_key=name.lower(),
                    kind="peer_group",
                    created_by=1,
                )
            )
    reply = await world.slash("about", user=world.sam)
    field = next(f for e in reply.embeds for f in e["fields"] if f["name"].startswith("Coalitions"))
    assert field["value"] == "2"


@pytest.mark.parametrize("defer", [False, True])
async def test_errors_give_exactly_one_ephemeral_message(emu, database_url, caplog, defer) -> None:
    build_world(emu)
    users = {u.name: u for u in emu.users.values()}
    guild = next(iter(emu.guilds.values()))
    caplog.set_level(logging.INFO)
    extensions = (*EXTENSIONS, "tests.e2e.failing_cog")
    async with running_bot(emu, database_url, extensions=extensions):
        refused = await emu.slash("refuse", user=users["sam"], guild=guild, defer=defer)
        crashed = await emu.slash("boom", user=users["sam"], guild=guild, defer=defer)

    for reply in (refused, crashed):
        messages = ([reply.message] if reply.message else []) + list(reply.followups)
        assert len(messages) == 1, messages
        assert messages[0].ephemeral
    assert "You can't do that here. Ask a coordinator." in refused.text
    match = re.search(r"Something went wrong \(ref ([A-Z0-9]{6})\)", crashed.text)
    assert match, crashed.text
    assert "exploded" not in crashed.text and "Traceback" not in crashed.text
    ref = match.group(1)
    failure_logs = [r for r in caplog.records if f"ref={ref}" in r.getMessage()]
    assert any(r.exc_info for r in failure_logs), "the traceback is logged with the same ref"
    outcomes = [r.getMessage() for r in caplog.records if "outcome=" in r.getMessage()]
    assert any("path=/refuse" in m and "outcome=user_error" in m for m in outcomes)
    assert any("path=/boom" in m and f"outcome=failure ref={ref}" in m for m in outcomes)
    emu.assert_no_violations()


async def test_commands_sync_once_and_not_again_when_unchanged(emu, database_url) -> None:
    build_world(emu)
    async with running_bot(emu, database_url) as bot:
        assert bot.synced is True
    first = emu.command_puts
    assert first == 1
    names = {c["name"] for c in emu.commands()}
    assert "about" in names
    async with running_bot(emu, database_url) as bot:
        assert bot.synced is False
    assert emu.command_puts == first, "an unchanged definition set must not be re-synced"
    emu.assert_no_violations()


async def test_guild_ids_setting_syncs_to_those_servers(emu, database_url) -> None:
    parts = build_world(emu)
    gid = parts["guild"].id
    async with running_bot(emu, database_url, discord_guild_ids=str(gid)):
        pass
    assert {c["name"] for c in emu.commands(guild=parts["guild"])} >= {"about"}
    assert emu.commands() == []
    emu.assert_no_violations()


async def test_python_m_bot_runs_answers_and_stops_on_sigterm(emu, tmp_path) -> None:
    parts = build_world(emu)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))}
    env.update(
        DISCORD_TOKEN=emu.bot_token,
        DISCORD_API_BASE=emu.api_base,
        DISCORD_GATEWAY_URL=emu.gateway_url,
        DISCORD_GUILD_READY_TIMEOUT="0.1",
        DATABASE_URL=f"sqlite:///{tmp_path}/bot.db",
        PYTHONPATH=str(ROOT),
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    seen: list[str] = []

    async def read_until(marker: str) -> None:
        while not any(marker in line for line in seen):
            line = await proc.stdout.readline()
            if not line:
                raise AssertionError("bot exited early:\n" + "".join(seen))
            seen.append(line.decode())

    try:
        await asyncio.wait_for(read_until("ready as"), timeout=30)
        reply = await emu.slash("about", user=parts["users"]["sam"], guild=parts["guild"])
        assert "Coalition Bot" in reply.text
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(proc.wait(), timeout=10)
        assert code == 0
        assert time.monotonic() - started < 5
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    output = "".join(seen) + (await proc.stdout.read()).decode()
    assert "ready as" in output
    assert "path=/about" in output and "outcome=ok" in output
    assert emu.bot_token not in output
    # The operator is told where to invite the bot, once, with the permissions it needs.
    invite = (
        f"https://discord.com/oauth2/authorize?client_id={emu.application_id}"
        "&scope=bot+applications.commands&permissions=52224"
    )
    assert output.count(invite) == 1, output
    [line] = [line for line in output.splitlines() if invite in line]
    assert "INFO bot: invite link (permissions 52224: View Channels, Send Messages" in line
    # The bot has no voice: discord.py's voice warnings are not printed.
    assert "voice will NOT be supported" not in output and "PyNaCl" not in output
    emu.assert_no_violations()


@pytest.mark.parametrize("public", [False, True])
async def test_a_slow_service_is_deferred_in_time_and_answered_once(emu, database_url, public):
    parts = build_world(emu)
    sam = parts["users"]["sam"]
    extensions = (*EXTENSIONS, "tests.e2e.failing_cog")
    async with running_bot(emu, database_url, extensions=extensions):
        fast = await emu.slash("slow", user=sam, guild=parts["guild"], seconds=0.0, public=public)
        slow = await emu.slash("slow", user=sam, guild=parts["guild"], seconds=2.5, public=public)
    assert fast.response_type == 4 and "done after 0.0 s" in fast.text
    assert slow.response_type == 5, "the slow answer was deferred before the 3 s window closed"
    assert "done after 2.5 s" in slow.text
    assert slow.ephemeral is (not public)
    assert slow.followups == []
    emu.assert_no_violations()


@both_backends
async def test_two_shard_processes_share_one_database_and_split_the_servers(
    emu, database_url
) -> None:
    parts = build_world(emu)
    lena = parts["users"]["lena"]  # a member of both servers
    async with (
        running_bot(emu, database_url, discord_shard_count=2, discord_shard_ids="0") as one,
        running_bot(emu, database_url, discord_shard_count=2, discord_shard_ids="1") as two,
    ):
        assert type(one).__name__ == "ShardedCoalitionBot"
        seen_one = {g.id for g in one.guilds}
        seen_two = {g.id for g in two.guilds}
        assert not seen_one & seen_two
        assert seen_one | seen_two == {parts["guild"].id, parts["other_guild"].id}
        for guild in (parts["guild"], parts["other_guild"]):
            reply = await emu.slash("about", user=lena, guild=guild)
            assert "Coalition Bot" in reply.text
        # Both processes started on one schema; the second found the commands synced.
        assert {one.synced, two.synced} <= {True, False}
    emu.assert_no_violations()
