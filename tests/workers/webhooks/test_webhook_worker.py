"""Deliveries over real HTTP to a receiver on 127.0.0.1, with time moved by a FakeClock."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta
from email.utils import format_datetime

from sqlalchemy import func, select, update

from bot.clock import FakeClock
from bot.db.engine import create_engine, create_session_factory
from bot.db.leases import claim_one
from bot.db.models import Coalition, Coordinator, Webhook, WebhookDelivery
from bot.db.uow import UnitOfWorkFactory
from bot.services import events
from bot.services import webhooks as svc
from bot.workers.webhook_worker import RetryPolicy
from tests.conftest import both_backends
from tests.seed import COORD, REP_LYON, World, sign_on
from tests.services.webhooks.conftest import (
    AddHook,
    Receiver,
    Reply,
    RuntimeFactory,
    independent_verify,
)
from tests.workers.webhooks.conftest import failure_notices, failure_rows

CHANNEL = 4242


async def _rows(world: World) -> list[WebhookDelivery]:
    async with world.uow() as uow:
        return list(
            (await uow.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id))).all()
        )


async def _hook(world: World, hook_id: int) -> Webhook:
    async with world.uow() as uow:
        hook = await uow.session.get(Webhook, hook_id)
        assert hook is not None
        return hook


async def _queue(world: World, count: int = 1, event_type: str = "ask_closed") -> None:
    async with world.uow() as uow:
        coalition = await uow.session.get(Coalition, world.rhone)
        for i in range(count):
            await events.emit(uow, coalition, event_type, {"n": i})


@both_backends
async def test_a_sign_on_is_delivered_signed_and_verifiable(
    world: World, receiver: Receiver, add_hook: AddHook, make_runtime: RuntimeFactory, clock
) -> None:
    hook = await add_hook(receiver.url, events="sign_on,withdrawal")
    runtime = make_runtime()
    await world(sign_on, REP_LYON, ask_id=world.ask)
    assert await runtime.deliver_due() == 1
    (request,) = receiver.requests
    assert request.path == "/hooks/coalition?token=abc"
    assert request.headers["Content-Type"] == "application/json"
    assert independent_verify(hook.secret, request.headers, request.body)
    assert abs(int(request.headers["webhook-timestamp"]) - clock.now().timestamp()) < 2
    payload = json.loads(request.body)
    assert payload["id"] == request.headers["webhook-id"]
    assert payload["type"] == "sign_on"
    assert payload["coalition"] == {"id": str(world.rhone), "name": "Rhône Climate"}
    data = payload["data"]
    assert data["city"] == {"id": str(world.lyon), "name": "Lyon", "country": "France"}
    assert data["ask"]["id"] == str(world.ask) and data["ask"]["version"] == 1
    assert data["user_id"] == "100" and data["reconfirmed"] is False
    assert data["signed_at"].endswith("Z")
    (row,) = await _rows(world)
    assert (row.status, row.attempts, row.last_status_code) == ("delivered", 1, 200)
    assert (await _hook(world, hook.id)).last_status.startswith("HTTP 200")


async def test_unsubscribed_events_and_other_coalitions_queue_nothing(
    world: World, receiver: Receiver, add_hook: AddHook
) -> None:
    await add_hook(receiver.url, events="withdrawal")
    await add_hook(receiver.url + "&b", events="all", coalition=world.alpine)
    await world(sign_on, REP_LYON, ask_id=world.ask)
    assert await _rows(world) == []


async def test_500_then_200_is_retried_with_the_same_id_after_backoff(
    world: World,
    receiver: Receiver,
    add_hook: AddHook,
    make_runtime: RuntimeFactory,
    clock: FakeClock,
) -> None:
    hook = await add_hook(receiver.url)
    runtime = make_runtime()
    receiver.then(Reply(500), Reply(200))
    await _queue(world)
    assert await runtime.deliver_due() == 1
    (row,) = await _rows(world)
    assert (row.status, row.attempts, row.last_status_code) == ("pending", 1, 500)
    assert row.next_attempt_at - clock.now() >= timedelta(seconds=9)
    assert await runtime.deliver_due() == 0  # not due yet: nothing sent
    assert len(receiver.requests) == 1
    assert "retrying" in (await _hook(world, hook.id)).last_status
    clock.advance(11)
    assert await runtime.deliver_due() == 1
    first, second = receiver.requests
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.body == second.body
    assert int(second.headers["webhook-timestamp"]) >= int(first.headers["webhook-timestamp"]) + 10
    assert independent_verify(hook.secret, second.headers, second.body)
    (row,) = await _rows(world)
    assert (row.status, row.attempts) == ("delivered", 2)


async def test_429_retry_after_seconds_and_http_date_are_honoured(
    world: World,
    receiver: Receiver,
    add_hook: AddHook,
    make_runtime: RuntimeFactory,
    clock: FakeClock,
) -> None:
    await add_hook(receiver.url)
    runtime = make_runtime()
    later = clock.now() + timedelta(seconds=300)
    receiver.then(
        Reply(429, {"Retry-After": "120"}),
        Reply(429, {"Retry-After": format_datetime(later, usegmt=True)}),
        Reply(200),
    )
    await _queue(world)
    await runtime.deliver_due()
    clock.advance(119)
    assert await runtime.deliver_due() == 0
    clock.advance(2)
    assert await runtime.deliver_due() == 1  # second answer: come back at `later`
    clock.set(later - timedelta(seconds=2))
    assert await runtime.deliver_due() == 0
    clock.set(later + timedelta(seconds=1))
    assert await runtime.deliver_due() == 1
    ids = {r.headers["webhook-id"] for r in receiver.requests}
    assert len(receiver.requests) == 3 and len(ids) == 1
    (row,) = await _rows(world)
    assert (row.status, row.attempts) == ("delivered", 3)


async def test_retry_after_is_capped(
    world: World,
    receiver: Receiver,
    add_hook: AddHook,
    make_runtime: RuntimeFactory,
    clock: FakeClock,
) -> None:
    await add_hook(receiver.url)
    runtime = make_runtime(policy=RetryPolicy(jitter=0.0, max_retry_after=600))
    receiver.then(Reply(429, {"Retry-After": "999999"}))
    await _queue(world)
    await runtime.deliver_due()
    (row,) = await _rows(world)
    assert row.next_attempt_at - clock.now() <= timedelta(seconds=601)


async def test_4xx_and_redirects_are_not_retried_and_coordinators_hear_once(
    world: World,
    receiver: Receiver,
    add_hook: AddHook,
    make_runtime: RuntimeFactory,
) -> None:
    hook = await add_hook(receiver.url)
    runtime = make_runtime()
    receiver.then(Reply(404), Reply(302, {"Location": "/elsewhere"}))
    await _queue(world, 2)
    await runtime.deliver_due()
    assert len(receiver.requests) == 2  # the redirect was not followed
    rows = await _rows(world)
    assert [(r.status, r.attempts) for r in rows] == [("failed", 1), ("failed", 1)]
    assert sorted(r.last_status_code for r in rows) == [302, 404]
    # One notice for the run of failures, not one per delivery.
    notices = await failure_notices(world)
    assert len(notices) == 1
    notice = notices[0]
    assert notice.coordinator_ids == (COORD.user_id,)
    assert notice.host == "127.0.0.1" and not notice.paused
    assert "token" not in notice.error and hook.secret not in notice.error
    assert sum(r.coordinators_notified_at is not None for r in rows) == 1


async def test_six_failed_attempts_fail_the_delivery_and_three_failures_pause_the_hook(
    world: World,
    receiver: Receiver,
    add_hook: AddHook,
    make_runtime: RuntimeFactory,
    clock: FakeClock,
) -> None:
    hook = await add_hook(receiver.url)
    runtime = make_runtime()
    receiver.default = Reply(503)
    await _queue(world, 3)
    for _ in range(6):
        await runtime.deliver_due()
        clock.advance(timedelta(hours=3))
    assert len(receiver.requests) == 18  # 3 deliveries x 6 attempts
    rows = await _rows(world)
    assert {(r.status, r.attempts) for r in rows} == {("failed", 6)}
    stored = await _hook(world, hook.id)
    assert (stored.status, stored.consecutive_failures) == ("paused", 3)
    notices = await failure_notices(world)
    assert [n.paused for n in notices] == [False, True]  # first failure, then the pause
    # A paused hook gets no new events; after /webhook resume it does again.
    await _queue(world)
    assert len(await _rows(world)) == 3
    await world(svc.resume_webhook, COORD, coalition_id=world.rhone, webhook_id=hook.id)
    receiver.default = Reply(204)
    await _queue(world)
    await runtime.deliver_due()
    assert (await _rows(world))[-1].status == "delivered"
    assert (await _hook(world, hook.id)).consecutive_failures == 0


async def test_a_success_resets_the_run_of_failures(
    world: World, receiver: Receiver, add_hook: AddHook, make_runtime: RuntimeFactory
) -> None:
    hook = await add_hook(receiver.url)
    runtime = make_runtime()
    receiver.then(Reply(400), Reply(400), Reply(200), Reply(400), Reply(400))
    for _ in range(5):
        await _queue(world)
        await runtime.deliver_due()
    stored = await _hook(world, hook.id)
    assert (stored.status, stored.consecutive_failures) == ("active", 2)
    notices = await failure_notices(world)
    assert len(notices) == 2  # the first failure of each run


async def test_the_notice_is_queued_with_the_failure_to_coordinators_or_the_channel(
    world: World,
    receiver: Receiver,
    add_hook: AddHook,
    make_runtime: RuntimeFactory,
    clock: FakeClock,
) -> None:
    await add_hook(receiver.url)
    async with world.uow() as uow:
        await uow.session.execute(
            update(Coalition).where(Coalition.id == world.rhone).values(channel_id=CHANNEL)
        )
    runtime = make_runtime()
    receiver.default = Reply(404)
    await _queue(world)
    await runtime.deliver_due()
    # A DM to the coordinator; should it be refused, one mention in the coalition's channel.
    [dm] = await failure_rows(world)
    assert (dm.kind, dm.user_id, dm.status) == ("dm", COORD.user_id, "pending")
    assert json.loads(dm.data)["fallback_channel_id"] == CHANNEL
    # Without coordinators, the pause is told in the coalition's channel.
    async with world.uow() as uow:
        await uow.session.execute(
            update(Coordinator)
            .where(Coordinator.coalition_id == world.rhone)
            .values(removed_at=clock.now())
        )
    await _queue(world, 2)
    await runtime.deliver_due()
    first, pause = await failure_rows(world)
    assert first.id == dm.id
    assert (pause.kind, pause.channel_id, pause.user_id) == ("post", CHANNEL, None)
    assert json.loads(pause.data)["paused"] is True
    assert [n.coordinator_ids for n in await failure_notices(world)] == [(COORD.user_id,), ()]


async def test_a_failure_whose_lease_was_lost_tells_nobody(
    world: World, receiver: Receiver, add_hook: AddHook, make_runtime: RuntimeFactory
) -> None:
    """The notice goes with the recorded failure: a record that does not land (the lease ran
    out and another process holds the row) queues no notice."""
    await add_hook(receiver.url)
    await _queue(world)
    runtime = make_runtime()
    async with world.uow() as uow:
        [attempt] = await svc.claim_due_deliveries(
            uow, now=runtime.now(), lease=runtime.lease, owner="one", limit=1
        )
    async with world.uow() as uow:  # the lease changed hands meanwhile
        await uow.session.execute(
            update(WebhookDelivery).values(lease_until=attempt.lease_until + timedelta(seconds=1))
        )
    async with world.uow() as uow:
        notice = await svc.record_failed(
            uow,
            attempt,
            now=runtime.now(),
            status_code=404,
            error="HTTP 404",
            summary="HTTP 404",
            pause_after=3,
        )
    assert notice is None
    assert await failure_rows(world) == []


async def test_a_hanging_receiver_is_bounded_by_the_deadline(
    world: World, receiver: Receiver, add_hook: AddHook, make_runtime: RuntimeFactory
) -> None:
    await add_hook(receiver.url)
    runtime = make_runtime(attempt_deadline=0.3)
    receiver.then(Reply(hang=True))
    await _queue(world)
    started = time.monotonic()
    await runtime.deliver_due()
    assert time.monotonic() - started < 3
    (row,) = await _rows(world)
    assert row.status == "pending" and "0.3 s" in row.last_error


async def test_a_removed_hook_drops_waiting_deliveries(
    world: World, receiver: Receiver, add_hook: AddHook, make_runtime: RuntimeFactory
) -> None:
    hook = await add_hook(receiver.url)
    await _queue(world, 2)
    removed = await world(svc.remove_webhook, COORD, coalition_id=world.rhone, webhook_id=hook.id)
    assert removed.dropped == 2
    assert await make_runtime().deliver_due() == 0
    assert receiver.requests == []


async def test_a_delivery_to_a_private_address_is_refused_at_send_time(
    world: World, receiver: Receiver, add_hook: AddHook, make_runtime: RuntimeFactory
) -> None:
    await add_hook(receiver.url)  # added while private addresses were allowed
    runtime = make_runtime(allow_private=False)
    await _queue(world)
    await runtime.deliver_due()
    assert receiver.requests == []
    (row,) = await _rows(world)
    assert row.status == "failed" and row.attempts == 1
    assert "https://" in row.last_error
    notices = await failure_notices(world)
    assert len(notices) == 1


@both_backends
async def test_a_restart_resumes_pending_and_abandoned_deliveries_once_each(
    world: World,
    receiver: Receiver,
    add_hook: AddHook,
    make_runtime: RuntimeFactory,
    clock: FakeClock,
) -> None:
    await add_hook(receiver.url)
    await _queue(world, 3)  # queued while no runtime runs: left pending
    # A process claimed two more, then died holding their leases.
    await _queue(world, 2)
    rows = await _rows(world)
    async with world.uow() as uow:
        crashed = [
            await claim_one(
                uow.session,
                WebhookDelivery,
                row.id,
                now=clock.now(),
                lease=timedelta(seconds=60),
                owner="dead",
                due_column=WebhookDelivery.next_attempt_at,
            )
            for row in rows[3:]
        ]
    assert crashed == [True, True]
    runtime = make_runtime()
    await runtime.start()
    await runtime.settle()
    assert len(receiver.requests) == 3  # the held leases are respected
    clock.advance(61)
    await runtime.deliver_due()
    assert len(receiver.requests) == 5
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 5
    assert {r.status for r in await _rows(world)} == {"delivered"}
    await runtime.stop()
    restarted = make_runtime()
    await restarted.start()
    assert await restarted.deliver_due() == 0
    assert len(receiver.requests) == 5


async def test_stopping_mid_send_gives_the_row_back_for_the_next_start(
    world: World, receiver: Receiver, add_hook: AddHook, make_runtime: RuntimeFactory
) -> None:
    await add_hook(receiver.url)
    receiver.then(Reply(hang=True))
    runtime = make_runtime()
    await runtime.start()
    await _queue(world)
    await receiver.wait_for(1)
    await runtime.stop(grace=0.05)
    (row,) = await _rows(world)
    assert (row.status, row.lease_until) == ("pending", None)
    nxt = make_runtime()
    await nxt.deliver_due()
    assert len(receiver.requests) == 2
    assert receiver.requests[0].headers["webhook-id"] == receiver.requests[1].headers["webhook-id"]
    assert (await _rows(world))[0].status == "delivered"


async def test_an_outcome_is_not_recorded_after_the_lease_was_lost(
    world: World, receiver: Receiver, add_hook: AddHook, make_runtime: RuntimeFactory, clock
) -> None:
    await add_hook(receiver.url)
    await _queue(world)
    async with world.uow() as uow:
        (attempt,) = await svc.claim_due_deliveries(
            uow, now=clock.now(), lease=timedelta(seconds=60), owner="slow", limit=5
        )
    clock.advance(61)
    runtime = make_runtime()
    await runtime.deliver_due()  # another process takes the expired lease and delivers
    async with world.uow() as uow:
        kept = await svc.record_retry(
            uow,
            attempt,
            now=clock.now(),
            next_attempt_at=clock.now(),
            status_code=500,
            error="late",
            summary="late",
        )
    assert kept is False
    (row,) = await _rows(world)
    assert (row.status, row.attempts) == ("delivered", 2)


@both_backends
async def test_two_runtimes_on_one_database_never_send_a_delivery_twice(
    world: World,
    database_url: str,
    receiver: Receiver,
    add_hook: AddHook,
    make_runtime: RuntimeFactory,
) -> None:
    await add_hook(receiver.url)
    async with world.uow() as uow:
        coalition_id = world.rhone
        await uow.session.execute(update(Webhook).values(events="ask_closed"))
    async with world.uow() as uow:
        coalition = await uow.session.get(Coalition, coalition_id)
        for i in range(100):
            await events.emit(uow, coalition, "ask_closed", {"n": i})
    engines = [create_engine(database_url), create_engine(database_url)]
    try:
        runtimes = [
            make_runtime(uow=UnitOfWorkFactory(create_session_factory(e)), concurrency=8)
            for e in engines
        ]
        counts = await asyncio.gather(*(r.deliver_due() for r in runtimes))
    finally:
        for engine in engines:
            await engine.dispose()
    ids = [r.headers["webhook-id"] for r in receiver.requests]
    assert len(ids) == 100 and len(set(ids)) == 100
    assert sum(counts) == 100 and min(counts) > 0, counts  # both took a share
    async with world.uow() as uow:
        attempts = await uow.session.scalar(select(func.sum(WebhookDelivery.attempts)))
    assert attempts == 100
