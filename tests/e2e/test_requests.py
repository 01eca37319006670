"""Requests people are told about (issue 14): /city represent posts a notice with **Verify** and
**Turn down** in the requests channel (chosen in /setup; else the system channel); a join to a
coalition that needs approval posts one with **Approve** and **Reject** in the coalition's
channel. Only those who may decide can press; the notice then shows the outcome and who
decided, without buttons, and the requester gets a DM with the outcome and their next step.
Joins and leaves are announced in the coalition's channel, without pings."""

from __future__ import annotations

import copy
import re
from dataclasses import replace
from typing import Any

from bot.services import cities, coalitions
from tests.conftest import both_backends
from tests.e2e.world import World
from tests.seed import E2ESeed, seed_e2e


def one_private(reply: Any) -> Any:
    messages = ([reply.message] if reply.message else []) + list(reply.followups)
    assert len(messages) == 1, [m.text for m in messages]
    assert messages[0].ephemeral
    return messages[0]


async def notice_in(world: World, channel: Any, label: str, *, about: str) -> Any:
    """The notice about ``about`` with the button ``label``, once the outbox posted it."""

    def found() -> list[Any]:
        return [
            m
            for m in world.emu.channel_messages(channel)
            if about in m.text and any(b.get("label") == label for b in m.buttons())
        ]

    await world.emu.wait_for(lambda: bool(found()))
    return found()[0]


async def settled(world: World, message: Any, pattern: str) -> None:
    """Wait until the outbox edited ``message`` to match ``pattern`` (its buttons gone)."""
    await world.bot.workers.outbox.drain()
    await world.emu.wait_for(lambda: bool(re.search(pattern, message.text)))
    assert message.buttons() == [], message.text


async def dm_text(world: World, user: Any, pattern: str) -> str:
    await world.bot.workers.outbox.drain()
    await world.emu.wait_for(lambda: any(re.search(pattern, m.text) for m in world.emu.dms(user)))
    return next(m.text for m in world.emu.dms(user) if re.search(pattern, m.text))


async def verified_nice(world: World, user: Any) -> int:
    """Nice, a city in no coalition, which ``user`` represents (verified by the admin)."""
    admin = world.actor(world.ada, admin=True)
    async with world.uow() as uow:
        city = await cities.add_city(uow, admin, name="Nice", country="France")
        await cities.verify_representative(uow, admin, city_id=city.id, user_id=user.id)
    return city.id


async def approval_needed(world: World, seed: E2ESeed) -> None:
    await world.slash(
        "coalition settings approval", user=world.cora, coalition=str(seed.coalition), required=True
    )


@both_backends
async def test_represent_posts_a_notice_a_coordinator_verifies_and_the_requester_is_told(
    world: World,
) -> None:
    seed = await seed_e2e(world)
    asked = one_private(await world.slash("city represent", user=world.sam, city=str(seed.lyon)))
    general = world.channels["general"]  # the system channel: no requests channel chosen
    assert f"I posted it in <#{general.id}>" in asked.text
    assert "I'll DM you their decision" in asked.text

    notice = await notice_in(world, general, "Verify", about="Lyon")
    assert [b["label"] for b in notice.buttons()] == ["Verify", "Turn down"]
    assert f"<@{world.sam.id}> asks to represent **Lyon** (France)" in notice.text
    assert "Who can decide: coordinators of **Alpine Climate Pact**, and server admins" in (
        notice.text
    )

    # Someone who may not decide gets one private line saying who can; nothing changes.
    refused = one_private(await world.emu.click(notice, label="Verify", user=world.gus))
    assert "Only coordinators of Alpine Climate Pact" in refused.text
    assert "or server admins can verify representatives for Lyon" in refused.text
    assert len(notice.buttons()) == 2 and world.emu.dms(world.sam) == []
    old = before_decision(notice)

    done = one_private(await world.emu.click(notice, label="Verify", user=world.cora))
    assert f"<@{world.sam.id}> is now a verified representative of Lyon" in done.text
    await settled(world, notice, rf"Verified\*\* by <@{world.cora.id}>")
    assert "Who can decide" not in notice.text

    told = await dm_text(world, world.sam, "verified representative of")
    assert (
        f"You are now a verified representative of **Lyon** (verified by <@{world.cora.id}>)"
        in (told)
    )
    assert "Next: sign the open asks of Alpine Climate Pact (1 open ask)" in told
    assert "Sign for my city" in told

    # A copy of the old notice, pressed again, does not decide twice.
    again = one_private(await world.emu.click(old, label="Verify", user=world.ada))
    assert "already decided" in again.text and f"<@{world.cora.id}>" in again.text
    async with world.uow() as uow:
        mine = await cities.my_verified_cities(uow, world.actor(world.sam))
    assert [c.name for c in mine] == ["Lyon"]


