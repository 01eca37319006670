"""/ask seen from Discord: the create/edit forms, signing with persistent buttons, withdrawals,
re-confirmation DMs, signatories, closing and history."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

from sqlalchemy import select

from bot.clock import FakeClock
from bot.db.models import SignOn
from bot.services import asks, cities
from tests.conftest import both_backends
from tests.e2e.world import World, build_world, running_bot
from tests.seed import seed_e2e

DEADLINE = "2031-05-14 18:00"  # Europe/Paris, summer time: 16:00 UTC
DEADLINE_TS = f"<t:{int(datetime(2031, 5, 14, 16, 0, tzinfo=UTC).timestamp())}:F>"


def one_private_reply(reply) -> str:  # type: ignore[no-untyped-def]
    messages = ([reply.message] if reply.message else []) + list(reply.followups)
    assert len(messages) == 1, [m.text for m in messages]
    assert messages[0].ephemeral
    return messages[0].text


def field(message, name: str) -> str:  # type: ignore[no-untyped-def]
    for embed in message.embeds:
        for f in embed.get("fields") or []:
            if f["name"] == name:
                return f["value"]
    raise AssertionError(f"no field {name!r}")


def take_violations(world, code: int) -> list:  # type: ignore[no-untyped-def]
    """Expected refusals (a user with closed DMs): remove them so only surprises fail a test."""
    found = [v for v in world.emu.violations if v.code == code]
    world.emu.violations[:] = [v for v in world.emu.violations if v.code != code]
    return found


async def channel_posts(world, n: int) -> list:  # type: ignore[no-untyped-def]
    """The coalition channel's posts once there are ``n`` (announcements follow the reply)."""
    channel = world.channels["coalition"]
    await world.emu.wait_for(lambda: len(world.emu.channel_messages(channel)) >= n)
    return world.emu.channel_messages(channel)


async def sign_prompt(world, user, ask: int, **options):  # type: ignore[no-untyped-def]
    reply = await world.slash("ask sign", user=user, ask=str(ask), **options)
    assert reply.ephemeral
    return reply


async def sign(world, user, ask: int, **options):  # type: ignore[no-untyped-def]
    prompt = await sign_prompt(world, user, ask, **options)
    return await world.emu.click(prompt.message, label="Confirm", user=user)


async def signatories(world, ask: int) -> dict[str, str]:  # type: ignore[no-untyped-def]
    reply = await world.slash("ask signatories", user=world.sam, ask=str(ask))
    assert reply.ephemeral
    return {
        f["name"].split(" (")[0]: f["value"] for e in reply.embeds for f in e.get("fields") or []
    }


# --- create ---


@both_backends
async def test_create_opens_a_form_and_announces_the_ask_without_pings(world) -> None:
    seed = await seed_e2e(world, with_ask=False)
    form = await world.slash(
        "ask create", user=world.cora, coalition=str(seed.coalition), timezone="Europe/Paris"
    )
    modal = form.modal
    assert modal is not None and len(modal["components"]) == 5
    assert len(modal["title"]) <= 45
    done = await world.emu.submit_modal(
        form,
        {
            "title": "Safe school streets",
            "target": "Minister of Transport",
            "text": "We ask the Minister to:\n- fund school streets\n- lower speed limits",
            "deadline": DEADLINE,
        },
    )
    text = one_private_reply(done)
    assert 'Created "Safe school streets" in Alpine Climate Pact' in text
    assert DEADLINE_TS in text

    [post] = await channel_posts(world, 1)
    assert "New ask in Alpine Climate Pact" in post.text
    assert post.embeds[0]["title"] == "Safe school streets"
    assert "lower speed limits" in post.embeds[0]["description"]
    assert post.allowed_mentions == {"parse": []}


async def test_create_is_refused_before_the_form_for_non_coordinators(world) -> None:
    seed = await seed_e2e(world, with_ask=False)
    reply = await world.slash("ask create", user=world.lena, coalition=str(seed.coalition))
    assert reply.modal is None
    assert "Only coordinators of Alpine Climate Pact or server admins can create asks" in (
        one_private_reply(reply)
    )


