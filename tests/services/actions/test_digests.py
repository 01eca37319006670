"""The weekly digest: its schedule, and what it tells coordinators."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.clock import FakeClock
from bot.db.models import Reminder
from bot.errors import InvalidInput, PermissionDenied
from bot.services import actions, asks, digests
from bot.services.digests import next_occurrence
from bot.workers import ReminderRuntime
from tests.conftest import both_backends
from tests.seed import sign_on
from tests.services.actions.conftest import COORD, REP_GRENOBLE, REP_LYON, FakeSender, World


def test_next_occurrence_in_the_zone_across_dst() -> None:
    # Monday 09:00 Paris: CET (UTC+1) before 29 March 2026, CEST (UTC+2) after.
    after = datetime(2026, 3, 25, tzinfo=UTC)
    assert next_occurrence(0, "09:00", "Europe/Paris", after) == datetime(
        2026, 3, 30, 7, 0, tzinfo=UTC
    )
    after = datetime(2026, 3, 20, tzinfo=UTC)
    assert next_occurrence(0, "09:00", "Europe/Paris", after) == datetime(
        2026, 3, 23, 8, 0, tzinfo=UTC
    )


@both_backends
async def test_digest_lists_deadlines_actions_and_sign_ons(
    world: World, clock: FakeClock, sender: FakeSender, runtime: ReminderRuntime
) -> None:
    now = clock.now()
    await world(asks.edit_ask, COORD, ask_id=world.ask, deadline=now + timedelta(days=10))
    action = await world(
        actions.schedule_action,
        COORD,
        coalition_id=world.rhone,
        title="Press day",
        when=(now + timedelta(days=5)).strftime("%Y-%m-%d %H:%M"),
        timezone="UTC",
        kind="press conference",
    )
    await world(actions.rsvp, REP_LYON, action_id=action.action.id, response="going")
    await world(sign_on, REP_LYON, ask_id=world.ask)
    await world(sign_on, REP_GRENOBLE, ask_id=world.ask)
    await world(asks.withdraw, REP_GRENOBLE, ask_id=world.ask, reason="Council vote failed")
    weekday = (now + timedelta(days=1)).weekday()
    result = await world(
        digests.set_digest,
        COORD,
        coalition_id=world.rhone,
        weekday=digests.WEEKDAYS[weekday],
        local_time="09:00",
        timezone="Europe/Paris",
    )
    assert result.enabled and result.next_at is not None and result.next_at > now
    clock.set(result.next_at + timedelta(seconds=5))
    await runtime.sweep()
    [dm] = sender.dms
    assert dm.target == COORD.user_id
    text = dm.content
    assert "Car-free city centres by 2030" in text and "still missing (1 of 2): Grenoble" in text
    assert "Press day" in text and "going 1/2; no answer: Grenoble" in text
    # Each ask once, its cities after it (not the title repeated after every city).
    assert "Car-free city centres by 2030: signed by Lyon, Grenoble; withdrawn by Grenoble" in text
    assert text.count("Car-free city centres by 2030") == 2  # its deadline line and this one
    # The next week's digest is armed, and this one is not sent again.
    await runtime.sweep()
    assert len(sender.dms) == 1
    async with world.uow() as uow:
        pending = (
            await uow.session.scalars(
                select(Reminder.due_at).where(
                    Reminder.kind == "digest", Reminder.status == "pending"
                )
            )
        ).all()
    assert pending == [result.next_at + timedelta(days=7)]


@both_backends
async def test_digest_off_and_validation(
    world: World, clock: FakeClock, runtime: ReminderRuntime
) -> None:
    with pytest.raises(PermissionDenied):
        await world(
            digests.set_digest,
            REP_LYON,
            coalition_id=world.rhone,
            weekday="monday",
            local_time="09:00",
            timezone="UTC",
        )
    with pytest.raises(InvalidInput, match="HH:MM"):
        await world(
            digests.set_digest,
            COORD,
            coalition_id=world.rhone,
            weekday="monday",
            local_time="25:00",
            timezone="UTC",
        )
    await world(
        digests.set_digest,
        COORD,
        coalition_id=world.rhone,
        weekday="monday",
        local_time="09:00",
        timezone="UTC",
    )
    off = await world(
        digests.set_digest,
        COORD,
        coalition_id=world.rhone,
        weekday="off",
        local_time=None,
        timezone=None,
    )
    assert not off.enabled
    clock.advance(timedelta(days=8))
    assert await runtime.sweep() == []
