"""Every id in every webhook payload is a JSON string (JavaScript loses precision above 2**53).

Each event type is produced through the services that send it, by people whose Discord ids are
full-size snowflakes, and every body queued is walked key by key.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.clock import FakeClock
from bot.db.models import Webhook, WebhookDelivery
from bot.services import actions, asks, cities, coalitions, events, goals, letters, pools
from bot.services.common import Actor
from tests.conftest import both_backends
from tests.seed import ADMIN, GUILD, REP_GRENOBLE, World, sign_on

BIG_ADMIN = Actor(GUILD, 1_234_567_890_123_456_789, is_admin=True)
BIG_REP = Actor(GUILD, 987_654_321_098_765_432)
ID_KEY = re.compile(r"^(id|.+_id|.+_ids|.+_by)$")


def id_values(value: Any, key: str = "", path: str = "") -> list[tuple[str, Any]]:
    """(path, value) of every value under an id-like key, lists included."""
    found: list[tuple[str, Any]] = []
    if isinstance(value, dict):
        for k, v in value.items():
            found += id_values(v, k, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += id_values(v, key, f"{path}[{i}]")
    elif ID_KEY.match(key):
        found.append((path, value))
    return found


def bad_ids(body: str) -> list[tuple[str, Any]]:
    return [(p, v) for p, v in id_values(json.loads(body)) if not isinstance(v, str | None)]


async def _every_event(world: World, clock: FakeClock) -> list[WebhookDelivery]:
    async with world.uow() as uow:
        uow.session.add(
            Webhook(
                guild_id=GUILD,
                coalition_id=world.rhone,
                url="https://example.org/hook",
                events=",".join(events.EVENT_TYPES),
                secret="s",
                created_by=BIG_ADMIN.user_id,
            )
        )
    await world(cities.verify_representative, ADMIN, city_id=world.lyon, user_id=BIG_REP.user_id)
    now = clock.now()  # the services' uow.now
    made = await world(
        asks.create_ask, BIG_ADMIN, coalition_id=world.rhone, title="Trees", target="T", text="x"
    )  # ask_created
    await world(sign_on, BIG_REP, ask_id=made.id, city_id=world.lyon)  # sign_on
    await world(goals.set_goal, BIG_ADMIN, ask_id=made.id, cities=1)  # ask.goal_reached
    await world(asks.edit_ask, BIG_ADMIN, ask_id=made.id, text="y")  # ask_edited
    await world(asks.reconfirm, BIG_REP, ask_id=made.id, city_id=world.lyon, version=2)
    await world(letters.finalise, BIG_ADMIN, ask_id=made.id)  # letter_finalised
    await world(asks.withdraw, BIG_REP, ask_id=made.id, city_id=world.lyon, reason="No")
    await world(asks.close_ask, BIG_ADMIN, made.id)  # ask_closed
    when = (now + timedelta(days=5)).strftime("%Y-%m-%d %H:%M")
    scheduled = await world(
        actions.schedule_action,
        BIG_ADMIN,
        coalition_id=world.rhone,
        title="Meet",
        when=when,
        timezone="UTC",
        kind="meeting",
        ask_id=world.ask,
    )  # action_scheduled
    later = (now + timedelta(days=6)).strftime("%Y-%m-%d %H:%M")
    await world(
        actions.reschedule_action, BIG_ADMIN, action_id=scheduled.action.id, when=later
    )  # action_changed
    await world(actions.cancel_action, BIG_ADMIN, action_id=scheduled.action.id, reason="No")
    pool = await world(
        pools.create_pool, BIG_ADMIN, coalition_id=world.rhone, item="Buses", unit="vehicles"
    )
    await world(pools.close_pool, BIG_ADMIN, pool.pool.id)  # pool_closed
    await world(sign_on, REP_GRENOBLE, ask_id=world.ask)
    await world(  # a withdrawal of the "left" kind
        coalitions.leave_coalition, BIG_ADMIN, coalition_id=world.rhone, city_id=world.grenoble
    )
    async with world.uow() as uow:
        return list(
            (await uow.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id))).all()
        )


@both_backends
async def test_every_id_of_every_event_type_is_a_string(world: World, clock: FakeClock) -> None:
    deliveries = await _every_event(world, clock)
    assert {d.event_type for d in deliveries} == set(events.EVENT_TYPES)
    for d in deliveries:
        assert bad_ids(d.body) == [], (d.event_type, d.body)
        # Full-size Discord ids only ever appear quoted, so no receiver rounds them.
        for big in (BIG_ADMIN.user_id, BIG_REP.user_id):
            assert not re.search(rf"[^\"]{big}|{big}[^\"]", d.body), (d.event_type, d.body)
    finalised = next(d for d in deliveries if d.event_type == "letter_finalised")
    data = json.loads(finalised.body)["data"]
    assert data["finalised_by"] == str(BIG_ADMIN.user_id)
    left = [json.loads(d.body)["data"] for d in deliveries if d.event_type == "withdrawal"]
    assert [w.get("end_kind") for w in left][-1] == "left"
    assert json.loads(deliveries[0].body)["coalition"]["id"] == str(world.rhone)


def test_the_ping_and_any_future_payload_get_string_ids_too() -> None:
    body = events.encode_body(
        "evt_1",
        "ping",
        datetime(2026, 1, 1, tzinfo=UTC),
        {"id": 7, "name": "Pact"},
        {"webhook_id": 9, "city_ids": [1, 2], "nested": {"made_by": 3}, "count": 4, "ok": True},
    )
    payload = json.loads(body)
    assert payload["coalition"]["id"] == "7"
    assert payload["data"] == {
        "webhook_id": "9",
        "city_ids": ["1", "2"],
        "nested": {"made_by": "3"},
        "count": 4,
        "ok": True,
    }
