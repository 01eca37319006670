"""Who may press what: every button, panel control and form of the bot, pressed (or submitted)
by each kind of caller, against the table below.

The command matrix (test_permissions.py) stops where a command hands over to a button or a
form; this one starts there. Each row's prompt is first opened by the person it is meant for
(the representative who ran /ask sign, the coordinator who ran /coalition archive, the admin's
/setup panel, the representative's re-confirmation DM, the public RSVP announcement), then the
caller presses it:

- the owner presses the prompt they got;
- anyone else presses the same buttons on a copy of that message where they can reach it (the
  channel for an ephemeral prompt, their own DMs for a DM), or submits the same form. Discord
  would not show them someone else's prompt, but a custom_id is all the bot receives, so the
  bot must judge the presser, never the message;
- "revoked": the representative got the prompt, was then revoked for the city, then pressed;
  "ex_coord": likewise a coordinator, removed as coordinator of the coalition before pressing;
- "outsider" (otto, a member of server B only): presses a copy of the message in server B.

ok: the action happened (the reply matches the row's pattern).  no: one private refusal that
says who may do it, and nothing changed.  gone: one private "I can't find that ... in this
server", so nothing of the other server is revealed, and nothing changed.
"""

from __future__ import annotations

import ast
import copy
import importlib
import inspect
import pkgutil
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from types import ModuleType
from typing import Any

import discord
import pytest

import bot.cogs
from bot.db.models import GuildSettings
from bot.services import actions, cities, coalitions, onboarding
from bot.services.coalitions import settings as coalition_settings
from bot.services.common import Actor
from tests.e2e import callers
from tests.e2e.callers import Subject, changes, seed_subject, snapshot, when_in_2031
from tests.emulator import Interaction, Message

# The kinds of tests/e2e/callers.py, and two who lose their standing between prompt and press:
# "ex_coord" (mia, removed as coordinator of Pact n) and "revoked" (lena, revoked for Lyon n).
CALLERS = (
    "admin",
    "verifier",
    "coord",
    "ex_coord",
    "other_coord",
    "rep",
    "revoked",
    "other_rep",
    "pending",
    "stranger",
    "outsider",
)

# Columns by short name (HEADER); rows by what the bot receives: a persistent button by its
# custom_id prefix, a panel control as View.callback, a form by its Modal class.
HEADER = {
    "admin": "admin",
    "verif": "verifier",
    "coord": "coord",
    "ex_co": "ex_coord",
    "o_coord": "other_coord",
    "rep": "rep",
    "revkd": "revoked",
    "o_rep": "other_rep",
    "pend": "pending",
    "strgr": "stranger",
    "out": "outsider",
}
MATRIX = """
component                     admin verif coord ex_co o_coord rep revkd o_rep pend strgr out
ask:sign                      no    no    no    no    no      ok  no    ok    no   no    gone
ask:signas                    no    no    no    no    no      ok  no    no    no   no    gone
ask:read                      ok    ok    ok    ok    ok      ok  ok    ok    ok   ok    gone
statement:add                 no    no    no    no    no      ok  no    no    no   no    gone
sign:confirm                  no    no    no    no    no      ok  no    no    no   no    gone
sign:basis                    no    no    no    no    no      ok  no    no    no   no    gone
BasisForm                     no    no    no    no    no      ok  no    no    no   no    gone
sign:cancel                   ok    ok    ok    ok    ok      ok  ok    ok    ok   ok    ok
reconfirm                     no    no    no    no    no      ok  no    no    no   no    gone
action:rsvp:going             no    no    no    no    no      ok  no    ok    no   no    gone
action:rsvp:maybe             no    no    no    no    no      ok  no    ok    no   no    gone
action:rsvp:not_going         no    no    no    no    no      ok  no    ok    no   no    gone
ScopeView.this                ok    no    ok    no    no      no  no    no    no   no    gone
ScopeView.following           ok    no    ok    no    no      no  no    no    no   no    gone
archive:confirm               ok    no    ok    no    no      no  no    no    no   no    gone
archive:cancel                ok    ok    ok    ok    ok      ok  ok    ok    ok   ok    ok
askedit:reopen                ok    no    ok    no    no      no  no    no    no   no    gone
invite                        ok    no    ok    no    no      no  no    no    no   no    gone
RetryView.retry               ok    no    ok    no    no      no  no    no    no   no    gone
CreateAskForm                 ok    no    ok    no    no      no  no    no    no   no    gone
EditAskForm                   ok    no    ok    no    no      no  no    no    no   no    gone
StatementModal                no    no    no    no    no      ok  no    no    no   no    gone
LetterSettingsModal           ok    no    ok    no    no      no  no    no    no   no    gone
LetterSignatureModal          ok    no    ok    no    no      no  no    no    no   no    gone
SetupView.pick_channel        ok    no    no    no    no      no  no    no    no   no    no
SetupView.pick_role           ok    no    no    no    no      no  no    no    no   no    no
SetupView.pick_verifier_role  ok    no    no    no    no      no  no    no    no   no    no
SetupView.everyone            ok    no    no    no    no      no  no    no    no   no    no
SetupView.admins_create       ok    no    no    no    no      no  no    no    no   no    no
SetupView.admins_verify       ok    no    no    no    no      no  no    no    no   no    no
SetupView.done                ok    no    no    no    no      no  no    no    no   no    no
SetupView.pick_requests       ok    no    no    no    no      no  no    no    no   no    no
pool:pledge                   no    no    no    no    no      ok  no    ok    no   no    gone
PledgeForm                    no    no    no    no    no      ok  no    no    no   no    gone
request:verify                ok    no    ok    no    no      no  no    no    no   no    gone
request:turndown              ok    no    ok    no    no      no  no    no    no   no    gone
TurnDownForm                  ok    no    ok    no    no      no  no    no    no   no    gone
join:approve                  ok    no    ok    no    no      no  no    no    no   no    gone
join:reject                   ok    no    ok    no    no      no  no    no    no   no    gone
"""


