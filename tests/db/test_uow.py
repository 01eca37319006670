"""Units of work: one commit on success, none on error, and readers that never wait or write."""

from __future__ import annotations

import asyncio
import sqlite3
import time

import pytest
from sqlalchemy import func, select

from bot.db.models import BotState
from bot.errors import InvalidInput
from tests.conftest import both_backends

pytestmark = both_backends


async def _count(uow_factory) -> int:
    async with uow_factory(read_only=True) as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(BotState)))


async def test_a_refusal_rolls_back_every_write_of_the_command(uow_factory) -> None:
    async with uow_factory() as uow:
        uow.session.add(BotState(key="kept", value="1"))
    with pytest.raises(InvalidInput):
        async with uow_factory() as uow:
            uow.session.add(BotState(key="dropped", value="2"))
            await uow.session.flush()
            raise InvalidInput("refused halfway")
    assert await _count(uow_factory) == 1


async def test_a_read_only_unit_cannot_write(uow_factory) -> None:
    with pytest.raises(Exception, match=r"read-?only"):
        async with uow_factory(read_only=True) as uow:
            uow.session.add(BotState(key="sneaky", value="1"))
            await uow.session.flush()
    assert await _count(uow_factory) == 0
    async with uow_factory() as uow:  # the pooled connection is writable again afterwards
        uow.session.add(BotState(key="after", value="1"))
    assert await _count(uow_factory) == 1


async def test_readers_do_not_wait_for_a_writer_on_sqlite(uow_factory, database_url) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL readers never wait for writers")
    async with uow_factory() as uow:
        uow.session.add(BotState(key="a", value="1"))
    writer = sqlite3.connect(database_url.split("///", 1)[1], isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO bot_state VALUES ('b', '2', '2026-01-01 00:00:00')")
        started = time.monotonic()
        seen = await _count(uow_factory)
        waited = time.monotonic() - started
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert seen == 1  # the committed snapshot, not the writer's uncommitted row
    assert waited < 1.0, f"a reader waited {waited:.1f} s for the write lock"


async def test_many_concurrent_writers_all_commit(uow_factory) -> None:
    """60 commands writing at once (a burst of sign-ons): every one lands, none is refused with
    'database is locked'; on SQLite they queue in-process instead of in the busy handler."""

    async def write(i: int) -> None:
        async with uow_factory() as uow:
            uow.session.add(BotState(key=f"k{i}", value=str(i)))
            await uow.session.flush()
            await asyncio.sleep(0)  # let the others pile up while this one holds the lock

    await asyncio.gather(*(write(i) for i in range(60)))
    assert await _count(uow_factory) == 60


async def test_a_nested_write_unit_in_the_same_task_does_not_wait_for_itself(
    uow_factory,
) -> None:
    async def nested() -> None:
        async with uow_factory(), uow_factory() as inner:
            inner.session.add(BotState(key="inner", value="1"))

    await asyncio.wait_for(nested(), timeout=15)
    assert await _count(uow_factory) == 1