async def test_a_bad_time_zone_is_refused_and_the_form_reopens_filled_in(world) -> None:
    seed = await seed_e2e(world, with_ask=False)
    form = await world.slash("ask create", user=world.cora, coalition=str(seed.coalition))
    values = {
        "title": "Tree planting",
        "target": "Regional council",
        "text": "Plant 10,000 trees.",
        "deadline": DEADLINE,
        "tz": "Mars/Olympus",
    }
    refused = await world.emu.submit_modal(form, values)
    assert '"Mars/Olympus" is not a time zone I know' in one_private_reply(refused)
    retry = await world.emu.click(refused.message, label="Fix and resubmit", user=world.cora)
    inputs = {
        c["custom_id"]: c.get("value")
        for row in retry.modal["components"]
        for c in row["components"]
    }
    assert inputs["text"] == "Plant 10,000 trees." and inputs["tz"] == "Mars/Olympus"
    done = await world.emu.submit_modal(retry, {"tz": "Europe/Paris"})
    assert DEADLINE_TS in one_private_reply(done)
    # Without a deadline no time zone is needed.
    form = await world.slash("ask create", user=world.cora, coalition=str(seed.coalition))
    plain = await world.emu.submit_modal(form, {"title": "T2", "target": "X", "text": "Y"})
    assert "Deadline: none" in one_private_reply(plain)


async def test_announcement_failure_is_told_to_the_coordinator(world) -> None:
    seed = await seed_e2e(world, with_ask=False)
    await world.slash(
        "coalition settings channel",
        user=world.cora,
        coalition=str(seed.coalition),
        options={"channel": world.channels["locked"]},
    )
    form = await world.slash("ask create", user=world.cora, coalition=str(seed.coalition))
    done = await world.emu.submit_modal(form, {"title": "T", "target": "X", "text": "Y"})
    [note] = await done.wait_followups(1)
    assert note.ephemeral and "I could not post the announcement" in note.text
    assert [v.code for v in take_violations(world, 50013)] == [50013]


# --- list, show ---


async def test_list_and_show_render_progress_and_lists(world) -> None:
    seed = await seed_e2e(world)
    await sign(world, world.lena, seed.ask)
    listing = await world.slash("ask list", user=world.sam, coalition=str(seed.coalition))
    text = one_private_reply(listing)
    assert "**Car-free centres by 2030** — 1 of 3 signed" in text and "▓" in text
    closed = await world.slash(
        "ask list", user=world.sam, coalition=str(seed.coalition), status="closed"
    )
    assert "There are no closed asks" in one_private_reply(closed)

    shown = await world.slash("ask show", user=world.sam, ask=str(seed.ask))
    assert shown.ephemeral
    main = shown.embeds[0]
    assert main["title"] == "Car-free centres by 2030"
    assert "fund car-free city centres" in main["description"]
    assert field(shown, "Target") == "Ministry of Ecological Transition"
    assert "1 of 3 member cities signed" in field(shown, "Progress")
    assert "Lyon" in field(shown, "Signed (1)") and world.lena.mention in field(shown, "Signed (1)")
    assert field(shown, "Missing (2)") == "Grenoble (France)\nMarseille (France)"

    every = await world.slash(
        "ask list", user=world.sam, coalition=str(seed.coalition), status="all"
    )
    assert "Car-free" in one_private_reply(every)


# --- signing ---


async def test_sign_confirm_records_and_signing_again_says_when(world) -> None:
    seed = await seed_e2e(world)
    prompt = await sign_prompt(world, world.lena, seed.ask)
    assert "Confirm to sign it for Lyon" in prompt.text
    assert "Ministry of Ecological Transition" in prompt.text
    assert field(prompt.message, "Version") == "1"
    ids = sorted(b["custom_id"] for b in prompt.message.buttons())
    assert ids == [
        f"sign:cancel:{seed.ask}:{seed.lyon}:1",
        f"sign:confirm:{seed.ask}:{seed.lyon}:1",
    ]
    done = await world.emu.click(prompt.message, label="Confirm", user=world.lena)
    edited = prompt.message
    assert 'Done: Lyon signed "Car-free centres by 2030"' in edited.content
    assert re.search(r"<t:\d+:F>", edited.content)
    # Issue 14: the one button left is the next step (tests/e2e/test_one_click.py).
    assert [b["label"] for b in edited.buttons()] == ["Add our statement"]
    assert done.response_type == 7

    posts = await channel_posts(world, 1)
    [post] = posts
    assert "Lyon signed" in post.text and "1 of 3 member cities signed" in post.text
    assert post.allowed_mentions == {"parse": []}

    again = await world.slash("ask sign", user=world.lena, ask=str(seed.ask))
    text = one_private_reply(again)
    assert re.search(r"Lyon already signed on <t:\d+:F>", text)


