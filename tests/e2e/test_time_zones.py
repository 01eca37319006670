"""Zones that default, seen from Discord: the coalition's zone (/coalition settings timezone)
and the server's (/setup timezone) read a time typed without one, and the answer says how it
was read; the ask edit form shows the deadline in the zone it was set in and keeps it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from bot.db.models import Action, Ask
from tests.e2e.world import World
from tests.seed import seed_e2e


async def set_clock(world: World) -> None:
    world.clock.set(datetime(2031, 3, 10, 8, 0, tzinfo=UTC))


async def schedule_without_zone(world: World, coalition: int, title: str, when: str) -> Any:
    return await world.slash(
        "action schedule",
        user=world.cora,  # who never typed a zone: no zone of her own
        coalition=str(coalition),
        title=title,
        when=when,
        kind="meeting",
    )


async def starts_at(world: World, title: str) -> datetime:
    async with world.uow() as uow:
        action = await uow.session.scalar(select(Action).where(Action.title == title))
        assert action is not None
        return action.starts_at


async def the_ask(world: World, ask_id: int) -> Ask:
    async with world.uow() as uow:
        ask = await uow.session.get(Ask, ask_id)
        assert ask is not None
        return ask


def form_input(modal: dict[str, Any], custom_id: str) -> dict[str, Any]:
    """One text input of a modal, wherever it sits (an action row or a label)."""

    def walk(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for c in components:
            found += walk(c.get("components") or [])
            found += walk([c["component"]] if "component" in c else [])
            if c.get("custom_id") == custom_id:
                found.append(c)
        return found

    (box,) = walk(modal["components"])
    return box


async def test_the_coalitions_zone_reads_a_time_typed_without_one(world: World) -> None:
    seed = await seed_e2e(world)
    await set_clock(world)
    nothing = await schedule_without_zone(world, seed.coalition, "Too soon", "2031-03-18 10:00")
    assert "Which time zone is that in?" in nothing.text

    set_zone = await world.slash(
        "coalition settings timezone",
        user=world.cora,
        coalition=str(seed.coalition),
        timezone="Paris",
    )
    assert (
        "Times typed for Alpine Climate Pact without a zone are now read in **Europe/Paris**"
        in set_zone.text
    )
    reply = await schedule_without_zone(world, seed.coalition, "Strategy call", "2031-03-18 10:00")
    assert "read as Tuesday 18 March 2031, 10:00 Europe/Paris" in reply.text
    assert "in the coalition's zone" in reply.text
    # 10:00 in Paris in winter is 09:00 UTC.
    assert await starts_at(world, "Strategy call") == datetime(2031, 3, 18, 9, 0, tzinfo=UTC)

    cleared = await world.slash(
        "coalition settings timezone", user=world.cora, coalition=str(seed.coalition)
    )
    assert "Alpine Climate Pact has no time zone now" in cleared.text
    again = await schedule_without_zone(world, seed.coalition, "Too vague", "2031-03-19 10:00")
    assert "Which time zone is that in?" in again.text


async def test_setup_timezone_sets_the_servers_default(world: World) -> None:
    seed = await seed_e2e(world)
    await set_clock(world)
    panel = await world.slash("setup", user=world.ada, timezone="New York")
    assert "Times typed in this server without a zone are now read in **America/New_York**" in (
        panel.text
    )
    assert panel.message is not None and panel.message.components  # the setup panel, as ever

    reply = await schedule_without_zone(world, seed.coalition, "Town hall", "2031-07-01 10:00")
    assert "read as Tuesday 1 July 2031, 10:00 America/New_York" in reply.text
    assert "in the server's zone" in reply.text
    # 10:00 in New York in summer is 14:00 UTC.
    assert await starts_at(world, "Town hall") == datetime(2031, 7, 1, 14, 0, tzinfo=UTC)

    refused = await world.slash("setup", user=world.cora, timezone="Paris")
    assert "Only server admins" in refused.text
    again = await schedule_without_zone(world, seed.coalition, "Second hall", "2031-07-02 10:00")
    assert "America/New_York" in again.text


async def test_the_ask_edit_form_shows_the_deadline_in_its_zone_and_keeps_it(
    world: World,
) -> None:
    seed = await seed_e2e(world)
    await set_clock(world)
    form = await world.slash("ask create", user=world.cora, coalition=str(seed.coalition))
    created = await world.emu.submit_modal(
        form,
        {
            "title": "Safe school streets",
            "target": "Prefecture",
            "text": "Close school streets to cars at school times.",
            "deadline": "2031-05-14 18:00",
            "tz": "Paris",
        },
    )
    assert 'Created "Safe school streets"' in created.text
    assert "(read as Wednesday 14 May 2031, 18:00 Europe/Paris)" in created.text
    async with world.uow() as uow:
        ask_id = await uow.session.scalar(select(Ask.id).order_by(Ask.id.desc()).limit(1))
    assert ask_id is not None
    ask = await the_ask(world, ask_id)
    assert ask.deadline == datetime(2031, 5, 14, 16, 0, tzinfo=UTC)  # 18:00 in Paris (CEST)
    assert ask.deadline_timezone == "Europe/Paris"

    # The form shows 18:00 Paris time, not 16:00 UTC.
    edit = await world.slash("ask edit", user=world.cora, ask=str(ask_id))
    assert edit.modal is not None
    assert form_input(edit.modal, "deadline").get("value") == "2031-05-14 18:00"
    assert form_input(edit.modal, "tz").get("value") == "Europe/Paris"

    # Changing only the text leaves the deadline alone.
    text_only = await world.emu.submit_modal(edit, {"text": "Close school streets to cars."})
    assert "(changed: text)" in text_only.text
    assert (await the_ask(world, ask_id)).deadline == datetime(2031, 5, 14, 16, 0, tzinfo=UTC)

    # Changing only the date keeps the time of day in the ask's zone.
    edit = await world.slash("ask edit", user=world.cora, ask=str(ask_id))
    moved = await world.emu.submit_modal(edit, {"deadline": "2031-05-21 18:00"})
    assert "(changed: deadline)" in moved.text
    assert "(read as Wednesday 21 May 2031, 18:00 Europe/Paris)" in moved.text
    ask = await the_ask(world, ask_id)
    assert ask.deadline == datetime(2031, 5, 21, 16, 0, tzinfo=UTC)
    assert ask.deadline_timezone == "Europe/Paris"

    # With the zone box emptied, a new deadline is still read in the ask's own zone.
    edit = await world.slash("ask edit", user=world.cora, ask=str(ask_id))
    assert form_input(edit.modal, "deadline").get("value") == "2031-05-21 18:00"
    kept = await world.emu.submit_modal(edit, {"deadline": "2031-05-28 09:30", "tz": ""})
    assert "(read as Wednesday 28 May 2031, 09:30 Europe/Paris)" in kept.text
    assert (await the_ask(world, ask_id)).deadline == datetime(2031, 5, 28, 7, 30, tzinfo=UTC)