def parse_matrix(text: str) -> dict[str, dict[str, str]]:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    assert tuple(HEADER[name] for name in lines[0].split()[1:]) == CALLERS
    table: dict[str, dict[str, str]] = {}
    for line in lines[1:]:
        key, *cells = line.split()
        assert set(cells) <= {"ok", "no", "gone"}, line
        table[key] = dict(zip(CALLERS, cells, strict=True))
    return table


EXPECTED = parse_matrix(MATRIX)

# A refusal names who may do it, or what the caller's city lacks.
WHO_MAY = re.compile(r"Only |represent|verif|is not a member of", re.I)
NOT_HERE = re.compile(r"I can't find that \w+ in this server")

# The city a representative's RSVP button answers for (the button carries no city).
OWN_CITY = {"rep": "Lyon", "other_rep": "Grenoble"}
BASIS_LABEL = "Give the basis and sign"
BASIS = {"kind": "council resolution", "reference": "2026-117", "date": "2026-11-20"}
NEW_ASK = {"title": "Tree planting", "target": "Regional council", "text": "Plant trees."}

Prompt = Message | Interaction  # a message with components, or an interaction showing a form
Open = Callable[[Any, Subject, Any], Awaitable[Prompt]]  # (world, subject, the owner)
Pick = Callable[[Any, Any], Any]  # (world, guild) -> the channel or role picked in a select


@dataclass(frozen=True)
class Row:
    owner: str  # who the prompt is for: "rep", "coord", "admin", or "everyone" (a public post)
    open: Open  # opens the prompt as its owner
    ok: str  # the caller's reply matches this when allowed ({city}: the caller's own city)
    changes: bool = False  # an allowed press writes to the database
    label: str | None = None  # the button pressed
    pick: Pick | None = None  # the value picked in the select
    select_type: int = 0  # which select (Discord component type: 6 role, 8 channel)
    nth: int = 0  # which of the selects of that type
    form: dict[str, str] | None = None  # the values submitted (a form, or the form it opens)
    # Pressed in another server: "gone" for ids of this server; None: acts on the server it
    # is pressed in (the setup panel carries no id), so the question does not arise.
    elsewhere: str | None = "gone"


# --- opening each prompt as its owner ---


async def sign_prompt(w: Any, s: Subject, owner: Any) -> Prompt:
    reply = await w.slash("ask sign", user=owner, ask=str(s.fresh_ask), city=str(s.lyon))
    assert reply.message is not None and reply.message.buttons(), reply.text
    return reply.message


async def basis_prompt(w: Any, s: Subject, owner: Any) -> Prompt:
    """/ask sign where the coalition requires the basis: Confirm is "Give the basis and sign"."""
    async with w.uow() as uow:
        await coalition_settings.set_authority(
            uow, Actor(w.guild.id, w.cora.id), coalition_id=s.coalition, required=True
        )
    return await sign_prompt(w, s, owner)


async def basis_form(w: Any, s: Subject, owner: Any) -> Prompt:
    """The basis form, opened by the representative for their city (Lyon n)."""
    prompt = await basis_prompt(w, s, owner)
    opened = await w.emu.click(prompt, label=BASIS_LABEL, user=owner)  # type: ignore[arg-type]
    assert opened.modal is not None, opened.text
    return opened


async def ask_show(w: Any, s: Subject, owner: Any) -> Prompt:
    """/ask show of the ask nobody signed: Sign for my city and Read the full text."""
    await w.bot.workers.outbox.drain()  # the subject's announcements, sent before the press
    reply = await w.slash("ask show", user=owner, ask=str(s.fresh_ask))
    assert reply.message is not None and reply.message.buttons(), reply.text
    return reply.message


