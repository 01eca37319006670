"""/coalition seen from Discord: creating, listing, showing, joining, coordinators, settings."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta

import discord
import pytest
from discord import app_commands
from sqlalchemy import select

from bot.db.models import Action, Reminder
from bot.services import asks, cities, coalitions
from bot.services.common import Actor
from bot.ui import render
from tests.conftest import both_backends
from tests.seed import seed_e2e
from tests.services.webhooks.conftest import Receiver


def one_private_reply(reply) -> str:  # type: ignore[no-untyped-def]
    messages = ([reply.message] if reply.message else []) + list(reply.followups)
    assert len(messages) == 1, [m.text for m in messages]
    assert messages[0].ephemeral
    return messages[0].text


def field(reply, name: str) -> str:  # type: ignore[no-untyped-def]
    for embed in reply.embeds:
        for f in embed.get("fields") or []:
            if f["name"] == name:
                return f["value"]
    raise AssertionError(f"no field {name!r} in {reply.embeds}")


async def create(world, name: str = "Rhône Pact", user=None, **extra):  # type: ignore[no-untyped-def]
    from bot.services import onboarding  # who may create is tested in test_onboarding.py

    async with world.uow() as uow:
        await onboarding.set_anyone_creates(uow, world.actor(world.ada, admin=True), True)
    return await world.slash(
        "coalition create",
        user=user or world.cora,
        name=name,
        kind=extra.pop("kind", "metro_area_partnership"),
        **extra,
    )


async def coalition_id(world, user, typed: str = "") -> str:  # type: ignore[no-untyped-def]
    choices = await world.autocomplete("coalition show", "coalition", typed, user=user)
    return choices[0]["value"]


@both_backends
async def test_create_makes_the_creator_coordinator_and_show_renders_it(world) -> None:
    reply = await create(
        world,
        description="Cities of the Rhône valley acting together.",
        region="Auvergne-Rhône-Alpes",
        options={"channel": world.channels["coalition"]},
    )
    text = one_private_reply(reply)
    assert "Created **Rhône Pact** (Metro-area partnership)" in text
    assert world.channels["coalition"].mention in text

    cid = await coalition_id(world, world.sam, "rhone")
    shown = await world.slash("coalition show", user=world.sam, coalition=cid)
    assert shown.ephemeral
    description = shown.embeds[0]["description"]
    assert "Metro-area partnership" in description and "Rhône valley" in description
    assert world.channels["coalition"].mention in description
    assert field(shown, "Coordinators") == world.cora.mention
    assert "No member cities yet" in shown.all_text


async def test_create_refuses_a_duplicate_name(world) -> None:
    await create(world)
    again = await create(world, name="rhone pact", user=world.sam, kind="peer_group")
    assert 'A coalition called "rhone pact" already exists' in one_private_reply(again)


async def test_list_shows_members_kind_and_archived(world) -> None:
    empty = await world.slash("coalition list", user=world.sam)
    assert "no coalitions here yet" in one_private_reply(empty)
    seed = await seed_e2e(world, with_ask=False)
    await create(world, name="Old Pact", kind="peer_group")
    old = await coalition_id(world, world.cora, "old")
    prompt = await world.slash("coalition archive", user=world.cora, coalition=old)
    assert "It has no open asks and no upcoming actions." in one_private_reply(prompt)
    await world.emu.click(prompt.message, label="Confirm", user=world.cora)
    listing = await world.slash("coalition list", user=world.sam)
    text = one_private_reply(listing)
    assert "**Alpine Climate Pact** — City partnership · 3 member cities" in text
    assert "**Old Pact** (archived)" in text
    assert seed.coalition


async def test_join_with_approval_waits_then_approve_and_reject(world) -> None:
    seed = await seed_e2e(world, with_ask=False)
    cid = str(seed.coalition)
    admin = world.actor(world.ada, admin=True)
    async with world.uow() as uow:
        nice = await cities.add_city(uow, admin, name="Nice", country="France")
        toulon = await cities.add_city(uow, admin, name="Toulon", country="France")
        await cities.verify_representative(uow, admin, city_id=nice.id, user_id=world.sam.id)
        await cities.verify_representative(uow, admin, city_id=toulon.id, user_id=world.olga.id)

    refused = await world.slash(
        "coalition settings approval", user=world.sam, coalition=cid, required=True
    )
    assert "Only coordinators of Alpine Climate Pact" in one_private_reply(refused)
    on = await world.slash(
        "coalition settings approval", user=world.cora, coalition=cid, required=True
    )
    assert "now wait for a coordinator's approval" in one_private_reply(on)

    joined = await world.slash("coalition join", user=world.sam, coalition=cid)
    assert "Nice asked to join Alpine Climate Pact" in one_private_reply(joined)
    await world.slash("coalition join", user=world.olga, coalition=cid)
    shown = await world.slash("coalition show", user=world.cora, coalition=cid)
    waiting = field(shown, "Waiting for approval")
    assert "Nice (France)" in waiting and world.sam.mention in waiting

    not_coordinator = await world.slash(
        "coalition approve", user=world.lena, coalition=cid, city=str(nice.id)
    )
    assert "Only coordinators" in one_private_reply(not_coordinator)
    approved = await world.slash(
        "coalition approve", user=world.cora, coalition=cid, city=str(nice.id)
    )
    assert "Nice is now a member of Alpine Climate Pact" in one_private_reply(approved)
    rejected = await world.slash(
        "coalition reject", user=world.cora, coalition=cid, city=str(toulon.id)
    )
    assert "Toulon's request to join Alpine Climate Pact was turned down" in one_private_reply(
        rejected
    )
    again = await world.slash(
        "coalition reject", user=world.cora, coalition=cid, city=str(toulon.id)
    )
    assert "no pending request" in one_private_reply(again)

    off = await world.slash(
        "coalition settings approval", user=world.cora, coalition=cid, required=False
    )
    assert "without approval" in one_private_reply(off)
    direct = await world.slash("coalition join", user=world.olga, coalition=cid)
    assert "Toulon is now a member" in one_private_reply(direct)


async def test_join_needs_a_verified_city_and_a_choice_among_several(world) -> None:
    seed = await seed_e2e(world, with_ask=False)
    cid = str(seed.coalition)
    stranger = await world.slash("coalition join", user=world.sam, coalition=cid)
    assert "You don't represent any city yet" in one_private_reply(stranger)

    await create(world, name="Second Pact", user=world.ada, kind="peer_group")
    second = await coalition_id(world, world.lena, "second")
    admin = world.actor(world.ada, admin=True)
    async with world.uow() as uow:
        await cities.verify_representative(uow, admin, city_id=seed.grenoble, user_id=world.lena.id)
    several = await world.slash("coalition join", user=world.lena, coalition=second)
    text = one_private_reply(several)
    assert "You represent several cities (Grenoble, Lyon)" in text
    assert "city option" in text
    mine = await world.autocomplete("coalition join", "city", "", user=world.lena, coalition=second)
    assert [c["name"] for c in mine[:2]] == ["Grenoble (France) · yours", "Lyon (France) · yours"]
    chosen = await world.slash(
        "coalition join", user=world.lena, coalition=second, city=str(seed.lyon)
    )
    assert "Lyon is now a member of Second Pact" in one_private_reply(chosen)
    twice = await world.slash(
        "coalition join", user=world.lena, coalition=second, city=str(seed.lyon)
    )
    assert "Lyon is already a member" in one_private_reply(twice)


async def test_leave_by_representative_and_removal_by_coordinator(world) -> None:
    seed = await seed_e2e(world, with_ask=False)
    cid = str(seed.coalition)
    left = await world.slash("coalition leave", user=world.lena, coalition=cid)
    assert "Lyon left Alpine Climate Pact" in one_private_reply(left)
    removed = await world.slash(
        "coalition leave", user=world.cora, coalition=cid, city=str(seed.grenoble)
    )
    assert "Grenoble was removed from Alpine Climate Pact" in one_private_reply(removed)
    again = await world.slash("coalition leave", user=world.lena, coalition=cid)
    assert "Lyon is not a member of Alpine Climate Pact" in one_private_reply(again)
    shown = await world.slash("coalition show", user=world.sam, coalition=cid)
    assert "Member cities of Alpine Climate Pact (1)" in shown.all_text


async def test_coordinators_add_and_remove_and_the_last_one_stays(world) -> None:
    seed = await seed_e2e(world, with_ask=False)
    cid = str(seed.coalition)
    refused = await world.slash(
        "coalition coordinators add", user=world.sam, coalition=cid, options={"user": world.sam}
    )
    assert "Only coordinators of Alpine Climate Pact" in one_private_reply(refused)
    added = await world.slash(
        "coalition coordinators add", user=world.cora, coalition=cid, options={"user": world.gus}
    )
    text = one_private_reply(added)
    assert f"{world.gus.mention} is now a coordinator" in text
    assert added.message.allowed_mentions == {"parse": []} or not added.message.allowed_mentions
    removed = await world.slash(
        "coalition coordinators remove",
        user=world.gus,
        coalition=cid,
        options={"user": world.cora},
    )
    assert f"{world.cora.mention} no longer coordinates" in one_private_reply(removed)
    last = await world.slash(
        "coalition coordinators remove", user=world.gus, coalition=cid, options={"user": world.gus}
    )
    assert "last coordinator" in one_private_reply(last)
    shown = await world.slash("coalition show", user=world.sam, coalition=cid)
    assert field(shown, "Coordinators") == world.gus.mention


async def test_archive_makes_it_read_only_and_closes_open_asks(world) -> None:
    seed = await seed_e2e(world)
    cid = str(seed.coalition)
    refused = await world.slash("coalition archive", user=world.lena, coalition=cid)
    assert "Only coordinators" in one_private_reply(refused)
    prompt = await world.slash("coalition archive", user=world.cora, coalition=cid)
    assert "1 open ask will be closed" in one_private_reply(prompt)
    await world.emu.click(prompt.message, label="Confirm", user=world.cora)
    assert "archived and read-only. 1 open ask was closed." in prompt.message.content
    join = await world.slash("coalition leave", user=world.lena, coalition=cid)
    assert "archived and read-only" in one_private_reply(join)
    shown = await world.slash("coalition show", user=world.sam, coalition=cid)
    assert "**Archived**" in shown.embeds[0]["description"]
    # Archived coalitions are no longer offered as you type.
    assert await world.autocomplete("coalition show", "coalition", "", user=world.sam) == []


async def test_settings_channel(world) -> None:
    seed = await seed_e2e(world, with_ask=False)
    cid = str(seed.coalition)
    reply = await world.slash(
        "coalition settings channel",
        user=world.cora,
        coalition=cid,
        options={"channel": world.channels["general"]},
    )
    assert f"now announces in {world.channels['general'].mention}" in one_private_reply(reply)
    shown = await world.slash("coalition show", user=world.sam, coalition=cid)
    assert world.channels["general"].mention in shown.embeds[0]["description"]
    refused = await world.slash(
        "coalition settings channel",
        user=world.lena,
        coalition=cid,
        options={"channel": world.channels["general"]},
    )
    assert "Only coordinators" in one_private_reply(refused)


async def test_show_paginates_many_members_and_shows_open_asks_with_a_bar(world) -> None:
    seed = await seed_e2e(world)
    admin = world.actor(world.ada, admin=True)
    async with world.uow() as uow:
        for i in range(50):
            city = await cities.add_city(
                uow, admin, name=f"Commune {i:03d} " + "y" * 60, country="France"
            )
            await cities.verify_representative(uow, admin, city_id=city.id, user_id=10_000 + i)
            await coalitions.join_coalition(
                uow, Actor(world.guild.id, 10_000 + i), coalition_id=seed.coalition
            )
    shown = await world.slash("coalition show", user=world.sam, coalition=str(seed.coalition))
    asks = field(shown, "Open asks")
    assert "Car-free centres by 2030" in asks and "0 of 53 signed" in asks and "░" in asks

    def pages() -> list[dict]:
        return [
            e
            for m in [shown.message, *shown.followups]
            for e in m.embeds
            if e["title"].startswith("Member cities")
        ]

    def complete() -> bool:
        footer = pages()[-1].get("footer", {}).get("text", "") if pages() else ""
        page, _, total = footer.removeprefix("Page ").partition(" of ")
        return bool(total) and page == total

    await world.emu.wait_for(complete)
    text = "\n".join(p["description"] for p in pages())
    assert "Commune 000" in text and "Commune 049" in text and len(pages()) >= 2


async def test_upcoming_actions_fill_their_section(world, monkeypatch) -> None:
    seed = await seed_e2e(world, with_ask=False)
    seen: list[int] = []

    async def provider(uow, actor, coalition_id):  # type: ignore[no-untyped-def]
        seen.append(coalition_id)
        return ["Call the prefect — <t:1900000000:F>"]

    async def no_section(uow, actor, coalition_id):  # type: ignore[no-untyped-def]
        return None

    monkeypatch.setattr(render, "upcoming_actions", provider)
    shown = await world.slash("coalition show", user=world.sam, coalition=str(seed.coalition))
    monkeypatch.setattr(render, "upcoming_actions", no_section)
    without = await world.slash("coalition show", user=world.sam, coalition=str(seed.coalition))
    assert field(shown, "Upcoming actions") == "Call the prefect — <t:1900000000:F>"
    assert seen == [seed.coalition]
    # With no actions feature there is no such section at all.
    assert "Upcoming actions" not in without.all_text


async def test_coalition_autocomplete_is_scoped_to_the_server(world) -> None:
    await create(world)
    lobby = next(iter(world.other_guild.channels.values()))
    await world.slash(
        "coalition create",
        user=world.bea,
        guild=world.other_guild,
        channel_=lobby,
        name="Other Pact",
        kind="peer_group",
    )
    mine = await world.autocomplete("coalition show", "coalition", "", user=world.lena)
    assert [c["name"] for c in mine] == ["Rhône Pact"]
    theirs = await world.autocomplete(
        "coalition join", "coalition", "", user=world.lena, guild=world.other_guild
    )
    assert [c["name"] for c in theirs] == ["Other Pact"]
    foreign = await world.slash(
        "coalition show",
        user=world.lena,
        guild=world.other_guild,
        channel_=lobby,
        coalition=mine[0]["value"],
    )
    assert "can't find that coalition in this server" in one_private_reply(foreign)
    for path in ("approve", "reject", "leave", "archive", "settings channel", "settings approval"):
        found = await world.autocomplete(f"coalition {path}", "coalition", "rh", user=world.cora)
        assert [c["name"] for c in found] == ["Rhône Pact"], path
    for path in ("coordinators add", "coordinators remove"):
        found = await world.autocomplete(f"coalition {path}", "coalition", "", user=world.cora)
        assert len(found) == 1


async def test_settings_group_is_open_to_other_extensions(world) -> None:
    group = world.bot.tree.get_command("coalition")
    assert isinstance(group, app_commands.Group)
    settings = group.get_command("settings")
    assert isinstance(settings, app_commands.Group)
    assert {c.name for c in settings.commands} >= {"channel", "approval"}

    @app_commands.command(name="zz-test-only", description="Test-only command")
    async def extra(interaction: discord.Interaction) -> None:  # pragma: no cover
        pass

    settings.add_command(extra)
    try:
        found = world.bot.tree.get_command("coalition").get_command("settings")
        assert found.get_command("zz-test-only") is extra
    finally:
        settings.remove_command("zz-test-only")
    # Discord allows 25 subcommands/groups per group; leave room for others.
    assert len(group.commands) <= 20
    assert len(settings.commands) <= 23


# --- archiving does what closing each ask and cancelling each action would do ---


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    server = Receiver()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@both_backends
async def test_archive_confirms_the_counts_then_closes_asks_and_cancels_actions(
    world, receiver: Receiver
) -> None:
    seed = await seed_e2e(world)
    cid = str(seed.coalition)
    async with world.uow() as uow:
        await asks.create_ask(
            uow,
            world.actor(world.cora),
            coalition_id=seed.coalition,
            title="Safe school streets",
            target="Ministry",
            text="Close school streets to cars.",
        )
    await world.slash(
        "webhook add",
        user=world.cora,
        coalition=cid,
        url=receiver.url,
        events="ask_closed, action_changed",
    )
    when = (world.clock.now() + timedelta(days=10)).strftime("%Y-%m-%d %H:%M")
    await world.slash(
        "action schedule",
        user=world.cora,
        coalition=cid,
        title="Meet the Minister",
        when=when,
        timezone="UTC",
        kind="meeting",
    )
    channel = world.channels["coalition"]
    [announcement] = [
        m
        for m in world.emu.channel_messages(channel)
        if any(b.get("label") == "Going" for b in m.buttons())
    ]
    await world.emu.click(announcement, label="Going", user=world.lena)
    async with world.uow() as uow:
        action_id = int(await uow.session.scalar(select(Action.id)))

    # The prompt says what will happen; Cancel changes nothing.
    prompt = await world.slash("coalition archive", user=world.cora, coalition=cid)
    text = one_private_reply(prompt)
    assert "Archive **Alpine Climate Pact**?" in text
    assert "2 open asks will be closed" in text and "1 upcoming action will be cancelled" in text
    assert sorted(b["custom_id"] for b in prompt.message.buttons()) == [
        f"archive:cancel:{seed.coalition}",
        f"archive:confirm:{seed.coalition}",
    ]
    await world.emu.click(prompt.message, label="Cancel", user=world.cora)
    assert prompt.message.content.startswith("Not archived")
    assert prompt.message.buttons() == []
    shown = await world.slash("coalition show", user=world.sam, coalition=cid)
    assert "**Archived**" not in shown.embeds[0]["description"]
    listed = await world.slash("ask list", user=world.sam, coalition=cid)
    assert "Safe school streets" in listed.all_text and "Car-free centres" in listed.all_text
    assert await world.bot.workers.webhooks.deliver_due() == 0 and receiver.requests == []
    assert world.emu.dms(world.lena) == []

    # Confirm: each ask closed as /ask close would, the action cancelled as /action cancel.
    prompt = await world.slash("coalition archive", user=world.cora, coalition=cid)
    await world.emu.click(prompt.message, label="Confirm", user=world.cora)
    done = prompt.message.content
    assert "Alpine Climate Pact is archived and read-only. 2 open asks were closed." in done
    assert "1 upcoming action was cancelled; I'm telling the cities that answered: Lyon." in done
    assert prompt.message.buttons() == []

    await receiver.wait_for(3)
    bodies = [json.loads(r.body) for r in receiver.requests]
    assert sorted(b["type"] for b in bodies) == ["action_changed", "ask_closed", "ask_closed"]
    [change] = [b["data"] for b in bodies if b["type"] == "action_changed"]
    assert (change["action_id"], change["change"]) == (str(action_id), "cancelled")

    # The notices go out in the background once the reply is sent.
    await world.emu.wait_for(lambda: len(world.emu.dms(world.lena)) == 1)
    await world.emu.wait_for(lambda: announcement.buttons() == [])
    await world.bot.workers.reminders.wait_idle()
    await world.bot.workers.outbox.drain()  # reminder channel posts go through the outbox
    [dm] = world.emu.dms(world.lena)  # Lyon answered Going
    assert "cancelled" in dm.text and "Alpine Climate Pact was archived" in dm.text
    assert world.emu.dms(world.gus) == []  # Grenoble never answered
    assert announcement.buttons() == []  # the announcement no longer takes answers
    ics = await world.slash("action ics", user=world.sam, action=str(action_id))
    assert b"STATUS:CANCELLED" in ics.files[0][1]
    async with world.uow() as uow:
        statuses = (
            await uow.session.scalars(
                select(Reminder.status).where(
                    Reminder.action_id == action_id, Reminder.kind == "action"
                )
            )
        ).all()
    assert statuses and set(statuses) == {"cancelled"}  # no reminder of a cancelled action
    history = await world.slash("ask history", user=world.sam, ask=str(seed.ask))
    assert "closed it (version 1): coalition archived" in history.all_text


# --- leaving: the signature ends as "left" and rejoining does not revive it ---


async def test_leave_shows_the_signature_as_left_and_rejoining_means_signing_again(world) -> None:
    seed = await seed_e2e(world)
    cid = str(seed.coalition)
    prompt = await world.slash("ask sign", user=world.lena, ask=str(seed.ask))
    await world.emu.click(prompt.message, label="Confirm", user=world.lena)

    left = await world.slash("coalition leave", user=world.lena, coalition=cid)
    text = one_private_reply(left)
    assert "Lyon left Alpine Climate Pact. Its 1 signature stays on record as left" in text
    shown = await world.slash("ask signatories", user=world.sam, ask=str(seed.ask))
    assert field(shown, "Signed (0)") == "none"
    gone = field(shown, "Left the coalition (1)")
    assert "**Lyon** (France)" in gone and "back in the coalition" not in gone
    assert "0 of 2 member cities signed" in shown.all_text

    await world.slash("coalition join", user=world.lena, coalition=cid)
    shown = await world.slash("ask signatories", user=world.sam, ask=str(seed.ask))
    assert "0 of 3 member cities signed" in shown.all_text
    back = field(shown, "Left the coalition (1)")
    assert "**Lyon**" in back and "not counted until it signs again" in back
    assert "Lyon" not in field(shown, "Missing (2)")
    history = await world.slash("ask history", user=world.sam, ask=str(seed.ask))
    assert (
        f"{world.lena.mention} ended the signature for Lyon (version 1): Lyon left Alpine "
        "Climate Pact; this signature no longer counts"
    ) in history.all_text

    again = await world.slash("ask sign", user=world.lena, ask=str(seed.ask))
    assert "Confirm to sign it for Lyon" in again.text  # a new signature, not a re-confirmation
    await world.emu.click(again.message, label="Confirm", user=world.lena)
    assert 'Done: Lyon signed "Car-free centres by 2030"' in again.message.content
    shown = await world.slash("ask signatories", user=world.sam, ask=str(seed.ask))
    assert "1 of 3 member cities signed" in shown.all_text
    assert "Lyon" in field(shown, "Signed (1)")
    assert "Left the coalition" not in shown.all_text
