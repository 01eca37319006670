"""The Discord outbox's rules, on SQLite and PostgreSQL: queued with the change (a rollback
queues nothing), one row per channel or recipient at a time in order, edits coalesced, a
backoff then "gave up", refused DMs final with one fallback mention, each row claimed once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.clock import FakeClock
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import OutboxMessage
from bot.db.models.enums import OutboxStatus
from bot.db.uow import OutboxQueued, UnitOfWorkFactory
from bot.services import outbox
from tests.conftest import both_backends

pytestmark = both_backends

LEASE = timedelta(seconds=60)
CHANNEL, OTHER_CHANNEL, USER = 111, 222, 333


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def uows(database_url: str, clock: FakeClock):  # type: ignore[no-untyped-def]
    engine = create_engine(database_url)
    woken: list[tuple[object, ...]] = []

    async def on_commit(wakes: tuple[object, ...]) -> None:
        woken.append(wakes)

    factory = UnitOfWorkFactory(create_session_factory(engine), clock=clock, on_commit=on_commit)  # type: ignore[arg-type]
    factory.woken = woken  # type: ignore[attr-defined]
    try:
        yield factory
    finally:
        await engine.dispose()


async def post(uows: UnitOfWorkFactory, channel: int = CHANNEL, **kw: object) -> int:
    async with uows() as uow:
        row = await outbox.post(
            uow, channel_id=channel, template="text", data={"content": "hi"}, **kw
        )
    assert row is not None
    return row


async def claim(uows: UnitOfWorkFactory, owner: str = "a") -> list[int]:
    async with uows() as uow:
        return await outbox.claim_due(uow, owner=owner, lease=LEASE)


async def sent(uows: UnitOfWorkFactory, row: int, message_id: int | None = None) -> None:
    async with uows() as uow:
        assert await outbox.mark_sent(uow, row, owner="a", message_id=message_id)


async def count(uows: UnitOfWorkFactory) -> int:
    async with uows(read_only=True) as uow:
        return int(await uow.session.scalar(select(func.count(OutboxMessage.id))) or 0)


async def test_a_rolled_back_change_queues_nothing_and_wakes_nobody(uows) -> None:
    with pytest.raises(RuntimeError):
        async with uows() as uow:
            await outbox.post(uow, channel_id=CHANNEL, template="text", data={"content": "x"})
            raise RuntimeError("the change failed")
    assert await count(uows) == 0 and uows.woken == []
    await post(uows)
    assert await count(uows) == 1 and uows.woken == [(OutboxQueued(),)]


async def test_one_row_per_target_at_a_time_in_order(uows) -> None:
    first, second = await post(uows), await post(uows)
    elsewhere = await post(uows, OTHER_CHANNEL)
    async with uows() as uow:
        dm = await outbox.dm(uow, user_id=USER, template="text", data={"content": "x"})
    assert await claim(uows) == [first, elsewhere, dm]
    assert await claim(uows) == []  # the second waits for the first
    await sent(uows, first, message_id=5)
    assert await claim(uows) == [second]


async def test_a_failed_row_keeps_the_rows_behind_it_waiting_then_gives_up(uows, clock) -> None:
    first, second = await post(uows), await post(uows)
    assert await claim(uows) == [first]
    async with uows() as uow:
        status = await outbox.retry_later(
            uow, first, owner="a", error="500", give_up_after=timedelta(hours=24)
        )
    assert status == OutboxStatus.PENDING
    assert await claim(uows) == []  # neither the backed-off row nor the one behind it
    clock.advance(outbox.backoff(1))
    assert await claim(uows) == [first]
    clock.advance(timedelta(hours=24))
    async with uows() as uow:
        status = await outbox.retry_later(
            uow, first, owner="a", error="500", give_up_after=timedelta(hours=24)
        )
        backlog = await outbox.backlog(uow)
    assert status == OutboxStatus.GAVE_UP
    assert backlog.size == 1 and backlog.gave_up == 1
    assert await claim(uows) == [second]  # the one behind goes on


def test_backoff_is_capped(database_url: str) -> None:
    assert outbox.backoff(1) == timedelta(seconds=5)
    assert outbox.backoff(3) == timedelta(seconds=20)
    assert outbox.backoff(30) == timedelta(seconds=outbox.MAX_DELAY)


async def edit(uows: UnitOfWorkFactory, **kw: object) -> int | None:
    async with uows() as uow:
        return await outbox.edit(
            uow, channel_id=CHANNEL, key="live:1", template="text", data={"content": "e"}, **kw
        )


async def test_edits_coalesce_and_one_is_in_flight_at_a_time(uows) -> None:
    posted = await post(uows, key="live:1")
    assert await edit(uows) == posted  # the post is still to be sent: it shows the change
    assert await count(uows) == 1
    assert await claim(uows) == [posted]
    await sent(uows, posted, message_id=77)
    first = await edit(uows)
    assert first is not None and await edit(uows) == first and await count(uows) == 2
    assert await claim(uows) == [first]
    second = await edit(uows)  # the first is in flight: a new one follows it
    assert second not in (None, first)
    assert await claim(uows) == []  # not while the first is in flight
    async with uows() as uow:
        loaded = await outbox.load(uow, first)
    assert not isinstance(loaded, str) and loaded.message_id == 77
    await sent(uows, first)
    assert await claim(uows) == [second]


async def test_frequent_edits_wait_a_moment_and_a_change_brings_them_forward(uows, clock) -> None:
    posted = await post(uows, key="live:1")
    await claim(uows)
    await sent(uows, posted, message_id=77)
    row = await edit(uows, debounce=outbox.EDIT_DEBOUNCE)
    for _ in range(9):
        assert await edit(uows, debounce=outbox.EDIT_DEBOUNCE) == row
    assert await claim(uows) == []
    assert await edit(uows) == row  # a change (a cancellation) does not wait
    assert await claim(uows) == [row]


async def test_an_edit_of_a_post_that_never_appeared_is_not_sent(uows) -> None:
    posted = await post(uows, key="live:1")
    await claim(uows)
    async with uows() as uow:
        await outbox.mark_undeliverable(uow, posted, owner="a", error="forbidden")
    row = await edit(uows)
    assert await claim(uows) == [row]
    async with uows() as uow:
        assert await outbox.load(uow, row) == "the post to edit was never sent"


async def test_a_refused_dm_is_final_and_falls_back_to_one_mention(uows) -> None:
    async with uows() as uow:
        row = await outbox.dm(
            uow,
            user_id=USER,
            template="text",
            data={"content": "x"},
            fallback_channel_id=CHANNEL,
        )
    assert row is not None
    assert await claim(uows) == [row]
    async with uows() as uow:
        fallback = await outbox.mark_undeliverable(
            uow, row, owner="a", error="50007", dm_refused=True
        )
    assert fallback is not None
    async with uows() as uow:
        # Marking it again (a second process) queues no second mention.
        assert (
            await outbox.mark_undeliverable(uow, row, owner="a", error="x", dm_refused=True) is None
        )
        states = await outbox.states(uow, (row, fallback))
        fb = await uow.session.get(OutboxMessage, fallback)
    assert states[row][0] == OutboxStatus.UNDELIVERABLE
    assert states[fallback][0] == OutboxStatus.PENDING
    assert fb is not None and fb.template == outbox.DM_FALLBACK and fb.channel_id == CHANNEL
    assert await claim(uows) == [fallback]


async def test_a_dedupe_key_queues_once(uows) -> None:
    first = await post(uows, dedupe_key="reminder:1")
    async with uows() as uow:
        again = await outbox.post(
            uow, channel_id=CHANNEL, template="text", data={}, dedupe_key="reminder:1"
        )
    assert again is None and await count(uows) == 1 and first


async def test_two_processes_claim_each_row_once(database_url: str, clock: FakeClock) -> None:
    engines = [create_engine(database_url) for _ in range(2)]
    try:
        factories = [UnitOfWorkFactory(create_session_factory(e), clock=clock) for e in engines]
        rows = [await post(factories[0], channel=1000 + i) for i in range(40)]

        async def claimer(factory: UnitOfWorkFactory, owner: str) -> list[int]:
            got: list[int] = []
            while True:
                async with factory() as uow:
                    ids = await outbox.claim_due(uow, owner=owner, lease=LEASE, limit=3)
                if not ids:
                    return got
                got.extend(ids)

        a, b = await asyncio.gather(claimer(factories[0], "a"), claimer(factories[1], "b"))
        assert sorted(a + b) == rows and not set(a) & set(b)
    finally:
        for engine in engines:
            await engine.dispose()


async def test_backlog_counts_this_servers_unsent_rows(uows, clock) -> None:
    await post(uows, guild_id=1)
    clock.advance(60)
    await post(uows, guild_id=2)
    async with uows(read_only=True) as uow:
        mine = await outbox.backlog(uow, guild_id=1)
        everyone = await outbox.backlog(uow)
    assert mine.size == 1 and mine.oldest_age(clock.now()) == timedelta(seconds=60)
    assert everyone.size == 2


async def test_a_debounced_edit_does_not_hold_back_a_new_post(uows, clock) -> None:
    posted = await post(uows, key="live:1")
    await claim(uows)
    await sent(uows, posted, message_id=77)
    waiting = await edit(uows, debounce=outbox.EDIT_DEBOUNCE)
    later = await post(uows)
    assert await claim(uows) == [later]
    clock.advance(outbox.EDIT_DEBOUNCE)
    assert await claim(uows) == [waiting]