async def city_chooser(w: Any, s: Subject, owner: Any) -> Prompt:
    """Sign for my city, pressed by a representative of two member cities (Lyon n, and
    Zermatt n made here): the chooser. Its first button, Lyon n, is labelled "Lyon" in this
    copy (the bot only ever receives the custom_id)."""
    admin = Actor(w.guild.id, w.ada.id, is_admin=True)
    async with w.uow() as uow:
        city = await cities.add_city(uow, admin, name=f"Zermatt {s.n}", country="Switzerland")
        await cities.verify_representative(uow, admin, city_id=city.id, user_id=owner.id)
        await coalitions.join_coalition(
            uow, Actor(w.guild.id, owner.id), coalition_id=s.coalition, city_id=city.id
        )
        await coalitions.approve_membership(
            uow, Actor(w.guild.id, w.cora.id), coalition_id=s.coalition, city_id=city.id
        )
    shown = await ask_show(w, s, owner)
    opened = await w.emu.click(shown, label="Sign for my city", user=owner)
    chooser = opened.message
    assert chooser is not None and len(chooser.buttons()) == 2, opened.text
    rows = copy.deepcopy(chooser.components)
    rows[0]["components"][0]["label"] = "Lyon"
    return replace(chooser, components=rows)


async def signed_confirmation(w: Any, s: Subject, owner: Any) -> Prompt:
    """The short confirmation after signing the fresh ask, with Add our statement."""
    prompt = await sign_prompt(w, s, owner)
    await w.emu.click(prompt, label="Confirm", user=owner)
    assert [b["label"] for b in prompt.buttons()] == ["Add our statement"], prompt.text
    await w.bot.workers.outbox.drain()  # its progress line, sent before the press
    return prompt


async def reconfirm_dm(w: Any, s: Subject, owner: Any) -> Prompt:
    form = await w.slash("ask edit", user=w.cora, ask=str(s.ask))
    await w.emu.submit_modal(form, {"text": "We ask the Ministry for car-free centres by 2030."})
    wanted = f"reconfirm:{s.ask}:{s.lyon}:"
    return next(
        m
        for m in reversed(w.emu.dms(owner))
        if any(str(b.get("custom_id")).startswith(wanted) for b in m.buttons())
    )


async def rsvp_post(w: Any, s: Subject, owner: Any) -> Prompt:
    channel, label = w.channels["coalition"], actions.RESPONSES["going"]
    earlier = {m.id for m in w.emu.channel_messages(channel)}
    await w.slash(
        "action schedule",
        user=w.cora,
        coalition=str(s.coalition),
        title=f"Hearing {s.n}",
        when=when_in_2031(s.n + 1),
        timezone="Europe/Paris",
        kind="hearing",
    )

    def posted() -> list[Message]:
        # By its buttons: the subject's ask announcements may arrive meanwhile.
        return [
            m
            for m in w.emu.channel_messages(channel)
            if m.id not in earlier and any(b.get("label") == label for b in m.buttons())
        ]

    await w.emu.wait_for(lambda: bool(posted()))
    return posted()[0]


async def scope_prompt(w: Any, s: Subject, owner: Any) -> Prompt:
    """/action cancel on the first occurrence of a weekly call (three occurrences): which
    occurrences, with This occurrence / This and following."""
    async with w.uow() as uow:
        weekly = await actions.schedule_action(
            uow,
            Actor(w.guild.id, w.cora.id),
            coalition_id=s.coalition,
            title=f"Weekly call {s.n}",
            when=when_in_2031(s.n + 1),
            timezone="Europe/Paris",
            kind="meeting",
            repeat="weekly",
            count=3,
        )
    reply = await w.slash(
        "action cancel", user=owner, action=str(weekly.action.id), reason="Room unavailable"
    )
    assert reply.message is not None and len(reply.message.buttons()) == 2, reply.text
    return reply.message


async def pool_post(w: Any, s: Subject, owner: Any) -> Prompt:
    """A new pool's public announcement, with its Pledge button."""
    channel, label = w.channels["coalition"], "Pledge"
    earlier = {m.id for m in w.emu.channel_messages(channel)}
    await w.slash(
        "pool create", user=w.cora, coalition=str(s.coalition), item="Buses", unit="vehicles"
    )

    def posted() -> list[Message]:
        # By its buttons: the subject's ask announcements may arrive meanwhile.
        return [
            m
            for m in w.emu.channel_messages(channel)
            if m.id not in earlier
            and any(b.get("label") == label for b in m.buttons())
            # the subject's seeded pool may be announced meanwhile: this pool's own post
            and any(str(e.get("title", "")).startswith("Pool: Buses") for e in m.embeds)
        ]

    await w.emu.wait_for(lambda: bool(posted()))
    return posted()[0]


async def pledge_form(w: Any, s: Subject, owner: Any) -> Prompt:
    """The Pledge form, opened by the representative for their city (Lyon n)."""
    opened = await w.emu.click(await pool_post(w, s, owner), label="Pledge", user=owner)
    assert opened.modal is not None, opened.text
    return opened


async def notice_with(w: Any, channel: Any, label: str, about: str) -> Prompt:
    """The newest notice in ``channel`` about ``about`` with the button ``label``."""

    def found() -> list[Message]:
        return [
            m
            for m in w.emu.channel_messages(channel)
            if about in m.text and any(b.get("label") == label for b in m.buttons())
        ]

    await w.emu.wait_for(lambda: bool(found()))
    return found()[-1]


