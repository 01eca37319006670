# ruff: noqa: E501  (the table below is wider than a line of code)
"""Who may run what: every registered command, run by each kind of caller, against the table.

The rules (bot/services/permissions.py and the README): anyone in the server may read
(shows, lists, history, calendar files) and may ask to represent a city; server admins create
coalitions (and, if /setup says so, a creator role or everyone); verified representatives act
for their own city (sign, withdraw, RSVP, join, leave, statements); the coalition's
coordinators and server admins manage the coalition (asks, actions, settings, members,
coordinators, letters, webhooks). Cities are shared by the server's coalitions, so a
coordinator of *any* coalition may add cities; but who speaks for a city is decided only by
coordinators of a coalition the city is in or asked to join, by admins, and, for a city in no
active coalition, by the verifier role chosen in /setup. Nobody but an admin verifies
themselves. A letter and its finalised versions are read by the coalition's coordinators,
admins and representatives of its member cities.

The callers are the kinds of tests/e2e/callers.py. The outsider runs every command in his own
server B (where he coordinates and represents), with server A's ids: "no" means refused or not
found, "ok" that it worked on B's own data; either way the reply names nothing of server A.

Each caller kind gets one running bot; every command is aimed at a freshly seeded coalition
(tests/e2e/callers.py) whenever the previous command changed something, and every refusal is
checked to have changed nothing at all. A row "command (case)" is one more case of a command.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from bot.services import asks, cities, letters
from bot.services.common import Actor
from tests.commands import registered_commands
from tests.e2e.callers import (
    CALLERS,
    Subject,
    caller_guild,
    caller_user,
    changes,
    messages,
    prepare_callers,
    seed_subject,
    shows_server_a,
    snapshot,
    when_in_2031,
)

# ok: the action happened / the data was shown.  no: one private refusal that says who may do
# it (or, for the outsider, that nothing was found), and nothing changed.  Commands whose first
# step is a form or a Confirm prompt are completed (form submitted, Confirm pressed) when
# allowed; "ok" then means the final step succeeded, "no" that the caller was refused before
# the form or prompt appeared.
MATRIX = """
command                             admin verifier coord other_coord rep other_rep pending stranger outsider
about                               ok    ok       ok    ok          ok  ok        ok      ok       ok
help                                ok    ok       ok    ok          ok  ok        ok      ok       ok
setup                               ok    no       no    no          no  no        no      no       no
setup (timezone)                    ok    no       no    no          no  no        no      no       no
city add                            ok    no       ok    ok          no  no        no      no       ok
city list                           ok    ok       ok    ok          ok  ok        ok      ok       ok
city show                           ok    ok       ok    ok          ok  ok        ok      ok       no
city represent                      ok    ok       ok    ok          ok  ok        ok      ok       no
city verify                         ok    no       ok    no          no  no        no      no       no
city verify (city asking to join)   ok    no       ok    no          no  no        no      no       no
city verify (city in no coalition)  ok    ok       no    no          no  no        no      no       no
city verify (themselves)            ok    no       no    no          no  no        no      no       no
city revoke                         ok    no       ok    no          no  no        no      no       no
city revoke (city asking to join)   ok    no       ok    no          no  no        no      no       no
city revoke (city in no coalition)  ok    ok       no    no          no  no        no      no       no
city edit                           ok    ok       no    no          no  no        no      no       no
city partners                       ok    ok       ok    ok          ok  ok        ok      ok       no
coalition create                    ok    no       no    no          no  no        no      no       no
coalition list                      ok    ok       ok    ok          ok  ok        ok      ok       ok
coalition show                      ok    ok       ok    ok          ok  ok        ok      ok       no
coalition join                      no    no       no    no          ok  no        no      no       no
coalition approve                   ok    no       ok    no          no  no        no      no       no
coalition reject                    ok    no       ok    no          no  no        no      no       no
coalition leave                     ok    no       ok    no          ok  no        no      no       no
coalition coordinators add          ok    no       ok    no          no  no        no      no       no
coalition coordinators remove       ok    no       ok    no          no  no        no      no       no
coalition archive                   ok    no       ok    no          no  no        no      no       no
coalition suggest                   ok    ok       ok    ok          ok  ok        ok      ok       no
coalition settings channel          ok    no       ok    no          no  no        no      no       no
coalition settings approval         ok    no       ok    no          no  no        no      no       no
coalition settings authority        ok    no       ok    no          no  no        no      no       no
coalition settings reminders        ok    no       ok    no          no  no        no      no       no
coalition settings digest           ok    no       ok    no          no  no        no      no       no
coalition settings timezone         ok    no       ok    no          no  no        no      no       no
coalition settings nudges           ok    no       ok    no          no  no        no      no       no
ask create                          ok    no       ok    no          no  no        no      no       no
ask list                            ok    ok       ok    ok          ok  ok        ok      ok       no
ask show                            ok    ok       ok    ok          ok  ok        ok      ok       no
ask sign                            no    no       no    no          ok  no        no      no       no
ask withdraw                        no    no       no    no          ok  no        no      no       no
ask signatories                     ok    ok       ok    ok          ok  ok        ok      ok       no
ask edit                            ok    no       ok    no          no  no        no      no       no
ask close                           ok    no       ok    no          no  no        no      no       no
ask reopen                          ok    no       ok    no          no  no        no      no       no
ask history                         ok    ok       ok    ok          ok  ok        ok      ok       no
ask goal                            ok    no       ok    no          no  no        no      no       no
ask nudge                           ok    no       ok    no          no  no        no      no       no
me show                             ok    ok       ok    ok          ok  ok        ok      ok       ok
me notifications                    ok    ok       ok    ok          ok  ok        ok      ok       ok
me timezone                         ok    ok       ok    ok          ok  ok        ok      ok       ok
action schedule                     ok    no       ok    no          no  no        no      no       no
action schedule (repeating)         ok    no       ok    no          no  no        no      no       no
action list                         ok    ok       ok    ok          ok  ok        ok      ok       no
action show                         ok    ok       ok    ok          ok  ok        ok      ok       no
action rsvp                         no    no       no    no          ok  no        no      no       no
action reschedule                   ok    no       ok    no          no  no        no      no       no
action cancel                       ok    no       ok    no          no  no        no      no       no
action ics                          ok    ok       ok    ok          ok  ok        ok      ok       no
action ics (coalition)              ok    ok       ok    ok          ok  ok        ok      ok       no
statement submit                    no    no       no    no          ok  no        no      no       no
statement show                      ok    ok       ok    ok          ok  ok        ok      ok       no
statement withdraw                  no    no       no    no          ok  no        no      no       no
letter settings                     ok    no       ok    no          no  no        no      no       no
letter preview                      ok    no       ok    no          no  no        no      no       no
letter authority                    ok    no       ok    no          no  no        no      no       no
letter export                       ok    no       ok    no          ok  ok        no      no       no
letter finalise                     ok    no       ok    no          no  no        no      no       no
letter versions                     ok    no       ok    no          ok  ok        no      no       no
webhook add                         ok    no       ok    no          no  no        no      no       no
webhook list                        ok    no       ok    no          no  no        no      no       no
webhook remove                      ok    no       ok    no          no  no        no      no       no
webhook test                        ok    no       ok    no          no  no        no      no       no
webhook resume                      ok    no       ok    no          no  no        no      no       no
pool create                         ok    no       ok    no          no  no        no      no       no
pool pledge                         no    no       no    no          ok  no        no      no       no
pool withdraw                       no    no       no    no          ok  no        no      no       no
pool show                           ok    ok       ok    ok          ok  ok        ok      ok       no
pool close                          ok    no       ok    no          no  no        no      no       no
pool export                         ok    no       ok    no          no  no        no      no       no
"""


def command_of(row: str) -> str:
    """ "city verify (themselves)" -> "city verify"."""
    return row.split(" (", 1)[0]


def parse_matrix(text: str) -> dict[str, dict[str, str]]:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    header = lines[0].split()
    assert tuple(header[1:]) == CALLERS
    table: dict[str, dict[str, str]] = {}
    for line in lines[1:]:
        words = line.split()
        cells = words[-len(CALLERS) :]
        assert set(cells) <= {"ok", "no"}, line
        table[" ".join(words[: -len(CALLERS)])] = dict(zip(CALLERS, cells, strict=True))
    return table


EXPECTED = parse_matrix(MATRIX)

# A refusal names who may do it (or whom to ask).
WHO_MAY = re.compile(r"Only |represent|verif", re.I)
# What the outsider hears about server A's ids.
NOT_FOUND = re.compile(r"^I can't find that \w+ in this (server|coalition)")

Options = Callable[[Any, Subject, str], dict[str, Any]]
Prepare = Callable[[Any, Subject], Awaitable[None]]


@dataclass(frozen=True)
class Row:
    options: Options
    ok: str  # a regular expression the caller's final reply matches when allowed
    changes: bool = False  # an allowed run writes to the database
    form: dict[str, str] | None = None  # the command opens a form; submitted with these values
    # The command answers with a prompt (buttons, selects): what the caller then does.
    follow: Callable[[Any, Any, Any], Awaitable[Any]] | None = None
    prepare: Prepare | None = None  # puts the subject in the state the command needs
    last: bool = False  # changes the caller's own standing (run after every other row)
    # Its change only adds something no later command looks at, so the next command may use
    # the same coalition (fewer seeds, a faster test).
    spoils: bool = True


def coalition(w: Any, s: Subject, who: str) -> dict[str, Any]:
    return {"coalition": str(s.coalition)}


def ask(w: Any, s: Subject, who: str) -> dict[str, Any]:
    return {"ask": str(s.ask)}


def action(w: Any, s: Subject, who: str) -> dict[str, Any]:
    return {"action": str(s.action)}


def hook(w: Any, s: Subject, who: str) -> dict[str, Any]:
    return {"coalition": str(s.coalition), "webhook": str(s.webhook)}


async def press_confirm(w: Any, prompt: Any, user: Any) -> Any:
    return await w.emu.click(prompt.message, label="Confirm", user=user)


async def pick_announcement_channel(w: Any, panel: Any, user: Any) -> Any:
    channel = w.channels["coalition"]
    return await w.emu.select(panel.message, values=[channel], user=user)


async def close_ask(w: Any, s: Subject) -> None:
    async with w.uow() as uow:
        await asks.close_ask(uow, Actor(w.guild.id, w.cora.id), s.ask)


async def finalise_letter(w: Any, s: Subject) -> None:
    async with w.uow() as uow:
        await letters.finalise(uow, Actor(w.guild.id, w.cora.id), ask_id=s.ask, now=w.clock.now())


async def give_joiner_a_region(w: Any, s: Subject) -> None:
    """Joinville n (not a member) becomes the first city of a region: a suggestion."""
    async with w.uow() as uow:
        admin = Actor(w.guild.id, w.ada.id, is_admin=True)
        await cities.edit_city(uow, admin, s.joiner, region=f"Region {s.n}")


async def pause_webhook(w: Any, s: Subject) -> None:
    from bot.db.models import Webhook

    async with w.uow() as uow:
        hook_row = await uow.session.get(Webhook, s.webhook)
        assert hook_row is not None
        hook_row.status = "paused"
        hook_row.paused_at = w.clock.now()


ROWS: dict[str, Row] = {
    "about": Row(lambda w, s, who: {}, ok="Coalition Bot"),
    "help": Row(lambda w, s, who: {}, ok="What you can do here"),
    "setup": Row(
        lambda w, s, who: {},
        follow=pick_announcement_channel,
        ok=r"Announcement channel\n<#\d+>",
        changes=True,
        spoils=False,
    ),
    "setup (timezone)": Row(
        lambda w, s, who: {"timezone": "Europe/Paris"},
        ok=r"Times typed in this server without a zone are now read in \*\*Europe/Paris\*\*",
        changes=True,
        spoils=False,
    ),
    "city add": Row(
        lambda w, s, who: {"name": f"Newtown {s.n} {who}", "country": "France"},
        ok=r"Added \*\*Newtown",
        changes=True,
        spoils=False,
    ),
    "city list": Row(lambda w, s, who: {"country": "France"}, ok=r"Cities \(\d+\)"),
    "city show": Row(lambda w, s, who: {"city": str(s.lyon)}, ok=r"Lyon \d+ \(France\)"),
    "city represent": Row(
        lambda w, s, who: {"city": str(s.free)},
        ok=r"Your request to represent Nowhere \d+ is pending",
        changes=True,
        spoils=False,
    ),
    "city edit": Row(
        lambda w, s, who: {"city": str(s.lyon), "population": 500_000 + s.n},
        ok=r"Corrected Lyon \d+'s profile: population \(empty\) → 500,\d{3}",
        changes=True,
        spoils=False,
    ),
    "city partners": Row(
        lambda w, s, who: {"city": str(s.lyon)},
        ok=r"Partners for Lyon \d+ \(best first, of \d+ cities\)",
    ),
    "city verify": Row(
        lambda w, s, who: {"city": str(s.lyon), "options": {"user": w.pat}, "title": "Mayor"},
        ok=r"is now a verified representative of Lyon \d+ as Mayor",
        changes=True,
    ),
    "city verify (city asking to join)": Row(
        lambda w, s, who: {"city": str(s.queued), "options": {"user": w.pat}},
        ok=r"is now a verified representative of Quimper \d+",
        changes=True,
    ),
    "city verify (city in no coalition)": Row(
        lambda w, s, who: {"city": str(s.free), "options": {"user": w.pat}},
        ok=r"is now a verified representative of Nowhere \d+",
        changes=True,
    ),
    # Each caller names themselves for a city they could otherwise handle.
    "city verify (themselves)": Row(
        lambda w, s, who: {
            "city": str(s.free if who == "verifier" else s.lyon),
            "options": {"user": caller_user(w, who)},
        },
        ok=r"is now a verified representative of (Lyon|Nowhere) \d+",
        changes=True,
    ),
    "city revoke": Row(
        lambda w, s, who: {"city": str(s.lyon), "options": {"user": w.lena}},
        ok=r"no longer represents Lyon",
        changes=True,
    ),
    "city revoke (city asking to join)": Row(
        lambda w, s, who: {"city": str(s.queued), "options": {"user": w.gus}},
        ok=r"no longer represents Quimper",
        changes=True,
    ),
    "city revoke (city in no coalition)": Row(
        lambda w, s, who: {"city": str(s.joiner), "options": {"user": w.lena}},
        ok=r"no longer represents Joinville",
        changes=True,
    ),
    "coalition create": Row(
        lambda w, s, who: {"name": f"New pact {who}", "kind": "peer_group"},
        ok=r"Created \*\*New pact",
        changes=True,
        last=True,  # the caller becomes a coordinator (and so may add cities)
    ),
    "coalition list": Row(lambda w, s, who: {}, ok=r"Pact \d+"),
    "coalition show": Row(coalition, ok=r"Member cities of Pact"),
    "coalition join": Row(
        lambda w, s, who: {"coalition": str(s.coalition), "city": str(s.joiner)},
        ok=r"Joinville \d+ asked to join Pact",
        changes=True,
    ),
    "coalition approve": Row(
        lambda w, s, who: {"coalition": str(s.coalition), "city": str(s.queued)},
        ok=r"Quimper \d+ is now a member",
        changes=True,
    ),
    "coalition reject": Row(
        lambda w, s, who: {"coalition": str(s.coalition), "city": str(s.queued)},
        ok=r"request to join Pact \d+ was turned down",
        changes=True,
    ),
    "coalition leave": Row(
        lambda w, s, who: {"coalition": str(s.coalition), "city": str(s.lyon)},
        ok=r"Lyon \d+ (left|was removed from) Pact",
        changes=True,
    ),
    "coalition coordinators add": Row(
        lambda w, s, who: {"coalition": str(s.coalition), "options": {"user": w.vic}},
        ok=r"is now a coordinator of Pact",
        changes=True,
        spoils=False,
    ),
    "coalition coordinators remove": Row(
        lambda w, s, who: {"coalition": str(s.coalition), "options": {"user": w.mia}},
        ok=r"no longer coordinates Pact",
        changes=True,
    ),
    "coalition archive": Row(
        coalition, follow=press_confirm, ok=r"is archived and read-only", changes=True
    ),
    "coalition suggest": Row(
        coalition,
        prepare=give_joiner_a_region,
        ok=r"Cities that would strengthen Pact \d+ \(3 members\)[\s\S]*\*\*Joinville \d+\*\*",
    ),
    "coalition settings channel": Row(
        lambda w, s, who: {
            "coalition": str(s.coalition),
            "options": {"channel": next(iter(caller_guild(w, who).channels.values()))},
        },
        ok=r"now announces in",
        changes=True,
        spoils=False,
    ),
    "coalition settings approval": Row(
        lambda w, s, who: {"coalition": str(s.coalition), "required": False},
        ok=r"can now join Pact \d+ without approval",
        changes=True,
    ),
    "coalition settings authority": Row(
        lambda w, s, who: {"coalition": str(s.coalition), "required": "yes"},
        ok=r"Sign-ons for Pact \d+ must now give their basis",
        changes=True,
    ),
    "coalition settings reminders": Row(
        lambda w, s, who: {"coalition": str(s.coalition), "offsets": "3d,1h"},
        ok=r"Reminders for Pact \d+ now go out",
        changes=True,
        spoils=False,
    ),
    "coalition settings digest": Row(
        lambda w, s, who: {
            "coalition": str(s.coalition),
            "weekday": "monday",
            "time": "09:00",
            "timezone": "Europe/Paris",
        },
        ok=r"Every Monday at 09:00",
        changes=True,
        spoils=False,
    ),
    "coalition settings timezone": Row(
        lambda w, s, who: {"coalition": str(s.coalition), "timezone": "Europe/Paris"},
        ok=r"Times typed for Pact \d+ without a zone are now read in \*\*Europe/Paris\*\*",
        changes=True,
        spoils=False,
    ),
    "coalition settings nudges": Row(
        lambda w, s, who: {"coalition": str(s.coalition), "days_before": 3},
        ok=r"3 days before each ask's deadline, I will nudge the member cities of Pact \d+",
        changes=True,
    ),
    "ask create": Row(
        coalition,
        form={"title": "Tree planting", "target": "Regional council", "text": "Plant trees."},
        ok=r'Created "Tree planting" in Pact',
        changes=True,
        spoils=False,
    ),
    "ask list": Row(coalition, ok=r"Car-free centres \d+\*\* — 1 of 2 signed"),
    "ask show": Row(ask, ok=r"Signatories of Car-free centres"),
    "ask sign": Row(
        lambda w, s, who: {"ask": str(s.fresh_ask), "city": str(s.lyon)},
        follow=press_confirm,
        ok=r'Done: Lyon \d+ signed "Safe school streets',
        changes=True,
    ),
    "ask withdraw": Row(
        lambda w, s, who: {"ask": str(s.ask), "reason": "Council vote", "city": str(s.lyon)},
        ok=r'Lyon \d+ withdrew from "Car-free centres',
        changes=True,
    ),
    "ask signatories": Row(ask, ok=r"Signed \(1\)"),
    "ask edit": Row(
        ask,
        form={"text": "We ask the Ministry for car-free centres and bike lanes."},
        ok=r'Edited "Car-free centres \d+" \(changed: text\)',
        changes=True,
    ),
    "ask close": Row(ask, ok=r"is closed: no more sign-ons", changes=True),
    "ask reopen": Row(ask, prepare=close_ask, ok=r"is open again", changes=True),
    "ask history": Row(ask, ok=r"created the ask"),
    "ask goal": Row(
        lambda w, s, who: {"ask": str(s.ask), "cities": 5, "regions": 2},
        ok=r'Goal set for "Car-free centres \d+" \(Pact \d+\):\n.* 1/5 cities',
        changes=True,
        spoils=False,
    ),
    "ask nudge": Row(
        lambda w, s, who: {"ask": str(s.ask), "message": "The council votes on Monday."},
        ok=r'Nudged 1 city about "Car-free centres \d+"',
        changes=True,
        spoils=False,
    ),
    "me show": Row(lambda w, s, who: {}, ok=r"Your settings in this server"),
    "me notifications": Row(
        lambda w, s, who: {"nudges": "off"},
        ok=r"Saved\. Your settings in this server[\s\S]*Nudges by DM .*\*\*off\*\*",
        changes=True,
        spoils=False,
    ),
    "me timezone": Row(
        lambda w, s, who: {"timezone": "Lisboa"},
        ok=r"Saved\. Your settings in this server[\s\S]*Time zone: \*\*Europe/Lisbon\*\*",
        changes=True,
        spoils=False,
    ),
    "action schedule": Row(
        lambda w, s, who: {
            "coalition": str(s.coalition),
            "title": "Hearing",
            "when": "2031-07-01 15:00",
            "timezone": "Europe/Paris",
            "kind": "hearing",
        },
        ok=r"Scheduled \*\*Hearing\*\* for Pact",
        changes=True,
        spoils=False,
    ),
    "action schedule (repeating)": Row(
        lambda w, s, who: {
            "coalition": str(s.coalition),
            "title": "Weekly call",
            "when": "2031-07-01 15:00",
            "timezone": "Europe/Paris",
            "kind": "meeting",
            "repeat": "weekly",
            "count": 3,
        },
        ok=r"Scheduled \*\*Weekly call\*\* for Pact[\s\S]*Repeats weekly on Tuesday",
        changes=True,
        spoils=False,
    ),
    "action list": Row(coalition, ok=r"\*\*Meeting \d+\*\*"),
    "action show": Row(action, ok=r"No answer 2"),
    "action rsvp": Row(
        lambda w, s, who: {"action": str(s.action), "response": "going", "city": str(s.lyon)},
        ok=r"Recorded for \*\*Lyon \d+\*\*: \*\*Going\*\*",
        changes=True,
    ),
    "action reschedule": Row(
        lambda w, s, who: {
            "action": str(s.action),
            "when": when_in_2031(s.n + 1),
            "timezone": "Europe/Paris",
        },
        ok=r"Moved \*\*Meeting \d+\*\*",
        changes=True,
    ),
    "action cancel": Row(
        lambda w, s, who: {"action": str(s.action), "reason": "Minister unavailable"},
        ok=r"Cancelled \*\*Meeting \d+\*\*",
        changes=True,
    ),
    "action ics": Row(action, ok=r"Add it to your calendar"),
    "action ics (coalition)": Row(
        lambda w, s, who: {"action": str(s.action), "scope": "coalition"},
        ok=r"Add it to your calendar",
    ),
    "statement submit": Row(
        lambda w, s, who: {"ask": str(s.ask), "city": str(s.lyon)},
        form={"statement": "Lyon supports car-free centres, from 2027 on."},
        ok=r"Saved Lyon \d+'s statement on .* \(version 2\)",
        changes=True,
    ),
    "statement show": Row(
        lambda w, s, who: {"ask": str(s.ask), "city": str(s.lyon)},
        ok=r"Lyon stands behind this",
    ),
    "statement withdraw": Row(
        lambda w, s, who: {"ask": str(s.ask), "city": str(s.lyon)},
        ok=r"Withdrew Lyon \d+'s statement",
        changes=True,
    ),
    "letter settings": Row(
        ask,
        form={"opening": "Dear Minister,"},
        ok=r"Saved the opening",
        changes=True,
        spoils=False,
    ),
    "letter preview": Row(ask, ok=r"Letter preview: Car-free centres"),
    "letter authority": Row(
        lambda w, s, who: {"ask": str(s.ask), "print": "yes"},
        ok=r"now prints each city's basis",
        changes=True,
    ),
    "letter export": Row(ask, ok=r"as it stands now: 1 signatory"),
    "letter finalise": Row(ask, ok=r"Finalised version 1 of the letter", changes=True),
    "letter versions": Row(ask, prepare=finalise_letter, ok=r"\*\*v1\*\* · .* 1 signatory"),
    "webhook add": Row(
        lambda w, s, who: {
            "coalition": str(s.coalition),
            "url": "http://127.0.0.1:9/new",
            "events": "sign_on",
        },
        ok=r"Webhook #\d+ added to \*\*Pact",
        changes=True,
        spoils=False,
    ),
    "webhook list": Row(coalition, ok=r"#\d+ · 127\.0\.0\.1"),
    "webhook remove": Row(hook, ok=r"Removed webhook #\d+", changes=True),
    "webhook test": Row(hook, ok=r"Sent a `ping` to webhook #\d+"),
    "webhook resume": Row(hook, prepare=pause_webhook, ok=r"is active again", changes=True),
    "pool create": Row(
        lambda w, s, who: {"coalition": str(s.coalition), "item": "Bikes", "unit": "bikes"},
        ok=r"Opened the pool \*\*Bikes\*\* \(bikes\) in Pact \d+",
        changes=True,
        spoils=False,
    ),
    "pool pledge": Row(
        lambda w, s, who: {"pool": str(s.pool), "quantity": 7, "city": str(s.lyon)},
        ok=r"Pledged 7 vehicles to Electric buses \d+ for Lyon \d+",
        changes=True,
    ),
    "pool withdraw": Row(
        lambda w, s, who: {"pool": str(s.pool), "reason": "Budget cut", "city": str(s.lyon)},
        ok=r"Lyon \d+ withdrew its pledge of 5 vehicles",
        changes=True,
    ),
    "pool show": Row(lambda w, s, who: {"pool": str(s.pool)}, ok=r"Lyon \d+: 5 vehicles"),
    "pool close": Row(
        lambda w, s, who: {"pool": str(s.pool)},
        ok=r"Closed the pool \*\*Electric buses \d+\*\*: 5 vehicles from 1 city",
        changes=True,
    ),
    "pool export": Row(
        lambda w, s, who: {"pool": str(s.pool)},
        ok=r"\*\*Electric buses \d+\*\* \(Pact \d+\): 1 city, 5 vehicles",
    ),
}


async def test_every_registered_command_has_a_row() -> None:
    registered = set(await registered_commands())
    commands = {command_of(row) for row in EXPECTED}
    assert commands == registered, (
        f"no row for {sorted(registered - commands)}; "
        f"rows for unknown commands {sorted(commands - registered)}"
    )
    assert set(ROWS) == set(EXPECTED)


async def run_row(world: Any, who: str, command: str, row: Row, subject: Subject) -> str:
    """Run one command as ``who``; return the outcome seen ("ok" or "no"), or a description
    of anything else (which fails the test)."""
    user = caller_user(world, who)
    options = row.options(world, subject, who)
    reply = await world.slash(
        command_of(command), user=user, guild=caller_guild(world, who), **options
    )
    if row.form is not None and reply.modal is not None:
        reply = await world.emu.submit_modal(reply, row.form, user=user)
    elif row.follow is not None and reply.message is not None and reply.message.components:
        reply = await row.follow(world, reply, user)
    seen = messages(reply)
    if reply.modal is not None:
        return "a form was left open"
    if len(seen) != 1 or not seen[0].ephemeral:
        return f"expected one private reply, got {[(m.ephemeral, m.text) for m in seen]}"
    text = seen[0].text
    if who == "outsider" and shows_server_a(text):
        return f"server B was shown server A's data: {text[:300]!r}"
    if re.search(row.ok, text):
        return "ok"
    if WHO_MAY.search(text) or (who == "outsider" and NOT_FOUND.search(text)):
        return "no"
    return f"unexpected reply: {text[:300]!r}"


@pytest.mark.parametrize("who", CALLERS)
async def test_permission_matrix(world, who: str) -> None:
    await prepare_callers(world)

    order = sorted(ROWS, key=lambda c: ROWS[c].last)
    n = 0
    subject = await seed_subject(world, n)
    before = await snapshot(world)
    problems: list[str] = []
    for command in order:
        row = ROWS[command]
        if row.prepare is not None:  # the subject is untouched here; set it up
            await row.prepare(world, subject)
            before = await snapshot(world)
        outcome = await run_row(world, who, command, row, subject)
        after = await snapshot(world)
        changed = changes(before, after)
        before = after
        if (changed and row.spoils) or row.prepare is not None:
            # The next command gets an untouched coalition.
            n += 1
            subject = await seed_subject(world, n)
            before = await snapshot(world)
        expected = EXPECTED[command][who]
        if outcome != expected:
            problems.append(f"/{command}: expected {expected}, got {outcome}")
        elif outcome == "no" and changed:
            problems.append(f"/{command}: refused but changed {changed}")
        elif outcome == "ok" and row.changes and not changed:
            problems.append(f"/{command}: said it worked but changed nothing")
        elif outcome == "ok" and not row.changes and changed:
            problems.append(f"/{command}: only reads, yet changed {changed}")
    assert not problems, f"as {who}:\n" + "\n".join(problems)
