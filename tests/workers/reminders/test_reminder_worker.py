"""Reminders fire exactly once: restarts, crashes, two processes, cancel/reschedule, DMs."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from bot.clock import FakeClock
from bot.db.engine import create_engine, create_session_factory
from bot.db.leases import claim_one
from bot.db.models import Reminder, ReminderNotification
from bot.db.uow import UnitOfWorkFactory
from bot.services import actions, asks, coalitions, reminders
from bot.workers import ReminderRuntime
from tests.conftest import both_backends
from tests.seed import sign_on
from tests.services.actions.conftest import CHANNEL, COORD, REP_LYON, FakeSender, World

pytestmark = both_backends


async def with_channel(world: World) -> None:
    await world(coalitions.set_channel, COORD, coalition_id=world.rhone, channel_id=CHANNEL)


async def schedule_in(world: World, clock: FakeClock, delta: timedelta, **kw):  # type: ignore[no-untyped-def]
    result = await world(
        actions.schedule_action,
        COORD,
        coalition_id=world.rhone,
        title=kw.pop("title", "Meet the Prefect"),
        when=(clock.now() + delta).strftime("%Y-%m-%d %H:%M"),
        timezone="UTC",
        kind="meeting",
        **kw,
    )
    return result.action


async def rows(world: World, **where: object) -> list[Reminder]:
    async with world.uow() as uow:
        query = select(Reminder).order_by(Reminder.due_at, Reminder.id)
        for key, value in where.items():
            query = query.where(getattr(Reminder, key) == value)
        return list((await uow.session.scalars(query)).all())


def reminder_posts(sender: FakeSender) -> list[str]:
    return [p.content for p in sender.posts if "Reminder:" in p.content]


async def test_a_due_reminder_posts_and_dms_once(
    world: World, clock: FakeClock, sender: FakeSender, runtime: ReminderRuntime
) -> None:
    await with_channel(world)
    action = await schedule_in(world, clock, timedelta(days=10))
    await world(actions.rsvp, REP_LYON, action_id=action.id, response="going")
    assert await runtime.run_due() == []
    clock.advance(timedelta(days=3, minutes=1))  # the 7-day reminder is due
    outcomes = await runtime.run_due()
    assert [o.status for o in outcomes] == ["sent"] and not outcomes[0].late
    assert len(reminder_posts(sender)) == 1
    assert "Going: 1" in sender.posts[0].content and "Grenoble" in sender.posts[0].content
    # The coordinator, then the representative of Lyon (answered Going: issue 14).
    dm, participant = sender.dms
    assert dm.target == COORD.user_id
    assert "**Going (1):** Lyon" in dm.content and "**No answer yet (1):** Grenoble" in dm.content
    assert participant.target == REP_LYON.user_id
    assert await runtime.run_due() == []
    assert len(sender.posts) == 1 and len(sender.dms) == 2


async def test_restart_sends_a_missed_reminder_once_marked_late(
    world: World, clock: FakeClock, sender: FakeSender
) -> None:
    await with_channel(world)
    action = await schedule_in(world, clock, timedelta(days=10))
    before = ReminderRuntime(world.uow, clock, sender, owner="before")
    await before.start()
    await before.wait_idle()
    await before.stop()  # the bot goes down
    clock.advance(timedelta(days=3, hours=5))  # the 7-day reminder fell due meanwhile
    after = ReminderRuntime(world.uow, clock, sender, owner="after")
    await after.start()  # start-up sweep
    await after.wait_idle()
    await after.stop()
    posts = reminder_posts(sender)
    assert len(posts) == 1 and "late: was due" in posts[0]
    [sent] = [r for r in await rows(world, action_id=action.id) if r.status == "sent"]
    assert sent.offset_label == "7d" and sent.late


async def test_a_reminder_due_after_the_action_began_is_skipped(
    world: World, clock: FakeClock, sender: FakeSender, runtime: ReminderRuntime
) -> None:
    await with_channel(world)
    action = await schedule_in(world, clock, timedelta(days=2))
    clock.advance(timedelta(days=2, hours=1))  # down through the action itself
    outcomes = await runtime.run_due()
    assert {o.status for o in outcomes} == {"skipped"}
    assert sender.posts == [] and sender.dms == []
    assert {r.status for r in await rows(world, action_id=action.id)} == {"skipped"}


async def test_crash_between_claim_and_send_is_sent_once_after_the_lease(
    world: World, clock: FakeClock, sender: FakeSender, runtime: ReminderRuntime
) -> None:
    await with_channel(world)
    action = await schedule_in(world, clock, timedelta(days=10))
    clock.advance(timedelta(days=3, minutes=1))
    [due] = [r for r in await rows(world, action_id=action.id) if r.offset_label == "7d"]
    async with world.uow() as uow:  # another process claims it, then dies
        assert await claim_one(
            uow.session,
            Reminder,
            due.id,
            now=clock.now(),
            lease=timedelta(seconds=120),
            owner="crashed",
            due_column=Reminder.due_at,
        )
    assert await runtime.run_due() == []  # still leased to the dead process
    clock.advance(timedelta(seconds=121))
    outcomes = await runtime.run_due()
    assert [o.status for o in outcomes] == ["sent"]
    assert len(reminder_posts(sender)) == 1
    assert await runtime.run_due() == []


async def test_crash_mid_send_does_not_repeat_who_was_reached(
    world: World, clock: FakeClock, sender: FakeSender, runtime: ReminderRuntime
) -> None:
    await with_channel(world)
    await schedule_in(world, clock, timedelta(days=10))
    clock.advance(timedelta(days=3, minutes=1))
    original_dm = sender.dm

    async def dm_down(user_id: int, content: str, *, nonce: str) -> None:
        raise ConnectionError("Discord went away")

    sender.dm = dm_down  # type: ignore[method-assign]
    [outcome] = await runtime.run_due()
    assert outcome.status == "retry"
    assert len(sender.posts) == 1  # the channel post went out and is recorded
    sender.dm = original_dm  # type: ignore[method-assign]
    assert await runtime.run_due() == []  # backing off
    clock.advance(timedelta(minutes=2))
    [outcome] = await runtime.run_due()
    assert outcome.status == "sent"
    assert len(sender.posts) == 1 and len(sender.dms) == 1


async def test_cancel_while_armed_sends_no_reminder(
    world: World, clock: FakeClock, sender: FakeSender, runtime: ReminderRuntime
) -> None:
    await with_channel(world)
    action = await schedule_in(world, clock, timedelta(days=10))
    await world(actions.cancel_action, COORD, action_id=action.id, reason="Prefect ill")
    clock.advance(timedelta(days=9, hours=23))
    await runtime.run_due()
    assert reminder_posts(sender) == []
    assert any("cancelled" in p.content for p in sender.posts)  # the change notice


async def test_reschedule_while_armed_follows_the_new_time(
    world: World, clock: FakeClock, sender: FakeSender, runtime: ReminderRuntime
) -> None:
    await with_channel(world)
    action = await schedule_in(world, clock, timedelta(days=10))
    new_start = clock.now() + timedelta(days=20)
    await world(
        actions.reschedule_action,
        COORD,
        action_id=action.id,
        when=new_start.strftime("%Y-%m-%d %H:%M"),
        timezone="UTC",
    )
    await runtime.run_due()  # the change notice only
    assert reminder_posts(sender) == []
    clock.advance(timedelta(days=3, minutes=1))  # the old 7-day time
    assert await runtime.run_due() == []
    clock.advance(timedelta(days=10))  # the new 7-day time
    await runtime.run_due()
    assert len(reminder_posts(sender)) == 1


async def test_a_claimed_reminder_turned_stale_sends_nothing(
    world: World, clock: FakeClock, sender: FakeSender, runtime: ReminderRuntime
) -> None:
    await with_channel(world)
    action = await schedule_in(world, clock, timedelta(days=10))
    clock.advance(timedelta(days=3, minutes=1))
    [due] = [r for r in await rows(world, action_id=action.id) if r.offset_label == "7d"]
    async with world.uow() as uow:  # claimed by this runtime's alarm...
        assert await claim_one(
            uow.session,
            Reminder,
            due.id,
            now=clock.now(),
            lease=timedelta(seconds=120),
            owner=runtime.owner,
            due_column=Reminder.due_at,
        )
    await world(  # ...while a coordinator reschedules
        actions.reschedule_action,
        COORD,
        action_id=action.id,
        when=(clock.now() + timedelta(days=30)).strftime("%Y-%m-%d %H:%M"),
        timezone="UTC",
    )
    outcome = await runtime._deliver(due.id)
    assert outcome.status == "cancelled"
    assert reminder_posts(sender) == []


async def test_refused_dm_falls_back_to_a_mention_once(
    world: World, clock: FakeClock, sender: FakeSender, runtime: ReminderRuntime
) -> None:
    await with_channel(world)
    sender.closed_dms.add(COORD.user_id)
    await schedule_in(world, clock, timedelta(days=10))
    clock.advance(timedelta(days=3, minutes=1))
    [outcome] = await runtime.run_due()
    assert outcome.status == "sent"
    fallback = [p for p in sender.posts if p.mention == COORD.user_id]
    assert len(fallback) == 1 and fallback[0].content.startswith(f"<@{COORD.user_id}>")
    async with world.uow() as uow:
        outcomes = (await uow.session.scalars(select(ReminderNotification.outcome))).all()
    assert sorted(outcomes) == ["channel", "dm_refused_fallback"]
    assert await runtime.run_due() == []
    assert len(sender.posts) == 2


async def test_ask_deadline_reminders_list_missing_cities(
    world: World, clock: FakeClock, sender: FakeSender, runtime: ReminderRuntime
) -> None:
    deadline = clock.now() + timedelta(days=10)
    await world(asks.edit_ask, COORD, ask_id=world.ask, deadline=deadline)
    await runtime.sweep()
    keys = [r.offset_label for r in await rows(world, kind="ask_deadline")]
    assert keys == ["7d", "1d"]
    await world(sign_on, REP_LYON, ask_id=world.ask)
    clock.advance(timedelta(days=3, minutes=1))
    await runtime.sweep()
    [dm] = sender.dms
    assert dm.target == COORD.user_id
    assert "Signed: 1 of 2" in dm.content and "**Not signed yet (1):** Grenoble" in dm.content
    await runtime.sweep()
    assert len(sender.dms) == 1


async def test_two_processes_send_each_of_200_reminders_once(
    world: World, clock: FakeClock, sender: FakeSender, database_url: str
) -> None:
    await with_channel(world)
    await world(
        reminders.set_reminder_offsets,
        COORD,
        coalition_id=world.rhone,
        offsets="5d,4d,3d,2d,1d",
    )
    async with world.uow() as uow:
        for i in range(40):
            await actions.schedule_action(
                uow,
                COORD,
                coalition_id=world.rhone,
                title=f"Action {i}",
                when=(clock.now() + timedelta(days=30, minutes=i)).strftime("%Y-%m-%d %H:%M"),
                timezone="UTC",
                kind="meeting",
            )
    assert len(await rows(world, status="pending")) == 200
    clock.advance(timedelta(days=29, hours=12))  # all 200 due, no action begun
    engines = [create_engine(database_url), create_engine(database_url)]
    try:
        runtimes = [
            ReminderRuntime(
                UnitOfWorkFactory(create_session_factory(e), clock=clock),
                clock,
                sender,
                owner=f"p{i}",
            )
            for i, e in enumerate(engines)
        ]
        results = await asyncio.gather(*(r.run_due() for r in runtimes))
    finally:
        for e in engines:
            await e.dispose()
    sent = [o for outcomes in results for o in outcomes if o.status == "sent"]
    assert len(sent) == 200
    nonces = [p.nonce for p in sender.posts]
    assert len(nonces) == 200 and len(set(nonces)) == 200
    assert len(sender.dms) == 200
    assert {r.status for r in await rows(world, kind="action")} == {"sent"}
    assert all(results), "both processes took a share"