async def represent_notice(w: Any, s: Subject, owner: Any) -> Prompt:
    """pat's request to represent Lyon n, asked again with /city represent: its public notice
    in the system channel (no requests channel is chosen), with Verify and Turn down."""
    admin = Actor(w.guild.id, w.ada.id, is_admin=True)
    async with w.uow() as uow:
        await cities.revoke_representative(uow, admin, city_id=s.lyon, user_id=w.pat.id)
    await w.slash("city represent", user=w.pat, city=str(s.lyon))
    return await notice_with(w, w.channels["general"], "Verify", f"**Lyon {s.n}** (France)")


async def turn_down_form(w: Any, s: Subject, owner: Any) -> Prompt:
    """The Turn down form, opened from the notice by the owner (who may decide)."""
    opened = await w.emu.click(await represent_notice(w, s, owner), label="Turn down", user=owner)
    assert opened.modal is not None, opened.text
    return opened


async def join_notice(w: Any, s: Subject, owner: Any) -> Prompt:
    """Quimper n's request to join Pact n (seeded): its public notice in the coalition's
    channel, with Approve and Reject."""
    return await notice_with(w, w.channels["coalition"], "Approve", f"**Quimper {s.n}** (France)")


async def archive_prompt(w: Any, s: Subject, owner: Any) -> Prompt:
    reply = await w.slash("coalition archive", user=owner, coalition=str(s.coalition))
    assert reply.message is not None and reply.message.buttons(), reply.text
    return reply.message


async def suggest_prompt(w: Any, s: Subject, owner: Any) -> Prompt:
    """/coalition suggest with one invitable city: Newcomer, of a country new to Pact n, which
    lena represents."""
    admin = Actor(w.guild.id, w.ada.id, is_admin=True)
    async with w.uow() as uow:
        city = await cities.add_city(uow, admin, name="Newcomer", country=f"Country {s.n}")
        await cities.verify_representative(uow, admin, city_id=city.id, user_id=w.lena.id)
    reply = await w.slash("coalition suggest", user=owner, coalition=str(s.coalition))
    assert reply.message is not None and reply.message.buttons(), reply.text
    return reply.message


async def stale_edit_refusal(w: Any, s: Subject, owner: Any) -> Prompt:
    """The owner's edit form loses to another edit made meanwhile: refused, with a button."""
    mine = await w.slash("ask edit", user=owner, ask=str(s.ask))
    theirs = await w.slash("ask edit", user=w.cora, ask=str(s.ask))
    await w.emu.submit_modal(theirs, {"text": "We ask the Ministry for car-free centres by 2030."})
    refused = await w.emu.submit_modal(mine, {"target": "Prime Minister"})
    assert refused.message is not None and refused.message.buttons(), refused.text
    return refused.message


async def retry_prompt(w: Any, s: Subject, owner: Any) -> Prompt:
    form = await w.slash("ask create", user=owner, coalition=str(s.coalition))
    bad_zone = {**NEW_ASK, "deadline": "2031-05-01 12:00", "tz": "Mars/Olympus"}
    refused = await w.emu.submit_modal(form, bad_zone)
    assert refused.message is not None and refused.message.buttons(), refused.text
    return refused.message


def form_of(command: str, **options: Callable[[Subject], int]) -> Open:
    async def open_form(w: Any, s: Subject, owner: Any) -> Prompt:
        values = {name: str(get(s)) for name, get in options.items()}
        opened = await w.slash(command, user=owner, **values)
        assert opened.modal is not None, opened.text
        return opened

    return open_form


def role_named(name: str) -> Pick:
    def pick(w: Any, guild: Any) -> Any:
        """The role ``name`` of ``guild`` (made on first use)."""
        found = next((r for r in guild.roles.values() if r.name == name), None)
        return found or guild.add_role(name)

    return pick


founders = role_named("Coalition founders")
trusted = role_named("Trusted")


def room(w: Any, guild: Any) -> Any:
    return w.channels["coalition"] if guild is w.guild else next(iter(guild.channels.values()))


Arrange = Callable[[Any, Any, Actor], Awaitable[Any]]  # (world, uow, the admin)


def setup_panel(arrange: Arrange | None = None) -> Open:
    """The admin's /setup panel, after putting the setting the row changes in another state
    (so that pressing it changes something)."""

    async def open_panel(w: Any, s: Subject, owner: Any) -> Prompt:
        admin = Actor(w.guild.id, w.ada.id, is_admin=True)
        async with w.uow() as uow:
            await onboarding.set_announce_channel(uow, admin, w.channels["general"].id)
            if arrange is not None:
                await arrange(w, uow, admin)
        reply = await w.slash("setup", user=owner)
        assert reply.message is not None and reply.message.components, reply.text
        return reply.message

    return open_panel


async def setup_state(world: Any) -> dict[str, Any] | None:
    async with world.uow() as uow:
        row = await uow.session.get(GuildSettings, world.guild.id)
        columns = GuildSettings.__table__.columns
        return None if row is None else {c.key: getattr(row, c.key) for c in columns}


