"""Proof of authority seen from Discord: a sign-on carrying its council resolution, shown in
/ask signatories; a coalition requiring the basis refusing a sign-on without one, and its
"Give the basis and sign" form."""

from __future__ import annotations

from typing import Any

from tests.conftest import both_backends
from tests.seed import seed_e2e

URL = "https://lyon.fr/deliberations/2026-117"


def one_private(reply: Any) -> Any:
    messages = ([reply.message] if reply.message else []) + list(reply.followups)
    assert len(messages) == 1, [m.text for m in messages]
    assert messages[0].ephemeral
    return messages[0]


def fields(message: Any) -> dict[str, str]:
    return {f["name"]: f["value"] for e in message.embeds for f in e.get("fields") or []}


async def signatories(world: Any, ask: int) -> str:
    reply = await world.slash("ask signatories", user=world.sam, ask=str(ask))
    by_section = {k.split(" (")[0]: v for k, v in fields(one_private(reply)).items()}
    return by_section.get("Signed", "")


@both_backends
async def test_a_sign_on_with_a_resolution_is_shown_in_signatories(world: Any) -> None:
    seed = await seed_e2e(world)
    prompt = await world.slash(
        "ask sign",
        user=world.lena,
        ask=str(seed.ask),
        basis="council_resolution",
        reference="2026-117",
        basis_date="2026-11-20",
        basis_url=URL,
    )
    message = one_private(prompt)
    shown = fields(message)
    assert (shown["Basis"], shown["Reference"], shown["Date of the basis"]) == (
        "council resolution",
        "2026-117",
        "2026-11-20",
    )
    assert [b["label"] for b in message.buttons()] == ["Confirm", "Cancel"]
    await world.emu.click(message, label="Confirm", user=world.lena)
    assert message.content.startswith('Done: Lyon signed "Car-free centres by 2030"')
    assert f"Basis: council resolution 2026-117 of 2026-11-20 (<{URL}>)." in message.content

    # Grenoble signs without a basis: nothing is shown for it.
    plain = one_private(await world.slash("ask sign", user=world.gus, ask=str(seed.ask)))
    await world.emu.click(plain, label="Confirm", user=world.gus)
    lines = (await signatories(world, seed.ask)).split("\n")
    [lyon] = [line for line in lines if "**Lyon**" in line]
    [grenoble] = [line for line in lines if "**Grenoble**" in line]
    assert f"basis: council resolution 2026-117 of 2026-11-20 (<{URL}>)" in lyon
    assert "basis" not in grenoble

    history = one_private(await world.slash("ask history", user=world.sam, ask=str(seed.ask)))
    assert "Basis: council resolution 2026-117 of 2026-11-20" in "".join(
        e.get("description") or "" for e in history.embeds
    )


async def test_a_bad_basis_is_refused_before_the_prompt(world: Any) -> None:
    seed = await seed_e2e(world)
    for options, message in [
        ({"basis_date": "20/11/2026"}, '"20/11/2026" is not a date'),
        ({"basis_url": "ftp://lyon.fr/x"}, "starting with http:// or https://"),
    ]:
        reply = await world.slash(
            "ask sign",
            user=world.lena,
            ask=str(seed.ask),
            basis="mayoral_decision",
            reference="A-12",
            **options,
        )
        refused = one_private(reply)
        assert message in refused.text and not refused.buttons()


@both_backends
async def test_a_coalition_requiring_the_basis_refuses_a_sign_on_without_one(world: Any) -> None:
    seed = await seed_e2e(world)
    coalition = str(seed.coalition)
    before = one_private(await world.slash("ask sign", user=world.gus, ask=str(seed.ask)))
    refused = await world.slash(
        "coalition settings authority", user=world.lena, coalition=coalition, required="yes"
    )
    assert "Only coordinators of Alpine Climate Pact" in one_private(refused).text
    turned_on = await world.slash(
        "coalition settings authority", user=world.cora, coalition=coalition, required="yes"
    )
    assert "Sign-ons for Alpine Climate Pact must now give their basis" in (
        one_private(turned_on).text
    )

    # A prompt shown before the change: its Confirm is refused, saying what to provide.
    clicked = await world.emu.click(before, label="Confirm", user=world.gus)
    answer = one_private(clicked)
    assert "Alpine Climate Pact requires the basis of every sign-on: this sign-on gives none" in (
        answer.text
    )
    assert "council resolution or mayoral decision" in answer.text
    assert "Grenoble" not in await signatories(world, seed.ask)

    # Now the prompt's Confirm is the form.
    prompt = one_private(await world.slash("ask sign", user=world.lena, ask=str(seed.ask)))
    assert "requires the basis of every signature" in prompt.text
    assert [b["label"] for b in prompt.buttons()] == ["Give the basis and sign", "Cancel"]
    form = await world.emu.click(prompt, label="Give the basis and sign", user=world.lena)
    assert form.modal is not None and len(form.modal["components"]) == 4
    assert len(form.modal["title"]) <= 45
    await world.emu.submit_modal(
        form,
        {"kind": "council resolution", "reference": "2026-117", "date": "2026-11-20", "url": URL},
    )
    assert prompt.content.startswith('Done: Lyon signed "Car-free centres by 2030"')
    assert "Basis: council resolution 2026-117 of 2026-11-20" in prompt.content
    assert "**Lyon**" in await signatories(world, seed.ask)

    # A form with a bad date signs nothing and says why.
    prompt = one_private(await world.slash("ask sign", user=world.mia, ask=str(seed.ask)))
    form = await world.emu.click(prompt, label="Give the basis and sign", user=world.mia)
    bad = await world.emu.submit_modal(
        form, {"kind": "mayoral decision", "reference": "A-12", "date": "tomorrow"}
    )
    assert '"tomorrow" is not a date' in one_private(bad).text
    assert "Marseille" not in await signatories(world, seed.ask)

    # Turned off, the plain Confirm is back.
    await world.slash(
        "coalition settings authority", user=world.cora, coalition=coalition, required="no"
    )
    again = one_private(await world.slash("ask sign", user=world.mia, ask=str(seed.ask)))
    assert [b["label"] for b in again.buttons()] == ["Confirm", "Cancel"]
    world.emu.assert_no_violations()


@both_backends
async def test_the_letter_prints_the_basis_when_the_setting_is_on(world: Any) -> None:
    seed = await seed_e2e(world)
    prompt = await world.slash(
        "ask sign",
        user=world.lena,
        ask=str(seed.ask),
        basis="council_resolution",
        reference="2026-117",
        basis_date="2026-11-20",
    )
    await world.emu.click(one_private(prompt), label="Confirm", user=world.lena)

    async def letter() -> str:
        reply = await world.slash("letter export", user=world.cora, ask=str(seed.ask))
        [(_name, content)] = one_private(reply).files
        return content.decode()

    assert "2026-117" not in await letter()  # the setting is off by default
    refused = await world.slash("letter authority", user=world.lena, ask=str(seed.ask), print="yes")
    assert "Only coordinators of Alpine Climate Pact" in one_private(refused).text
    on = await world.slash("letter authority", user=world.cora, ask=str(seed.ask), print="yes")
    assert "now prints each city's basis" in one_private(on).text
    text = await letter()
    assert "| City | Country | Representative | Title | Signed on | Basis |" in text
    [row] = [line for line in text.splitlines() if line.startswith("| Lyon |")]
    assert row.endswith("| Council resolution 2026-117, 20 Nov 2026 |"), row
    await world.slash("letter authority", user=world.cora, ask=str(seed.ask), print="no")
    assert "2026-117" not in await letter()
