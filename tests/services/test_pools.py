"""Pooled procurement on SQLite and PostgreSQL: who may open, pledge, close and export a pool;
pledges end and never change in place; the pool closes at its deadline exactly once (across
two processes and a replayed reminder), with one post and one ``pool_closed`` event; the
reminders before the deadline; the CSV a spreadsheet opens."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from bot.clock import FakeClock
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import OutboxMessage, Pledge, Pool, Reminder, WebhookDelivery
from bot.db.models.enums import PoolStatus, ReminderStatus
from bot.db.uow import UnitOfWorkFactory
from bot.errors import ChoiceNeeded, Conflict, InvalidInput, NotFound, PermissionDenied
from bot.services import cities, coalitions, pools, webhooks
from bot.services.common import Actor
from bot.workers.reminder_worker import ReminderRuntime
from tests.conftest import both_backends
from tests.seed import (
    ADMIN,
    COORD,
    OTHER_ADMIN,
    PENDING,
    REP_GRENOBLE,
    REP_LYON,
    STRANGER,
    World,
    build_world,
)

pytestmark = both_backends


class NoSender:
    """Pool reminders send through the outbox, never through the reminder worker's sender."""

    async def post_reminder(self, *a: object, **kw: object) -> None:
        raise AssertionError("pool reminders do not post through the reminder sender")

    dm_reminder = post_fallback = post_reminder


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def world(database_url: str, clock: FakeClock) -> AsyncIterator[World]:
    engine = create_engine(database_url)
    try:
        yield await build_world(UnitOfWorkFactory(create_session_factory(engine), clock=clock))
    finally:
        await engine.dispose()


def in_days(clock: FakeClock, days: float) -> str:
    return (clock.now() + timedelta(days=days)).strftime("%Y-%m-%d %H:%M")


CHANNEL = 4242


async def open_pool(world: World, clock: FakeClock, *, days: float | None = 10) -> int:
    await world(coalitions.set_channel, COORD, coalition_id=world.rhone, channel_id=CHANNEL)
    made = await world(
        pools.create_pool,
        COORD,
        coalition_id=world.rhone,
        item="12 m electric buses",
        unit="vehicles",
        deadline_text=None if days is None else in_days(clock, days),
        tz_name=None if days is None else "UTC",
    )
    return made.pool.id


async def rows(world: World, model: type, *where: object) -> list:  # type: ignore[type-arg]
    async with world.uow(read_only=True) as uow:
        return list((await uow.session.scalars(select(model).where(*where))).all())


async def test_only_coordinators_and_admins_open_pools_and_reminders_follow_the_deadline(
    world: World, clock: FakeClock
) -> None:
    for actor in (REP_LYON, STRANGER):
        with pytest.raises(PermissionDenied, match="Only coordinators of Rhône Climate"):
            await world(
                pools.create_pool, actor, coalition_id=world.rhone, item="Buses", unit="vehicles"
            )
    with pytest.raises(NotFound, match="coalition"):
        await world(
            pools.create_pool, OTHER_ADMIN, coalition_id=world.rhone, item="Buses", unit="buses"
        )
    with pytest.raises(InvalidInput, match="past"):
        await world(
            pools.create_pool,
            COORD,
            coalition_id=world.rhone,
            item="Buses",
            unit="vehicles",
            deadline_text=in_days(clock, -1),
            tz_name="UTC",
        )
    made = await world(
        pools.create_pool,
        COORD,
        coalition_id=world.rhone,
        item="12 m electric buses",
        unit="vehicles",
        deadline_text=in_days(clock, 3),
        tz_name="Europe/Paris",
    )
    assert made.pool.status == PoolStatus.OPEN and made.deadline_reading
    reminders = await rows(world, Reminder, Reminder.dedupe_key.startswith("pool:"))
    # 3 days ahead: the 7-day reminder would already be past, so only 1 day before and close.
    assert sorted(r.offset_label for r in reminders) == ["1d", "close"]
    assert {r.kind for r in reminders} == {"pool_deadline", "pool_close"}
    close = next(r for r in reminders if r.offset_label == "close")
    assert close.due_at == made.pool.deadline
    undated = await world(
        pools.create_pool, ADMIN, coalition_id=world.rhone, item="Heat pumps", unit="units"
    )
    assert undated.pool.deadline is None and undated.reminders == []