async def restore_setup(world: Any, state: dict[str, Any] | None) -> None:
    """Put server A's /setup choices back as they were: they outlive a subject, and seeding
    or a later row may depend on them."""
    if state != await setup_state(world):
        async with world.uow() as uow:
            row = await uow.session.get(GuildSettings, world.guild.id)
            assert row is not None
            if state is None:
                await uow.session.delete(row)
            else:
                for key, value in state.items():
                    setattr(row, key, value)


def rsvp_row(response: str) -> Row:
    return Row(
        "everyone",
        rsvp_post,
        label=actions.RESPONSES[response],
        ok=r"Recorded for \*\*{city} \d+\*\*: \*\*" + re.escape(actions.RESPONSES[response]),
        changes=True,
    )


ROWS: dict[str, Row] = {
    "ask:sign": Row("rep", ask_show, label="Sign for my city", ok=r"Confirm to sign it for {city}"),
    "ask:signas": Row("rep", city_chooser, label="Lyon", ok=r"Confirm to sign it for Lyon \d+"),
    "ask:read": Row("rep", ask_show, label="Read the full text", ok=r"Safe school streets \d+"),
    "statement:add": Row(
        "rep",
        signed_confirmation,
        label="Add our statement",
        form={"statement": "Lyon backs safe school streets."},
        ok=r"Saved Lyon \d+'s statement",
        changes=True,
    ),
    "sign:confirm": Row(
        "rep", sign_prompt, label="Confirm", ok=r'Done: Lyon \d+ signed "Safe school', changes=True
    ),
    "sign:basis": Row(
        "rep",
        basis_prompt,
        label=BASIS_LABEL,
        form=BASIS,
        ok=r'Done: Lyon \d+ signed "Safe school[\s\S]*Basis: council resolution 2026-117',
        changes=True,
    ),
    "BasisForm": Row(
        "rep",
        basis_form,
        form=BASIS,
        ok=r'Done: Lyon \d+ signed "Safe school[\s\S]*Basis: council resolution 2026-117',
        changes=True,
    ),
    "sign:cancel": Row(
        "rep", sign_prompt, label="Cancel", ok=r"Not signed\. Nothing was recorded", elsewhere="ok"
    ),
    "reconfirm": Row(
        "rep",
        reconfirm_dm,
        label="Confirm",
        ok=r"Re-confirmed: Lyon \d+ stands behind version 2",
        changes=True,
    ),
    **{f"action:rsvp:{r}": rsvp_row(r) for r in actions.RESPONSES},
    "ScopeView.this": Row(
        "coord",
        scope_prompt,
        label="This occurrence",
        ok=r"Cancelled \*\*Weekly call \d+\*\*[\s\S]*The other occurrences keep their time",
        changes=True,
    ),
    "ScopeView.following": Row(
        "coord",
        scope_prompt,
        label="This and following",
        ok=r"Cancelled \*\*Weekly call \d+\*\*[\s\S]*The 2 following occurrences are cancelled",
        changes=True,
    ),
    "archive:confirm": Row(
        "coord", archive_prompt, label="Confirm", ok=r"is archived and read-only", changes=True
    ),
    "archive:cancel": Row(
        "coord",
        archive_prompt,
        label="Cancel",
        ok=r"Not archived\. Nothing changed",
        elsewhere="ok",
    ),
    "invite": Row(
        "coord",
        suggest_prompt,
        label="Invite Newcomer",
        ok=r"Invited Newcomer to Pact \d+: I'm sending <@\d+> a DM",
        changes=True,
    ),
    "askedit:reopen": Row(
        "coord",
        stale_edit_refusal,
        label="Reopen on the new text",
        form={"text": "We ask the Ministry for car-free centres and bike lanes."},
        ok=r'Edited "Car-free centres \d+" \(changed: text\)',
        changes=True,
    ),
    "RetryView.retry": Row(
        "coord",
        retry_prompt,
        label="Fix and resubmit",
        form={"tz": "Europe/Paris"},
        ok=r'Created "Tree planting" in Pact',
        changes=True,
    ),
    "CreateAskForm": Row(
        "coord",
        form_of("ask create", coalition=lambda s: s.coalition),
        form=NEW_ASK,
        ok=r'Created "Tree planting" in Pact',
        changes=True,
    ),
    "EditAskForm": Row(
        "coord",
        form_of("ask edit", ask=lambda s: s.ask),
        form={"text": "We ask the Ministry for car-free centres and bike lanes."},
        ok=r'Edited "Car-free centres \d+" \(changed: text\)',
        changes=True,
    ),
    "StatementModal": Row(
        "rep",
        form_of("statement submit", ask=lambda s: s.ask, city=lambda s: s.lyon),
        form={"statement": "Lyon supports car-free centres, from 2027 on."},
        ok=r"Saved Lyon \d+'s statement on .* \(version 2\)",
        changes=True,
    ),
    "LetterSettingsModal": Row(
        "coord",
        form_of("letter settings", ask=lambda s: s.ask),
        form={"opening": "Dear Minister,"},
        ok=r"Saved the opening",
        changes=True,
    ),
    "LetterSignatureModal": Row(
        "coord",
        form_of("letter settings", ask=lambda s: s.ask, form=lambda s: "signature"),
        form={"sender": "The Pact secretariat"},
        ok=r"Saved the signature block",
        changes=True,
    ),
    "SetupView.pick_channel": Row(
        "admin",
        setup_panel(),
        pick=room,
        select_type=8,
        ok=r"Announcement channel\n<#\d+>",
        changes=True,
        elsewhere=None,
    ),
    "SetupView.pick_role": Row(
        "admin",
        setup_panel(lambda w, uow, admin: onboarding.set_creator_role(uow, admin, None)),
        pick=founders,
        select_type=6,
        ok=r"Who may create coalitions\nMembers with <@&\d+>",
        changes=True,
        elsewhere=None,
    ),
    "SetupView.pick_verifier_role": Row(
        "admin",
        setup_panel(lambda w, uow, admin: onboarding.set_verifier_role(uow, admin, None)),
        pick=trusted,
        select_type=6,
        nth=1,
        ok=r"Who verifies representatives[^\n]*\nMembers with <@&\d+>",
        changes=True,
        elsewhere=None,
    ),
    "SetupView.everyone": Row(
        "admin",
        setup_panel(lambda w, uow, admin: onboarding.set_anyone_creates(uow, admin, False)),
        label="2. Everyone may create coalitions",
        ok=r"Who may create coalitions\nEveryone\.",
        changes=True,
        elsewhere=None,
    ),
    "SetupView.admins_create": Row(
        "admin",
        setup_panel(lambda w, uow, admin: onboarding.set_anyone_creates(uow, admin, True)),
        label="2. Only admins and the role",
        ok=r"Who may create coalitions\n(Server admins only|Members with)",
        changes=True,
        elsewhere=None,
    ),
    "SetupView.admins_verify": Row(
        "admin",
        setup_panel(
            lambda w, uow, admin: onboarding.set_verifier_role(uow, admin, trusted(w, w.guild).id)
        ),
        label="3. Only admins verify",
        ok=r"Who verifies representatives[^\n]*\nServer admins only\.",
        changes=True,
        elsewhere=None,
    ),
    "SetupView.done": Row(
        "admin", setup_panel(), label="Done", ok=r"Setup saved\.", elsewhere=None
    ),
    "pool:pledge": Row(
        "everyone",
        pool_post,
        label="Pledge",
        form={"quantity": "7"},
        ok=r"Pledged 7 vehicles to Buses for {city} \d+",
        changes=True,
    ),
    "PledgeForm": Row(
        "rep",
        pledge_form,
        form={"quantity": "7"},
        ok=r"Pledged 7 vehicles to Buses for Lyon \d+",
        changes=True,
    ),
    "SetupView.pick_requests": Row(
        "admin",
        setup_panel(),
        pick=room,
        select_type=8,
        nth=1,
        ok=r"Requests channel\n<#\d+>",
        changes=True,
        elsewhere=None,
    ),
    "request:verify": Row(
        "everyone",
        represent_notice,
        label="Verify",
        ok=r"<@\d+> is now a verified representative of Lyon \d+",
        changes=True,
    ),
    "request:turndown": Row(
        "everyone",
        represent_notice,
        label="Turn down",
        form={"reason": "We could not confirm it."},
        ok=r"You turned down <@\d+>'s request to represent Lyon \d+",
        changes=True,
    ),
    "TurnDownForm": Row(
        "coord",
        turn_down_form,
        form={"reason": "We could not confirm it."},
        ok=r"You turned down <@\d+>'s request to represent Lyon \d+",
        changes=True,
    ),
    "join:approve": Row(
        "everyone",
        join_notice,
        label="Approve",
        ok=r"Quimper \d+ is now a member of Pact \d+",
        changes=True,
    ),
    "join:reject": Row(
        "everyone",
        join_notice,
        label="Reject",
        ok=r"Quimper \d+'s request to join Pact \d+ was turned down",
        changes=True,
    ),
}