async def test_cancel_records_nothing(world) -> None:
    seed = await seed_e2e(world)
    prompt = await sign_prompt(world, world.gus, seed.ask)
    await world.emu.click(prompt.message, label="Cancel", user=world.gus)
    assert prompt.message.content.startswith("Not signed")
    assert prompt.message.buttons() == []
    lists = await signatories(world, seed.ask)
    assert lists["Signed"] == "none"


async def test_the_clicker_is_checked_not_the_custom_id(world) -> None:
    seed = await seed_e2e(world)
    prompt = await sign_prompt(world, world.lena, seed.ask)
    async with world.uow() as uow:
        await cities.revoke_representative(
            uow, world.actor(world.ada, admin=True), city_id=seed.lyon, user_id=world.lena.id
        )
    refused = await world.emu.click(prompt.message, label="Confirm", user=world.lena)
    assert "You don't represent Lyon" in one_private_reply(refused)
    assert (await signatories(world, seed.ask))["Signed"] == "none"


async def test_sign_refusals(world) -> None:
    seed = await seed_e2e(world)
    stranger = await world.slash("ask sign", user=world.sam, ask=str(seed.ask))
    assert "You don't represent any city yet" in one_private_reply(stranger)
    await world.slash("ask close", user=world.cora, ask=str(seed.ask))
    closed = await world.slash("ask sign", user=world.lena, ask=str(seed.ask))
    assert "is closed; ask a coordinator of Alpine Climate Pact to reopen it" in (
        one_private_reply(closed)
    )


async def test_a_note_is_kept_with_the_signature(world) -> None:
    seed = await seed_e2e(world)
    prompt = await sign_prompt(world, world.gus, seed.ask, note="Pending council vote in June.")
    assert field(prompt.message, "Your note") == "Pending council vote in June."
    await world.emu.click(prompt.message, label="Confirm", user=world.gus)
    history = await world.slash("ask history", user=world.sam, ask=str(seed.ask))
    assert "signed for Grenoble (version 1): Pending council vote in June." in history.text


async def test_confirm_after_an_edit_says_the_ask_changed(world) -> None:
    seed = await seed_e2e(world)
    prompt = await sign_prompt(world, world.gus, seed.ask)
    async with world.uow() as uow:
        await asks.edit_ask(
            uow, world.actor(world.cora), ask_id=seed.ask, text="A new text entirely."
        )
    await world.emu.click(prompt.message, label="Confirm", user=world.gus)
    assert "the ask was edited since this prompt was shown (it is now version 2)" in (
        prompt.message.content
    )
    assert "/ask sign again" in prompt.message.content
    assert (await signatories(world, seed.ask))["Signed"] == "none"


async def test_two_representatives_confirm_at_once_one_sign_on(world) -> None:
    seed = await seed_e2e(world)
    async with world.uow() as uow:
        await cities.verify_representative(
            uow, world.actor(world.ada, admin=True), city_id=seed.lyon, user_id=world.olga.id
        )
    first = await sign_prompt(world, world.lena, seed.ask)
    second = await sign_prompt(world, world.olga, seed.ask)
    await asyncio.gather(
        world.emu.click(first.message, label="Confirm", user=world.lena),
        world.emu.click(second.message, label="Confirm", user=world.olga),
    )
    outcomes = sorted([first.message.content, second.message.content])
    assert outcomes[0].startswith("Done: Lyon signed"), outcomes
    assert outcomes[1].startswith("Lyon already signed on <t:"), outcomes
    async with world.uow() as uow:
        rows = (await uow.session.scalars(SignOn.__table__.select())).all()
    assert len(rows) == 1
    assert "Lyon" in (await signatories(world, seed.ask))["Signed"]


