"""Resilience seen from Discord: a slow database, the gateway dropping, Discord answering 429
and 5xx, and SIGTERM in the middle of a sign-on."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot.db.engine import create_engine, create_session_factory
from bot.db.models import Rsvp, SignOn, Statement
from bot.db.uow import UnitOfWorkFactory
from tests.databases import sqlite_url
from tests.e2e.test_actions import announcements, only_action_id, schedule
from tests.e2e.world import World, build_world
from tests.emulator import Interaction
from tests.seed import E2ESeed, seed_e2e

ROOT = Path(__file__).resolve().parents[2]

# Longer than Discord's 3-second window: a command that waits for the database before
# acknowledging is certain to expire.
SLOW_SECONDS = 3.3


@contextlib.asynccontextmanager
async def sqlite_write_lock(database_url: str, seconds: float) -> AsyncIterator[None]:
    """A real slow database: another connection holds SQLite's write lock for ``seconds``.

    Every transaction of the bot begins with BEGIN IMMEDIATE, so each one waits (busy_timeout)
    until the lock is released.
    """
    path = database_url.split("///", 1)[1]
    conn = sqlite3.connect(path, timeout=5, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    loop = asyncio.get_running_loop()
    release = loop.call_later(seconds, conn.rollback)
    try:
        yield
    finally:
        if not release.cancelled():
            await asyncio.sleep(max(0.0, release.when() - loop.time()))
        conn.close()


async def count(world: World, model: Any, *where: Any) -> int:
    async with world.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model).where(*where)))


def messages_of(inter: Interaction) -> list[Any]:
    return ([inter.message] if inter.message else []) + list(inter.followups)


async def answered(world: World, inter: Interaction, within: float = 10.0) -> str:
    """The text the user finally sees for ``inter`` (after a deferral, the edited placeholder;
    for a button deferred as an update, the edited prompt)."""
    emu = world.emu

    def done() -> bool:
        if inter.response_type == 6:
            return inter.source_message is not None and inter.source_message.edits > 0
        return bool(messages_of(inter)) and not any(m.loading for m in messages_of(inter))

    await emu.wait_for(done, within)
    if inter.response_type in (6, 7):
        assert inter.source_message is not None
        return inter.source_message.text
    return "\n".join(m.text for m in messages_of(inter))


async def _prepared(world: World) -> tuple[E2ESeed, dict[str, Any]]:
    seed = await seed_e2e(world)
    emu = world.emu
    # gus signs now, to withdraw during the slow spell.
    prompt = await world.slash("ask sign", user=world.gus, ask=str(seed.ask))
    await emu.click(prompt.message, label="Confirm", user=world.gus)
    await schedule(world, seed)
    action_id = await only_action_id(world)
    [announcement] = announcements(world)
    lena_prompt = await world.slash("ask sign", user=world.lena, ask=str(seed.ask))
    statement_form = await world.slash("statement submit", user=world.lena, ask=str(seed.ask))
    assert statement_form.modal is not None
    return seed, {
        "prompt": lena_prompt,
        "announcement": announcement,
        "action": action_id,
        "form": statement_form,
    }


async def test_a_slow_database_defers_every_write_path_in_time(world: World, database_url):
    seed, got = await _prepared(world)
    emu = world.emu
    async with sqlite_write_lock(database_url, SLOW_SECONDS):
        paths = {
            "Confirm (ask sign)": emu.click(
                got["prompt"].message, label="Confirm", user=world.lena
            ),
            "/ask withdraw": world.slash(
                "ask withdraw", user=world.gus, ask=str(seed.ask), reason="Council vote lost"
            ),
            "/action rsvp": world.slash(
                "action rsvp", user=world.mia, action=str(got["action"]), response="going"
            ),
            "RSVP button": emu.click(got["announcement"], label="Maybe", user=world.gus),
            "/statement submit": emu.submit_modal(
                got["form"], {"statement": "Lyon supports this.", "name": "Lena"}
            ),
        }
        results = await asyncio.gather(*paths.values(), return_exceptions=True)
    outcome = dict(zip(paths, results, strict=True))
    expired = {name: repr(r) for name, r in outcome.items() if isinstance(r, BaseException)}
    assert not expired, f"not acknowledged in time: {expired}"
    texts = {name: await answered(world, inter) for name, inter in outcome.items()}
    assert "Done: Lyon signed" in texts["Confirm (ask sign)"]
    assert "Grenoble withdrew" in texts["/ask withdraw"]
    assert "Recorded for **Marseille**: **Going**" in texts["/action rsvp"]
    assert "Recorded for **Grenoble**: **Maybe**" in texts["RSVP button"]
    assert "Saved Lyon's statement" in texts["/statement submit"]
    for name, inter in outcome.items():
        assert inter.response_type in (5, 6), f"{name} was not deferred"
    assert await count(world, SignOn, SignOn.city_id == seed.lyon) == 1
    assert await count(world, Rsvp, Rsvp.superseded_at.is_(None)) == 2
    assert await count(world, Statement) == 1
    emu.assert_no_violations()


# --- the gateway dropping ---


async def _sign_prompt(world: World) -> tuple[E2ESeed, Interaction]:
    seed = await seed_e2e(world)
    prompt = await world.slash("ask sign", user=world.lena, ask=str(seed.ask))
    assert prompt.message is not None and prompt.message.buttons()
    return seed, prompt


async def _handled_once(world: World, seed: E2ESeed, inter: Interaction) -> None:
    assert "Done: Lyon signed" in await answered(world, inter)
    assert inter.rejections == [], "answered once, never twice"
    assert await count(world, SignOn, SignOn.city_id == seed.lyon) == 1
    await world.bot.workers.outbox.drain()  # the progress line goes through the outbox
    posts = world.emu.channel_messages(world.channels["coalition"])
    assert [p.content.split('"')[0] for p in posts] == ["Lyon signed "]
    events = world.emu.gateway.session.events("INTERACTION_CREATE")  # type: ignore[union-attr]
    assert [e["id"] for e in events].count(str(inter.id)) == 1


async def test_op7_reconnect_while_a_sign_on_is_in_flight(world: World, database_url) -> None:
    seed, prompt = await _sign_prompt(world)
    async with sqlite_write_lock(database_url, 0.8):  # the Confirm is held in the database
        click = asyncio.create_task(
            world.emu.click(prompt.message, label="Confirm", user=world.lena)
        )
        await asyncio.sleep(0.2)
        await world.emu.request_reconnect()
        inter = await click
    await _handled_once(world, seed, inter)
    assert world.emu.gateway.session.resumes == 1  # type: ignore[union-attr]
    assert world.emu.gateway.identifies == 1


async def test_an_abrupt_drop_replays_a_click_made_meanwhile_once(world: World) -> None:
    seed, prompt = await _sign_prompt(world)
    drop = asyncio.create_task(world.emu.drop_gateway())
    await asyncio.sleep(0)  # the socket is cut: the click below is buffered, then replayed
    inter = await world.emu.click(prompt.message, label="Confirm", user=world.lena)
    await drop
    await _handled_once(world, seed, inter)
    # And the connection is whole again: a second drop, then an ordinary command.
    await world.emu.drop_gateway()
    assert "Coalition Bot" in (await world.slash("about", user=world.sam)).text
    assert world.emu.gateway.session.resumes == 2  # type: ignore[union-attr]


async def test_an_abrupt_drop_while_the_handler_runs(world: World, database_url) -> None:
    seed, prompt = await _sign_prompt(world)
    async with sqlite_write_lock(database_url, 0.8):
        click = asyncio.create_task(
            world.emu.click(prompt.message, label="Confirm", user=world.lena)
        )
        await asyncio.sleep(0.2)
        await world.emu.drop_gateway()
        inter = await click
    await _handled_once(world, seed, inter)


# --- Discord answering 429 and 5xx ---


async def test_429_and_5xx_on_a_sign_on_deliver_the_reply_and_one_announcement(
    world: World,
) -> None:
    seed, prompt = await _sign_prompt(world)
    emu = world.emu
    emu.rate_limit("POST", r"/callback$", times=1, retry_after=0.05, global_=True)
    emu.rate_limit("POST", r"^/channels/\d+/messages$", times=2, retry_after=0.05)
    # Then Discord makes the post but its edge answers 500: discord.py retries with the
    # same nonce, and the post must not appear twice.
    emu.server_error("POST", r"^/channels/\d+/messages$", times=1, status=500, after=True)
    inter = await emu.click(prompt.message, label="Confirm", user=world.lena)
    await emu.wait_for(lambda: len(emu.server_error_hits) == 1 and len(emu.rate_limit_hits) == 3)
    await _handled_once(world, seed, inter)
    emu.assert_no_violations()


async def test_reminders_survive_5xx_storms_and_go_out_exactly_once(world: World) -> None:
    from datetime import timedelta

    seed = await seed_e2e(world)
    await schedule(world, seed)
    emu = world.emu
    channel = world.channels["coalition"]

    def reminders() -> list[Any]:
        return [m for m in emu.channel_messages(channel) if "Reminder:" in m.content]

    # A 503 is not retried by discord.py: the channel post (queued in the outbox by the
    # reminder) is put back and sent on a later run.
    emu.server_error("POST", rf"^/channels/{channel.id}/messages$", times=1, status=503)
    world.clock.advance(timedelta(days=3, minutes=1))
    await world.bot.workers.reminders.run_due()
    await world.bot.workers.outbox.drain()  # reminder channel posts go through the outbox
    assert reminders() == []
    # The retry meets a 502 after the post was made: retried with the same nonce, once.
    emu.server_error("POST", r"^/channels/\d+/messages$", times=1, status=502, after=True)
    emu.rate_limit("POST", r"^/channels/\d+/messages$", times=2, retry_after=0.05)
    world.clock.advance(timedelta(minutes=5))
    await world.bot.workers.reminders.run_due()
    await world.bot.workers.outbox.drain()  # reminder channel posts go through the outbox
    assert len(reminders()) == 1
    assert len(emu.dms(world.cora)) == 1
    await world.bot.workers.reminders.run_due()
    await world.bot.workers.outbox.drain()  # reminder channel posts go through the outbox
    world.clock.advance(timedelta(hours=1))
    await world.bot.workers.reminders.run_due()
    await world.bot.workers.outbox.drain()  # reminder channel posts go through the outbox
    assert len(reminders()) == 1 and len(emu.dms(world.cora)) == 1
    assert emu.server_error_hits and len(emu.rate_limit_hits) == 2
    emu.violations[:] = [v for v in emu.violations if v.code != 50007]  # mia's closed DMs


# --- SIGTERM in the middle of a sign-on ---


class _Outside:
    """Just enough of a World for seed_e2e, for a bot running in another process."""

    def __init__(self, parts: dict[str, Any], uow: Any) -> None:
        self.__dict__.update(parts)
        self._uow = uow

    def __getattr__(self, name: str) -> Any:
        return self.__dict__["users"][name]

    def uow(self) -> Any:
        return self._uow()


async def _start_bot_process(emu: Any, tmp_path: Any, db_path: Any) -> Any:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))}
    env.update(
        DISCORD_TOKEN=emu.bot_token,
        DISCORD_API_BASE=emu.api_base,
        DISCORD_GATEWAY_URL=emu.gateway_url,
        DISCORD_GUILD_READY_TIMEOUT="0.1",
        DATABASE_URL=f"sqlite:///{db_path}",
        PYTHONPATH=str(ROOT),
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot",
        env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    seen: list[str] = []
    while not any("ready as" in line for line in seen):
        line = await asyncio.wait_for(proc.stdout.readline(), timeout=30)
        if not line:
            raise AssertionError("bot exited early:\n" + "".join(seen))
        seen.append(line.decode())
    return proc


async def test_sigterm_during_a_sign_on_never_records_it_silently(emu, tmp_path) -> None:
    parts = build_world(emu)
    db_path = tmp_path / "bot.db"
    proc = await _start_bot_process(emu, tmp_path, db_path)
    engine = create_engine(sqlite_url(db_path))
    outside = _Outside(parts, UnitOfWorkFactory(create_session_factory(engine)))
    lena = parts["users"]["lena"]
    try:
        seed = await seed_e2e(outside)
        prompt = await emu.slash("ask sign", user=lena, guild=parts["guild"], ask=str(seed.ask))
        lock = sqlite3.connect(str(db_path), timeout=5, isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")  # the Confirm below waits in the database
        click = asyncio.create_task(emu.click(prompt.message, label="Confirm", user=lena))
        await emu.wait_for(lambda: bool(emu.interactions) and _deferred(emu, prompt), 5)
        proc.send_signal(signal.SIGTERM)
        await asyncio.sleep(0.3)
        lock.rollback()  # the sign-on can now commit, in the middle of shutting down
        lock.close()
        code = await asyncio.wait_for(proc.wait(), timeout=15)
        assert code == 0
        inter = await asyncio.gather(click, return_exceptions=True)
        inter = inter[0]
        async with outside.uow() as uow:
            rows = await uow.session.scalar(select(func.count()).select_from(SignOn))
        assert isinstance(inter, Interaction), inter  # acknowledged (deferred) in time
        told = [m.text for m in messages_of(inter) if not m.loading]
        if inter.response_type in (6, 7) and prompt.message.edits:
            told.append(prompt.message.text)
        if rows:
            assert rows == 1 and any("Done: Lyon signed" in t for t in told), (rows, told)
        else:
            assert not any("Done" in t for t in told), told
        # Restarted, Confirm again: exactly one sign-on, whatever happened before.
        proc = await _start_bot_process(emu, tmp_path, db_path)
        again = await emu.click(prompt.message, label="Confirm", user=lena)
        text = await _final_text(emu, again)
        assert "Done: Lyon signed" in text or "already signed" in text, text
        async with outside.uow() as uow:
            assert await uow.session.scalar(select(func.count()).select_from(SignOn)) == 1
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            await asyncio.wait_for(proc.wait(), timeout=15)
        await engine.dispose()
    emu.violations[:] = [v for v in emu.violations if v.code not in (10062, 10015)]
    emu.assert_no_violations()


def _deferred(emu: Any, prompt: Interaction) -> bool:
    clicks = [i for i in emu.interactions.values() if i.source_message is prompt.message]
    return bool(clicks) and clicks[-1].response_type is not None


async def _final_text(emu: Any, inter: Interaction) -> str:
    def done() -> bool:
        if inter.response_type == 6:
            return inter.source_message is not None and inter.source_message.edits > 0
        return bool(messages_of(inter)) and not any(m.loading for m in messages_of(inter))

    await emu.wait_for(done, 10)
    if inter.response_type in (6, 7):
        return inter.source_message.text  # type: ignore[union-attr]
    return "\n".join(m.text for m in messages_of(inter))
