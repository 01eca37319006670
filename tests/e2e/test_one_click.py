"""One click where people read (issue 14): the new-ask announcement and /ask show carry
**Sign for my city** and **Read the full text**; signing ends with a short confirmation and
**Add our statement**, which opens the statement form."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from bot.services import cities
from tests.conftest import both_backends
from tests.e2e.world import World
from tests.seed import E2ESeed, seed_e2e

SIGN, READ, STATEMENT = "Sign for my city", "Read the full text", "Add our statement"
TEXT = "We ask the Minister to:\n- fund school streets\n- lower speed limits"


def one_private(reply: Any) -> Any:
    messages = ([reply.message] if reply.message else []) + list(reply.followups)
    assert len(messages) == 1, [m.text for m in messages]
    assert messages[0].ephemeral
    return messages[0]


async def announced_ask(world: World, seed: E2ESeed, text: str = TEXT) -> Any:
    """Cora creates an ask through the form; its announcement in the coalition channel."""
    form = await world.slash("ask create", user=world.cora, coalition=str(seed.coalition))
    await world.emu.submit_modal(
        form, {"title": "Safe school streets", "target": "Minister of Transport", "text": text}
    )
    channel = world.channels["coalition"]
    await world.emu.wait_for(lambda: any(m.buttons() for m in world.emu.channel_messages(channel)))
    [post] = [m for m in world.emu.channel_messages(channel) if m.buttons()]
    return post


@both_backends
async def test_ask_post_to_a_short_confirmation_with_add_our_statement(world: World) -> None:
    seed = await seed_e2e(world, with_ask=False)
    post = await announced_ask(world, seed)
    assert [b["label"] for b in post.buttons()] == [SIGN, READ]
    assert "press **Sign for my city** below" in post.content
    assert "/ask sign" not in post.content

    opened = await world.emu.click(post, label=SIGN, user=world.lena)
    prompt = one_private(opened)
    assert "Confirm to sign it for Lyon" in prompt.text and "lower speed limits" in prompt.text
    assert [b["label"] for b in prompt.buttons()] == ["Confirm", "Cancel"]

    await world.emu.click(prompt, label="Confirm", user=world.lena)
    assert prompt.content.startswith('Done: Lyon signed "Safe school streets" <t:')
    assert prompt.content.count("signed") == 2  # "Lyon signed …" and "1 of 3 … signed"
    assert "1 of 3 member cities signed" in prompt.content
    assert prompt.embeds == []  # the text was just read: not repeated
    assert [b["label"] for b in prompt.buttons()] == [STATEMENT]

    form = await world.emu.click(prompt, label=STATEMENT, user=world.lena)
    assert form.modal is not None and form.modal["title"] == "Statement for Lyon"
    saved = await world.emu.submit_modal(form, {"statement": "Lyon backs school streets."})
    assert "Saved Lyon's statement" in one_private(saved).text
    assert "It is in the letter." in one_private(saved).text

    # Pressed again, the button says it is done instead of opening a second prompt.
    again = await world.emu.click(post, label=SIGN, user=world.lena)
    assert re.search(r"Lyon already signed on <t:\d+:F>", one_private(again).text)


async def test_sign_for_my_city_refuses_anyone_else_saying_what_to_do(world: World) -> None:
    seed = await seed_e2e(world, with_ask=False)
    post = await announced_ask(world, seed)
    stranger = one_private(await world.emu.click(post, label=SIGN, user=world.sam))
    assert "You don't represent any city yet. Run /city represent" in stranger.text
    assert stranger.buttons() == []
    coordinator = one_private(await world.emu.click(post, label=SIGN, user=world.cora))
    assert "represent" in coordinator.text


async def test_several_cities_choose_which_one_signs(world: World) -> None:
    seed = await seed_e2e(world, with_ask=False)
    async with world.uow() as uow:
        await cities.verify_representative(
            uow, world.actor(world.ada, admin=True), city_id=seed.grenoble, user_id=world.lena.id
        )
    post = await announced_ask(world, seed)
    chooser = one_private(await world.emu.click(post, label=SIGN, user=world.lena))
    assert "Which one signs" in chooser.text
    assert [b["label"] for b in chooser.buttons()] == ["Grenoble", "Lyon"]
    await world.emu.click(chooser, label="Grenoble", user=world.lena)
    assert "Confirm to sign it for Grenoble" in chooser.content
    await world.emu.click(chooser, label="Confirm", user=world.lena)
    assert chooser.content.startswith('Done: Grenoble signed "Safe school streets"')
    again = one_private(await world.emu.click(post, label=SIGN, user=world.lena))
    labels = {b["label"]: b.get("disabled", False) for b in again.buttons()}
    assert labels == {"Grenoble (signed)": True, "Lyon": False}


async def test_read_the_full_text_pages_a_long_ask(world: World) -> None:
    seed = await seed_e2e(world, with_ask=False)
    # 4,000 characters that escaping doubles (each * becomes \\*): more than one page.
    long_text = "\n".join(f"{i:03d} *car-free* streets for every school." for i in range(95))
    long_text = long_text[:4000]
    post = await announced_ask(world, seed, text=long_text)
    assert "press Read the full text for all of it" in post.embeds[0]["description"]
    read = await world.emu.click(post, label=READ, user=world.sam)
    pages = [e for m in [read.message, *read.followups] if m for e in m.embeds]
    assert all(m.ephemeral for m in [read.message, *read.followups] if m)
    assert len(pages) >= 2 and pages[0]["footer"]["text"] == f"Page 1 of {len(pages)}"
    shown = "\n".join(p["description"] for p in pages).replace("\\*", "*")
    for i in range(95):
        line = f"{i:03d} *car-free* streets for every school."
        if (long_text.find(line) + len(line)) <= len(long_text):
            assert line in shown, line


async def test_ask_show_carries_both_buttons_and_they_work_there(world: World) -> None:
    seed = await seed_e2e(world)
    shown = await world.slash("ask show", user=world.gus, ask=str(seed.ask))
    assert [b["label"] for b in shown.message.buttons()] == [SIGN, READ]
    read = one_private(await world.emu.click(shown.message, label=READ, user=world.gus))
    assert "fund car-free city centres" in read.text
    prompt = one_private(await world.emu.click(shown.message, label=SIGN, user=world.gus))
    assert "Confirm to sign it for Grenoble" in prompt.text
    await world.slash("ask close", user=world.cora, ask=str(seed.ask))
    closed = await world.slash("ask show", user=world.gus, ask=str(seed.ask))
    assert [b["label"] for b in closed.message.buttons()] == [READ]


async def test_sign_for_my_city_works_from_a_dm(world: World) -> None:
    """The nudge DM carries the same button: pressed in a DM it acts in the ask's server."""
    seed = await seed_e2e(world, with_ask=False)
    post = await announced_ask(world, seed)
    in_dm = replace(
        post, channel_id=world.emu.dm_channel(world.lena).id, guild_id=None, dm_user=world.lena
    )
    prompt = one_private(await world.emu.click(in_dm, label=SIGN, user=world.lena))
    assert "Confirm to sign it for Lyon" in prompt.text
    await world.emu.click(prompt, label="Confirm", user=world.lena)
    assert prompt.content.startswith('Done: Lyon signed "Safe school streets"')
    assert "/statement submit" in prompt.content and prompt.buttons() == []


async def test_the_buttons_pressed_in_another_server_find_nothing(world: World) -> None:
    """Server isolation: a copy of server A's ask post pressed in server B reveals nothing."""
    seed = await seed_e2e(world, with_ask=False)
    post = await announced_ask(world, seed)
    lobby = next(iter(world.other_guild.channels.values()))
    elsewhere = replace(post, channel_id=lobby.id, guild_id=world.other_guild.id)
    for label in (SIGN, READ):
        for user in (world.lena, world.bea):
            reply = one_private(await world.emu.click(elsewhere, label=label, user=user))
            assert "I can't find that ask in this server" in reply.text
            assert "Safe school streets" not in reply.text and reply.embeds == []
