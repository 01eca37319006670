"""Two people acting on one thing at once: exactly one wins, the other is told plainly.

Withdrawals and re-confirmations of one city's sign-on, and edits submitted from one version
of an ask. On PostgreSQL (READ COMMITTED) the two transactions are made to overlap (see
``_both``); on SQLite this process queues writers, so the second runs after the first
committed. Either way the loser gets a clear message, and the record, the history and the
webhook outbox hold one change.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import Select, func, select, text

from bot.db.models import Ask, AskEvent, SignOn, Webhook, WebhookDelivery
from bot.errors import UserFacingError
from bot.services import asks, cities
from bot.services.common import Actor
from tests.conftest import both_backends
from tests.seed import sign_on
from tests.services.conftest import ADMIN, COORD, GUILD, REP_LYON, World

pytestmark = both_backends

SECOND_LYON = Actor(GUILD, 200)  # a second verified representative of Lyon
TITLE = "Car-free city centres by 2030"


async def _second_lyon_rep(world: World) -> None:
    await world(cities.verify_representative, ADMIN, city_id=world.lyon, user_id=200, title="Mayor")


async def _listen(world: World, events: str) -> None:
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


async def _deliveries(world: World, event_type: str) -> list[dict[str, Any]]:
    async with world.uow(read_only=True) as uow:
        rows = (
            await uow.session.scalars(
                select(WebhookDelivery)
                .where(WebhookDelivery.event_type == event_type)
                .order_by(WebhookDelivery.id)
            )
        ).all()
    return [json.loads(r.body)["data"] for r in rows]


def _lyon_sign_on(world: World) -> Select[Any]:
    return select(SignOn.id).where(
        SignOn.ask_id == world.ask, SignOn.city_id == world.lyon, SignOn.withdrawn_at.is_(None)
    )


async def _kinds(world: World) -> list[str]:
    return [e.kind for e in await world(asks.history, ADMIN, world.ask)]


Call = tuple[Callable[..., Awaitable[Any]], Actor, dict[str, Any]]


async def _both(
    world: World, *calls: Call, hold: Select[Any] | None = None
) -> tuple[list[object], list[UserFacingError]]:
    """Run the calls at once, each in its own unit of work; split wins from refusals.

    On PostgreSQL a third transaction first share-locks the row both calls will change
    (``hold``) and lets go only once every call is waiting for it: so both have read
    everything they check before either writes, whatever the timing. On SQLite this process
    queues writers, so they simply run one after the other.
    """

    async def one(fn: Callable[..., Awaitable[Any]], actor: Actor, kw: dict[str, Any]) -> Any:
        async with world.uow() as uow:
            return await fn(uow, actor, **kw)

    if hold is None or world.uow.session_factory.kw["bind"].dialect.name != "postgresql":
        results = await asyncio.gather(*(one(*c) for c in calls), return_exceptions=True)
    else:
        async with world.uow() as gate:
            assert (await gate.session.execute(hold.with_for_update(read=True))).first()
            tasks = [asyncio.create_task(one(*c)) for c in calls]
            await _until_waiting_on_locks(world, len(calls), tasks)
        results = await asyncio.gather(*tasks, return_exceptions=True)
    for r in results:
        if isinstance(r, BaseException) and not isinstance(r, UserFacingError):
            raise r
    wins = [r for r in results if not isinstance(r, BaseException)]
    refusals = [r for r in results if isinstance(r, UserFacingError)]
    return wins, refusals


async def _until_waiting_on_locks(world: World, n: int, tasks: list[asyncio.Task[Any]]) -> None:
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    for _ in range(500):
        async with world.uow(read_only=True) as uow:
            if await uow.session.scalar(waiting) == n:
                return
        if any(t.done() for t in tasks):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the calls never waited for the held row")


# --- withdrawals ---


async def test_two_withdrawals_at_once_one_wins(world: World) -> None:
    await _second_lyon_rep(world)
    await world(sign_on, REP_LYON, ask_id=world.ask)
    await _listen(world, "withdrawal")

    wins, refusals = await _both(
        world,
        (asks.withdraw, REP_LYON, {"ask_id": world.ask, "reason": "Council said no"}),
        (asks.withdraw, SECOND_LYON, {"ask_id": world.ask, "reason": "Budget cut"}),
        hold=_lyon_sign_on(world),
    )

    assert len(wins) == 1 and len(refusals) == 1, (wins, refusals)
    [won] = wins
    assert isinstance(won, asks.WithdrawResult)
    [refused] = refusals
    assert isinstance(refused, asks.AlreadyWithdrawn)
    assert refused.withdrawn_at == won.withdrawn_at
    assert str(refused).startswith(f'Lyon already withdrew from "{TITLE}" on ')
    assert "nothing to withdraw" in str(refused)

    assert await _kinds(world) == ["created", "signed", "withdrawn"]
    [delivered] = await _deliveries(world, "withdrawal")
    async with world.uow(read_only=True) as uow:
        [row] = (await uow.session.scalars(select(SignOn))).all()
    # The row, the history and the webhook all tell the winner's reason.
    assert row.withdraw_reason == delivered["reason"] == won.reason
    assert row.end_kind == delivered["end_kind"] == "withdrawn"
    sig = await world(asks.signatories, ADMIN, world.ask)
    assert [w.reason for w in sig.withdrawn] == [won.reason]


async def test_withdrawing_twice_says_when_it_was_withdrawn(world: World) -> None:
    await world(sign_on, REP_LYON, ask_id=world.ask)
    first = await world(asks.withdraw, REP_LYON, ask_id=world.ask, reason="No")
    _, [refused] = await _both(
        world, (asks.withdraw, REP_LYON, {"ask_id": world.ask, "reason": "No"})
    )
    assert isinstance(refused, asks.AlreadyWithdrawn)
    assert refused.withdrawn_at == first.withdrawn_at
    assert await _kinds(world) == ["created", "signed", "withdrawn"]
    # After signing again, the new sign-on can be withdrawn once more.
    await world(sign_on, REP_LYON, ask_id=world.ask)
    await world(asks.withdraw, REP_LYON, ask_id=world.ask, reason="Still no")
    async with world.uow(read_only=True) as uow:
        ends = (await uow.session.scalars(select(SignOn.end_kind).order_by(SignOn.id))).all()
    assert ends == ["withdrawn", "withdrawn"]


# --- re-confirmations ---


async def _signed_then_edited(world: World) -> None:
    await _second_lyon_rep(world)
    await world(sign_on, REP_LYON, ask_id=world.ask)
    await world(asks.edit_ask, COORD, ask_id=world.ask, text="A new text entirely.")


async def test_two_reconfirmations_at_once_one_wins(world: World) -> None:
    await _signed_then_edited(world)
    await _listen(world, "sign_on")

    lyon_v2 = {"ask_id": world.ask, "city_id": world.lyon, "version": 2}
    wins, refusals = await _both(
        world,
        (asks.reconfirm, REP_LYON, lyon_v2),
        (asks.reconfirm, SECOND_LYON, lyon_v2),
        hold=_lyon_sign_on(world),
    )

    assert len(wins) == 1 and len(refusals) == 1, (wins, refusals)
    [won] = wins
    assert isinstance(won, asks.SignResult) and won.reconfirmed
    [refused] = refusals
    assert isinstance(refused, asks.AlreadyConfirmed)
    assert refused.confirmed_at == won.confirmed_at and refused.version == 2
    assert str(refused).startswith(f'Lyon already confirmed version 2 of "{TITLE}" on ')
    assert await _kinds(world) == ["created", "signed", "edited", "reconfirmed"]
    [delivered] = await _deliveries(world, "sign_on")
    assert delivered["reconfirmed"] is True
    sig = await world(asks.signatories, ADMIN, world.ask)
    assert [s.city_name for s in sig.signed] == ["Lyon"]


async def test_two_reconfirmations_through_the_sign_prompt_one_wins(world: World) -> None:
    await _signed_then_edited(world)
    await _listen(world, "sign_on")

    lyon_v2 = {"ask_id": world.ask, "city_id": world.lyon, "version": 2}
    wins, refusals = await _both(
        world,
        (asks.confirm_sign, REP_LYON, lyon_v2),
        (asks.confirm_sign, SECOND_LYON, lyon_v2),
        hold=_lyon_sign_on(world),
    )

    assert len(wins) == 1 and len(refusals) == 1, (wins, refusals)
    [refused] = refusals
    assert isinstance(refused, asks.AlreadySigned)
    assert await _kinds(world) == ["created", "signed", "edited", "reconfirmed"]
    assert len(await _deliveries(world, "sign_on")) == 1


async def test_withdrawal_and_reconfirmation_at_once_leave_a_consistent_record(
    world: World,
) -> None:
    await _signed_then_edited(world)
    wins, refusals = await _both(
        world,
        (asks.withdraw, REP_LYON, {"ask_id": world.ask, "reason": "No"}),
        (asks.reconfirm, SECOND_LYON, {"ask_id": world.ask, "city_id": world.lyon, "version": 2}),
        hold=_lyon_sign_on(world),
    )
    kinds = await _kinds(world)
    assert any(isinstance(w, asks.WithdrawResult) for w in wins)
    if refusals:  # the withdrawal came first: nothing is left to re-confirm
        [refused] = refusals
        assert "already withdrew" in str(refused)
        assert kinds[-1] == "withdrawn" and "reconfirmed" not in kinds
    else:  # re-confirmed, then withdrawn
        assert kinds[-2:] == ["reconfirmed", "withdrawn"]
    sig = await world(asks.signatories, ADMIN, world.ask)
    assert sig.signed == [] and [w.city_name for w in sig.withdrawn] == ["Lyon"]


# --- edits ---


async def test_a_stale_edit_is_refused_with_the_other_edit(world: World) -> None:
    form = await world(asks.edit_form, COORD, world.ask)
    assert form.version == 1
    await world(asks.edit_ask, ADMIN, ask_id=world.ask, text="Ban cars from centres.")

    wins, refusals = await _both(
        world,
        (
            asks.edit_ask,
            COORD,
            {"ask_id": world.ask, "text": "My own version.", "expected_version": form.version},
        ),
    )

    assert wins == []
    [refused] = refusals
    assert isinstance(refused, asks.AskEditedMeanwhile)
    assert (refused.opened_version, refused.current_version) == (1, 2)
    assert refused.edited_by == ADMIN.user_id
    assert "+Ban cars from centres." in refused.diff and "-We ask the Prefect to:" in refused.diff
    assert "My own version" not in refused.diff
    assert "nothing was saved" in str(refused)
    detail = await world(asks.show_ask, ADMIN, world.ask)
    assert (detail.version, detail.text) == (2, "Ban cars from centres.")
    # Opened on the new version, the same edit goes through.
    again = await world(asks.edit_form, COORD, world.ask)
    done = await world(
        asks.edit_ask,
        COORD,
        ask_id=world.ask,
        text="My own version.",
        expected_version=again.version,
    )
    assert done.version == 3


async def test_two_edits_from_one_version_one_wins(world: World) -> None:
    await _listen(world, "ask_edited")
    wins, refusals = await _both(
        world,
        (asks.edit_ask, COORD, {"ask_id": world.ask, "text": "Text A.", "expected_version": 1}),
        (asks.edit_ask, ADMIN, {"ask_id": world.ask, "text": "Text B.", "expected_version": 1}),
        hold=select(Ask.id).where(Ask.id == world.ask),
    )

    assert len(wins) == 1 and len(refusals) == 1, (wins, refusals)
    [won] = wins
    assert isinstance(won, asks.EditResult) and won.version == 2
    [refused] = refusals
    assert isinstance(refused, asks.AskEditedMeanwhile)
    assert refused.current_version == 2
    winner_text = (await world(asks.show_ask, ADMIN, world.ask)).text
    assert winner_text in ("Text A.", "Text B.")
    # The loser sees the winner's text in the diff, not their own.
    assert f"+{winner_text}" in refused.diff and winner_text in won.diff
    assert [k for k in await _kinds(world) if k == "edited"] == ["edited"]
    assert len(await _deliveries(world, "ask_edited")) == 1
    async with world.uow(read_only=True) as uow:
        version = await uow.session.scalar(select(Ask.current_version).where(Ask.id == world.ask))
        edits = await uow.session.scalar(
            select(func.count()).select_from(AskEvent).where(AskEvent.kind == "edited")
        )
    assert (version, edits) == (2, 1)
