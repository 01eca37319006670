"""Service tests for actions, reminders and digests: the standard world on a FakeClock (its
units of work read their ``now`` from it), and a sender that records what would have gone to
Discord."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FakeClock
from bot.db.engine import create_engine, create_session_factory
from bot.db.uow import UnitOfWorkFactory
from bot.services.reminders import Plan
from bot.ui import reminder_messages
from bot.workers import DMRefused, ReminderRuntime
from tests.seed import (  # noqa: F401  (fixtures and names the tests import from here)
    ADMIN,
    COORD,
    COORD_B,
    GUILD,
    OTHER_ADMIN,
    REP_GRENOBLE,
    REP_LYON,
    STRANGER,
    World,
    run,
    world,
)

CHANNEL = 555


@dataclass
class Sent:
    target: int  # channel id or user id
    content: str
    nonce: str
    mention: int | None = None


@dataclass
class FakeSender:
    """Renders each plan as the bot would (bot.ui.reminder_messages) and records the message.
    It does NOT drop repeated nonces (as Discord would), so the tests count what the claiming
    logic alone sends. Subclasses change ``post``/``dm`` (what Discord does with a message)."""

    posts: list[Sent] = field(default_factory=list)
    dms: list[Sent] = field(default_factory=list)
    closed_dms: set[int] = field(default_factory=set)
    failures: int = 0  # raise this many times before sending (Discord down)

    async def post_reminder(self, plan: Plan, channel_id: int, *, nonce: str) -> None:
        await self.post(channel_id, reminder_messages.channel_text(plan), nonce=nonce)

    async def dm_reminder(self, plan: Plan, user_id: int, *, nonce: str) -> None:
        await self.dm(user_id, reminder_messages.dm_text(plan), nonce=nonce)

    async def post_fallback(self, plan: Plan, channel_id: int, user_id: int, *, nonce: str) -> None:
        await self.post(
            channel_id,
            reminder_messages.fallback_text(plan, user_id),
            nonce=nonce,
            mention_user_id=user_id,
        )

    async def post(
        self, channel_id: int, content: str, *, nonce: str, mention_user_id: int | None = None
    ) -> None:
        await asyncio.sleep(0)  # let concurrent runtimes interleave
        if self.failures:
            self.failures -= 1
            raise ConnectionError("Discord unreachable")
        self.posts.append(Sent(channel_id, content, nonce, mention_user_id))

    async def dm(self, user_id: int, content: str, *, nonce: str) -> None:
        await asyncio.sleep(0)
        if user_id in self.closed_dms:
            raise DMRefused(str(user_id))
        self.dms.append(Sent(user_id, content, nonce))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1))


@pytest.fixture
async def uow_factory(database_url: str, clock: FakeClock) -> AsyncIterator[UnitOfWorkFactory]:
    """Units of work on the test's FakeClock: services read ``uow.now`` from it."""
    engine = create_engine(database_url)
    try:
        yield UnitOfWorkFactory(create_session_factory(engine), clock=clock)
    finally:
        await engine.dispose()


@pytest.fixture
def sender() -> FakeSender:
    return FakeSender()


@pytest.fixture
def runtime(
    world: World,  # noqa: F811
    clock: FakeClock,
    sender: FakeSender,
) -> ReminderRuntime:
    return ReminderRuntime(world.uow, clock, sender, lease=timedelta(seconds=120), owner="one")
