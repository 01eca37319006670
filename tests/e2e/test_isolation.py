"""Servers are separate: from server B nobody can see or touch server A's cities, coalitions,
asks, actions, statements, letters or webhooks — not by autocomplete, not by typing an id.

Server A and server B each get the same kind of coalition (tests/e2e/callers.py: "Pact 1" in A,
"Pact 2" in B). Bea administers B; lena is a member of both and represents Lyon 1 (A) and
Lyon 2 (B).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from discord import app_commands

from bot.services import timezones
from tests.commands import registered_commands
from tests.conftest import both_backends
from tests.e2e.callers import Subject, changes, messages, seed_subject, snapshot

ENTITY_OPTIONS = ("city", "coalition", "ask", "action", "webhook", "pool")

Opts = Callable[[Any, Subject, Subject], dict[str, Any]]

# (command, options built from A's and B's subjects, the kind of thing that is not found).
# Every command naming an entity appears at least once with an entity of server A.
FOREIGN: list[tuple[str, Opts, str]] = [
    ("city show", lambda w, a, b: {"city": str(a.lyon)}, "city"),
    ("city represent", lambda w, a, b: {"city": str(a.free)}, "city"),
    ("city verify", lambda w, a, b: {"city": str(a.lyon), "options": {"user": w.lena}}, "city"),
    ("city revoke", lambda w, a, b: {"city": str(a.lyon), "options": {"user": w.lena}}, "city"),
    ("city edit", lambda w, a, b: {"city": str(a.lyon), "population": 5}, "city"),
    ("city partners", lambda w, a, b: {"city": str(a.lyon)}, "city"),
    ("coalition suggest", lambda w, a, b: {"coalition": str(a.coalition)}, "coalition"),
    ("coalition show", lambda w, a, b: {"coalition": str(a.coalition)}, "coalition"),
    ("coalition join", lambda w, a, b: {"coalition": str(a.coalition)}, "coalition"),
    (
        "coalition join",
        lambda w, a, b: {"coalition": str(b.coalition), "city": str(a.joiner)},
        "city",
    ),
    (
        "coalition approve",
        lambda w, a, b: {"coalition": str(a.coalition), "city": str(a.queued)},
        "coalition",
    ),
    (
        "coalition approve",
        lambda w, a, b: {"coalition": str(b.coalition), "city": str(a.queued)},
        "city",
    ),
    (
        "coalition reject",
        lambda w, a, b: {"coalition": str(a.coalition), "city": str(a.queued)},
        "coalition",
    ),
    (
        "coalition reject",
        lambda w, a, b: {"coalition": str(b.coalition), "city": str(a.queued)},
        "city",
    ),
    (
        "coalition leave",
        lambda w, a, b: {"coalition": str(a.coalition), "city": str(a.lyon)},
        "coalition",
    ),
    (
        "coalition leave",
        lambda w, a, b: {"coalition": str(b.coalition), "city": str(a.lyon)},
        "city",
    ),
    (
        "coalition coordinators add",
        lambda w, a, b: {"coalition": str(a.coalition), "options": {"user": w.lena}},
        "coalition",
    ),
    (
        "coalition coordinators remove",
        lambda w, a, b: {"coalition": str(a.coalition), "options": {"user": w.cora}},
        "coalition",
    ),
    ("coalition archive", lambda w, a, b: {"coalition": str(a.coalition)}, "coalition"),
    (
        "coalition settings channel",
        lambda w, a, b: {
            "coalition": str(a.coalition),
            "options": {"channel": next(iter(w.other_guild.channels.values()))},
        },
        "coalition",
    ),
    (
        "coalition settings approval",
        lambda w, a, b: {"coalition": str(a.coalition), "required": False},
        "coalition",
    ),
    (
        "coalition settings authority",
        lambda w, a, b: {"coalition": str(a.coalition), "required": "yes"},
        "coalition",
    ),
    (
        "coalition settings reminders",
        lambda w, a, b: {"coalition": str(a.coalition), "offsets": "1d"},
        "coalition",
    ),
    (
        "coalition settings digest",
        lambda w, a, b: {"coalition": str(a.coalition), "weekday": "off"},
        "coalition",
    ),
    (
        "coalition settings timezone",
        lambda w, a, b: {"coalition": str(a.coalition), "timezone": "Europe/Paris"},
        "coalition",
    ),
    ("coalition settings timezone", lambda w, a, b: {"coalition": str(a.coalition)}, "coalition"),
    (
        "coalition settings nudges",
        lambda w, a, b: {"coalition": str(a.coalition), "days_before": 3},
        "coalition",
    ),
    ("ask create", lambda w, a, b: {"coalition": str(a.coalition)}, "coalition"),
    ("ask list", lambda w, a, b: {"coalition": str(a.coalition)}, "coalition"),
    ("ask show", lambda w, a, b: {"ask": str(a.ask)}, "ask"),
    ("ask sign", lambda w, a, b: {"ask": str(a.fresh_ask)}, "ask"),
    ("ask sign", lambda w, a, b: {"ask": str(b.fresh_ask), "city": str(a.lyon)}, "city"),
    ("ask withdraw", lambda w, a, b: {"ask": str(a.ask), "reason": "No"}, "ask"),
    ("ask signatories", lambda w, a, b: {"ask": str(a.ask)}, "ask"),
    ("ask edit", lambda w, a, b: {"ask": str(a.ask)}, "ask"),
    ("ask close", lambda w, a, b: {"ask": str(a.ask)}, "ask"),
    ("ask reopen", lambda w, a, b: {"ask": str(a.ask)}, "ask"),
    ("ask history", lambda w, a, b: {"ask": str(a.ask)}, "ask"),
    ("ask goal", lambda w, a, b: {"ask": str(a.ask), "cities": 1}, "ask"),
    ("ask nudge", lambda w, a, b: {"ask": str(a.ask)}, "ask"),
    (
        "action schedule",
        lambda w, a, b: {
            "coalition": str(a.coalition),
            "title": "Sneaky",
            "when": "2031-07-01 10:00",
            "timezone": "Europe/Paris",
            "kind": "meeting",
        },
        "coalition",
    ),
    (
        "action schedule",
        lambda w, a, b: {
            "coalition": str(b.coalition),
            "title": "Sneaky",
            "when": "2031-07-01 10:00",
            "timezone": "Europe/Paris",
            "kind": "meeting",
            "ask": str(a.ask),
        },
        "ask",
    ),
    (
        "action schedule",
        lambda w, a, b: {
            "coalition": str(a.coalition),
            "title": "Sneaky series",
            "when": "2031-07-01 10:00",
            "timezone": "Europe/Paris",
            "kind": "meeting",
            "repeat": "weekly",
            "count": 3,
        },
        "coalition",
    ),
    ("action list", lambda w, a, b: {"coalition": str(a.coalition)}, "coalition"),
    ("action show", lambda w, a, b: {"action": str(a.action)}, "action"),
    ("action rsvp", lambda w, a, b: {"action": str(a.action), "response": "going"}, "action"),
    (
        "action rsvp",
        lambda w, a, b: {"action": str(b.action), "response": "going", "city": str(a.lyon)},
        "city",
    ),
    (
        "action reschedule",
        lambda w, a, b: {"action": str(a.action), "when": "2031-08-01 10:00"},
        "action",
    ),
    ("action cancel", lambda w, a, b: {"action": str(a.action), "reason": "x"}, "action"),
    ("action ics", lambda w, a, b: {"action": str(a.action)}, "action"),
    *[
        (
            "action ics",
            lambda w, a, b, scope=scope: {"action": str(a.action), "scope": scope},
            "action",
        )
        for scope in ("series", "coalition")
    ],
    ("statement submit", lambda w, a, b: {"ask": str(a.ask)}, "ask"),
    ("statement submit", lambda w, a, b: {"ask": str(b.ask), "city": str(a.lyon)}, "city"),
    ("statement show", lambda w, a, b: {"ask": str(a.ask), "city": str(a.lyon)}, "ask"),
    ("statement show", lambda w, a, b: {"ask": str(b.ask), "city": str(a.lyon)}, "city"),
    ("statement withdraw", lambda w, a, b: {"ask": str(a.ask)}, "ask"),
    ("letter settings", lambda w, a, b: {"ask": str(a.ask)}, "ask"),
    ("letter settings", lambda w, a, b: {"ask": str(a.ask), "form": "signature"}, "ask"),
    ("letter preview", lambda w, a, b: {"ask": str(a.ask)}, "ask"),
    ("letter authority", lambda w, a, b: {"ask": str(a.ask), "print": "yes"}, "ask"),
    ("letter export", lambda w, a, b: {"ask": str(a.ask)}, "ask"),
    ("letter export", lambda w, a, b: {"ask": str(a.ask), "version": 1}, "ask"),
    ("letter export", lambda w, a, b: {"ask": str(a.ask), "version": 1, "format": "pdf"}, "ask"),
    ("letter finalise", lambda w, a, b: {"ask": str(a.ask)}, "ask"),
    ("letter versions", lambda w, a, b: {"ask": str(a.ask)}, "ask"),
    (
        "webhook add",
        lambda w, a, b: {
            "coalition": str(a.coalition),
            "url": "http://127.0.0.1:9/sneaky",
            "events": "all",
        },
        "coalition",
    ),
    ("webhook list", lambda w, a, b: {"coalition": str(a.coalition)}, "coalition"),
    *[
        (
            f"webhook {sub}",
            lambda w, a, b: {"coalition": str(a.coalition), "webhook": str(a.webhook)},
            "coalition",
        )
        for sub in ("remove", "test", "resume")
    ],
    *[
        (
            f"webhook {sub}",
            lambda w, a, b: {"coalition": str(b.coalition), "webhook": str(a.webhook)},
            "webhook",
        )
        for sub in ("remove", "test", "resume")
    ],
    (
        "pool create",
        lambda w, a, b: {"coalition": str(a.coalition), "item": "Sneaky", "unit": "u"},
        "coalition",
    ),
    ("pool pledge", lambda w, a, b: {"pool": str(a.pool), "quantity": 1}, "pool"),
    (
        "pool pledge",
        lambda w, a, b: {"pool": str(b.pool), "quantity": 1, "city": str(a.lyon)},
        "city",
    ),
    ("pool withdraw", lambda w, a, b: {"pool": str(a.pool), "reason": "x"}, "pool"),
    (
        "pool withdraw",
        lambda w, a, b: {"pool": str(b.pool), "reason": "x", "city": str(a.lyon)},
        "city",
    ),
    ("pool show", lambda w, a, b: {"pool": str(a.pool)}, "pool"),
    ("pool close", lambda w, a, b: {"pool": str(a.pool)}, "pool"),
    ("pool export", lambda w, a, b: {"pool": str(a.pool)}, "pool"),
    ("pool export", lambda w, a, b: {"pool": str(a.pool), "format": "markdown"}, "pool"),
]


# Lena may not manage B's coalition: a refusal about B's own coalition is as good as "not
# found" (it reveals nothing about A).
REFUSED_IN_B = re.compile(r"^Only coordinators of Pact 2 or server admins can ")


def not_found(kind: str) -> str:
    where = "coalition" if kind == "webhook" else "server"
    return f"I can't find that {kind} in this {where}"


async def entity_commands() -> dict[str, set[str]]:
    """Each registered command that names an entity, with the entity options it takes."""
    out: dict[str, set[str]] = {}
    for path, cmd in (await registered_commands()).items():
        names = {p.name for p in cmd.parameters} & set(ENTITY_OPTIONS)
        if names:
            out[path] = names
    return out


async def seed_both(world: Any) -> tuple[Subject, Subject]:
    a = await seed_subject(world, 1)
    b = await seed_subject(world, 2, guild=world.other_guild)
    # Something to export as a finalised version, so a foreign "version 1" exists.
    from bot.services import letters
    from bot.services.common import Actor

    async with world.uow() as uow:
        await letters.finalise(
            uow, Actor(world.guild.id, world.cora.id), ask_id=a.ask, now=world.clock.now()
        )
    return a, b


async def test_every_entity_command_is_tried_with_a_foreign_entity() -> None:
    tried = {path for path, _, _ in FOREIGN}
    missing = set(await entity_commands()) - tried
    assert not missing, f"add a server-isolation row for {sorted(missing)}"


@both_backends
async def test_server_b_finds_nothing_of_server_a_and_changes_nothing(world) -> None:
    a, b = await seed_both(world)
    guild_b = world.other_guild
    before = await snapshot(world)
    problems: list[str] = []
    for user in (world.bea, world.lena):  # B's admin; a member of both servers
        for path, opts, kind in FOREIGN:
            reply = await world.slash(path, user=user, guild=guild_b, **opts(world, a, b))
            seen = messages(reply)
            expected = not_found(kind)
            if reply.modal is not None:
                problems.append(f"{user.name} /{path}: a form opened")
            elif len(seen) == 1 and seen[0].ephemeral and REFUSED_IN_B.search(seen[0].text):
                pass  # refused on B's own coalition before A's entity was even looked up
            elif len(seen) != 1 or not seen[0].ephemeral or expected not in seen[0].text:
                problems.append(
                    f"{user.name} /{path} {kind}: expected {expected!r}, got "
                    f"{[(m.ephemeral, m.text[:200]) for m in seen]}"
                )
            elif re.search(r"(Lyon|Grenoble|Joinville|Quimper|Nowhere|Pact) 1\b", seen[0].text):
                problems.append(f"{user.name} /{path}: names server A's data: {seen[0].text}")
        after = await snapshot(world)
        if changes(before, after):
            problems.append(f"{user.name}: the database changed: {changes(before, after)}")
    assert not problems, "\n".join(problems)


def autocomplete_targets(bot: Any) -> list[tuple[str, str]]:
    """(command, option) for every entity option of the running bot that autocompletes.

    (Read from the running bot: tests.commands.registered_commands() builds a second bot,
    which would point discord.py away from the emulator mid-test.)
    """
    out = []
    for cmd in bot.tree.walk_commands():
        if isinstance(cmd, app_commands.Command):
            for p in cmd.parameters:
                if p.name in ENTITY_OPTIONS and p.autocomplete:
                    out.append((cmd.qualified_name, p.name))
    return sorted(out)


async def test_autocomplete_in_server_b_lists_only_server_b(world) -> None:
    a, b = await seed_both(world)
    mine = {
        "city": {str(b.lyon), str(b.grenoble), str(b.joiner), str(b.queued), str(b.free)},
        "coalition": {str(b.coalition)},
        "ask": {str(b.ask), str(b.fresh_ask)},
        "action": {str(b.action)},
        "webhook": {str(b.webhook)},
        "pool": {str(b.pool)},
    }
    theirs = {
        "city": {str(a.lyon), str(a.grenoble), str(a.joiner), str(a.queued), str(a.free)},
        "coalition": {str(a.coalition)},
        "ask": {str(a.ask), str(a.fresh_ask)},
        "action": {str(a.action)},
        "webhook": {str(a.webhook)},
        "pool": {str(a.pool)},
    }
    targets = autocomplete_targets(world.bot)
    assert {o for _, o in targets} == set(ENTITY_OPTIONS)
    problems = []
    for user in (world.bea, world.lena):
        for path, option in targets:
            for coalition in (str(b.coalition), str(a.coalition)):
                others = {"coalition": coalition} if option == "webhook" else {}
                choices = await world.autocomplete(
                    path, option, "", user=user, guild=world.other_guild, **others
                )
                values = {c["value"] for c in choices}
                names = " | ".join(c["name"] for c in choices)
                if values & theirs[option] or re.search(r"\b(Pact|Lyon|Meeting) 1\b", names):
                    problems.append(f"{user.name} /{path} {option}: lists server A's: {names}")
                if option == "webhook" and coalition != str(b.coalition):
                    continue  # A's coalition named in B: nothing to list
                if option == "webhook" and user is world.lena:
                    continue  # only managers see webhooks
                if not values & mine[option]:
                    problems.append(f"{user.name} /{path} {option}: B's own missing: {names}")
                if option != "webhook":
                    break  # the coalition option only matters for webhooks
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("who", ["bea", "lena"])
async def test_server_b_works_with_its_own_entities(world, who: str) -> None:
    """The refusals above are about the server, not broken commands: B's own data works."""
    _, b = await seed_both(world)
    user = getattr(world, who)
    guild_b = world.other_guild
    reads = [
        ("city show", {"city": str(b.lyon)}, "Lyon 2 (France)"),
        ("city partners", {"city": str(b.lyon)}, "Partners for Lyon 2"),
        ("coalition show", {"coalition": str(b.coalition)}, "Member cities of Pact 2"),
        ("ask list", {"coalition": str(b.coalition)}, "Car-free centres 2"),
        ("ask show", {"ask": str(b.ask)}, "Signatories of Car-free centres 2"),
        ("ask history", {"ask": str(b.ask)}, "created the ask"),
        ("action show", {"action": str(b.action)}, "Meeting 2 — Pact 2"),
        ("action ics", {"action": str(b.action)}, "Add it to your calendar"),
        ("statement show", {"ask": str(b.ask), "city": str(b.lyon)}, "Lyon stands behind this"),
        ("letter export", {"ask": str(b.ask)}, "as it stands now: 1 signatory"),
        ("pool show", {"pool": str(b.pool)}, "Lyon 2: 5 vehicles"),
    ]
    if who == "bea":  # B's admin manages B's coalition
        writes = [
            ("webhook list", {"coalition": str(b.coalition)}, "127.0.0.1"),
            ("ask close", {"ask": str(b.fresh_ask)}, "is closed"),
            ("coalition approve", {"coalition": str(b.coalition), "city": str(b.queued)}, "member"),
        ]
    else:  # lena represents Lyon 2 in B
        writes = [
            ("action rsvp", {"action": str(b.action), "response": "going"}, "Recorded for"),
            (
                "ask withdraw",
                {"ask": str(b.ask), "reason": "Council vote", "city": str(b.lyon)},
                "withdrew from",
            ),
        ]
    for path, options, expected in reads + writes:
        reply = await world.slash(path, user=user, guild=guild_b, **options)
        text = "\n".join(m.text for m in messages(reply))
        assert expected in text, f"/{path}: {text[:300]}"
        assert "1" not in re.findall(r"(?:Pact|Lyon) (\d+)", text), text
    # /help sums up the caller's standing: in B, only B's cities and coalitions.
    overview = "\n".join(
        m.text for m in messages(await world.slash("help", user=user, guild=guild_b))
    )
    assert not re.search(r"(?:Pact|Lyon|Joinville|Grenoble) 1\b", overview), overview
    if who == "lena":
        assert "Lyon 2" in overview, overview
        prompt = await world.slash(
            "ask sign", user=user, guild=guild_b, ask=str(b.fresh_ask), city=str(b.lyon)
        )
        done = await world.emu.click(prompt.message, label="Confirm", user=user)
        assert "Done: Lyon 2 signed" in done.all_text or "Done: Lyon 2 signed" in (
            prompt.message.text
        )


