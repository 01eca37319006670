"""A delivery whose lease runs out before its POST is not sent by the slow process (issue 13,
item 6): another process claimed it and sends it; each delivery reaches the receiver once."""

from __future__ import annotations

import asyncio

import pytest

from bot.clock import FakeClock
from bot.db.models import Coalition
from bot.services import events
from bot.services import webhooks as svc
from bot.workers.webhook_worker import WebhookRuntime
from tests.conftest import both_backends
from tests.seed import ADMIN, World
from tests.services.webhooks.conftest import Receiver, RuntimeFactory

LEASE = 60


class SlowDNS:
    """Resolves to the local receiver; while ``hold`` is set, every lookup waits for ``go``
    (``all_in`` is set once ``expected`` lookups are waiting)."""

    def __init__(self, hold: bool, expected: int = 0) -> None:
        self.hold = hold
        self.expected = expected
        self.waiting = 0
        self.all_in = asyncio.Event()
        self.go = asyncio.Event()

    async def __call__(self, host: str, port: int) -> list[str]:
        if self.hold:
            self.waiting += 1
            if self.waiting >= self.expected:
                self.all_in.set()
            await self.go.wait()
        return ["127.0.0.1"]


@both_backends
async def test_a_delivery_claimed_by_another_process_meanwhile_is_sent_once(
    world: World, receiver: Receiver, make_runtime: RuntimeFactory, clock: FakeClock
) -> None:
    await world(
        svc.add_webhook,
        ADMIN,
        coalition_id=world.rhone,
        url=f"http://hooks.example.org:{receiver.port}/in",
        events="all",
        allow_private=True,
        resolver=SlowDNS(hold=False),
    )
    async with world.uow() as uow:
        coalition = await uow.session.get(Coalition, world.rhone)
        for n in range(3):
            await events.emit(uow, coalition, "ask_closed", {"n": n})

    slow = SlowDNS(hold=True, expected=3)
    first = make_runtime(lease_seconds=LEASE, resolver=slow)
    first.wake()  # claims all three, then hangs in DNS
    await asyncio.wait_for(slow.all_in.wait(), 5)
    clock.advance(LEASE + 1)  # the leases run out while the first process is stuck

    second = make_runtime(lease_seconds=LEASE, resolver=SlowDNS(hold=False))
    assert await second.deliver_due() == 3
    assert len(receiver.requests) == 3

    slow.go.set()  # the first process comes back from DNS
    await first.settle()
    assert len(receiver.requests) == 3, "a delivery another process sent went out again"
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 3


@pytest.mark.parametrize("lease", [5, 19.9])
def test_a_runtime_whose_lease_is_shorter_than_an_attempt_is_refused(
    make_runtime: RuntimeFactory, lease: float
) -> None:
    with pytest.raises(ValueError, match="longest attempt"):
        make_runtime(lease_seconds=lease, attempt_deadline=15.0)
    assert isinstance(make_runtime(lease_seconds=20, attempt_deadline=15.0), WebhookRuntime)
