"""The Discord outbox through the local Discord, on SQLite and PostgreSQL: announcements that
outlive an outage and a restart, sent once each, in order, by one of two processes; a burst of
answers makes at most two edits of an action's announcement."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import discord.http
import pytest
from sqlalchemy import func, select

from bot.db.engine import create_engine, create_session_factory
from bot.db.models import Action, OutboxMessage, Rsvp
from bot.db.models.enums import OutboxStatus
from bot.db.uow import UnitOfWorkFactory
from bot.services import outbox
from bot.ui.outbox_sender import DiscordOutbox
from bot.workers.outbox_worker import OutboxRuntime
from tests.conftest import both_backends
from tests.e2e.world import World, running_bot
from tests.seed import E2ESeed, seed_e2e

pytestmark = both_backends
POSTS = r"^/channels/\d+/messages$"
_real_sleep = asyncio.sleep


class _QuickRetries:
    """discord.py's asyncio with its 5xx retry sleeps (1, 3, 5, 7 s) shortened, so an outage
    of 500s costs the test milliseconds; time that matters moves with the FakeClock."""

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def sleep(delay: float, result: Any = None) -> Any:
        return await _real_sleep(min(delay, 0.01), result)


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(discord.http, "asyncio", _QuickRetries())


@pytest.fixture
async def restart(world: World, database_url: str) -> AsyncIterator[Callable[[], Awaitable[None]]]:
    async with contextlib.AsyncExitStack() as stack:

        async def again() -> None:
            await world.bot.close()
            world.bot = await stack.enter_async_context(
                running_bot(world.emu, database_url, clock=world.clock)
            )

        yield again


def progress_lines(world: World) -> list[str]:
    return [
        m.content.split('"')[0].strip()
        for m in world.emu.channel_messages(world.channels["coalition"])
        if " signed " in m.content or "withdrew" in m.content
    ]


async def sign(world: World, user: Any, seed: E2ESeed) -> str:
    prompt = await world.slash("ask sign", user=user, ask=str(seed.ask))
    done = await world.emu.click(prompt.message, label="Confirm", user=user)
    return done.text


async def ride_out(world: World, seconds: int) -> None:
    """Let ``seconds`` pass on the bot's clock, the outbox trying as it goes."""
    for _ in range(seconds // 5):
        await world.bot.workers.outbox.drain()
        world.clock.advance(5)


async def test_three_sign_ons_during_30_s_of_500s_are_each_announced_once_after(
    world: World, quick_retries: None
) -> None:
    seed = await seed_e2e(world)
    world.emu.server_error("POST", POSTS, times=10**6, status=500)
    for user in (world.lena, world.gus, world.mia):
        assert "Done:" in await sign(world, user, seed)  # the answer is immediate
    await ride_out(world, 30)
    assert progress_lines(world) == []
    assert world.emu.end_server_errors() > 0
    async with world.uow() as uow:
        backlog = await outbox.backlog(uow, guild_id=world.guild.id)
    assert backlog.size == 3
    world.clock.advance(outbox.MAX_DELAY)
    await world.bot.workers.outbox.drain()
    assert progress_lines(world) == ["Lyon signed", "Grenoble signed", "Marseille signed"]
    await ride_out(world, 600)
    assert len(progress_lines(world)) == 3


async def test_stopped_between_the_change_and_the_send_it_is_announced_once_after(
    world: World, restart: Callable[[], Awaitable[None]]
) -> None:
    seed = await seed_e2e(world)
    world.emu.server_error("POST", POSTS, times=10**6, status=503)
    await sign(world, world.lena, seed)
    await restart()
    assert progress_lines(world) == []
    world.emu.end_server_errors()
    world.clock.advance(outbox.MAX_DELAY)
    await world.bot.workers.outbox.drain()
    assert progress_lines(world) == ["Lyon signed"]
    await restart()  # and not again after another restart
    await world.bot.workers.outbox.wait_idle()
    assert progress_lines(world) == ["Lyon signed"]


async def test_two_processes_send_each_queued_message_once(world: World, database_url: str) -> None:
    await seed_e2e(world, with_ask=False)
    channels = [world.channels["coalition"], world.channels["general"]]
    engines = [create_engine(database_url) for _ in range(2)]
    try:
        factories = [
            UnitOfWorkFactory(create_session_factory(e), clock=world.clock) for e in engines
        ]
        async with factories[0]() as uow:  # queued without waking the bot's own worker
            for i in range(16):
                await outbox.post(
                    uow, channel_id=channels[i % 2].id, template="text", data={"content": f"m{i}"}
                )
        workers = [OutboxRuntime(f, world.clock, DiscordOutbox(world.bot, f)) for f in factories]
        await asyncio.gather(*(w.drain() for w in workers))
    finally:
        for engine in engines:
            await engine.dispose()
    for n, channel in enumerate(channels):
        seen = [m.content for m in world.emu.channel_messages(channel)]
        assert seen == [f"m{i}" for i in range(16) if i % 2 == n]


async def schedule(world: World, seed: E2ESeed) -> Any:
    when = (world.clock.now() + timedelta(days=10)).strftime("%Y-%m-%d %H:%M")
    return await world.slash(
        "action schedule",
        user=world.cora,
        coalition=str(seed.coalition),
        title="Meet the Minister",
        when=when,
        timezone="UTC",
        kind="meeting",
    )


def announcement(world: World) -> Any:
    [post] = [m for m in world.emu.channel_messages(world.channels["coalition"]) if m.embeds]
    return post


async def test_ten_answers_within_a_second_make_at_most_two_edits_ending_right(
    world: World,
) -> None:
    seed = await seed_e2e(world)
    assert "Announced in" in (await schedule(world, seed)).text
    post = announcement(world)
    edits_before = sum(r.startswith("PATCH /channels/") for r in world.emu.requests)
    answers = ["Going", "Maybe", "Not going", "Going", "Maybe"] * 2
    users = [world.lena, world.gus, world.mia] * 4
    for label, user in zip(answers, users, strict=False):
        await world.emu.click(post, label=label, user=user)
    world.clock.advance(1)
    await world.bot.workers.outbox.drain()
    edits = sum(r.startswith("PATCH /channels/") for r in world.emu.requests) - edits_before
    assert 1 <= edits <= 2
    async with world.uow() as uow:
        current = dict(
            (await uow.session.execute(
                select(Rsvp.response, func.count()).where(Rsvp.superseded_at.is_(None))
                .group_by(Rsvp.response)
            )).all()
        )  # fmt: skip
    [answers_field] = [f for f in post.embeds[0]["fields"] if f["name"] == "Answers"]
    assert answers_field["value"] == (
        f"Going {current.get('going', 0)} · Maybe {current.get('maybe', 0)} · "
        f"Not going {current.get('not_going', 0)} · No answer 0"
    )


async def test_a_cancellation_queued_behind_a_failing_announcement_comes_after_it(
    world: World,
) -> None:
    seed = await seed_e2e(world)
    channel = world.channels["coalition"]
    world.emu.server_error("POST", rf"^/channels/{channel.id}/messages$", times=10**6, status=503)
    scheduled = await schedule(world, seed)
    assert "as soon as it does" in scheduled.text
    async with world.uow() as uow:
        action_id = await uow.session.scalar(select(Action.id))
    await world.slash("action rsvp", user=world.lena, action=str(action_id), response="going")
    cancelled = await world.slash(
        "action cancel", user=world.cora, action=str(action_id), reason="Minister unavailable"
    )
    assert "Cancelled" in cancelled.text
    await world.bot.workers.reminders.wait_idle()  # the notice is queued behind
    await world.bot.workers.outbox.drain()
    assert world.emu.channel_messages(channel) == []
    world.emu.end_server_errors()
    world.clock.advance(outbox.MAX_DELAY)
    await world.bot.workers.outbox.drain()
    posts = world.emu.channel_messages(channel)
    assert [bool(p.embeds) for p in posts] == [True, False]  # the announcement, then the notice
    assert "cancelled" in posts[1].content.lower()
    assert posts[0].buttons() == []  # and the announcement was edited to say so
    async with world.uow() as uow:
        left = await uow.session.scalar(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.status != OutboxStatus.SENT)
        )
    assert left == 0