def before_decision(notice: Any) -> Any:
    """The notice as a client that has not refreshed still shows it: with its buttons."""
    return replace(notice, components=copy.deepcopy(notice.components))


@both_backends
async def test_turn_down_asks_for_a_reason_which_the_requester_reads(world: World) -> None:
    await seed_e2e(world, with_ask=False)
    admin = world.actor(world.ada, admin=True)
    async with world.uow() as uow:
        nice = await cities.add_city(uow, admin, name="Nice", country="France")
    await world.slash("city represent", user=world.sam, city=str(nice.id))
    notice = await notice_in(world, world.channels["general"], "Turn down", about="Nice")
    # Nice is in no coalition: only admins (no verifier role is chosen) decide.
    assert "Who can decide: server admins." in notice.text
    refused = one_private(await world.emu.click(notice, label="Turn down", user=world.cora))
    assert "Nice is in no active coalition, so only server admins can turn down requests" in (
        refused.text
    )

    form = await world.emu.click(notice, label="Turn down", user=world.ada)
    assert form.modal is not None and form.modal["title"] == "Turn down a request for Nice"
    empty = await world.emu.submit_modal(form, {"reason": "   "})
    assert "The reason cannot be empty" in one_private(empty).text
    assert len(notice.buttons()) == 2  # nothing decided

    form = await world.emu.click(notice, label="Turn down", user=world.ada)
    answered = await world.emu.submit_modal(
        form, {"reason": "We could not confirm you work for Nice."}
    )
    assert f"You turned down <@{world.sam.id}>'s request to represent Nice" in (
        one_private(answered).text
    )
    await settled(world, notice, rf"Turned down\*\* by <@{world.ada.id}>")
    assert 'Reason: "We could not confirm you work for Nice."' in notice.text

    told = await dm_text(world, world.sam, "turned down")
    assert f"Your request to represent **Nice** was turned down by <@{world.ada.id}>" in told
    assert 'Their reason: "We could not confirm you work for Nice."' in told
    assert "/city represent" in told


async def test_the_requests_channel_chosen_in_setup_gets_the_notices(world: World) -> None:
    seed = await seed_e2e(world, with_ask=False)
    panel = await world.slash("setup", user=world.ada)
    assert "Requests channel" in panel.text and "system channel" in panel.text
    [_, requests_select] = [s for s in panel.message.selects() if s["type"] == 8]
    assert requests_select["placeholder"].startswith("4.")
    room = world.channels["coalition"]
    await world.emu.select(
        panel.message, values=[room], user=world.ada, custom_id=requests_select["custom_id"]
    )
    assert f"Requests channel\n<#{room.id}>" in panel.message.text
    done = await world.emu.click(panel.message, label="Done", user=world.ada)
    assert f"Requests to represent a city are posted in <#{room.id}>" in done.message.text

    asked = one_private(await world.slash("city represent", user=world.sam, city=str(seed.lyon)))
    assert f"I posted it in <#{room.id}>" in asked.text
    await notice_in(world, room, "Verify", about="Lyon")
    general = world.emu.channel_messages(world.channels["general"])
    assert not any(m.buttons() for m in general)


async def test_a_request_revoked_by_command_closes_its_notice_and_its_buttons_refuse(
    world: World,
) -> None:
    seed = await seed_e2e(world, with_ask=False)
    await world.slash("city represent", user=world.sam, city=str(seed.lyon))
    notice = await notice_in(world, world.channels["general"], "Verify", about="Lyon")
    old = before_decision(notice)
    await world.slash(
        "city revoke", user=world.cora, city=str(seed.lyon), options={"user": world.sam}
    )
    await settled(world, notice, rf"Turned down\*\* by <@{world.cora.id}>")
    await dm_text(world, world.sam, "was turned down")
    pressed = one_private(await world.emu.click(old, label="Verify", user=world.cora))
    assert "already decided" in pressed.text and "turned it down" in pressed.text


async def test_a_coordinator_removed_meanwhile_can_no_longer_press(world: World) -> None:
    seed = await seed_e2e(world, with_ask=False)
    await world.slash(
        "coalition coordinators add",
        user=world.cora,
        coalition=str(seed.coalition),
        options={"user": world.olga},
    )
    await world.slash("city represent", user=world.sam, city=str(seed.lyon))
    notice = await notice_in(world, world.channels["general"], "Verify", about="Lyon")
    await world.slash(
        "coalition coordinators remove",
        user=world.cora,
        coalition=str(seed.coalition),
        options={"user": world.olga},
    )
    refused = one_private(await world.emu.click(notice, label="Verify", user=world.olga))
    assert "Only coordinators of Alpine Climate Pact" in refused.text
    assert len(notice.buttons()) == 2