async def test_pledges_change_with_history_and_withdraw(world: World, clock: FakeClock) -> None:
    pool_id = await open_pool(world, clock)
    first = await world(pools.pledge, REP_LYON, pool_id=pool_id, quantity=5, note="Depot A")
    assert (first.city_name, first.quantity, first.before, first.total) == ("Lyon", 5, None, 5)
    clock.advance(timedelta(hours=1))
    changed = await world(pools.pledge, REP_LYON, pool_id=pool_id, quantity="1 200")
    assert (changed.quantity, changed.before, changed.total, changed.cities) == (1200, 5, 1200, 1)
    same = await world(pools.pledge, REP_LYON, pool_id=pool_id, quantity=1200)
    assert same.unchanged
    await world(pools.pledge, REP_GRENOBLE, pool_id=pool_id, quantity=3)
    view = await world(pools.show_pool, STRANGER, pool_id)
    assert (view.total, view.cities) == (1203, 2)
    assert [(p.city_name, p.quantity) for p in view.pledges] == [("Grenoble", 3), ("Lyon", 1200)]
    gone = await world(pools.withdraw, REP_GRENOBLE, pool_id=pool_id, reason="Budget cut")
    assert (gone.quantity, gone.total, gone.cities) == (3, 1200, 1)
    with pytest.raises(Conflict, match="nothing to withdraw"):
        await world(pools.withdraw, REP_GRENOBLE, pool_id=pool_id, reason="Again")
    history = await rows(world, Pledge, Pledge.pool_id == pool_id)
    assert [
        (p.quantity, p.end_kind, p.end_reason) for p in sorted(history, key=lambda p: p.id)
    ] == [
        (5, "changed", None),
        (1200, None, None),
        (3, "withdrawn", "Budget cut"),
    ]
    assert history[0].note == "Depot A" and history[0].ended_at is not None
    view = await world(pools.show_pool, STRANGER, pool_id)
    assert view.not_pledged == ["Grenoble"]


async def test_who_may_pledge_and_when(world: World, clock: FakeClock) -> None:
    pool_id = await open_pool(world, clock, days=2)
    with pytest.raises(PermissionDenied, match="don't represent any city"):
        await world(pools.pledge, STRANGER, pool_id=pool_id, quantity=1)
    with pytest.raises(PermissionDenied, match="still waiting for verification"):
        await world(pools.pledge, PENDING, pool_id=pool_id, quantity=1)
    with pytest.raises(NotFound, match="pool"):
        await world(pools.pledge, OTHER_ADMIN, pool_id=pool_id, quantity=1)
    with pytest.raises(InvalidInput, match="whole number"):
        await world(pools.pledge, REP_LYON, pool_id=pool_id, quantity="twelve")
    with pytest.raises(InvalidInput, match="at least 1"):
        await world(pools.pledge, REP_LYON, pool_id=pool_id, quantity=0)
    # Zürich is not a member of the coalition.
    async with world.uow() as uow:
        await cities.verify_representative(uow, ADMIN, city_id=world.zurich, user_id=555)
    with pytest.raises(PermissionDenied, match="not a member of Rhône Climate"):
        await world(pools.pledge, Actor(1, 555), pool_id=pool_id, quantity=1)
    # Lyon's representative also speaks for Annecy, now a member: they must choose.
    async with world.uow() as uow:
        await cities.verify_representative(uow, ADMIN, city_id=world.annecy, user_id=100)
        await coalitions.join_coalition(
            uow, REP_LYON, coalition_id=world.rhone, city_id=world.annecy
        )
    with pytest.raises(ChoiceNeeded, match="several cities of Rhône Climate"):
        await world(pools.pledge, REP_LYON, pool_id=pool_id, quantity=1)
    ok = await world(pools.pledge, REP_LYON, pool_id=pool_id, quantity=1, city_id=world.annecy)
    assert ok.city_name == "Annecy"
    clock.advance(timedelta(days=2, minutes=1))
    with pytest.raises(Conflict, match=r"deadline .* has passed"):
        await world(pools.pledge, REP_LYON, pool_id=pool_id, quantity=2, city_id=world.lyon)
    with pytest.raises(Conflict, match=r"deadline .* has passed"):
        await world(pools.pledge_form, REP_GRENOBLE, pool_id)


async def test_a_coordinator_closes_once_and_pledges_stop(world: World, clock: FakeClock) -> None:
    pool_id = await open_pool(world, clock)
    await world(pools.pledge, REP_LYON, pool_id=pool_id, quantity=4)
    with pytest.raises(PermissionDenied, match="Only coordinators of Rhône Climate"):
        await world(pools.close_pool, REP_LYON, pool_id)
    closed = await world(pools.close_pool, COORD, pool_id)
    assert (closed.total, closed.cities, closed.pool.closed_by) == (4, 1, COORD.user_id)
    with pytest.raises(Conflict, match="already closed"):
        await world(pools.close_pool, ADMIN, pool_id)
    with pytest.raises(Conflict, match="is closed"):
        await world(pools.pledge, REP_GRENOBLE, pool_id=pool_id, quantity=1)
    pending = await rows(
        world,
        Reminder,
        Reminder.dedupe_key.startswith(f"pool:{pool_id}:"),
        Reminder.status == ReminderStatus.PENDING,
    )
    assert pending == []
    [post] = await rows(world, OutboxMessage, OutboxMessage.dedupe_key == pools.closed_key(pool_id))
    content = json.loads(post.data)["content"]
    assert "Pool closed by a coordinator: 12 m electric buses" in content
    assert "Total: **4 vehicles** from 1 city" in content and "• Lyon: 4 vehicles" in content


