"""Pooled procurement seen from Discord: a pool announced with a Pledge button, three pledges
(one changed with the form, one withdrawn), closed at its deadline across a restart exactly
once, exported as a CSV a spreadsheet opens; reminders and nudges before the deadline."""

from __future__ import annotations

import copy
import csv
import io
from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.db.models import Pledge, Pool
from bot.services import outbox
from tests.conftest import both_backends
from tests.e2e.test_actions import (  # noqa: F401  (restart is a fixture)
    in_days,
    restart,
    take_refused_dms,
)
from tests.e2e.test_letters import modal_values, one_private_message
from tests.e2e.world import World
from tests.seed import E2ESeed, seed_e2e


async def open_pool(world: World, seed: E2ESeed, days: float = 10) -> Any:
    reply = await world.slash(
        "pool create",
        user=world.cora,
        coalition=str(seed.coalition),
        item="12 m electric buses",
        unit="vehicles",
        deadline=in_days(world, days),
        timezone="UTC",
    )
    return one_private_message(reply)


def pool_posts(world: World) -> list[Any]:
    return [
        m
        for m in world.emu.channel_messages(world.channels["coalition"])
        if any(e.get("title", "").startswith("Pool: ") for e in m.embeds)
        or "Pool closed" in m.content
    ]


async def only_pool_id(world: World) -> int:
    async with world.uow() as uow:
        return int(await uow.session.scalar(select(Pool.id)))  # type: ignore[arg-type]


async def pledge_with_the_form(world: World, announcement: Any, user: Any, quantity: str) -> Any:
    opened = await world.emu.click(announcement, label="Pledge", user=user)
    assert opened.modal is not None, opened.text
    done = await world.emu.submit_modal(
        opened, {"quantity": quantity, "note": "Two depots"}, user=user
    )
    return opened, one_private_message(done)


