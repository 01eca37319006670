"""Hostile text end to end: every sample of the corpus typed into the forms and options that
take free text, then every show/list/letter that renders it.

Properties: nothing pings (every message write allows no @everyone/@here and no role), nothing
stored breaks a later render (the emulator rejects nothing), and each refusal is one ephemeral
message that names the field.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.db.models import Action
from tests.e2e.test_actions import announcements, schedule
from tests.e2e.world import World
from tests.emulator import DiscordEmulator, EmulatorUsageError, Interaction
from tests.seed import seed_e2e
from tests.support.corpus import CORPUS
from tests.support.discord_markdown import message_power, rendered_parts

EVIL = "https://evil.example/sign"
# A masked link, a heading and a block quote that would pose as the bot if rendered.
POSING = f"> **Coalition Bot:** official notice\n# Sign now\n[click here]({EVIL})"


def assert_nothing_pings(emu: DiscordEmulator) -> None:
    """Every message the bot created or edited in this run allowed no mass or role pings."""
    assert emu.mention_log, "no message was written"
    for message, allowed in emu.mention_log:
        where = f"message {message.id}: {message.text[:80]!r}"
        assert allowed is not None, f"no allowed_mentions (Discord would parse all): {where}"
        parse = allowed.get("parse") or []
        assert "everyone" not in parse and "roles" not in parse, where
        assert not allowed.get("roles"), where
        assert set(allowed) <= {"parse", "users", "roles", "replied_user"}, where


def assert_no_markdown_power(emu: DiscordEmulator) -> None:
    """No channel post or DM the bot wrote shows a masked link, heading or block quote: user
    text reads as typed. (Private replies only echo the reader's own words.)"""
    for message in emu.messages.values():
        if message.ephemeral or message.deleted or message.loading:
            continue
        assert not message_power(message), (message_power(message), message.text[:300])


def shown_as_typed(message: Any) -> str:
    """The message's rendered text, after checking it has no link, heading or quote power."""
    assert not message_power(message), message_power(message)
    text = "\n".join(rendered_parts(message))
    assert EVIL in text, "the URL must be shown"
    return text


def replies(inter: Interaction) -> list[Any]:
    return ([inter.message] if inter.message else []) + list(inter.followups)


def refused_or_ok(inter: Interaction, field: str | tuple[str, ...], ok: str) -> bool:
    """True when accepted (``ok`` in the reply); a refusal must be one clear private message
    naming the field (one of ``field``)."""
    messages = replies(inter)
    text = "\n".join(m.text for m in messages)
    if ok in text:
        return True
    fields = (field,) if isinstance(field, str) else field
    assert len(messages) == 1 and messages[0].ephemeral, text
    assert any(f"The {f} " in text for f in fields), f"the refusal names no {fields}: {text!r}"
    assert "Something went wrong" not in text
    return False


async def try_slash(world: World, path: str, **options: Any) -> Interaction | None:
    """None when Discord itself would not let the user send it (option length limits)."""
    try:
        return await world.slash(path, **options)
    except EmulatorUsageError:
        return None


async def test_corpus_in_names_notes_and_reasons(world: World) -> None:
    seed = await seed_e2e(world)
    accepted_cities: list[str] = []
    for sample, value in CORPUS.items():
        city = await try_slash(world, "city add", user=world.ada, name=value, country="France")
        if city is not None and refused_or_ok(city, "city name", "Added"):
            accepted_cities.append(sample)
            await try_slash(
                world,
                "coalition create",
                user=world.ada,  # by default only admins create coalitions
                name=value,
                kind="peer_group",
                description=value,
            )
        note = await try_slash(world, "ask sign", user=world.lena, ask=str(seed.ask), note=value)
        if note is not None and note.message and note.message.buttons():
            signed = await world.emu.click(note.message, label="Confirm", user=world.lena)
            if refused_or_ok(signed, "note", "Done: Lyon signed"):
                withdrawn = await try_slash(
                    world, "ask withdraw", user=world.lena, ask=str(seed.ask), reason=value
                )
                if withdrawn is None or not refused_or_ok(withdrawn, "reason", "withdrew"):
                    await world.slash(
                        "ask withdraw", user=world.lena, ask=str(seed.ask), reason="plain"
                    )
        verify = await try_slash(
            world,
            "city verify",
            user=world.ada,
            city=str(seed.grenoble),
            title=value,
            options={"user": world.gus},
        )
        if verify is not None:
            refused_or_ok(verify, "title", "Grenoble")
    wanted = {"everyone", "markdown", "html", "combining", "one long word"}
    assert wanted - set(accepted_cities) == {"one long word"}, accepted_cities

    # Everything stored renders.
    for path, options in [
        ("city list", {}),
        ("coalition list", {}),
        ("coalition show", {"coalition": str(seed.coalition)}),
        ("ask show", {"ask": str(seed.ask)}),
        ("ask signatories", {"ask": str(seed.ask)}),
        ("ask history", {"ask": str(seed.ask)}),
        ("city show", {"city": str(seed.grenoble)}),
    ]:
        shown = await world.slash(path, user=world.sam, **options)
        assert replies(shown) and "Something went wrong" not in shown.all_text, path
    async with world.uow() as uow:
        from bot.db.models import City

        ids = (await uow.session.scalars(select(City.id))).all()
    for city_id in ids:
        shown = await world.slash("city show", user=world.sam, city=str(city_id))
        assert "Something went wrong" not in shown.all_text
    assert_nothing_pings(world.emu)
    assert_no_markdown_power(world.emu)


async def test_corpus_in_ask_forms_statements_and_letters(world: World) -> None:
    seed = await seed_e2e(world)
    ask_ids = [seed.ask]
    for value in CORPUS.values():
        form = await world.slash("ask create", user=world.cora, coalition=str(seed.coalition))
        values = {"title": value[:100] or "x", "target": value[:200] or "x", "text": value[:4000]}
        try:
            done = await world.emu.submit_modal(form, values)
        except EmulatorUsageError:  # an empty required input: Discord would not submit it
            values["text"] = "x"
            done = await world.emu.submit_modal(form, values)
        if "Created" in done.text:
            pass
        else:
            assert len(replies(done)) == 1 and done.ephemeral
            assert (
                "The title " in done.text
                or "The target " in done.text
                or ("The ask text " in done.text)
            ), done.text
        statement = await world.slash("statement submit", user=world.lena, ask=str(seed.ask))
        try:
            saved = await world.emu.submit_modal(
                statement, {"statement": value[:4000], "name": value[:100]}
            )
        except EmulatorUsageError:
            saved = None
        if saved is not None:
            refused_or_ok(saved, ("statement", "signatory name"), "Saved")
        settings = await world.slash("letter settings", user=world.cora, ask=str(seed.ask))
        try:
            set_ = await world.emu.submit_modal(
                settings, {"opening": value[:2000], "closing": value[:2000]}
            )
        except EmulatorUsageError:
            set_ = None
        if set_ is not None:
            refused_or_ok(set_, ("opening", "closing"), "Saved")
        signature = await world.slash(
            "letter settings", user=world.cora, ask=str(seed.ask), form="signature"
        )
        try:
            signed = await world.emu.submit_modal(signature, {"sender": value[:200]})
        except EmulatorUsageError:
            signed = None
        if signed is not None:
            refused_or_ok(signed, ("sender's name", "sender name", "sender"), "Saved")
    # Lyon signs so its statement is in the letter.
    prompt = await world.slash("ask sign", user=world.lena, ask=str(seed.ask))
    if prompt.message and prompt.message.buttons():
        await world.emu.click(prompt.message, label="Confirm", user=world.lena)
    async with world.uow() as uow:
        from bot.db.models import Ask

        ask_ids = list((await uow.session.scalars(select(Ask.id))).all())
    for ask_id in ask_ids:
        for path in ("ask show", "ask signatories", "ask history"):
            shown = await world.slash(path, user=world.sam, ask=str(ask_id))
            assert "Something went wrong" not in shown.all_text, (path, ask_id)
    await world.slash("ask list", user=world.sam, coalition=str(seed.coalition), status="all")
    shown = await world.slash("statement show", user=world.lena, ask=str(seed.ask))
    assert "Something went wrong" not in shown.all_text
    preview = await world.slash("letter preview", user=world.cora, ask=str(seed.ask))
    assert preview.files or preview.message is not None
    export = await world.slash("letter export", user=world.cora, ask=str(seed.ask))
    [(_, data)] = [f for m in replies(export) for f in m.files]
    text = data.decode("utf-8")
    assert "\x00" not in text and "\u202e" not in text and "\u200b" not in text
    await schedule(world, seed, title="Meet @everyone", description=CORPUS["markdown"])
    async with world.uow() as uow:
        action_id = await uow.session.scalar(select(Action.id))
    await world.slash("action show", user=world.sam, action=str(action_id))
    assert_nothing_pings(world.emu)
    assert_no_markdown_power(world.emu)


async def test_user_text_in_ask_announcements_and_dms_shows_as_typed(world: World) -> None:
    seed = await seed_e2e(world, with_ask=False)
    channel = world.channels["coalition"]
    form = await world.slash("ask create", user=world.cora, coalition=str(seed.coalition))
    title = f"[Official notice]({EVIL})"
    done = await world.emu.submit_modal(
        form, {"title": title, "target": f"# [Mayor]({EVIL})", "text": POSING}
    )
    assert "Created" in done.text
    await world.emu.wait_for(lambda: len(world.emu.channel_messages(channel)) == 1)
    [announced] = world.emu.channel_messages(channel)
    text = shown_as_typed(announced)
    assert "Official notice" in text and "Sign now" in text and "Mayor" in text
    async with world.uow() as uow:
        from bot.db.models import Ask

        ask_id = await uow.session.scalar(select(Ask.id))

    # Lyon signs: the progress announcement quotes the title.
    prompt = await world.slash("ask sign", user=world.lena, ask=str(ask_id))
    shown_as_typed(prompt.message)
    await world.emu.click(prompt.message, label="Confirm", user=world.lena)
    await world.emu.wait_for(lambda: len(world.emu.channel_messages(channel)) == 2)
    signed = world.emu.channel_messages(channel)[-1]
    assert "Lyon signed" in shown_as_typed(signed)

    # An edit DMs Lyon's representative to re-confirm: the DM quotes the title too.
    edit = await world.slash("ask edit", user=world.cora, ask=str(ask_id))
    await world.emu.submit_modal(edit, {"text": POSING + "\nand more"})
    [dm] = world.emu.dms(world.lena)
    assert "re-confirm" in shown_as_typed(dm)
    world.emu.violations[:] = [v for v in world.emu.violations if v.code != 50007]  # mia

    # Someone else reads the ask and its history.
    shown = await world.slash("ask show", user=world.sam, ask=str(ask_id))
    for message in replies(shown):
        assert not message_power(message)
    assert_no_markdown_power(world.emu)


async def test_statements_action_titles_places_and_reasons_show_as_typed(world: World) -> None:
    seed = await seed_e2e(world)
    statement = await world.slash("statement submit", user=world.lena, ask=str(seed.ask))
    saved = await world.emu.submit_modal(
        statement, {"statement": POSING, "name": f"[Mayor of Lyon]({EVIL})"}
    )
    assert "Saved" in saved.text
    read = await world.slash(
        "statement show", user=world.sam, ask=str(seed.ask), city=str(seed.lyon)
    )
    [message] = replies(read)
    assert "Sign now" in shown_as_typed(message)

    await schedule(
        world,
        seed,
        title=f"[Meet the Minister]({EVIL})",
        location=f"> [Town hall]({EVIL})",
        description=POSING,
    )
    [post] = announcements(world)
    assert "Town hall" in shown_as_typed(post)
    await world.emu.click(post, label="Going", user=world.lena)
    async with world.uow() as uow:
        action_id = await uow.session.scalar(select(Action.id))
    await world.slash(
        "action cancel", user=world.cora, action=str(action_id), reason=f"# [Why]({EVIL})"
    )
    await world.bot.workers.reminders.wait_idle()
    cancelled = world.emu.dms(world.lena)[-1]
    assert "cancelled" in shown_as_typed(cancelled) and "Why" in cancelled.text
    assert_no_markdown_power(world.emu)


async def test_escaped_text_at_every_length_limit_still_fits_discords_limits(world: World) -> None:
    """Escaping can double text ("*" shows as "\\*"): the longest hostile values still render
    (the emulator rejects an embed over Discord's limits)."""
    seed = await seed_e2e(world)
    form = await world.slash("ask create", user=world.cora, coalition=str(seed.coalition))
    done = await world.emu.submit_modal(
        form, {"title": "*" * 100, "target": "_" * 200, "text": "#" * 4000}
    )
    assert "Created" in done.text
    async with world.uow() as uow:
        from bot.db.models import Ask

        ask_id = max((await uow.session.scalars(select(Ask.id))).all())
    prompt = await world.slash("ask sign", user=world.lena, ask=str(ask_id), note="~" * 1000)
    assert prompt.message.buttons(), prompt.text
    await schedule(world, seed, title="*" * 100, location="_" * 200, description="[" * 2000)
    [post] = announcements(world)
    for user in (world.lena, world.gus):
        await world.slash(
            "action rsvp",
            user=user,
            action=post.buttons()[0]["custom_id"].split(":")[2],
            response="going",
            note="*" * 500,
        )
    action_id = post.buttons()[0]["custom_id"].split(":")[2]
    shown = await world.slash("action show", user=world.sam, action=action_id)
    assert "Something went wrong" not in shown.all_text
    statement = await world.slash("statement submit", user=world.lena, ask=str(seed.ask))
    await world.emu.submit_modal(statement, {"statement": "*" * 4000, "name": "_" * 100})
    read = await world.slash(
        "statement show", user=world.sam, ask=str(seed.ask), city=str(seed.lyon)
    )
    assert "Something went wrong" not in read.all_text
    world.emu.assert_no_violations()