async def test_the_announcement_is_queued_with_the_pool_and_edited_when_it_closes(
    world: World, clock: FakeClock
) -> None:
    # A pool that is not opened (the transaction rolls back) announces nothing.
    await world(coalitions.set_channel, COORD, coalition_id=world.rhone, channel_id=CHANNEL)
    with pytest.raises(RuntimeError):
        async with world.uow() as uow:
            await pools.create_pool(uow, COORD, coalition_id=world.rhone, item="X", unit="u")
            raise RuntimeError("rolled back")
    assert await rows(world, OutboxMessage) == []
    pool_id = await open_pool(world, clock)
    key = pools.announcement_key(pool_id)
    [post] = await rows(world, OutboxMessage, OutboxMessage.key == key)
    assert (post.kind, post.channel_id, post.template) == ("post", CHANNEL, "pool_announcement")
    assert json.loads(post.data) == {"pool_id": pool_id}
    await world(pools.pledge, REP_LYON, pool_id=pool_id, quantity=4)
    assert len(await rows(world, OutboxMessage, OutboxMessage.key == key)) == 1  # no edit
    # The post is sent; the close queues one edit of it, before the closing post.
    async with world.uow() as uow:
        await uow.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == post.id)
            .values(status="sent", message_id=777, finished_at=clock.now())
        )
    await world(pools.close_pool, COORD, pool_id)
    [_, edit] = await rows(world, OutboxMessage, OutboxMessage.key == key)
    assert (edit.kind, edit.channel_id, edit.status) == ("edit", CHANNEL, "pending")
    closed_key = pools.closed_key(pool_id)
    [closing] = await rows(world, OutboxMessage, OutboxMessage.dedupe_key == closed_key)
    assert edit.id < closing.id
    async with world.uow(read_only=True) as uow:
        state = await pools.announcement_state(uow, pool_id)
    assert state is not None
    assert (state.pool.status, state.total, state.cities) == (PoolStatus.CLOSED, 4, 1)


async def test_the_deadline_closes_the_pool_once_across_two_processes(
    world: World, clock: FakeClock
) -> None:
    async with world.uow() as uow:
        await webhooks.add_webhook(
            uow,
            COORD,
            coalition_id=world.rhone,
            url="http://127.0.0.1:9/pools",
            allow_private=True,
            events="pool_closed",
        )
    pool_id = await open_pool(world, clock, days=10)
    await world(pools.pledge, REP_LYON, pool_id=pool_id, quantity=7, note="=HYPERLINK(1)")
    await world(pools.pledge, REP_GRENOBLE, pool_id=pool_id, quantity=2)
    clock.advance(timedelta(days=12))  # both processes were down at the deadline
    one = ReminderRuntime(world.uow, clock, NoSender(), owner="one")  # type: ignore[arg-type]
    two = ReminderRuntime(world.uow, clock, NoSender(), owner="two")  # type: ignore[arg-type]
    outcomes = await asyncio.gather(one.run_due(), two.run_due())
    closes = [
        o for batch in outcomes for o in batch if o.detail == "closed the pool at its deadline"
    ]
    assert len(closes) == 1
    [pool] = await rows(world, Pool, Pool.id == pool_id)
    assert pool.status == PoolStatus.CLOSED and pool.closed_by is None
    assert pool.closed_at == pool.deadline  # pledges stopped then, though nobody was up
    # A replay of the close (a crash before the reminder was marked sent) changes nothing.
    async with world.uow() as uow:
        epoch = int(pool.deadline.timestamp())  # type: ignore[union-attr]
        assert await pools.close_at_deadline(uow, pool_id, epoch) == "pool already closed"
    posts = await rows(world, OutboxMessage, OutboxMessage.dedupe_key == pools.closed_key(pool_id))
    assert len(posts) == 1 and "closed at its deadline" in json.loads(posts[0].data)["content"]
    [delivery] = await rows(world, WebhookDelivery, WebhookDelivery.event_type == "pool_closed")
    body = json.loads(delivery.body)
    assert body["data"]["total"] == 9 and body["data"]["pool"]["closed_automatically"] is True
    assert [p["city"]["name"] for p in body["data"]["pledges"]] == ["Grenoble", "Lyon"]
    statuses = {
        r.offset_label: r.status
        for r in await rows(world, Reminder, Reminder.dedupe_key.startswith(f"pool:{pool_id}:"))
    }
    # The reminders before the deadline, now late, send nothing after it.
    assert statuses.pop("close") == "sent"
    assert set(statuses) == {"7d", "1d"} and set(statuses.values()) <= {"skipped", "cancelled"}
    assert await rows(world, OutboxMessage, OutboxMessage.kind == "dm") == []