# --- pressing ---


def caller_user(world: Any, who: str) -> Any:
    if who == "revoked":
        return world.lena  # as rep, but revoked for Lyon n before pressing
    if who == "ex_coord":
        return world.mia  # coordinated Pact n, removed before pressing
    return callers.caller_user(world, who)


def owner_user(world: Any, owner: str, who: str) -> Any:
    """Who gets the prompt: the representative, a coordinator (mia when the caller is the
    coordinator about to be removed), the admin; None for a public post."""
    coordinator = world.mia if who == "ex_coord" else world.cora
    return {"rep": world.lena, "coord": coordinator, "admin": world.ada}.get(owner)


def lobby(world: Any) -> Any:
    return next(iter(world.other_guild.channels.values()))


def reachable_copy(world: Any, message: Message, user: Any, *, elsewhere: bool) -> Message:
    """The same message (same id and components) where ``user`` can press it: in server B,
    in their own DMs (for a DM), or shown to everyone in the channel (for an ephemeral)."""
    if elsewhere:
        channel = lobby(world)
        return replace(
            message,
            channel_id=channel.id,
            guild_id=world.other_guild.id,
            flags=message.flags & ~64,
            interaction=None,
            dm_user=None,
        )
    if message.guild_id is None:
        return replace(message, channel_id=world.emu.dm_channel(user).id, dm_user=user)
    shown_to = message.interaction.user if message.interaction is not None else None
    if message.ephemeral and shown_to is not user:
        return replace(message, flags=message.flags & ~64, interaction=None)
    return message


