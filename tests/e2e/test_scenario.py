"""One whole story, through Discord only: cities, representatives, a coalition with approval,
an ask written in the form, sign-ons, a withdrawal, an edit with re-confirmation DMs."""

from __future__ import annotations

from tests.conftest import both_backends


def private(reply) -> str:  # type: ignore[no-untyped-def]
    messages = ([reply.message] if reply.message else []) + list(reply.followups)
    assert len(messages) == 1 and messages[0].ephemeral, [m.text for m in messages]
    return messages[0].text


async def pick(world, path: str, option: str, typed: str, user) -> str:  # type: ignore[no-untyped-def]
    choices = await world.autocomplete(path, option, typed, user=user)
    assert choices, f"nothing offered for {typed!r}"
    return choices[0]["value"]


@both_backends
async def test_a_coalition_gathers_signatures_on_an_edited_ask(world) -> None:
    w = world
    # An admin adds cities; representatives ask; the admin verifies them.
    reps = {"Lyon": w.lena, "Grenoble": w.gus, "Marseille": w.mia}
    ids: dict[str, str] = {}
    for name, user in reps.items():
        assert "Added" in private(
            await w.slash("city add", user=w.ada, name=name, country="France")
        )
        ids[name] = await pick(w, "city represent", "city", name.lower(), user)
        assert "pending" in private(await w.slash("city represent", user=user, city=ids[name]))
        verified = await w.slash(
            "city verify", user=w.ada, city=ids[name], title="Climate lead", options={"user": user}
        )
        assert "verified representative" in private(verified)

    # Ada lets her coordinators create coalitions; Cora forms one that approves each member.
    coordinators = w.guild.add_role("Coordinators")
    w.guild.give_role(w.cora, coordinators)
    panel = (await w.slash("setup", user=w.ada)).message
    role_select = next(s for s in panel.selects() if s["placeholder"].startswith("2."))
    await w.emu.select(panel, values=[coordinators], user=w.ada, custom_id=role_select["custom_id"])
    created = await w.slash(
        "coalition create",
        user=w.cora,
        name="Mediterranean Climate Pact",
        kind="international_network",
        options={"channel": w.channels["coalition"]},
    )
    assert "You are its coordinator" in private(created)
    coalition = await pick(w, "coalition join", "coalition", "medit", w.lena)
    await w.slash("coalition settings approval", user=w.cora, coalition=coalition, required=True)
    for name, user in reps.items():
        assert "asked to join" in private(
            await w.slash("coalition join", user=user, coalition=coalition)
        )
        approved = await w.slash(
            "coalition approve", user=w.cora, coalition=coalition, city=ids[name]
        )
        assert f"{name} is now a member" in private(approved)
    # Mia's DMs are closed: the outcome DMs of her requests (verified, Marseille approved) are
    # refused; each outcome then reaches her as one mention in the channel instead.
    await w.bot.workers.outbox.drain()
    refused = [v for v in w.emu.violations if v.code == 50007]
    assert len(refused) == 2
    for v in refused:
        w.emu.violations.remove(v)

    # The ask is written in the form.
    form = await w.slash("ask create", user=w.cora, coalition=coalition, timezone="Europe/Paris")
    done = await w.emu.submit_modal(
        form,
        {
            "title": "Heat plans for every school",
            "target": "Ministry of Education",
            "text": "We ask the Ministry to fund a heat plan for every school.",
            "deadline": "2031-06-01 12:00",
        },
    )
    assert "<t:" in private(done)
    ask = await pick(w, "ask sign", "ask", "heat", w.lena)

    # All three sign via Confirm; Grenoble then withdraws.
    for user in reps.values():
        prompt = await w.slash("ask sign", user=user, ask=ask)
        await w.emu.click(prompt.message, label="Confirm", user=user)
        assert prompt.message.content.startswith("Done:")
    withdrawn = await w.slash(
        "ask withdraw", user=w.gus, ask=ask, reason="Our council voted against it"
    )
    assert "2 of 3 member cities signed" in private(withdrawn)

    # The ask is edited: Lyon gets a DM with Confirm; Mia's closed DMs are reported.
    form = await w.slash("ask edit", user=w.cora, ask=ask)
    edited = await w.emu.submit_modal(
        form, {"text": "We ask the Ministry to fund a heat plan for every school by 2030."}
    )
    report = edited.message.text
    assert "version 2" in report and "I sent 1 representative a DM" in report
    assert f"I could not DM {w.mia.mention} (Marseille)" in report
    refused = [v for v in w.emu.violations if v.code == 50007]
    assert len(refused) == 1
    w.emu.violations.remove(refused[0])
    # Grenoble withdrew: nothing to re-confirm (its DMs are the outcomes of its requests).
    assert [m for m in w.emu.dms(w.gus) if m.buttons()] == []
    [dm] = [m for m in w.emu.dms(w.lena) if m.buttons()]
    assert "by 2030" in dm.text
    await w.emu.click(dm, label="Confirm", user=w.lena)
    assert dm.content.startswith("Re-confirmed: Lyon")

    # Exactly the right lists.
    reply = await w.slash("ask signatories", user=w.sam, ask=ask)
    fields = {f["name"]: f["value"] for e in reply.embeds for f in e["fields"]}
    assert set(fields) == {
        "Signed (1)",
        "Needs re-confirmation (1)",
        "Withdrawn (1)",
        "Missing (0)",
    }
    assert fields["Signed (1)"].startswith(f"**Lyon** (France) — {w.lena.mention}, Climate lead")
    assert fields["Needs re-confirmation (1)"].startswith("**Marseille** (France)")
    assert "**Grenoble** (France)" in fields["Withdrawn (1)"]
    assert "Our council voted against it" in fields["Withdrawn (1)"]
    assert fields["Missing (0)"] == "none"
    assert "1 of 3 member cities signed" in reply.embeds[0]["description"]
