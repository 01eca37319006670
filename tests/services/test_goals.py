"""Ask goals: progress parts, and exactly one announcement per crossing (also when two
sign-ons cross it at once, and when the sweep judges it again after a restart)."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import select, update

from bot.db.models import AskGoal, City, GoalCrossing, OutboxMessage
from bot.errors import InvalidInput, PermissionDenied
from bot.services import asks, coalitions, goals, reminders
from tests.conftest import both_backends
from tests.seed import sign_on
from tests.services.conftest import COORD, REP_GRENOBLE, REP_LYON, World

pytestmark = both_backends


async def _posts(world: World) -> list[str]:
    async with world.uow() as uow:
        rows = await uow.session.scalars(
            select(OutboxMessage.data).where(OutboxMessage.template == "text")
        )
        contents = [json.loads(d)["content"] for d in rows.all()]
        return [c for c in contents if "🎯" in c]


async def _crossings(world: World) -> list[str]:
    async with world.uow() as uow:
        rows = await uow.session.scalars(select(GoalCrossing.kind).order_by(GoalCrossing.number))
        return list(rows.all())


async def test_progress_parts_read_as_people_say_them(world: World) -> None:
    async with world.uow() as uow:
        await uow.session.execute(
            update(City).where(City.id == world.lyon).values(population=1_200_000, region="ARA")
        )
    r = await world(
        goals.set_goal, COORD, ask_id=world.ask, cities=10, regions=3, population=2_000_000
    )
    assert not r.announced
    await world(sign_on, REP_LYON, ask_id=world.ask)
    async with world.uow() as uow:
        found = await goals.progress(uow, world.ask)
    assert found is not None
    assert goals.progress_line(found) == "1/10 cities · 1/3 regions · 1.2 M / 2 M people"
    one = goals.GoalPart("cities", 0, 1)
    assert goals.part_text(one) == "0/1 city" and goals.noun(0, "city", "cities") == "0 cities"


async def test_reached_once_lost_then_reached_again_announces_twice(world: World) -> None:
    """The sign-on and the withdrawal judge the goal in their own unit of work."""
    await world(coalitions.set_channel, COORD, coalition_id=world.rhone, channel_id=555)
    await world(goals.set_goal, COORD, ask_id=world.ask, cities=2)
    await world(sign_on, REP_LYON, ask_id=world.ask)
    assert await _posts(world) == []
    await world(sign_on, REP_GRENOBLE, ask_id=world.ask)
    assert await _crossings(world) == ["reached"]
    assert len(await _posts(world)) == 2  # the channel post and the coordinator's DM
    async with world.uow() as uow:  # judged already: judging again says nothing
        assert await goals.judge(uow, world.ask) is None
    await world(asks.withdraw, REP_GRENOBLE, ask_id=world.ask, reason="Council said no")
    assert await _crossings(world) == ["reached", "lost"]
    async with world.uow() as uow:
        found = await goals.progress(uow, world.ask)
    assert found is not None and "goal no longer met" in goals.progress_line(found)
    assert len(await _posts(world)) == 2  # losing it is shown, not announced
    await world(sign_on, REP_GRENOBLE, ask_id=world.ask)
    async with world.uow() as uow:
        await reminders.ensure_scheduled(uow)  # the sweep's safety net finds nothing left
    posts = await _posts(world)
    assert len(posts) == 4 and "is met again" in posts[2]
    assert await _crossings(world) == ["reached", "lost", "reached"]


async def test_two_judgements_at_once_announce_once(world: World) -> None:
    await world(coalitions.set_channel, COORD, coalition_id=world.rhone, channel_id=555)
    await world(sign_on, REP_LYON, ask_id=world.ask)
    await world(sign_on, REP_GRENOBLE, ask_id=world.ask)
    async with world.uow() as uow:
        uow.session.add(AskGoal(ask_id=world.ask, cities=2, set_by=COORD.user_id, set_at=uow.now))

    async def judge() -> str | None:
        async with world.uow() as uow:
            return await goals.judge(uow, world.ask)

    results = await asyncio.gather(*(judge() for _ in range(4)))
    assert sorted(r or "" for r in results) == ["", "", "", "reached"]
    assert await _crossings(world) == ["reached"]
    # A restart: the sweep judges again and says nothing more.
    async with world.uow() as uow:
        await reminders.ensure_scheduled(uow)
    assert len(await _posts(world)) == 2


async def test_only_coordinators_set_goals_and_a_goal_needs_a_part(world: World) -> None:
    with pytest.raises(PermissionDenied):
        await world(goals.set_goal, REP_LYON, ask_id=world.ask, cities=2)
    with pytest.raises(InvalidInput, match="at least one part"):
        await world(goals.set_goal, COORD, ask_id=world.ask)