async def test_reminders_before_the_deadline_dm_coordinators_and_nudge_once(
    world: World, clock: FakeClock
) -> None:
    pool_id = await open_pool(world, clock, days=10)
    await world(pools.pledge, REP_LYON, pool_id=pool_id, quantity=7)
    clock.advance(timedelta(days=3, minutes=1))  # 7 days before
    runtime = ReminderRuntime(world.uow, clock, NoSender(), owner="one")  # type: ignore[arg-type]
    await runtime.run_due()
    dms = await rows(world, OutboxMessage, OutboxMessage.kind == "dm")
    by_user = {m.user_id: json.loads(m.data)["content"] for m in dms}
    assert set(by_user) == {COORD.user_id, REP_GRENOBLE.user_id}  # Lyon pledged already
    assert "7 days left" in by_user[COORD.user_id]
    assert "**Not pledged yet (1):** Grenoble" in by_user[COORD.user_id]
    assert by_user[REP_GRENOBLE.user_id].startswith("📦 Grenoble has not pledged")
    # A representative with closed DMs is mentioned in the coalition's channel instead.
    assert {json.loads(m.data)["fallback_channel_id"] for m in dms} == {CHANNEL}
    await runtime.run_due()
    assert len(await rows(world, OutboxMessage, OutboxMessage.kind == "dm")) == 2


async def test_export_csv_opens_in_a_spreadsheet_and_defuses_formulas(
    world: World, clock: FakeClock
) -> None:
    pool_id = await open_pool(world, clock)
    await world(pools.pledge, REP_LYON, pool_id=pool_id, quantity=7, note='=cmd|"/c calc"!A1')
    await world(pools.pledge, REP_GRENOBLE, pool_id=pool_id, quantity=2, note="Depot, north; 2")
    with pytest.raises(PermissionDenied, match="Only coordinators"):
        await world(pools.export_view, REP_LYON, pool_id)
    view = await world(pools.export_view, COORD, pool_id)
    names = {REP_LYON.user_id: "@Lena", REP_GRENOBLE.user_id: "Gus"}
    made = pools.build_export(view, names, fmt="csv", day=clock.now())
    assert made.filename.startswith("12-m-electric-buses-") and made.filename.endswith(".csv")
    assert made.content.startswith(b"\xef\xbb\xbf")
    text = made.content.decode("utf-8-sig")
    assert "\r\n" in text
    table = list(csv.reader(io.StringIO(text, newline="")))
    assert table[0] == ["City", "Country", "Quantity", "Note", "Representative", "Date"]
    assert table[1][:4] == ["Grenoble", "France", "2", "Depot, north; 2"]
    assert table[1][4] == "Gus" and table[1][5].endswith(" UTC")
    assert table[2][:3] == ["Lyon", "France", "7"]
    assert table[2][3] == '\'=cmd|"/c calc"!A1'
    assert table[2][4] == "'@Lena (Deputy Mayor for Climate)"
    md = pools.build_export(view, names, fmt="markdown", day=clock.now()).content.decode()
    assert "| City | Country | Quantity | Note | Representative | Date |" in md
    assert "Total: 9 vehicles from 2 cities" in md and "\\|" in md


async def test_concurrent_pledges_of_one_city_keep_one_live_row(
    world: World, clock: FakeClock
) -> None:
    pool_id = await open_pool(world, clock)

    async def pledge(n: int) -> None:
        await world(pools.pledge, REP_LYON, pool_id=pool_id, quantity=n)

    await asyncio.gather(*(pledge(n) for n in range(1, 11)))
    async with world.uow(read_only=True) as uow:
        live = await uow.session.scalar(
            select(func.count(Pledge.id)).where(
                Pledge.pool_id == pool_id, Pledge.ended_at.is_(None)
            )
        )
        total = await uow.session.scalar(
            select(func.count(Pledge.id)).where(Pledge.pool_id == pool_id)
        )
    assert (live, total) == (1, 10)
    view = await world(pools.show_pool, STRANGER, pool_id)
    assert view.cities == 1 and view.total in range(1, 11)
