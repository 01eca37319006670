"""A batch of reminders slower than the lease (issue 13, item 6).

Process A claims three due reminders at once and sends slowly (the first reminder's two
messages take 70 s each, of a 120 s lease). While A is still on the first, the leases of the
other two run out and process B claims them. A must not send those two; B sends them; each
message goes out once.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from bot.clock import FakeClock
from bot.services import reminders
from bot.workers import ReminderRuntime
from tests.conftest import both_backends
from tests.services.actions.conftest import COORD, FakeSender, Sent, World
from tests.workers.reminders.test_reminder_worker import rows, schedule_in, with_channel

pytestmark = both_backends

LEASE = timedelta(seconds=120)
STEP = timedelta(seconds=70)  # how long each of A's messages takes


class SlowSender(FakeSender):
    """A's Discord: the first reminder's two messages take ``STEP`` each; while the second is
    on its way, process B starts its sweep."""

    def __init__(self, clock: FakeClock, log: list[Sent], second_process) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.clock = clock
        self.log = log
        self.second_process = second_process
        self.messages = 0

    async def _slow(self) -> None:
        self.messages += 1
        if self.messages <= 2:
            self.clock.advance(STEP)
        if self.messages == 2:
            await self.second_process()

    async def post(self, channel_id, content, *, nonce, mention_user_id=None) -> None:  # type: ignore[no-untyped-def]
        await self._slow()
        self.log.append(Sent(channel_id, content, nonce, mention_user_id))

    async def dm(self, user_id, content, *, nonce) -> None:  # type: ignore[no-untyped-def]
        await self._slow()
        self.log.append(Sent(user_id, content, nonce))


class HeldSender(FakeSender):
    """B's Discord: B's first message waits until the test lets it go, so A runs on while B
    holds rows it has not sent yet."""

    def __init__(self, log: list[Sent]) -> None:
        super().__init__()
        self.log = log
        self.started = asyncio.Event()
        self.go = asyncio.Event()

    async def post(self, channel_id, content, *, nonce, mention_user_id=None) -> None:  # type: ignore[no-untyped-def]
        self.started.set()
        await self.go.wait()
        self.log.append(Sent(channel_id, content, nonce, mention_user_id))

    async def dm(self, user_id, content, *, nonce) -> None:  # type: ignore[no-untyped-def]
        self.started.set()
        await self.go.wait()
        self.log.append(Sent(user_id, content, nonce))


async def test_rows_whose_lease_ran_out_mid_batch_are_sent_once_by_their_new_holder(
    world: World, clock: FakeClock
) -> None:
    await with_channel(world)
    await world(
        reminders.set_reminder_offsets,
        COORD,
        coalition_id=world.rhone,
        offsets="5d,4d,3d",
    )
    await schedule_in(world, clock, timedelta(days=10))
    clock.advance(timedelta(days=7, minutes=1))  # all three are due
    due = [r.id for r in await rows(world, status="pending")]
    assert len(due) == 3

    sent: list[Sent] = []
    b_sender = HeldSender(sent)
    b = ReminderRuntime(world.uow, clock, b_sender, lease=LEASE, owner="B")
    b_run: list[asyncio.Task] = []  # type: ignore[type-arg]

    async def second_process() -> None:
        b_run.append(asyncio.create_task(b.run_due()))
        await b_sender.started.wait()  # B holds what it claimed and is about to send it

    a = ReminderRuntime(
        world.uow, clock, SlowSender(clock, sent, second_process), lease=LEASE, owner="A"
    )
    a_outcomes = await a.run_due()
    b_sender.go.set()
    (b_outcomes,) = await asyncio.gather(*b_run)

    by_a = {o.reminder_id for o in a_outcomes if o.status == "sent"}
    by_b = {o.reminder_id for o in b_outcomes if o.status == "sent"}
    assert by_b, "B took over the rows whose lease ran out"
    assert by_a.isdisjoint(by_b) and by_a | by_b == set(due)
    repeated = {nonce: n for nonce, n in Counter(s.nonce for s in sent).items() if n > 1}
    assert not repeated, f"messages sent twice: {repeated}"
    assert len([s for s in sent if s.target != COORD.user_id]) == 3  # one post per reminder
    assert {r.status for r in await rows(world, kind="action")} == {"sent"}
