"""Which zone a typed time is read in: the option, the person's, the coalition's, the
server's, and only then the bot asks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.db.models import Coalition, UserPreference
from bot.errors import InvalidInput, PermissionDenied
from bot.services import actions, timezones
from tests.conftest import both_backends
from tests.services.conftest import ADMIN, COORD, REP_LYON, World

pytestmark = both_backends


async def schedule(world: World, timezone: str | None = None):  # type: ignore[no-untyped-def]
    return await world(
        actions.schedule_action,
        COORD,
        coalition_id=world.rhone,
        title="Call",
        when="2036-06-10 18:00",
        timezone=timezone,
        kind="meeting",
    )


async def test_zones_default_in_order_and_only_then_the_bot_asks(world: World) -> None:
    with pytest.raises(InvalidInput, match="Which time zone") as asked:
        await schedule(world)
    assert "/me timezone" in str(asked.value) and "/setup" in str(asked.value)
    assert await world(timezones.set_server_timezone, ADMIN, "New York") == "America/New_York"
    server = await schedule(world)
    assert server.action.timezone == "America/New_York" and server.zone_words == "the server's zone"
    _name, zone = await world(
        timezones.set_coalition_timezone, COORD, coalition_id=world.rhone, timezone="Lisboa"
    )
    assert zone == "Europe/Lisbon"
    coalition = await schedule(world)
    assert coalition.action.timezone == "Europe/Lisbon"
    assert coalition.zone_words == "the coalition's zone"
    chosen = await schedule(world, "Paris")  # the option wins, and is remembered as cora's
    assert chosen.action.timezone == "Europe/Paris" and chosen.zone_words == "the zone you chose"
    assert chosen.action.starts_at == datetime(2036, 6, 10, 16, 0, tzinfo=UTC)
    person = await schedule(world)
    assert person.action.timezone == "Europe/Paris" and person.zone_words == "your zone"
    async with world.uow() as uow:
        assert (await uow.session.get(UserPreference, COORD.user_id)).timezone == "Europe/Paris"  # type: ignore[union-attr]
        assert (await uow.session.get(Coalition, world.rhone)).timezone == "Europe/Lisbon"  # type: ignore[union-attr]


async def test_who_may_set_the_defaults(world: World) -> None:
    with pytest.raises(PermissionDenied):
        await world(timezones.set_server_timezone, COORD, "Paris")
    with pytest.raises(PermissionDenied):
        await world(
            timezones.set_coalition_timezone, REP_LYON, coalition_id=world.rhone, timezone="Paris"
        )
    with pytest.raises(InvalidInput):
        await world(timezones.set_server_timezone, ADMIN, "Atlantis")
    assert await world(timezones.set_server_timezone, ADMIN, None) is None
