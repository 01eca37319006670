"""A city that leaves a coalition: its signatures end as "left", stop counting, and are not
revived when it rejoins (it signs again). Webhooks hear of each as a withdrawal."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.db.models import SignOn, Webhook, WebhookDelivery
from bot.errors import PermissionDenied
from bot.services import asks, coalitions, letters
from bot.services.common import Actor
from tests.conftest import both_backends
from tests.seed import sign_on
from tests.services.conftest import ADMIN, COORD, GUILD, REP_GRENOBLE, REP_LYON, World, run

pytestmark = both_backends

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


async def _listen(world: World, events: str = "withdrawal") -> None:
    async with world.uow() as uow:
        uow.session.add(
            Webhook(
                guild_id=GUILD,
                coalition_id=world.rhone,
                url="https://example.org/hook",
                events=events,
                secret="s",
                created_by=COORD.user_id,
            )
        )


async def _bodies(world: World, event_type: str) -> list[dict]:
    async with world.uow() as uow:
        rows = (
            await uow.session.scalars(
                select(WebhookDelivery)
                .where(WebhookDelivery.event_type == event_type)
                .order_by(WebhookDelivery.id)
            )
        ).all()
    return [json.loads(r.body) for r in rows]


async def _sign_ons(world: World, city_id: int) -> list[SignOn]:
    async with world.uow() as uow:
        return list(
            (
                await uow.session.scalars(
                    select(SignOn).where(SignOn.city_id == city_id).order_by(SignOn.id)
                )
            ).all()
        )


async def test_leaving_ends_the_signature_as_left_and_rejoining_does_not_revive_it(
    world: World,
) -> None:
    await world(sign_on, REP_LYON, ask_id=world.ask)
    await world(sign_on, REP_GRENOBLE, ask_id=world.ask)
    await world(letters.finalise, COORD, ask_id=world.ask, now=NOW)
    await _listen(world)

    left = await world(coalitions.leave_coalition, REP_LYON, coalition_id=world.rhone)
    assert (left.status, left.ended_sign_ons) == ("left", 1)

    [row] = await _sign_ons(world, world.lyon)
    assert row.end_kind == "left" and row.withdrawn_at is not None
    assert row.withdrawn_by == REP_LYON.user_id
    sig = await world(asks.signatories, ADMIN, world.ask)
    assert [s.city_name for s in sig.signed] == ["Grenoble"] and (sig.signed_count, sig.total) == (
        1,
        1,
    )
    assert [(x.city_name, x.signed_by, x.ended_by, x.member) for x in sig.left] == [
        ("Lyon", REP_LYON.user_id, REP_LYON.user_id, False)
    ]
    assert sig.withdrawn == [] and sig.missing == []
    [event] = [e for e in await world(asks.history, ADMIN, world.ask) if e.kind == "left"]
    assert (event.city_name, event.user_id, event.version) == ("Lyon", REP_LYON.user_id, 1)
    assert "Lyon left Rhône Climate" in (event.detail or "")
    # Webhooks hear of it as a withdrawal that says how it ended.
    [body] = await _bodies(world, "withdrawal")
    data = body["data"]
    assert data["end_kind"] == "left" and data["city"]["name"] == "Lyon"
    assert data["ask"]["id"] == str(world.ask) and data["user_id"] == str(REP_LYON.user_id)
    # Nothing left to withdraw: the city is out, and its signature already stopped counting.
    with pytest.raises(PermissionDenied, match="Lyon is not a member"):
        await world(asks.withdraw, REP_LYON, ask_id=world.ask, reason="gone")

    # Rejoining does not revive the old signature.
    await world(coalitions.join_coalition, REP_LYON, coalition_id=world.rhone)
    detail = await world(asks.show_ask, ADMIN, world.ask)
    assert (detail.signed, detail.total) == (1, 2)
    assert [(x.city_name, x.member) for x in detail.signatories.left] == [("Lyon", True)]
    assert detail.signatories.missing == []
    listed = (await world(asks.list_asks, ADMIN, coalition_id=world.rhone))[0]
    assert (listed.signed, listed.total) == (1, 2)
    preview = await world(letters.preview, COORD, ask_id=world.ask, today=NOW.date())
    assert "Lyon" not in preview.file.text and preview.not_signed == ["Lyon"]
    # The finalised letter of before keeps its signatories.
    frozen = await world(letters.export, COORD, ask_id=world.ask, version=1, today=NOW.date())
    assert "Lyon" in frozen.text and frozen.signatory_count == 2

    # It signs again: a new sign-on, counted; the old one stays on record as left.
    prompt = await world(asks.prepare_sign, REP_LYON, ask_id=world.ask)
    assert not prompt.needs_reconfirmation
    again = await world(sign_on, REP_LYON, ask_id=world.ask)
    assert (again.signed, again.total, again.reconfirmed) == (2, 2, False)
    sig = await world(asks.signatories, ADMIN, world.ask)
    assert [s.city_name for s in sig.signed] == ["Grenoble", "Lyon"] and sig.left == []
    assert [r.end_kind for r in await _sign_ons(world, world.lyon)] == ["left", None]
    kinds = [e.kind for e in await world(asks.history, ADMIN, world.ask)]
    assert kinds == ["created", "signed", "signed", "left", "signed"]


async def test_a_city_removed_by_a_coordinator_stops_counting_on_every_ask(world: World) -> None:
    second = await world(
        asks.create_ask, COORD, coalition_id=world.rhone, title="Trees", target="T", text="x"
    )
    await world(sign_on, REP_GRENOBLE, ask_id=world.ask)
    await world(sign_on, REP_GRENOBLE, ask_id=second.id)
    await world(asks.close_ask, COORD, second.id)  # a closed ask's signature ends too
    await _listen(world)
    removed = await world(
        coalitions.leave_coalition, COORD, coalition_id=world.rhone, city_id=world.grenoble
    )
    assert (removed.status, removed.ended_sign_ons) == ("removed", 2)
    rows = await _sign_ons(world, world.grenoble)
    assert [(r.end_kind, r.withdrawn_by) for r in rows] == [("left", COORD.user_id)] * 2
    for ask_id in (world.ask, second.id):
        sig = await world(asks.signatories, ADMIN, ask_id)
        assert sig.signed == [] and [x.city_name for x in sig.left] == ["Grenoble"]
        [event] = [e for e in await world(asks.history, ADMIN, ask_id) if e.kind == "left"]
        assert event.user_id == COORD.user_id
        assert "Grenoble was removed from Rhône Climate" in (event.detail or "")
    bodies = await _bodies(world, "withdrawal")
    assert sorted(b["data"]["ask"]["id"] for b in bodies) == sorted(
        [str(world.ask), str(second.id)]
    )
    assert {b["data"]["end_kind"] for b in bodies} == {"left"}
    # Leaving with nothing signed ends nothing and tells no webhook.
    out = await world(coalitions.leave_coalition, REP_LYON, coalition_id=world.rhone)
    assert out.ended_sign_ons == 0 and len(await _bodies(world, "withdrawal")) == 2


async def test_a_withdrawn_then_left_city_keeps_its_withdrawal(world: World) -> None:
    await world(sign_on, REP_LYON, ask_id=world.ask)
    await world(asks.withdraw, REP_LYON, ask_id=world.ask, reason="Council vote")
    left = await world(coalitions.leave_coalition, REP_LYON, coalition_id=world.rhone)
    assert left.ended_sign_ons == 0
    await world(coalitions.join_coalition, REP_LYON, coalition_id=world.rhone)
    sig = await world(asks.signatories, ADMIN, world.ask)
    assert [w.reason for w in sig.withdrawn] == ["Council vote"] and sig.left == []


async def test_a_sign_on_racing_a_leave_never_outlives_the_membership(world: World) -> None:
    """Sign and leave at the same moment, many times: whichever wins, no live sign-on of a
    city outside the coalition remains (it would count again when the city rejoins)."""
    for _ in range(6):
        prompt = await world(asks.prepare_sign, REP_LYON, ask_id=world.ask)

        async def sign(version: int = prompt.version) -> object:
            try:
                return await run(
                    world.uow,
                    asks.confirm_sign,
                    REP_LYON,
                    ask_id=world.ask,
                    city_id=world.lyon,
                    version=version,
                )
            except PermissionDenied as exc:  # the leave won: not a member any more
                return exc

        async def leave() -> object:
            return await run(
                world.uow, coalitions.leave_coalition, REP_LYON, coalition_id=world.rhone
            )

        await asyncio.gather(sign(), leave())
        live = [r for r in await _sign_ons(world, world.lyon) if r.withdrawn_at is None]
        assert live == []
        await world(coalitions.join_coalition, REP_LYON, coalition_id=world.rhone)
        assert (await world(asks.show_ask, ADMIN, world.ask)).signed == 0


async def test_other_guild_actor_cannot_take_a_city_out(world: World) -> None:
    stranger_admin = Actor(2, 2, is_admin=True)
    await world(sign_on, REP_LYON, ask_id=world.ask)
    with pytest.raises(Exception, match="can't find that coalition"):
        await world(
            coalitions.leave_coalition, stranger_admin, coalition_id=world.rhone, city_id=world.lyon
        )
    assert (await world(asks.show_ask, ADMIN, world.ask)).signed == 1