async def settle(world: Any, reply: Interaction, edits_before: int) -> None:
    """A deferred answer (slow database) arrives later: wait for it."""
    if reply.response_type == 5:
        await reply.wait_original()
    elif reply.response_type == 6:
        source = reply.source_message
        await world.emu.wait_for(
            lambda: bool(reply.followups) or (source is not None and source.edits > edits_before)
        )


async def press(
    world: Any, row: Row, prompt: Prompt, user: Any, *, own: bool, elsewhere: bool
) -> Interaction:
    if isinstance(prompt, Interaction):  # a form: submit it
        assert row.form is not None
        opened = (
            replace(prompt, guild=world.other_guild, channel=lobby(world)) if elsewhere else prompt
        )
        return await world.emu.submit_modal(opened, row.form, user=user)
    message = prompt if own else reachable_copy(world, prompt, user, elsewhere=elsewhere)
    edits = message.edits
    if row.pick is not None:
        guild = world.other_guild if elsewhere else world.guild
        custom_id = [s["custom_id"] for s in message.selects() if s["type"] == row.select_type][
            row.nth
        ]
        reply = await world.emu.select(
            message, values=[row.pick(world, guild)], user=user, custom_id=custom_id
        )
    else:
        reply = await world.emu.click(message, label=row.label, user=user)
    await settle(world, reply, edits)
    if reply.modal is not None and row.form is not None:  # the button opened a form
        reply = await world.emu.submit_modal(reply, row.form, user=user)
    return reply


def replies(reply: Interaction) -> list[Message]:
    """What the presser saw: a new message, or the prompt edited in place, and followups."""
    if reply.response_type == 6:
        return list(reply.followups) or [m for m in [reply.source_message] if m is not None]
    first = reply.source_message if reply.response_type == 7 else reply.message
    return [m for m in [first] if m is not None] + list(reply.followups)


def outcome_of(row: Row, prompt: Prompt, reply: Interaction, who: str) -> str:
    """ "ok", "no" or "gone" as the table means them, or what went wrong instead."""
    if reply.modal is not None:
        return "a form was left open"
    seen = replies(reply)
    if len(seen) != 1:
        return f"expected one private reply, got {[(m.ephemeral, m.text[:80]) for m in seen]}"
    message = seen[0]
    prompt_private = isinstance(prompt, Message) and (prompt.ephemeral or prompt.guild_id is None)
    edited_prompt = reply.response_type in (6, 7) and message is reply.source_message
    private = message.ephemeral or message.guild_id is None or (edited_prompt and prompt_private)
    if not private:
        return f"a public reply: {message.text[:200]!r}"
    text = message.text
    if re.search(row.ok.format(city=OWN_CITY.get(who, "Lyon")), text):
        return "ok"
    refusal = "gone" if NOT_HERE.search(text) else "no" if WHO_MAY.search(text) else None
    if refusal is None:
        return f"unexpected reply: {text[:300]!r}"
    if message.components and not edited_prompt:
        # A refusal is the end of it: a button there ("fix and resubmit") cannot help.
        return f"{refusal}, with buttons {[b.get('label') for b in message.buttons()]}"
    return refusal


async def take_away(world: Any, who: str, s: Subject) -> None:
    """Between prompt and press: lena loses Lyon, or mia stops coordinating Pact n."""
    async with world.uow() as uow:
        if who == "revoked":
            await cities.revoke_representative(
                uow, world.actor(world.ada, admin=True), city_id=s.lyon, user_id=world.lena.id
            )
        elif who == "ex_coord":
            await coalitions.remove_coordinator(
                uow, world.actor(world.cora), coalition_id=s.coalition, user_id=world.mia.id
            )


async def run_rows(
    world: Any, who: str, user: Any, expected: Callable[[str, Row], str | None]
) -> list[str]:
    """Open each row's prompt, press it as ``user``, and compare with ``expected``."""
    problems: list[str] = []
    await callers.prepare_callers(world)
    n = 0
    subject = await seed_subject(world, n)
    setup = await setup_state(world)
    fresh = await snapshot(world)
    dirty = False
    elsewhere = who in ("outsider", "elsewhere")
    for key, row in ROWS.items():
        want = expected(key, row)
        if want is None:
            continue
        if dirty:  # the next row gets an untouched coalition and server setup
            await restore_setup(world, setup)
            n += 1
            subject = await seed_subject(world, n)
            fresh = await snapshot(world)
        owner = owner_user(world, row.owner, who)
        prompt = await row.open(world, subject, owner)
        await take_away(world, who, subject)
        before = await snapshot(world)
        own = not elsewhere and (row.owner == "everyone" or user is owner)
        reply = await press(world, row, prompt, user, own=own, elsewhere=elsewhere)
        after = await snapshot(world)
        changed = changes(before, after)
        dirty = after != fresh
        outcome = outcome_of(row, prompt, reply, who)
        # What the bot wrote: an edited prompt keeps the embeds the presser already had.
        seen = " ".join(m.content if m is reply.source_message else m.text for m in replies(reply))
        if elsewhere and callers.shows_subject(seen, subject):
            problems.append(f"{key}: named server A's things in server B: {seen[:200]!r}")
        elif outcome != want:
            problems.append(f"{key}: expected {want}, got {outcome}")
        elif outcome in ("no", "gone") and changed:
            problems.append(f"{key}: refused but changed {changed}")
        elif outcome == "ok" and row.changes and not changed:
            problems.append(f"{key}: said it worked but changed nothing")
        elif outcome == "ok" and not row.changes and changed:
            problems.append(f"{key}: changes nothing, yet changed {changed}")
    return problems


