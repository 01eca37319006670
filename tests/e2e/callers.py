"""Shared by the permission-matrix and server-isolation tests: a small world of entities built
through the services, a snapshot of every table, and reading one reply.

``seed_subject`` builds, in one server, a coalition with everything a command can point at:

- coalition "Pact n" (coordinators cora and mia; announcements in the coalition channel), with
  joining by approval;
- Lyon n (lena, verified; pat asked and waits) and Grenoble n (gus) are active members;
  Joinville n (lena verified, pat waiting) is not a member; Quimper n (gus) asked to join and
  waits for approval; Nowhere n has no representative at all;
- ask A (Lyon signed it and wrote a statement) and ask B (nobody signed);
- an action in June 2031 and a webhook (to 127.0.0.1:9, which refuses connections);
- a demand pool "Electric buses n" (no deadline) to which Lyon pledged 5 vehicles.

``prepare_callers`` then gives every kind of caller (``CALLERS``) its standing, once per world:
olga coordinates "Olga's network" (another coalition of server A); vera holds the server's
verifier role, chosen through the /setup service; otto is a member of server B only, where he
coordinates B's own "Pact 900" and represents its Lyon 900 (the same kind of world, so a check
that forgot the server would let him through). ``caller_user`` and ``caller_guild`` say who
runs a command and where.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass
from typing import Any

import bot.db.models  # noqa: F401  (registers every table on Base.metadata)
from bot.db.base import Base
from bot.services import (
    actions,
    asks,
    cities,
    coalitions,
    onboarding,
    pools,
    statements,
    webhooks,
)
from bot.services.common import Actor
from tests.seed import sign_on

# Every kind of caller, from the most to the least trusted in server A.
CALLERS = (
    "admin",  # ada: Manage Server
    "verifier",  # vera: a plain member with the server's verifier role (/setup)
    "coord",  # cora: coordinates Pact n
    "other_coord",  # olga: coordinates another coalition of this server
    "rep",  # lena: represents Lyon n
    "other_rep",  # gus: represents Grenoble n, a member of the same coalition
    "pending",  # pat: asked to represent Lyon n; not verified
    "stranger",  # sam: a plain member
    "outsider",  # otto: a member of server B only (coordinator and representative there)
)
OUTSIDE_N = 900  # server B's subject: "Pact 900", "Lyon 900", ...

# Columns the bot's background runtimes (reminders, webhook deliveries, command sync) update
# on their own; a command's effect is judged on everything else.
VOLATILE: dict[str, set[str]] = {
    "bot_state": {"*"},
    "reminder_notifications": {"*"},
    "reminders": {"status", "lease_until", "claimed_by", "attempts", "late", "sent_at", "detail"},
    "webhooks": {"consecutive_failures", "last_status", "last_delivery_at"},
    "webhook_deliveries": {
        "status",
        "attempts",
        "next_attempt_at",
        "lease_until",
        "last_status_code",
        "last_error",
        "delivered_at",
        "coordinators_notified_at",
    },
    "digests": {"last_sent_at"},
    # The outbox worker sends what a seed or an earlier command queued while later commands
    # run; what a command queues still shows as new rows.
    "outbox_messages": {
        "status",
        "attempts",
        "next_attempt_at",
        "lease_until",
        "claimed_by",
        "message_id",
        "last_error",
        "finished_at",
    },
    # Written by the outbox worker once the action's announcement is posted.
    "actions": {"announcement_channel_id", "announcement_message_id"},
}

Snapshot = dict[str, Counter[tuple[Any, ...]]]


async def snapshot(world: Any) -> Snapshot:
    """Every row of every table (volatile columns left out): equal means unchanged."""
    # Raw values, no type conversion: only equality matters, and it is much faster.
    queries = {name: f'SELECT {cols} FROM "{name}"' for name, cols in _columns().items()}
    url = world.bot.settings.url
    if url.get_backend_name() == "sqlite" and url.database:
        # A plain connection to the same file (WAL: it sees every commit) spares the async
        # driver's thread hop per query.
        with contextlib.closing(sqlite3.connect(url.database)) as db:
            return {name: Counter(db.execute(q).fetchall()) for name, q in queries.items()}
    out: Snapshot = {}
    async with world.uow() as uow:
        conn = await uow.session.connection()
        for name, query in queries.items():
            rows = (await conn.exec_driver_sql(query)).all()
            out[name] = Counter(tuple(r) for r in rows)
    return out


def _columns() -> dict[str, str]:
    out = {}
    for table in Base.metadata.sorted_tables:
        skip = VOLATILE.get(table.name, set())
        if "*" not in skip:
            out[table.name] = ", ".join(f'"{c.name}"' for c in table.columns if c.name not in skip)
    return out


def changes(before: Snapshot, after: Snapshot) -> list[str]:
    """Tables whose rows differ, with the row counts: ["sign_ons 3->4", ...]."""
    return [
        f"{name} {before[name].total()}->{rows.total()}"
        for name, rows in after.items()
        if rows != before[name]
    ]


def messages(inter: Any) -> list[Any]:
    """What the caller saw: the response message and any followups."""
    return ([inter.message] if inter.message else []) + list(inter.followups)


@dataclass
class Cast:
    """What ``prepare_callers`` set up: the verifier role (server A) and server B's subject."""

    verifier_role: Any
    outside: Subject