async def test_confirm_still_works_after_a_restart(emu, database_url) -> None:
    parts = build_world(emu)
    clock = FakeClock()
    async with running_bot(emu, database_url, clock=clock) as bot:
        world = World(emu=emu, bot=bot, clock=clock, **parts)
        seed = await seed_e2e(world)
        prompt = await sign_prompt(world, world.lena, seed.ask)
    async with running_bot(emu, database_url, clock=clock) as bot:
        world.bot = bot
        await emu.click(prompt.message, label="Confirm", user=world.lena)
        assert prompt.message.content.startswith("Done: Lyon signed")
        assert "Lyon" in (await signatories(world, seed.ask))["Signed"]
    emu.assert_no_violations()


# --- withdraw, signatories, close, history ---


async def test_withdraw_records_the_reason_and_stops_counting(world) -> None:
    seed = await seed_e2e(world)
    nothing = await world.slash(
        "ask withdraw", user=world.gus, ask=str(seed.ask), reason="Council said no"
    )
    assert "has not signed" in one_private_reply(nothing)
    await sign(world, world.gus, seed.ask)
    reply = await world.slash(
        "ask withdraw", user=world.gus, ask=str(seed.ask), reason="Council said no"
    )
    text = one_private_reply(reply)
    assert 'Grenoble withdrew from "Car-free centres by 2030"' in text
    assert "0 of 3 member cities signed" in text
    posts = await channel_posts(world, 2)
    assert "Grenoble withdrew from" in posts[-1].text
    lists = await signatories(world, seed.ask)
    assert lists["Signed"] == "none"
    assert "Grenoble" in lists["Withdrawn"] and "Council said no" in lists["Withdrawn"]
    assert world.gus.mention in lists["Withdrawn"]
    assert "Grenoble" not in lists["Missing"]


async def test_close_and_reopen(world) -> None:
    seed = await seed_e2e(world)
    refused = await world.slash("ask close", user=world.lena, ask=str(seed.ask))
    assert "Only coordinators" in one_private_reply(refused)
    closed = await world.slash("ask close", user=world.cora, ask=str(seed.ask))
    assert "is closed" in one_private_reply(closed)
    twice = await world.slash("ask close", user=world.cora, ask=str(seed.ask))
    assert "already closed" in one_private_reply(twice)
    shown = await world.slash("ask show", user=world.sam, ask=str(seed.ask))
    assert field(shown, "Status").startswith("closed <t:")
    edit = await world.slash("ask edit", user=world.cora, ask=str(seed.ask))
    assert "reopen it (/ask reopen) before editing" in one_private_reply(edit)
    reopened = await world.slash("ask reopen", user=world.cora, ask=str(seed.ask))
    assert "open again" in one_private_reply(reopened)
    again = await world.slash("ask reopen", user=world.cora, ask=str(seed.ask))
    assert "already open" in one_private_reply(again)


async def test_history_lists_every_event_with_who_and_when_paginated(world) -> None:
    seed = await seed_e2e(world)
    for _ in range(15):
        await world.slash("ask close", user=world.cora, ask=str(seed.ask))
        await world.slash("ask reopen", user=world.cora, ask=str(seed.ask))
    reply = await world.slash("ask history", user=world.sam, ask=str(seed.ask))
    assert reply.ephemeral and reply.embeds[0]["footer"]["text"] == "Page 1 of 2"

    def embeds() -> list[dict]:
        return [e for m in [reply.message, *reply.followups] for e in m.embeds]

    await world.emu.wait_for(lambda: len(embeds()) == 2)
    lines = [line for e in embeds() for line in e["description"].split("\n")]
    assert lines[0].startswith("<t:") and f"{world.cora.mention} created the ask" in lines[0]
    assert sum("closed it" in line for line in lines) == 15
    assert len(lines) == 31


# --- edit and re-confirmation ---


