"""/statement and /letter seen from Discord: the modals, the attached Markdown bytes, frozen
versions, the upload limit, and the shell command that writes the same bytes."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

from bot.services import asks, letters, statements
from tests.conftest import both_backends
from tests.emulator.models import walk_components
from tests.seed import seed_e2e, sign_on

ROOT = Path(__file__).resolve().parents[2]


def one_private_message(reply: Any) -> Any:
    messages = ([reply.message] if reply.message else []) + list(reply.followups)
    assert len(messages) == 1, [m.text for m in messages]
    assert messages[0].ephemeral
    return messages[0]


def modal_values(reply: Any) -> dict[str, str]:
    assert reply.modal is not None, reply.text
    assert len(reply.modal["title"]) <= 45
    return {
        c["custom_id"]: c.get("value") or ""
        for c in walk_components(reply.modal["components"])
        if c.get("type") == 4
    }


async def sign(world: Any, user: Any, ask: int) -> None:
    async with world.uow() as uow:
        await sign_on(uow, world.actor(user), ask_id=ask)


async def service_export(world: Any, ask: int, **kw: Any) -> letters.LetterFile:
    async with world.uow() as uow:
        return await letters.export(
            uow, world.actor(world.cora), ask_id=ask, today=world.clock.now().date(), **kw
        )


# --- /statement ---


async def test_statement_submit_prefills_the_modal_and_keeps_versions(world) -> None:
    seed = await seed_e2e(world)
    form = await world.slash("statement submit", user=world.lena, ask=str(seed.ask))
    assert modal_values(form) == {
        "statement": "",
        "name": "lena",
        "title": "Deputy Mayor for Climate",
    }
    done = await world.emu.submit_modal(
        form, {"statement": "Lyon backs this.\n\nWe start in 2027.", "name": "Léa Martin"}
    )
    text = one_private_message(done).text
    assert 'Saved Lyon\'s statement on "Car-free centres by 2030" (version 1)' in text
    assert "once Lyon has signed the current version" in text

    await sign(world, world.lena, seed.ask)
    again = await world.slash("statement submit", user=world.lena, ask=str(seed.ask))
    assert modal_values(again)["statement"] == "Lyon backs this.\n\nWe start in 2027."
    done = await world.emu.submit_modal(again, {"statement": "Lyon backs this fully."})
    assert "(version 2). It is in the letter." in one_private_message(done).text
    letter = (await service_export(world, seed.ask)).text
    assert "Lyon backs this fully." in letter and "We start in 2027." not in letter


async def test_only_verified_representatives_get_the_statement_form(world) -> None:
    seed = await seed_e2e(world)
    for user, expected in [
        (world.sam, "You don't represent any city yet"),
        (world.cora, "You don't represent any city yet"),
    ]:
        reply = await world.slash("statement submit", user=user, ask=str(seed.ask))
        assert reply.modal is None
        assert expected in one_private_message(reply).text


async def test_statement_show_and_withdraw(world) -> None:
    seed = await seed_e2e(world)
    async with world.uow() as uow:
        await statements.submit(
            uow,
            world.actor(world.lena),
            ask_id=seed.ask,
            city_id=None,
            body="# Lyon says yes",
            signatory_name="Léa Martin",
            signatory_title="Deputy Mayor for Climate",
        )
    read = await world.slash(
        "statement show", user=world.sam, ask=str(seed.ask), city=str(seed.lyon)
    )
    [embed] = one_private_message(read).embeds
    # Shown as typed, not as a heading (bot.text.plain).
    assert embed["description"] == r"\# Lyon says yes"
    assert "Léa Martin, Deputy Mayor for Climate" in str(embed["fields"])
    own = await world.slash("statement show", user=world.lena, ask=str(seed.ask))
    assert one_private_message(own).embeds[0]["description"] == r"\# Lyon says yes"

    gone = await world.slash("statement withdraw", user=world.lena, ask=str(seed.ask))
    assert "Withdrew Lyon's statement" in one_private_message(gone).text
    after = await world.slash(
        "statement show", user=world.gus, ask=str(seed.ask), city=str(seed.lyon)
    )
    assert "Lyon has no statement" in one_private_message(after).text
    refused = await world.slash("statement withdraw", user=world.gus, ask=str(seed.ask))
    assert "nothing to withdraw" in one_private_message(refused).text


# --- /letter settings ---


async def test_letter_settings_modal_is_prefilled_with_current_values(world) -> None:
    seed = await seed_e2e(world)
    form = await world.slash("letter settings", user=world.cora, ask=str(seed.ask))
    values = modal_values(form)
    assert set(values) == {"subject", "place", "salutation", "opening", "closing"}
    assert "Alpine Climate Pact" in values["opening"] and values["closing"]
    assert values["salutation"] == "Dear Sir or Madam," and values["place"] == ""
    done = await world.emu.submit_modal(form, {"opening": "Dear Minister,", "place": "Lyon"})
    assert "Saved the opening" in one_private_message(done).text
    again = await world.slash("letter settings", user=world.ada, ask=str(seed.ask))
    assert modal_values(again)["opening"] == "Dear Minister,"

    signature = await world.slash(
        "letter settings", user=world.cora, ask=str(seed.ask), form="signature"
    )
    values = modal_values(signature)
    assert set(values) == {"sender", "organisation", "contact"}
    assert values["sender"] == "The member cities of the Alpine Climate Pact"
    done = await world.emu.submit_modal(
        signature,
        {
            "sender": "The Alpine Climate Pact secretariat",
            "contact": "pact@example.org\n+41 00 000 00 00",
        },
    )
    saved = one_private_message(done).text
    assert "Saved the signature block" in saved and "Language: English" in saved

    refused = await world.slash("letter settings", user=world.lena, ask=str(seed.ask))
    assert refused.modal is None
    assert "Only coordinators of Alpine Climate Pact" in one_private_message(refused).text
    letter = (await service_export(world, seed.ask)).text
    assert "Dear Minister," in letter and "Lyon, " in letter
    signature = letter[letter.rindex("The Alpine Climate Pact secretariat") :]
    assert "pact@example.org" in signature and signature.endswith("41 00 000 00 00\n")


async def test_language_paper_and_order_are_options_saved_with_the_form(world) -> None:
    seed = await seed_e2e(world)
    form = await world.slash(
        "letter settings",
        user=world.cora,
        ask=str(seed.ask),
        language="fr",
        paper="Letter",
        order="population",
    )
    # Nothing is saved until the form is submitted.
    assert "Language: English" not in (form.text or "")
    done = await world.emu.submit_modal(form, {})
    text = one_private_message(done).text
    assert "Language: French · paper: Letter · city order: population." in text
    form = await world.slash("letter settings", user=world.cora, ask=str(seed.ask))
    # The defaults are now the French ones.
    assert modal_values(form)["salutation"] == "Madame, Monsieur,"
    await sign(world, world.lena, seed.ask)
    reply = await world.slash("letter export", user=world.lena, ask=str(seed.ask))
    message = one_private_message(reply)
    assert "population order (Markdown, French)" in message.text
    [(_, content)] = message.files
    assert b"Signataires" in content


# --- /letter preview, export ---


@both_backends
async def test_preview_attaches_the_letter_and_warns_the_coordinator(world, database_url) -> None:
    seed = await seed_e2e(world)
    await sign(world, world.lena, seed.ask)
    await sign(world, world.gus, seed.ask)
    async with world.uow() as uow:
        await statements.submit(
            uow,
            world.actor(world.mia),
            ask_id=seed.ask,
            city_id=None,
            body="Marseille has a view.",
            signatory_name="Mia",
        )
        await asks.edit_ask(uow, world.actor(world.cora), ask_id=seed.ask, text="New text.")
        await asks.reconfirm(uow, world.actor(world.gus), ask_id=seed.ask, city_id=None, version=2)
    reply = await world.slash("letter preview", user=world.cora, ask=str(seed.ask))
    message = one_private_message(reply)
    [(name, content)] = message.files
    expected = await service_export(world, seed.ask)
    assert (name, content) == (expected.filename, expected.content)
    [embed] = message.embeds
    assert embed["title"] == "Letter preview: Car-free centres by 2030"
    assert "# Car-free centres by 2030" in embed["description"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Signatories"] == "1"
    assert fields["⚠ Statement but no current signature"] == "Marseille"
    assert fields["⚠ Awaiting re-confirmation after an edit"] == "Lyon"
    assert fields["⚠ Member cities that have not signed"] == "Marseille"
    refused = await world.slash("letter preview", user=world.lena, ask=str(seed.ask))
    assert not one_private_message(refused).files


async def test_export_sends_the_markdown_file_in_the_chosen_order(world) -> None:
    seed = await seed_e2e(world)
    await sign(world, world.gus, seed.ask)
    world.clock.advance(timedelta(minutes=5))
    await sign(world, world.lena, seed.ask)
    day = world.clock.now().astimezone(UTC).date().isoformat()
    for order in (None, "signing_date", "population"):
        options = {"order": order} if order else {}
        reply = await world.slash("letter export", user=world.lena, ask=str(seed.ask), **options)
        message = one_private_message(reply)
        [(name, content)] = message.files
        assert name == f"car-free-centres-by-2030-{day}.md"
        assert content == (await service_export(world, seed.ask, order=order)).content
        assert "as it stands now: 2 signatories" in message.text
    refused = await world.slash("letter export", user=world.sam, ask=str(seed.ask))
    message = one_private_message(refused)
    assert not message.files and "Only coordinators of Alpine Climate Pact" in message.text


async def test_too_large_letters_are_refused_with_the_shell_command(world) -> None:
    seed = await seed_e2e(world)
    await sign(world, world.lena, seed.ask)
    world.bot.get_cog("LettersCog").max_upload_bytes = 100
    for path in ("letter export", "letter preview"):
        reply = await world.slash(path, user=world.cora, ask=str(seed.ask))
        message = one_private_message(reply)
        assert not message.files
        assert f"`python -m bot letter export --ask {seed.ask} -o letter.md`" in message.text
        assert "more than the 100 bytes Discord accepts" in message.text


# --- finalise, versions, frozen bytes ---


@both_backends
async def test_a_finalised_version_exports_the_same_bytes_after_a_withdrawal(
    world, database_url
) -> None:
    seed = await seed_e2e(world)
    await sign(world, world.lena, seed.ask)
    await sign(world, world.gus, seed.ask)
    done = await world.slash("letter finalise", user=world.cora, ask=str(seed.ask))
    message = one_private_message(done)
    assert "Finalised version 1 of the letter" in message.text and "2 signatories" in message.text
    [(frozen_name, frozen)] = message.files
    assert "-v1-" in frozen_name and b"| Grenoble |" in frozen

    async with world.uow() as uow:
        await asks.withdraw(uow, world.actor(world.gus), ask_id=seed.ask, reason="Council vote")
    world.clock.advance(timedelta(days=3))
    listed = await world.slash("letter versions", user=world.gus, ask=str(seed.ask))
    assert "**v1**" in listed.text and "2 signatories" in listed.text
    again = await world.slash("letter export", user=world.gus, ask=str(seed.ask), version=1)
    [(name, content)] = one_private_message(again).files
    assert (name, content) == (frozen_name, frozen)
    fresh = await world.slash("letter preview", user=world.cora, ask=str(seed.ask))
    [(_, live)] = one_private_message(fresh).files
    assert live != frozen and b"| Grenoble |" not in live

    missing = await world.slash("letter export", user=world.cora, ask=str(seed.ask), version=2)
    assert "no finalised version 2" in one_private_message(missing).text
    nothing_new = await world.slash("letter finalise", user=world.lena, ask=str(seed.ask))
    assert "Only coordinators" in one_private_message(nothing_new).text


async def test_versions_of_a_letter_never_finalised(world) -> None:
    seed = await seed_e2e(world)
    reply = await world.slash("letter versions", user=world.cora, ask=str(seed.ask))
    assert "no finalised version yet" in one_private_message(reply).text


# --- the shell ---


async def _cli(database_url: str, *args: str) -> tuple[int, bytes, bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))}
    env.update(DATABASE_URL=database_url, PYTHONPATH=str(ROOT))
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "letter",
        "export",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    return proc.returncode or 0, out, err


async def test_the_shell_command_writes_the_same_bytes_as_the_slash_command(
    world, database_url, tmp_path
) -> None:
    seed = await seed_e2e(world)
    await sign(world, world.lena, seed.ask)
    done = await world.slash(
        "letter finalise", user=world.cora, ask=str(seed.ask), order="population"
    )
    [(_, frozen)] = one_private_message(done).files
    live_reply = await world.slash("letter export", user=world.cora, ask=str(seed.ask))
    [(_, live)] = one_private_message(live_reply).files

    target = tmp_path / "letter.md"
    code, out, err = await _cli(
        database_url, "--ask", str(seed.ask), "--version", "1", "-o", str(target)
    )
    assert code == 0, err
    assert target.read_bytes() == frozen and out == b""
    assert b"sha256" in err
    day = world.clock.now().astimezone(UTC).date().isoformat()
    code, out, err = await _cli(database_url, "--ask", str(seed.ask), "--date", day)
    assert (code, out) == (0, live), err


# --- issue 15: formats, frozen bytes a day apart, what is missing ---


async def test_export_format_pdf_attaches_a_pdf_and_docx_a_word_file(world) -> None:
    seed = await seed_e2e(world)
    await sign(world, world.lena, seed.ask)
    day = world.clock.now().astimezone(UTC).date().isoformat()
    for fmt, magic, kind in (("pdf", b"%PDF-", "PDF"), ("docx", b"PK", "Word (DOCX)")):
        reply = await world.slash("letter export", user=world.lena, ask=str(seed.ask), format=fmt)
        message = one_private_message(reply)
        [(name, content)] = message.files
        assert name == f"car-free-centres-by-2030-{day}.{fmt}"
        assert content.startswith(magic)
        assert content == (await service_export(world, seed.ask, fmt=fmt)).content
        assert f"({kind}, English)" in message.text


async def test_a_pdf_over_the_upload_limit_names_the_shell_command(world) -> None:
    seed = await seed_e2e(world)
    await sign(world, world.lena, seed.ask)
    world.bot.get_cog("LettersCog").max_upload_bytes = 5_000
    small = await world.slash("letter export", user=world.cora, ask=str(seed.ask))
    assert one_private_message(small).files  # the Markdown fits
    reply = await world.slash("letter export", user=world.cora, ask=str(seed.ask), format="pdf")
    message = one_private_message(reply)
    assert not message.files
    assert f"`python -m bot letter export --ask {seed.ask} --format pdf -o letter.pdf`" in (
        message.text
    )
    assert "more than the 5,000 bytes Discord accepts" in message.text


@both_backends
async def test_a_finalised_version_is_byte_identical_a_day_later_in_every_format(
    world, database_url
) -> None:
    seed = await seed_e2e(world)
    await sign(world, world.lena, seed.ask)
    await sign(world, world.gus, seed.ask)
    done = await world.slash("letter finalise", user=world.cora, ask=str(seed.ask))
    assert "Finalised version 1" in one_private_message(done).text

    async def export_all() -> dict[str, tuple[str, bytes]]:
        files = {}
        for fmt in ("markdown", "pdf", "docx"):
            reply = await world.slash(
                "letter export", user=world.gus, ask=str(seed.ask), version=1, format=fmt
            )
            [(name, content)] = one_private_message(reply).files
            files[fmt] = (name, content)
        return files

    first = await export_all()
    world.clock.advance(timedelta(days=1, hours=2))
    async with world.uow() as uow:
        await letters.save_settings(
            uow, world.actor(world.cora), ask_id=seed.ask, place="Genève", language="de"
        )
    second = await export_all()
    assert second == first
    assert all("-v1-" in name for name, _ in first.values())


async def test_preview_lists_what_is_missing_before_the_letter(world) -> None:
    seed = await seed_e2e(world)
    await sign(world, world.lena, seed.ask)
    await sign(world, world.gus, seed.ask)
    async with world.uow() as uow:
        await statements.submit(
            uow,
            world.actor(world.lena),
            ask_id=seed.ask,
            city_id=None,
            body="Lyon is in.",
            signatory_name="Léa Martin",
            signatory_title="Deputy Mayor for Climate",
        )
    reply = await world.slash("letter preview", user=world.cora, ask=str(seed.ask))
    message = one_private_message(reply)
    missing = message.content
    assert missing.startswith("**Missing from the letter** (1 signing city)")
    assert "**Grenoble**: no statement, no signatory name (listed by title and city)." in missing
    assert f"<@{world.gus.id}> can add it with /statement submit" in missing
    assert "Lyon" not in missing
    [(_, content)] = message.files
    assert b"Climate Officer, Grenoble" in content or b"| Climate Officer |" in content
    assert b"Representative of" not in content


async def test_the_statement_form_says_name_and_title_are_printed(world) -> None:
    seed = await seed_e2e(world)
    form = await world.slash("statement submit", user=world.lena, ask=str(seed.ask))
    inputs = {
        c["custom_id"]: c for c in walk_components(form.modal["components"]) if c.get("type") == 4
    }
    for key in ("name", "title"):
        shown = f"{inputs[key].get('label', '')} {inputs[key].get('placeholder', '')}"
        assert "printed in the letter" in shown.lower()
