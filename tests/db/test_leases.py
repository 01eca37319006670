"""Claiming work rows: two processes never both hold the same reminder or delivery."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from bot.db.engine import create_engine, create_session_factory
from bot.db.leases import claim_due, claim_one, renew
from bot.db.models import Coalition, Reminder
from bot.db.types import utcnow
from bot.db.uow import UnitOfWorkFactory
from tests.conftest import both_backends

pytestmark = both_backends
LEASE = timedelta(seconds=60)


async def _seed(uow_factory: UnitOfWorkFactory, count: int) -> list[int]:
    now = utcnow()
    async with uow_factory() as uow:
        coalition = Coalition(guild_id=1, name="C", name_key="c", kind="peer_group", created_by=1)
        uow.session.add(coalition)
        await uow.session.flush()
        rows = [
            Reminder(
                guild_id=1,
                coalition_id=coalition.id,
                kind="action",
                dedupe_key=f"k{i}",
                due_at=now - timedelta(seconds=1),
            )
            for i in range(count)
        ]
        uow.session.add_all(rows)
        await uow.session.flush()
        return [r.id for r in rows]


async def test_one_row_is_claimed_by_exactly_one_of_two_processes(uow_factory) -> None:
    (row_id,) = await _seed(uow_factory, 1)

    async def claim(owner: str) -> bool:
        async with uow_factory() as uow:
            return await claim_one(
                uow.session,
                Reminder,
                row_id,
                now=utcnow(),
                lease=LEASE,
                owner=owner,
                due_column=Reminder.due_at,
            )

    results = await asyncio.gather(claim("a"), claim("b"))
    assert sorted(results) == [False, True]


async def test_an_expired_lease_can_be_claimed_again(uow_factory) -> None:
    (row_id,) = await _seed(uow_factory, 1)
    now = utcnow()
    async with uow_factory() as uow:
        assert await claim_one(
            uow.session,
            Reminder,
            row_id,
            now=now,
            lease=LEASE,
            owner="a",
            due_column=Reminder.due_at,
        )
    async with uow_factory() as uow:
        assert not await claim_one(
            uow.session,
            Reminder,
            row_id,
            now=now,
            lease=LEASE,
            owner="b",
            due_column=Reminder.due_at,
        )
    later = now + LEASE + timedelta(seconds=1)
    async with uow_factory() as uow:
        assert await claim_one(
            uow.session,
            Reminder,
            row_id,
            now=later,
            lease=LEASE,
            owner="b",
            due_column=Reminder.due_at,
        )
        row = await uow.session.get(Reminder, row_id)
        assert (row.claimed_by, row.attempts) == ("b", 2)


async def test_two_engines_split_200_due_rows_without_overlap(database_url, uow_factory) -> None:
    ids = await _seed(uow_factory, 200)
    engines = [create_engine(database_url), create_engine(database_url)]
    factories = [UnitOfWorkFactory(create_session_factory(e)) for e in engines]

    async def worker(factory: UnitOfWorkFactory, owner: str) -> list[int]:
        mine: list[int] = []
        while True:
            async with factory() as uow:
                got = await claim_due(
                    uow.session,
                    Reminder,
                    now=utcnow(),
                    lease=LEASE,
                    owner=owner,
                    due_column=Reminder.due_at,
                    limit=7,
                )
            assert len(got) <= 7, f"claimed {len(got)} rows with limit 7"
            if not got:
                return mine
            mine.extend(got)
            await asyncio.sleep(0)

    try:
        a, b = await asyncio.gather(worker(factories[0], "a"), worker(factories[1], "b"))
    finally:
        for engine in engines:
            await engine.dispose()
    assert not set(a) & set(b)
    assert sorted(a + b) == sorted(ids)
    assert a and b, "both processes got a share of the work"
    async with uow_factory() as uow:
        sending = await uow.session.scalar(
            select(func.count()).where(Reminder.status == "sending", Reminder.attempts == 1)
        )
    assert sending == 200


async def test_renew_extends_only_a_lease_still_held(uow_factory) -> None:
    """Right before each send a holder renews its lease; once it ran out (or another process
    claimed the row) the renewal fails and the holder must not send."""
    first, second = await _seed(uow_factory, 2)
    now = utcnow()

    async def step(fn, *a, **kw):  # type: ignore[no-untyped-def]
        async with uow_factory() as uow:
            return await fn(uow.session, Reminder, *a, **kw)

    for row_id in (first, second):
        assert await step(
            claim_one, row_id, now=now, lease=LEASE, owner="a", due_column=Reminder.due_at
        )
    soon = now + timedelta(seconds=30)
    assert await step(renew, first, now=soon, lease=LEASE, owner="a") == soon + LEASE
    assert await step(renew, first, now=soon, lease=LEASE, owner="b") is None  # not b's
    late = now + LEASE + timedelta(seconds=1)  # the second row's lease ran out
    assert await step(renew, second, now=late, lease=LEASE, owner="a") is None
    assert await step(
        claim_one, second, now=late, lease=LEASE, owner="b", due_column=Reminder.due_at
    )
    assert await step(renew, second, now=late, lease=LEASE, owner="a") is None
    assert await step(renew, second, now=late, lease=LEASE, owner="b") == late + LEASE
    # The fencing-token form (webhook deliveries): only the expiry this holder set matches.
    assert await step(renew, first, now=soon, lease=LEASE, held_until=now + LEASE) is None
    assert await step(renew, first, now=soon, lease=LEASE, held_until=soon + LEASE) == soon + LEASE
