"""/me: personal settings per person and server; the zone other services read."""

from __future__ import annotations

import pytest

from bot.db.models import PersonSettings, UserPreference
from bot.errors import InvalidInput
from bot.services import me
from tests.conftest import both_backends
from tests.services.conftest import OTHER_GUILD, REP_LYON, World

pytestmark = both_backends


async def test_defaults_then_turning_nudges_off_in_one_server_only(world: World) -> None:
    assert await world(me.my_settings, REP_LYON) == me.MySettings(True, True, None, None)
    s = await world(me.set_notifications, REP_LYON, nudges=False)
    assert (s.reminders, s.nudges, s.changed) == (True, False, ("nudges",))
    again = await world(me.set_notifications, REP_LYON, nudges=False)
    assert again.changed == ()  # nothing new to save
    async with world.uow() as uow:
        assert await me.turned_off(uow, REP_LYON.guild_id, [REP_LYON.user_id], me.DmKind.NUDGES)
        assert not await me.turned_off(
            uow, REP_LYON.guild_id, [REP_LYON.user_id], me.DmKind.REMINDERS
        )
        assert not await me.turned_off(uow, OTHER_GUILD, [REP_LYON.user_id], me.DmKind.NUDGES)


async def test_changing_nothing_is_refused_with_what_to_do(world: World) -> None:
    with pytest.raises(InvalidInput, match="reminders, nudges or both"):
        await world(me.set_notifications, REP_LYON)


async def test_person_zone_prefers_the_chosen_zone_then_the_last_typed(world: World) -> None:
    async with world.uow() as uow:
        assert await me.person_zone(uow, REP_LYON.guild_id, REP_LYON.user_id) is None
        uow.session.add(UserPreference(user_id=REP_LYON.user_id, timezone="Europe/Paris"))
    async with world.uow() as uow:
        assert await me.person_zone(uow, REP_LYON.guild_id, REP_LYON.user_id) == "Europe/Paris"
    await world(me.set_notifications, REP_LYON, reminders=False)
    async with world.uow() as uow:
        row = await uow.session.get(PersonSettings, (REP_LYON.guild_id, REP_LYON.user_id))
        assert row is not None
        row.timezone = "America/Montreal"
    async with world.uow() as uow:
        assert await me.person_zone(uow, REP_LYON.guild_id, REP_LYON.user_id) == (
            "America/Montreal"
        )