@pytest.mark.parametrize("who", CALLERS)
async def test_button_and_form_matrix(world, who: str) -> None:
    await callers.prepare_callers(world)
    user = caller_user(world, who)
    problems = await run_rows(world, who, user, lambda key, row: EXPECTED[key][who])
    assert not problems, f"as {who}:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", ["lena", "bea"])
async def test_buttons_and_forms_from_another_server_act_on_nothing_here(world, name: str) -> None:
    """lena represents Lyon in server A and is a plain member of server B; bea is server B's
    admin. A copy of a server-A prompt pressed in server B finds nothing and changes nothing."""
    user = getattr(world, name)
    problems = await run_rows(world, "elsewhere", user, lambda key, row: row.elsewhere)
    assert not problems, f"as {name} in server B:\n" + "\n".join(problems)


# --- every component has a row ---


def cog_modules() -> list[ModuleType]:
    """Every module under bot/cogs, those inside a cog package included."""
    return [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(bot.cogs.__path__, prefix=f"{bot.cogs.__name__}.")
    ]


def cog_classes() -> list[type]:
    found: list[type] = []
    for module in cog_modules():
        found += [
            c
            for c in vars(module).values()
            if isinstance(c, type) and c.__module__ == module.__name__
        ]
    return found


def leaves(classes: list[type], base: type) -> list[type]:
    mine = [c for c in classes if issubclass(c, base)]
    return [c for c in mine if not any(o is not c and issubclass(o, c) for o in mine)]


def component_keys(classes: list[type]) -> set[str]:
    """Persistent buttons by custom_id prefix, view controls as View.callback, forms by class."""
    keys: set[str] = set()
    for cls in leaves(classes, discord.ui.DynamicItem):
        template = cls.__discord_ui_compiled_template__.pattern  # type: ignore[attr-defined]
        keys.add(re.match(r"[\w:]*", template).group(0).rstrip(":"))  # type: ignore[union-attr]
    for cls in leaves(classes, discord.ui.View):
        keys |= {f"{cls.__name__}.{name}" for name in cls.__view_children_items__}
    for cls in leaves(classes, discord.ui.Modal):
        keys.add(cls.__name__)
    return keys


def family(row_key: str, keys: set[str]) -> str | None:
    """The component a row presses: "action:rsvp:going" is a press of "action:rsvp"."""
    for key in sorted(keys, key=len, reverse=True):
        if row_key == key or row_key.startswith(key + ":"):
            return key
    return None


COMPONENT_CALLS = {
    "Button",
    "Select",
    "ChannelSelect",
    "RoleSelect",
    "UserSelect",
    "MentionableSelect",
    "TextInput",
    "button",
    "select",
}


def components_outside_classes(classes: list[type]) -> list[str]:
    """Buttons, selects and inputs built anywhere but inside a View, Modal or DynamicItem class
    (those would escape ``component_keys``)."""
    holders = {
        c.__name__
        for c in classes
        if issubclass(c, discord.ui.DynamicItem | discord.ui.View | discord.ui.Modal)
    }
    stray: list[str] = []
    for module in cog_modules():
        tree = ast.parse(inspect.getsource(module))

        def visit(node: ast.AST, holder: str | None, where: str = module.__name__) -> None:
            if isinstance(node, ast.ClassDef):
                holder = node.name if node.name in holders else None
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in COMPONENT_CALLS and holder is None:
                    stray.append(f"{where}:{node.lineno} {name}(...)")
            for child in ast.iter_child_nodes(node):
                visit(child, holder)

        visit(tree, None)
    return stray


def test_every_button_select_and_form_has_a_row() -> None:
    classes = cog_classes()
    keys = component_keys(classes)
    families = {k: family(k, keys) for k in EXPECTED}
    assert not components_outside_classes(classes)
    assert keys == set(families.values()), (
        f"no row for {sorted(keys - set(families.values()))}; "
        f"rows for unknown components {sorted(k for k, f in families.items() if f is None)}"
    )
    assert {k for k in EXPECTED if k.startswith("action:rsvp:")} == {
        f"action:rsvp:{r}" for r in actions.RESPONSES
    }
    assert set(ROWS) == set(EXPECTED)
    assert set(callers.CALLERS) <= set(CALLERS), "a new kind of caller needs a column here"
