"""The outbox worker with a recording sender, on SQLite and PostgreSQL: an outage is ridden
out with backoff and each message sent once in order; a restart resumes; two workers send
each message once; a refused DM is final and falls back to one mention."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.clock import FakeClock
from bot.db.engine import create_engine, create_session_factory
from bot.db.models.enums import OutboxStatus
from bot.db.uow import UnitOfWorkFactory
from bot.services import outbox
from bot.workers.delivery_errors import DMRefused
from bot.workers.outbox_worker import OutboxRuntime
from tests.conftest import both_backends

pytestmark = both_backends
CHANNEL = 42


class Recorder:
    """Sends nothing: records what it was asked to send; fails while ``down``."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []  # (kind, content)
        self.down = False
        self.refuse_dms = False
        self.attempts = 0

    async def send(self, envelope: outbox.Envelope) -> int | None:
        self.attempts += 1
        await asyncio.sleep(0)
        if self.down:
            raise ConnectionError("Discord is down")
        if envelope.kind == "dm" and self.refuse_dms:
            raise DMRefused("closed")
        self.sent.append((envelope.kind, envelope.data.get("content", envelope.template)))
        return 1000 + envelope.id


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def uows(database_url: str, clock: FakeClock):  # type: ignore[no-untyped-def]
    engine = create_engine(database_url)
    try:
        yield UnitOfWorkFactory(create_session_factory(engine), clock=clock)
    finally:
        await engine.dispose()


async def queue(uows: UnitOfWorkFactory, content: str, channel: int = CHANNEL) -> int:
    async with uows() as uow:
        row = await outbox.post(uow, channel_id=channel, template="text", data={"content": content})
    assert row is not None
    return row


async def test_an_outage_is_ridden_out_and_each_message_sent_once_in_order(uows, clock) -> None:
    sender = Recorder()
    worker = OutboxRuntime(uows, clock, sender)
    sender.down = True
    for name in ("Lyon", "Grenoble", "Marseille"):
        await queue(uows, f"{name} signed")
    elapsed = timedelta()
    while elapsed < timedelta(seconds=30):  # 30 s of failures, time moved by the clock
        await worker.drain()
        clock.advance(5)
        elapsed += timedelta(seconds=5)
    assert sender.sent == [] and sender.attempts >= 3
    sender.down = False
    clock.advance(outbox.MAX_DELAY)
    await worker.drain()
    assert sender.sent == [
        ("post", "Lyon signed"),
        ("post", "Grenoble signed"),
        ("post", "Marseille signed"),
    ]
    await worker.drain()
    assert len(sender.sent) == 3


async def test_after_a_restart_what_was_in_flight_is_sent_once(uows, clock) -> None:
    row = await queue(uows, "announced")
    dead = OutboxRuntime(uows, clock, Recorder(), lease=timedelta(seconds=30))
    async with uows() as uow:  # claimed by a process that then died before sending
        assert await outbox.claim_due(uow, owner=dead.owner, lease=dead.lease) == [row]
    sender = Recorder()
    fresh = OutboxRuntime(uows, clock, sender, lease=timedelta(seconds=30))
    await fresh.drain()
    assert sender.sent == []  # the lease still holds
    clock.advance(31)
    await fresh.start()
    await fresh.wait_idle()
    await fresh.stop()
    assert sender.sent == [("post", "announced")]


async def test_two_workers_send_each_message_once(database_url: str, clock: FakeClock) -> None:
    engines = [create_engine(database_url) for _ in range(2)]
    try:
        factories = [UnitOfWorkFactory(create_session_factory(e), clock=clock) for e in engines]
        for i in range(30):
            await queue(factories[0], f"m{i}", channel=CHANNEL + i % 4)
        senders = [Recorder(), Recorder()]
        workers = [
            OutboxRuntime(f, clock, s, batch=2) for f, s in zip(factories, senders, strict=True)
        ]
        await asyncio.gather(*(w.drain() for w in workers))
        everything = senders[0].sent + senders[1].sent
        assert sorted(c for _, c in everything) == sorted(f"m{i}" for i in range(30))
        for channel in range(4):  # each channel's messages in the order queued
            mine = [int(c[1:]) for _, c in everything if int(c[1:]) % 4 == channel]
            assert sorted(mine) == [i for i in range(30) if i % 4 == channel]
    finally:
        for engine in engines:
            await engine.dispose()


async def test_a_refused_dm_is_not_retried_and_falls_back_once(uows, clock) -> None:
    sender = Recorder()
    sender.refuse_dms = True
    worker = OutboxRuntime(uows, clock, sender)
    async with uows() as uow:
        row = await outbox.dm(
            uow, user_id=7, template="text", data={"content": "hi"}, fallback_channel_id=CHANNEL
        )
    assert row is not None
    results = await worker.drain()
    assert [r.status for r in results] == [OutboxStatus.UNDELIVERABLE, OutboxStatus.SENT]
    assert sender.sent == [("post", "hi")]
    clock.advance(timedelta(hours=1))
    assert await worker.drain() == [] and sender.attempts == 2


async def test_the_wait_for_a_commands_rows_reports_their_fate(uows, clock) -> None:
    sender = Recorder()
    worker = OutboxRuntime(uows, clock, sender)
    row = await queue(uows, "x")
    worker.on_queued()
    found = await worker.wait_settled((row,), 5)
    assert found[row][0] == OutboxStatus.SENT
    sender.down = True
    late = await queue(uows, "y")
    worker.on_queued()
    found = await worker.wait_settled((late,), 0.3)
    assert found[late][0] == OutboxStatus.PENDING  # waiting for Discord; retried later
    await worker.stop()