async def test_edit_form_is_prefilled_and_sends_reconfirmation_dms(world) -> None:
    seed = await seed_e2e(world)
    await sign(world, world.lena, seed.ask)
    await sign(world, world.mia, seed.ask)
    refused = await world.slash("ask edit", user=world.lena, ask=str(seed.ask))
    assert "Only coordinators of Alpine Climate Pact or server admins can edit asks" in (
        one_private_reply(refused)
    )
    form = await world.slash("ask edit", user=world.cora, ask=str(seed.ask))
    inputs = {
        c["custom_id"]: c.get("value")
        for row in form.modal["components"]
        for c in row["components"]
    }
    assert inputs["title"] == "Car-free centres by 2030"
    assert inputs["target"] == "Ministry of Ecological Transition"
    assert inputs["deadline"] in (None, "")
    done = await world.emu.submit_modal(
        form, {"text": "We ask the Ministry to fund car-free city centres by 2028."}
    )
    report = done.message.text
    assert done.ephemeral and "It is now version 2" in report
    assert "I sent 1 representative a DM" in report
    assert f"I could not DM {world.mia.mention} (Marseille)" in report
    assert "/ask sign to re-confirm" in report
    assert len(take_violations(world, 50007)) == 1

    [dm] = world.emu.dms(world.lena)
    assert "```diff" in dm.embeds[0]["description"] and "+We ask" in dm.text
    assert [b["custom_id"] for b in dm.buttons()] == [f"reconfirm:{seed.ask}:{seed.lyon}:2"]
    lists = await signatories(world, seed.ask)
    assert lists["Signed"] == "none" and "Lyon" in lists["Needs re-confirmation"]

    await world.emu.click(dm, label="Confirm", user=world.lena)
    assert dm.content.startswith("Re-confirmed: Lyon stands behind version 2")
    assert dm.buttons() == []
    lists = await signatories(world, seed.ask)
    assert "Lyon" in lists["Signed"] and "Marseille" in lists["Needs re-confirmation"]

    # Mia re-confirms through /ask sign, as the coordinator was told.
    prompt = await sign_prompt(world, world.mia, seed.ask)
    assert "Marseille signed an earlier version" in prompt.text
    await world.emu.click(prompt.message, label="Confirm", user=world.mia)
    assert prompt.message.content.startswith("Done: Marseille re-confirmed")


async def test_deadline_only_edit_makes_no_new_version_and_no_dms(world) -> None:
    seed = await seed_e2e(world)
    await sign(world, world.lena, seed.ask)
    form = await world.slash("ask edit", user=world.cora, ask=str(seed.ask))
    done = await world.emu.submit_modal(form, {"deadline": DEADLINE, "tz": "Europe/Paris"})
    assert f"Deadline: {DEADLINE_TS}" in done.message.text
    assert "version" not in done.message.text
    assert world.emu.dms(world.lena) == []
    # Reopening the form shows the deadline in the zone it was set in; submitting it unchanged
    # changes nothing.
    form = await world.slash("ask edit", user=world.cora, ask=str(seed.ask))
    inputs = {
        c["custom_id"]: c.get("value")
        for row in form.modal["components"]
        for c in row["components"]
    }
    assert (inputs["deadline"], inputs["tz"]) == ("2031-05-14 18:00", "Europe/Paris")
    same = await world.emu.submit_modal(form, {})
    assert "nothing was changed" in same.message.text
    # Emptying the deadline removes it.
    form = await world.slash("ask edit", user=world.cora, ask=str(seed.ask))
    cleared = await world.emu.submit_modal(form, {"deadline": ""})
    assert "Deadline: none" in one_private_reply(cleared)


async def test_reconfirm_button_checks_the_presser(world) -> None:
    seed = await seed_e2e(world)
    await sign(world, world.lena, seed.ask)
    form = await world.slash("ask edit", user=world.cora, ask=str(seed.ask))
    await world.emu.submit_modal(form, {"title": "Car-free centres by 2028"})
    [dm] = world.emu.dms(world.lena)
    async with world.uow() as uow:
        await cities.revoke_representative(
            uow, world.actor(world.ada, admin=True), city_id=seed.lyon, user_id=world.lena.id
        )
    refused = await world.emu.click(dm, label="Confirm", user=world.lena)
    assert "You don't represent Lyon" in one_private_reply(refused)


# --- two people at once ---


def form_inputs(form) -> dict[str, str | None]:  # type: ignore[no-untyped-def]
    return {
        c["custom_id"]: c.get("value")
        for row in form.modal["components"]
        for c in row["components"]
    }


async def history_kinds(world, ask: int) -> list[str]:  # type: ignore[no-untyped-def]
    """The kinds of the ask's events, sorted (the bot's fake clock and the seed's real one
    do not order them)."""
    async with world.uow() as uow:
        events = await asks.history(uow, world.actor(world.sam), ask)
    return sorted(e.kind for e in events)