async def test_one_servers_setup_choices_do_not_apply_in_another(world) -> None:
    """Bea opens coalition creation to everyone in B: Lena (in both) creates there, not in A."""
    panel = await world.slash("setup", user=world.bea, guild=world.other_guild)
    await world.emu.click(panel.message, label="2. Everyone may create coalitions", user=world.bea)
    assert "Everyone." in panel.message.text
    in_b = await world.slash(
        "coalition create",
        user=world.lena,
        guild=world.other_guild,
        name="B net",
        kind="peer_group",
    )
    assert "Created **B net**" in in_b.text
    in_a = await world.slash("coalition create", user=world.lena, name="A net", kind="peer_group")
    assert "only server admins can create coalitions" in in_a.text
    own = await world.slash("setup", user=world.ada)
    assert "Server admins only (pick a role to add its members)" in own.text


async def test_one_servers_time_zone_does_not_apply_in_another(world) -> None:
    """Bea gives server B a time zone with /setup: a time typed in server A without a zone is
    still asked about, and server A's own zone is untouched."""
    a, _ = await seed_both(world)
    panel = await world.slash(
        "setup", user=world.bea, guild=world.other_guild, timezone="America/New_York"
    )
    assert "now read in **America/New_York**" in panel.text
    in_a = await world.slash(
        "action schedule",
        user=world.ada,  # who never typed a zone, so none is remembered for her
        coalition=str(a.coalition),
        title="No zone",
        when="2031-07-01 10:00",
        kind="meeting",
    )
    assert "Which time zone is that in?" in in_a.text
    async with world.uow() as uow:
        assert await timezones.server_timezone(uow, world.guild.id) is None
        assert await timezones.server_timezone(uow, world.other_guild.id) == "America/New_York"