async def prepare_callers(world: Any) -> Cast:
    """Give every kind in ``CALLERS`` its standing (see the module docstring). Idempotent."""
    made: Cast | None = world.__dict__.get("_cast")
    if made is not None:
        return made
    from tests.e2e.world import MEMBER_PERMISSIONS

    emu, a, b = world.emu, world.guild, world.other_guild
    role = a.add_role("Verifiers")
    vera = emu.add_user("vera")
    a.add_member(vera, permissions=MEMBER_PERMISSIONS, roles=[role])
    otto = emu.add_user("otto")
    b.add_member(otto, permissions=MEMBER_PERMISSIONS)
    world.users.update(vera=vera, otto=otto)
    async with world.uow() as uow:
        await onboarding.set_verifier_role(uow, Actor(a.id, world.ada.id, is_admin=True), role.id)
        olga = Actor(a.id, world.olga.id, is_admin=True)  # as if allowed to create
        await coalitions.create_coalition(uow, olga, name="Olga's network", kind="peer group")
    outside = await seed_subject(world, OUTSIDE_N, guild=b)
    async with world.uow() as uow:
        b_admin = Actor(b.id, world.bea.id, is_admin=True)
        await coalitions.add_coordinator(
            uow, b_admin, coalition_id=outside.coalition, user_id=otto.id
        )
        await cities.verify_representative(uow, b_admin, city_id=outside.lyon, user_id=otto.id)
    made = Cast(verifier_role=role, outside=outside)
    world.__dict__["_cast"] = made
    return made


def caller_user(world: Any, who: str) -> Any:
    """The user behind a caller kind (``prepare_callers`` must have run for vera and otto)."""
    name = {
        "admin": "ada",
        "verifier": "vera",
        "coord": "cora",
        "other_coord": "olga",
        "rep": "lena",
        "other_rep": "gus",
        "pending": "pat",
        "stranger": "sam",
        "outsider": "otto",
    }[who]
    return world.users[name]


def caller_guild(world: Any, who: str) -> Any:
    """Where the caller runs commands: server B for the outsider, server A for everyone else."""
    return world.other_guild if who == "outsider" else world.guild


def shows_subject(text: str, subject: Subject) -> bool:
    """Does ``text`` name anything of ``subject`` (server A's coalition n and its contents)?"""
    names = "Pact|Lyon|Grenoble|Joinville|Quimper|Nowhere|Car-free centres|Safe school streets"
    names += "|Electric buses"
    return bool(re.search(rf"\b(?:{names}|Meeting) {subject.n}\b|Olga's network", text, re.I))


def shows_server_a(text: str) -> bool:
    """Does ``text`` name anything seeded in server A (any coalition n but server B's)?"""
    names = "Pact|Lyon|Grenoble|Joinville|Quimper|Nowhere|Car-free centres|Safe school streets"
    names += "|Electric buses"
    return bool(
        re.search(rf"\b(?:{names}|Meeting) (?!{OUTSIDE_N}\b)\d+\b|Olga's network", text, re.I)
    )