NEW_TEXT = "We ask the Ministry to fund car-free city centres by 2028."


async def test_a_stale_edit_is_refused_with_the_other_edit_and_reopens_on_the_new_text(
    world,
) -> None:
    seed = await seed_e2e(world)
    stale = await world.slash("ask edit", user=world.cora, ask=str(seed.ask))
    other = await world.slash("ask edit", user=world.ada, ask=str(seed.ask))
    saved = await world.emu.submit_modal(other, {"text": NEW_TEXT})
    assert "It is now version 2" in saved.all_text

    refused = await world.emu.submit_modal(stale, {"text": "Cora's own wording."})
    text = one_private_reply(refused)
    assert "was edited after you opened this form (version 1 → 2)" in text
    assert "nothing was saved" in text
    assert f"Last edited by {world.ada.mention} <t:" in text
    diff = refused.embeds[0]["description"]
    assert diff.startswith("```diff") and f"+{NEW_TEXT}" in diff
    assert "-We ask the Ministry to fund car-free city centres by 2030." in diff
    assert "Cora's own wording" not in diff
    assert [b["label"] for b in refused.message.buttons()] == ["Reopen on the new text"]
    shown = await world.slash("ask show", user=world.sam, ask=str(seed.ask))
    assert shown.embeds[0]["description"] == NEW_TEXT and field(shown, "Version") == "2"
    assert await history_kinds(world, seed.ask) == ["created", "edited"]

    # The button opens the form again on version 2, and the edit then goes through.
    reopened = await world.emu.click(
        refused.message, label="Reopen on the new text", user=world.cora
    )
    assert form_inputs(reopened)["text"] == NEW_TEXT
    done = await world.emu.submit_modal(reopened, {"text": "Cora's own wording."})
    assert "It is now version 3" in done.all_text
    shown = await world.slash("ask show", user=world.sam, ask=str(seed.ask))
    assert shown.embeds[0]["description"] == "Cora's own wording."


async def test_the_reopen_button_checks_the_presser_again(world) -> None:
    seed = await seed_e2e(world)
    stale = await world.slash("ask edit", user=world.cora, ask=str(seed.ask))
    await world.emu.submit_modal(
        await world.slash("ask edit", user=world.ada, ask=str(seed.ask)), {"text": NEW_TEXT}
    )
    refused = await world.emu.submit_modal(stale, {"text": "Mine."})
    await world.slash("ask close", user=world.ada, ask=str(seed.ask))
    again = await world.emu.click(refused.message, label="Reopen on the new text", user=world.cora)
    assert again.modal is None
    assert "reopen it (/ask reopen) before editing" in one_private_reply(again)


@both_backends
async def test_two_edits_submitted_at_once_one_is_saved(world) -> None:
    seed = await seed_e2e(world)
    mine = await world.slash("ask edit", user=world.cora, ask=str(seed.ask))
    theirs = await world.slash("ask edit", user=world.ada, ask=str(seed.ask))
    done = await asyncio.gather(
        world.emu.submit_modal(mine, {"text": "Text A."}),
        world.emu.submit_modal(theirs, {"text": "Text B."}),
    )
    texts = [d.all_text for d in done]
    saved = [t for t in texts if "It is now version 2" in t]
    refused = [d for d in done if "nothing was saved" in d.all_text]
    assert len(saved) == 1 and len(refused) == 1, texts
    shown = await world.slash("ask show", user=world.sam, ask=str(seed.ask))
    winner = shown.embeds[0]["description"]
    assert winner in ("Text A.", "Text B.") and field(shown, "Version") == "2"
    assert f"+{winner}" in refused[0].embeds[0]["description"]
    assert await history_kinds(world, seed.ask) == ["created", "edited"]