@both_backends
async def test_join_request_approved_from_its_notice(world: World) -> None:
    seed = await seed_e2e(world)
    nice = await verified_nice(world, world.sam)
    await approval_needed(world, seed)
    asked = one_private(
        await world.slash("coalition join", user=world.sam, coalition=str(seed.coalition))
    )
    room = world.channels["coalition"]
    assert "Nice asked to join Alpine Climate Pact" in asked.text
    assert f"posted in <#{room.id}>" in asked.text

    notice = await notice_in(world, room, "Approve", about="Nice asks to join")
    assert [b["label"] for b in notice.buttons()] == ["Approve", "Reject"]
    assert f"<@{world.sam.id}> asked for **Nice** (France) to join" in notice.text
    refused = one_private(await world.emu.click(notice, label="Approve", user=world.gus))
    assert "Only coordinators of Alpine Climate Pact or server admins can approve members" in (
        refused.text
    )
    approved = one_private(await world.emu.click(notice, label="Approve", user=world.cora))
    assert "Nice is now a member of Alpine Climate Pact" in approved.text
    await settled(world, notice, rf"Approved\*\* by <@{world.cora.id}>")

    told = await dm_text(world, world.sam, "is now a member")
    assert (
        f"**Nice** is now a member of **Alpine Climate Pact** (approved by <@{world.cora.id}>)"
        in (told)
    )
    assert "Next: sign the open asks of Alpine Climate Pact (1 open ask)" in told
    # The notice in the coalition's channel says it: no second "joined" line there.
    assert not any("joined" in m.text for m in world.emu.channel_messages(room))
    async with world.uow() as uow:
        shown = await coalitions.show_coalition(uow, world.actor(world.sam), seed.coalition)
    assert nice in [m.city_id for m in shown.members]


async def test_join_request_rejected_from_its_notice(world: World) -> None:
    seed = await seed_e2e(world, with_ask=False)
    await verified_nice(world, world.sam)
    await approval_needed(world, seed)
    await world.slash("coalition join", user=world.sam, coalition=str(seed.coalition))
    notice = await notice_in(world, world.channels["coalition"], "Reject", about="Nice")
    rejected = one_private(await world.emu.click(notice, label="Reject", user=world.ada))
    assert "Nice's request to join Alpine Climate Pact was turned down" in rejected.text
    await settled(world, notice, rf"Rejected\*\* by <@{world.ada.id}>")
    told = await dm_text(world, world.sam, "turned down")
    assert "**Alpine Climate Pact** turned down Nice's request to join" in told


async def test_joins_and_leaves_are_announced_without_pings(world: World) -> None:
    seed = await seed_e2e(world, with_ask=False)
    await verified_nice(world, world.sam)
    room = world.channels["coalition"]
    cid = str(seed.coalition)
    await world.slash("coalition join", user=world.sam, coalition=cid)
    await world.bot.workers.outbox.drain()
    await world.slash("coalition leave", user=world.sam, coalition=cid)
    await world.slash("coalition leave", user=world.cora, coalition=cid, city=str(seed.grenoble))
    await world.bot.workers.outbox.drain()

    def lines() -> list[str]:
        return [m.text for m in world.emu.channel_messages(room)]

    await world.emu.wait_for(lambda: len(lines()) >= 3)
    assert lines() == [
        "**Nice** joined **Alpine Climate Pact**. It now has 4 member cities.",
        "**Nice** left **Alpine Climate Pact**. It now has 3 member cities.",
        "**Grenoble** was removed from **Alpine Climate Pact**. It now has 2 member cities.",
    ]
    for message in world.emu.channel_messages(room):
        assert message.allowed_mentions is not None
        assert not message.allowed_mentions.get("parse")
        assert not message.allowed_mentions.get("users")


async def test_a_notice_pressed_in_another_server_finds_nothing(world: World) -> None:
    """Server isolation: a copy of server A's notice pressed in server B reveals nothing."""
    seed = await seed_e2e(world, with_ask=False)
    await world.slash("city represent", user=world.sam, city=str(seed.lyon))
    notice = await notice_in(world, world.channels["general"], "Verify", about="Lyon")
    nice = await verified_nice(world, world.lena)
    await approval_needed(world, seed)
    await world.slash(
        "coalition join", user=world.lena, coalition=str(seed.coalition), city=str(nice)
    )
    join = await notice_in(world, world.channels["coalition"], "Approve", about="Nice")
    lobby = next(iter(world.other_guild.channels.values()))
    for message, labels in [(notice, ("Verify", "Turn down")), (join, ("Approve", "Reject"))]:
        elsewhere = replace(message, channel_id=lobby.id, guild_id=world.other_guild.id)
        for label in labels:
            reply = one_private(await world.emu.click(elsewhere, label=label, user=world.bea))
            assert "I can't find that request in this server" in reply.text
            assert "Lyon" not in reply.text and "Nice" not in reply.text
        assert len(message.buttons()) == 2
