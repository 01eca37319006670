"""Nudges: who gets the DM, who is listed back, once per 24 hours, recorded in history; the
automatic nudge is sent once per ask."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.db.models import Ask, AskEvent, OutboxMessage, Reminder
from bot.errors import Conflict, PermissionDenied
from bot.services import me, nudges, reminders
from tests.conftest import both_backends
from tests.seed import sign_on
from tests.services.conftest import COORD, REP_GRENOBLE, REP_LYON, World

pytestmark = both_backends


async def _nudge_dms(world: World) -> list[tuple[int | None, dict[str, object]]]:
    async with world.uow() as uow:
        rows = await uow.session.execute(
            select(OutboxMessage.user_id, OutboxMessage.data).where(
                OutboxMessage.template == nudges.NUDGE_TEMPLATE
            )
        )
        return [(u, json.loads(d)) for u, d in rows.all()]


async def test_nudge_dms_the_unsigned_city_once_per_day(world: World) -> None:
    await world(sign_on, REP_LYON, ask_id=world.ask)
    r = await world(nudges.nudge, COORD, ask_id=world.ask, message="Council meets Friday")
    assert [(n.city_name, n.user_id) for n in r.nudged] == [("Grenoble", REP_GRENOBLE.user_id)]
    [(user, data)] = await _nudge_dms(world)
    assert user == REP_GRENOBLE.user_id and data["message"] == "Council meets Friday"
    with pytest.raises(Conflict, match="less than 24 hours ago"):
        await world(nudges.nudge, COORD, ask_id=world.ask)
    async with world.uow() as uow:
        kinds = await uow.session.scalars(select(AskEvent.kind).where(AskEvent.ask_id == world.ask))
        assert "nudged" in kinds.all()


async def test_nudges_off_is_reported_not_skipped_silently(world: World) -> None:
    await world(me.set_notifications, REP_GRENOBLE, nudges=False)
    r = await world(nudges.nudge, COORD, ask_id=world.ask)
    assert [n.city_name for n in r.nudged] == ["Lyon"]
    assert r.turned_off == ("Grenoble",)


async def test_only_coordinators_nudge(world: World) -> None:
    with pytest.raises(PermissionDenied):
        await world(nudges.nudge, REP_LYON, ask_id=world.ask)


async def test_automatic_nudge_goes_once_per_ask(world: World) -> None:
    await world(nudges.set_auto_nudges, COORD, coalition_id=world.rhone, days_before=3)
    async with world.uow() as uow:
        await uow.session.execute(
            update(Ask).where(Ask.id == world.ask).values(deadline=uow.now + timedelta(days=2))
        )
    for _ in range(2):  # two sweeps (a restart): one row
        async with world.uow() as uow:
            await reminders.ensure_scheduled(uow)
    async with world.uow() as uow:
        [row] = (
            await uow.session.scalars(select(Reminder).where(Reminder.kind == "ask_nudge"))
        ).all()
        assert row.dedupe_key == nudges.nudge_key(world.ask)
        plan = await reminders.plan_reminder(uow, row.id)
    assert isinstance(plan, reminders.Skip) and plan.reason == "queued: 2 nudged"
    assert len(await _nudge_dms(world)) == 2