@both_backends
async def test_two_withdrawals_at_once_one_is_recorded(world) -> None:
    seed = await seed_e2e(world)
    async with world.uow() as uow:
        await cities.verify_representative(
            uow, world.actor(world.ada, admin=True), city_id=seed.lyon, user_id=world.olga.id
        )
    await sign(world, world.lena, seed.ask)
    replies = await asyncio.gather(
        world.slash("ask withdraw", user=world.lena, ask=str(seed.ask), reason="Council said no"),
        world.slash("ask withdraw", user=world.olga, ask=str(seed.ask), reason="Budget cut"),
    )
    texts = sorted(one_private_reply(r) for r in replies)
    assert texts[0].startswith('Lyon already withdrew from "Car-free centres by 2030" on '), texts
    assert "nothing to withdraw" in texts[0]
    assert texts[1].startswith('Lyon withdrew from "Car-free centres by 2030"'), texts
    assert await history_kinds(world, seed.ask) == ["created", "signed", "withdrawn"]
    lists = await signatories(world, seed.ask)
    assert ("Council said no" in lists["Withdrawn"]) != ("Budget cut" in lists["Withdrawn"])
    async with world.uow() as uow:
        [row] = (await uow.session.scalars(select(SignOn))).all()
    assert row.end_kind == "withdrawn"
    posts = await channel_posts(world, 2)
    assert sum("withdrew" in p.text for p in posts) == 1


@both_backends
async def test_reconfirm_pressed_twice_at_once_counts_once(world) -> None:
    seed = await seed_e2e(world)
    await sign(world, world.lena, seed.ask)
    form = await world.slash("ask edit", user=world.cora, ask=str(seed.ask))
    await world.emu.submit_modal(form, {"text": NEW_TEXT})
    [dm] = world.emu.dms(world.lena)
    presses = await asyncio.gather(
        world.emu.click(dm, label="Confirm", user=world.lena),
        world.emu.click(dm, label="Confirm", user=world.lena),
    )
    said = sorted(p.response_data["content"] for p in presses)
    assert said[0].startswith("Lyon already re-confirmed version 2 <t:"), said
    assert said[1].startswith("Re-confirmed: Lyon stands behind version 2"), said
    assert dm.buttons() == []
    assert await history_kinds(world, seed.ask) == ["created", "edited", "reconfirmed", "signed"]
    assert "Lyon" in (await signatories(world, seed.ask))["Signed"]


# --- autocomplete ---


async def test_ask_autocomplete_is_scoped_and_offered_on_every_ask_option(world) -> None:
    seed = await seed_e2e(world)
    async with world.uow() as uow:
        from bot.services import coalitions

        other = world.actor(world.bea, guild=world.other_guild, admin=True)
        c = await coalitions.create_coalition(uow, other, name="B", kind="peer group")
        await asks.create_ask(
            uow, other, coalition_id=c.id, title="Other ask", target="T", text="X"
        )
    for path in (
        "show",
        "sign",
        "withdraw",
        "signatories",
        "edit",
        "close",
        "reopen",
        "history",
    ):
        found = await world.autocomplete(f"ask {path}", "ask", "car", user=world.lena)
        assert [c["value"] for c in found] == [str(seed.ask)], path
    theirs = await world.autocomplete(
        "ask show", "ask", "", user=world.lena, guild=world.other_guild
    )
    assert [c["name"] for c in theirs] == ["Other ask — B"]
    for path in ("create", "list"):
        found = await world.autocomplete(f"ask {path}", "coalition", "alp", user=world.cora)
        assert [c["name"] for c in found] == ["Alpine Climate Pact"]
    for path in ("sign", "withdraw"):
        found = await world.autocomplete(f"ask {path}", "city", "", user=world.lena)
        assert found[0]["name"] == "Lyon (France) · yours"
    zones = await world.autocomplete("ask create", "timezone", "paris", user=world.cora)
    assert zones[0]["value"] == "Europe/Paris"
    lobby = next(iter(world.other_guild.channels.values()))
    foreign = await world.slash(
        "ask show", user=world.lena, guild=world.other_guild, channel_=lobby, ask=str(seed.ask)
    )
    assert "can't find that ask in this server" in one_private_reply(foreign)


async def test_many_asks_autocomplete_at_most_25(world) -> None:
    seed = await seed_e2e(world)
    async with world.uow() as uow:
        for i in range(30):
            await asks.create_ask(
                uow,
                world.actor(world.cora),
                coalition_id=seed.coalition,
                title=f"Ask {i}",
                target="T",
                text="X",
            )
    found = await world.autocomplete("ask show", "ask", "", user=world.lena)
    assert len(found) == 25