@dataclass
class Subject:
    n: int
    coalition: int
    lyon: int
    grenoble: int
    joiner: int  # lena represents it; not a member yet
    queued: int  # asked to join (gus), waiting for approval
    free: int  # nobody represents it
    ask: int  # signed by Lyon, with Lyon's statement
    fresh_ask: int  # nobody signed
    action: int
    webhook: int
    pool: int = 0  # Lyon pledged 5 vehicles


def when_in_2031(n: int) -> str:
    return f"2031-06-{1 + n % 28:02d} 10:00"


async def seed_subject(world: Any, n: int, *, guild: Any = None) -> Subject:
    """See the module docstring. ``guild`` defaults to server A (roles are the same users)."""
    guild = guild or world.guild
    g = guild.id
    admin = Actor(g, world.ada.id, is_admin=True)
    cora, lena, gus, pat = (Actor(g, u.id) for u in (world.cora, world.lena, world.gus, world.pat))
    channel = (
        world.channels["coalition"] if guild is world.guild else next(iter(guild.channels.values()))
    )
    async with world.uow() as uow:
        c = await coalitions.create_coalition(
            uow,
            Actor(g, world.cora.id, is_admin=True),  # as if allowed to create coalitions
            name=f"Pact {n}",
            kind="city partnership",
            channel_id=channel.id,
        )
        await coalitions.add_coordinator(uow, cora, coalition_id=c.id, user_id=world.mia.id)
        ids: dict[str, int] = {}
        for key, name in [
            ("lyon", "Lyon"),
            ("grenoble", "Grenoble"),
            ("joiner", "Joinville"),
            ("queued", "Quimper"),
            ("free", "Nowhere"),
        ]:
            city = await cities.add_city(uow, admin, name=f"{name} {n}", country="France")
            ids[key] = city.id
        for who, key, title in [
            (lena, "lyon", "Deputy Mayor for Climate"),
            (lena, "joiner", None),
            (gus, "grenoble", "Climate Officer"),
            (gus, "queued", None),
        ]:
            await cities.verify_representative(
                uow, admin, city_id=ids[key], user_id=who.user_id, title=title
            )
        for key in ("lyon", "joiner"):
            await cities.request_representation(uow, pat, ids[key])
        await coalitions.join_coalition(uow, lena, coalition_id=c.id, city_id=ids["lyon"])
        await coalitions.join_coalition(uow, gus, coalition_id=c.id, city_id=ids["grenoble"])
        await coalitions.set_approval(uow, cora, coalition_id=c.id, required=True)
        await coalitions.join_coalition(uow, gus, coalition_id=c.id, city_id=ids["queued"])
        made = []
        for title in (f"Car-free centres {n}", f"Safe school streets {n}"):
            a = await asks.create_ask(
                uow,
                cora,
                coalition_id=c.id,
                title=title,
                target="Ministry of Ecological Transition",
                text=f"We ask the Ministry for {title.lower()}.",
            )
            made.append(a.id)
        await sign_on(uow, lena, ask_id=made[0], city_id=ids["lyon"])
        await statements.submit(
            uow,
            lena,
            ask_id=made[0],
            city_id=ids["lyon"],
            body="Lyon stands behind this.",
            signatory_name="Lena",
        )
        scheduled = await actions.schedule_action(
            uow,
            cora,
            coalition_id=c.id,
            title=f"Meeting {n}",
            when=when_in_2031(n),
            timezone="Europe/Paris",
            kind="meeting",
        )
        hook = await webhooks.add_webhook(
            uow,
            cora,
            coalition_id=c.id,
            url=f"http://127.0.0.1:9/hook-{n}",
            events="ask_closed",
            allow_private=True,
        )
        pool = await pools.create_pool(
            uow, cora, coalition_id=c.id, item=f"Electric buses {n}", unit="vehicles"
        )
        await pools.pledge(uow, lena, pool_id=pool.pool.id, quantity=5, city_id=ids["lyon"])
    return Subject(
        n=n,
        coalition=c.id,
        lyon=ids["lyon"],
        grenoble=ids["grenoble"],
        joiner=ids["joiner"],
        queued=ids["queued"],
        free=ids["free"],
        ask=made[0],
        fresh_ask=made[1],
        action=scheduled.action.id,
        webhook=hook.id,
        pool=pool.pool.id,
    )
