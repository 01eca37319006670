"""Live posts (issue 14), through the local Discord: the new-ask announcement's progress
follows sign-ons and withdrawals; the action announcement shows the cities under each answer,
moves in place when rescheduled, and loses its buttons and footer when cancelled. Edits go
through the outbox, coalesced, one at a time per message."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from bot.db.models import Action, Ask
from bot.services import outbox
from tests.conftest import both_backends
from tests.e2e.world import World
from tests.seed import E2ESeed, seed_e2e

pytestmark = both_backends


def field(message: Any, name: str) -> str:
    for embed in message.embeds:
        for f in embed.get("fields") or []:
            if f["name"] == name:
                return str(f["value"])
    raise AssertionError(f"no field {name!r} in {message.embeds}")


def post_edits(world: World) -> int:
    return sum(r.startswith("PATCH /channels/") for r in world.emu.requests)


async def settle(world: World) -> None:
    """Let debounced edits fall due, and send them."""
    world.clock.advance(outbox.EDIT_DEBOUNCE.total_seconds() + 1)
    await world.bot.workers.outbox.drain()


async def ask_post(world: World, seed: E2ESeed) -> Any:
    form = await world.slash("ask create", user=world.cora, coalition=str(seed.coalition))
    await world.emu.submit_modal(form, {"title": "Quiet streets", "target": "Mayor", "text": "Go"})
    channel = world.channels["coalition"]
    await world.emu.wait_for(lambda: any(m.buttons() for m in world.emu.channel_messages(channel)))
    [post] = [m for m in world.emu.channel_messages(channel) if m.buttons()]
    return post


async def sign_with_the_button(world: World, post: Any, user: Any) -> None:
    opened = await world.emu.click(post, label="Sign for my city", user=user)
    await world.emu.click(opened.message, label="Confirm", user=user)


async def test_the_ask_post_progress_follows_sign_ons_and_withdrawals(world: World) -> None:
    seed = await seed_e2e(world, with_ask=False)
    post = await ask_post(world, seed)
    assert "0 of 3 member cities signed" in field(post, "Progress")
    before = post_edits(world)
    await sign_with_the_button(world, post, world.lena)
    await sign_with_the_button(world, post, world.gus)
    await settle(world)
    assert "2 of 3 member cities signed" in field(post, "Progress")
    assert 1 <= post_edits(world) - before <= 2  # two sign-ons, coalesced
    async with world.uow() as uow:
        ask_id = await uow.session.scalar(select(func.max(Ask.id)))
    await world.slash("ask withdraw", user=world.gus, ask=str(ask_id), reason="Council said no")
    await settle(world)
    assert "1 of 3 member cities signed" in field(post, "Progress")
    await world.slash("ask close", user=world.cora, ask=str(ask_id))
    await world.bot.workers.outbox.drain()
    assert [b["label"] for b in post.buttons()] == ["Read the full text"]
    assert "Closed: no more sign-ons." in field(post, "Status")


async def test_the_action_post_shows_answers_by_city_then_moves_and_cancels(
    world: World,
) -> None:
    seed = await seed_e2e(world)
    starts = world.clock.now() + timedelta(days=10)
    await world.slash(
        "action schedule",
        user=world.cora,
        coalition=str(seed.coalition),
        title="Meet the Minister",
        when=starts.strftime("%Y-%m-%d %H:%M"),
        timezone="UTC",
        kind="meeting",
    )
    channel = world.channels["coalition"]
    await world.emu.wait_for(lambda: any(m.embeds for m in world.emu.channel_messages(channel)))
    [post] = [m for m in world.emu.channel_messages(channel) if m.embeds]
    assert field(post, "No answer yet (3)") == "Grenoble, Lyon, Marseille"

    await world.emu.click(post, label="Going", user=world.lena)
    await world.emu.click(post, label="Maybe", user=world.gus)
    await settle(world)
    assert field(post, "Going (1)") == "Lyon"
    assert field(post, "Maybe (1)") == "Grenoble"
    assert field(post, "Not going (0)") == "—"
    assert field(post, "No answer yet (1)") == "Marseille"
    assert "answer for your city" in post.embeds[0]["footer"]["text"]

    async with world.uow() as uow:
        action_id = await uow.session.scalar(select(func.max(Action.id)))
    later = (starts + timedelta(days=1)).replace(second=0, microsecond=0)
    await world.slash(
        "action reschedule",
        user=world.cora,
        action=str(action_id),
        when=later.strftime("%Y-%m-%d %H:%M"),
        timezone="UTC",
    )
    await world.bot.workers.reminders.wait_idle()
    await world.bot.workers.outbox.drain()
    assert f"<t:{int(later.timestamp())}:F>" in post.embeds[0]["description"]
    assert [m for m in world.emu.channel_messages(channel) if m.embeds] == [post]  # in place
    assert field(post, "Going (1)") == "Lyon"  # the answers stand

    await world.slash("action cancel", user=world.cora, action=str(action_id), reason="Ill")
    await world.bot.workers.reminders.wait_idle()
    await world.bot.workers.outbox.drain()
    assert post.embeds[0]["title"].startswith("Cancelled: Meet the Minister")
    assert post.buttons() == []
    assert "footer" not in post.embeds[0] or not post.embeds[0]["footer"]