@both_backends
async def test_three_pledges_closed_at_the_deadline_across_a_restart_once_and_exported(
    world: World,
    restart,  # noqa: F811
) -> None:
    seed = await seed_e2e(world)
    created = await open_pool(world, seed)
    assert "Opened the pool **12 m electric buses** (vehicles)" in created.text
    assert f"Announced in <#{world.channels['coalition'].id}> with a Pledge button" in created.text
    [announcement] = pool_posts(world)
    assert [b["label"] for b in announcement.buttons()] == ["Pledge"]
    pool_id = await only_pool_id(world)

    opened, first = await pledge_with_the_form(world, announcement, world.lena, "20")
    assert "Pledge for Lyon" in opened.modal["title"]
    assert "Pledged 20 vehicles to 12 m electric buses for Lyon" in first.text
    gus = await world.slash("pool pledge", user=world.gus, pool=str(pool_id), quantity=5)
    assert "totals 25 vehicles from 2 cities" in one_private_message(gus).text
    mia = await world.slash(
        "pool pledge", user=world.mia, pool=str(pool_id), quantity=8, note="=1+2"
    )
    assert "for Marseille" in one_private_message(mia).text
    # Lena changes Lyon's pledge: the form opens on the live pledge.
    reopened = await world.emu.click(announcement, label="Pledge", user=world.lena)
    assert modal_values(reopened) == {"quantity": "20", "note": "Two depots"}
    changed = one_private_message(
        await world.emu.submit_modal(
            reopened, {"quantity": "25", "note": "Two depots"}, user=world.lena
        )
    )
    assert "Pledged 25 vehicles" in changed.text and "(was 20;" in changed.text
    withdrawn = await world.slash(
        "pool withdraw", user=world.gus, pool=str(pool_id), reason="Budget postponed"
    )
    assert "Grenoble withdrew its pledge of 5 vehicles" in one_private_message(withdrawn).text
    shown = one_private_message(await world.slash("pool show", user=world.sam, pool=str(pool_id)))
    [embed] = shown.embeds
    assert "**Total:** 33 vehicles from 2 cities" in embed["description"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Pledges (2)"] == "Lyon: 25 vehicles\nMarseille: 8 vehicles"
    assert fields["Member cities not pledged (1)"] == "Grenoble"

    # A client that has not refreshed yet still shows the button after the close.
    stale = replace(announcement, components=copy.deepcopy(announcement.components))
    # The bot is down when the deadline passes; it closes the pool once when it is back.
    await world.bot.close()
    world.clock.advance(timedelta(days=10, hours=3))
    await restart()
    await world.bot.workers.reminders.wait_idle()  # the start-up sweep
    await world.bot.workers.outbox.drain()
    await world.bot.workers.reminders.sweep()
    await world.bot.workers.outbox.drain()
    closed = [m for m in pool_posts(world) if "Pool closed" in m.content]
    assert len(closed) == 1
    assert "Pool closed at its deadline: 12 m electric buses" in closed[0].content
    assert "Total: **33 vehicles** from 2 cities" in closed[0].content
    assert closed[0].allowed_mentions == {"parse": []}
    assert take_refused_dms(world) == 0  # the late reminders sent nothing after the deadline
    # The announcement was edited: the result, and no Pledge button any more.
    assert announcement.buttons() == []
    assert "**Result:** 33 vehicles from 2 cities" in announcement.embeds[0]["description"]
    assert "Closed at its deadline" in announcement.embeds[0]["description"]
    late = await world.emu.click(stale, label="Pledge", user=world.gus)
    assert "is closed" in one_private_message(late).text
    async with world.uow() as uow:
        history = (await uow.session.scalars(select(Pledge).order_by(Pledge.id))).all()
    assert [(p.quantity, p.end_kind) for p in history] == [
        (20, "changed"),
        (5, "withdrawn"),
        (8, None),
        (25, None),
    ]

    exported = one_private_message(
        await world.slash("pool export", user=world.cora, pool=str(pool_id), format="csv")
    )
    [(name, content)] = exported.files
    assert name.startswith("12-m-electric-buses-") and name.endswith(".csv")
    raw = content if isinstance(content, bytes) else content.encode()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert table[0] == ["City", "Country", "Quantity", "Note", "Representative", "Date"]
    assert [row[:4] for row in table[1:]] == [
        ["Lyon", "France", "25", "Two depots"],
        ["Marseille", "France", "8", "'=1+2"],
    ]
    assert table[1][4] == "lena (Deputy Mayor for Climate)" and table[2][4] == "mia (Mayor)"
    assert "2 cities, 33 vehicles in total" in exported.text
    refused = one_private_message(
        await world.slash("pool export", user=world.lena, pool=str(pool_id))
    )
    assert not refused.files and "Only coordinators of Alpine Climate Pact" in refused.text


async def test_before_the_deadline_coordinators_are_reminded_and_cities_nudged(
    world: World,
) -> None:
    seed = await seed_e2e(world)
    await open_pool(world, seed, days=10)
    pool_id = await only_pool_id(world)
    await world.slash("pool pledge", user=world.lena, pool=str(pool_id), quantity=3)
    world.clock.advance(timedelta(days=3, minutes=1))  # 7 days before
    await world.bot.workers.reminders.run_due()
    await world.bot.workers.outbox.drain()
    [summary] = world.emu.dms(world.cora)
    assert "closes" in summary.text and "7 days left" in summary.text
    assert "**Not pledged yet (2):** Grenoble, Marseille" in summary.text
    [nudge] = world.emu.dms(world.gus)
    assert nudge.text.startswith("📦 Grenoble has not pledged to the pool **12 m electric buses**")
    assert world.emu.dms(world.lena) == []  # Lyon pledged
    # Mia's DMs are closed: she is mentioned once in the coalition's channel instead.
    channel = world.emu.channel_messages(world.channels["coalition"])
    fallback = [m for m in channel if m.content.startswith(world.mia.mention)]
    assert len(fallback) == 1 and "Marseille has not pledged" in fallback[0].content
    assert take_refused_dms(world) == 1
    await world.bot.workers.reminders.run_due()
    await world.bot.workers.outbox.drain()
    assert len(world.emu.dms(world.cora)) == 1 and len(world.emu.dms(world.gus)) == 1


async def test_a_pool_without_a_channel_or_deadline_and_a_coordinator_closing_it(
    world: World,
) -> None:
    seed = await seed_e2e(world)
    reply = await world.slash(
        "pool create",
        user=world.cora,
        coalition=str(seed.coalition),
        item="Heat pumps",
        unit="units",
    )
    assert "Open until a coordinator closes it" not in one_private_message(reply).text
    pool_id = await only_pool_id(world)
    await world.slash("pool pledge", user=world.gus, pool=str(pool_id), quantity=40)
    refused = await world.slash("pool close", user=world.lena, pool=str(pool_id))
    assert "Only coordinators of Alpine Climate Pact" in one_private_message(refused).text
    done = one_private_message(await world.slash("pool close", user=world.cora, pool=str(pool_id)))
    assert "Closed the pool **Heat pumps**: 40 units from 1 city" in done.text
    await world.bot.workers.outbox.drain()
    [post] = [m for m in pool_posts(world) if "Pool closed" in m.content]
    assert "Pool closed by a coordinator: Heat pumps" in post.content
    again = await world.slash("pool close", user=world.cora, pool=str(pool_id))
    assert "already closed" in one_private_message(again).text
    shown = one_private_message(await world.slash("pool show", user=world.sam, pool=str(pool_id)))
    assert "Closed by <@" in shown.embeds[0]["description"]


async def test_a_pool_opened_and_closed_while_discord_fails_is_announced_once_closed(
    world: World,
) -> None:
    """The announcement goes through the outbox: queued with the pool, it outlives an outage
    of the channel, and, rendered when it is finally sent, shows the pool as it is then."""
    seed = await seed_e2e(world)
    channel = world.channels["coalition"]
    world.emu.server_error("POST", rf"^/channels/{channel.id}/messages$", times=10**6, status=503)
    created = await open_pool(world, seed)
    assert "goes out as soon as it does" in created.text
    assert "/pool pledge meanwhile" in created.text
    pool_id = await only_pool_id(world)
    await world.slash("pool pledge", user=world.gus, pool=str(pool_id), quantity=40)
    done = one_private_message(await world.slash("pool close", user=world.cora, pool=str(pool_id)))
    assert "Closed the pool **12 m electric buses**: 40 vehicles from 1 city" in done.text
    await world.bot.workers.outbox.drain()
    assert pool_posts(world) == []
    world.emu.end_server_errors()
    world.clock.advance(outbox.MAX_DELAY)
    await world.bot.workers.outbox.drain()
    announcement, closed = pool_posts(world)
    assert announcement.buttons() == []  # closed before it went out: no Pledge button
    description = announcement.embeds[0]["description"]
    assert "**Result:** 40 vehicles from 1 city" in description
    assert "Pool closed by a coordinator: 12 m electric buses" in closed.content
    await world.bot.workers.outbox.drain()
    assert len(pool_posts(world)) == 2
    async with world.uow() as uow:
        left = await outbox.backlog(uow, guild_id=world.guild.id)
    assert left.size == 0
