"""Requests people are told about (bot.services.requests): where a request's notice goes, what
a decision queues (the notice's edit, the requester's DM), membership news, the asks and goals
that follow a member count, and two deciders at once making one decision."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import Select, select, text, update

from bot.db.models import Coalition, GoalCrossing, OutboxMessage, Representative
from bot.db.models.enums import OutboxKind, OutboxStatus
from bot.errors import Conflict, InvalidInput, NotFound, PermissionDenied, UserFacingError
from bot.services import cities, coalitions, goals, onboarding, outbox, requests
from bot.services.common import Actor
from bot.services.onboarding.server_setup import set_requests_channel
from tests.conftest import both_backends
from tests.seed import sign_on
from tests.services.conftest import (
    ADMIN,
    COORD,
    COORD_B,
    GUILD,
    OTHER_ADMIN,
    PENDING,
    REP_GRENOBLE,
    REP_LYON,
    STRANGER,
    World,
)

pytestmark = both_backends

SYSTEM, CHOSEN, ROOM = 7001, 7002, 7003
ASKER = Actor(GUILD, 300)


async def _rows(world: World, **where: Any) -> list[OutboxMessage]:
    async with world.uow(read_only=True) as uow:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        for name, value in where.items():
            query = query.where(getattr(OutboxMessage, name) == value)
        return list((await uow.session.scalars(query)).all())


async def _pending_request(world: World, actor: Actor, city_id: int) -> int:
    async with world.uow(read_only=True) as uow:
        rep_id = await uow.session.scalar(
            select(Representative.id).where(
                Representative.city_id == city_id,
                Representative.user_id == actor.user_id,
                Representative.ended_at.is_(None),
            )
        )
    assert rep_id is not None
    return int(rep_id)


# --- where a notice goes ---


async def test_a_request_goes_to_the_chosen_channel_else_the_system_channel_else_nowhere(
    world: World,
) -> None:
    r = await world(cities.request_representation, ASKER, world.lyon, system_channel_id=SYSTEM)
    assert r.notice_channel_id == SYSTEM
    [notice] = await _rows(world, template=requests.NOTICE_TEMPLATE)
    assert notice.channel_id == SYSTEM and notice.kind == OutboxKind.POST
    assert json.loads(notice.data) == {
        "kind": "representation",
        "id": await _pending_request(world, ASKER, world.lyon),
    }

    await world(set_requests_channel, ADMIN, CHOSEN)
    r = await world(cities.request_representation, ASKER, world.grenoble, system_channel_id=SYSTEM)
    assert r.notice_channel_id == CHOSEN
    # No requests channel and no system channel the bot may post in: no notice, and the
    # requester is told so by the command.
    r = await world(cities.request_representation, Actor(2, 301), world.other_city)
    assert r.notice_channel_id is None
    assert len(await _rows(world, template=requests.NOTICE_TEMPLATE)) == 2


async def test_setting_the_requests_channel_is_for_admins(world: World) -> None:
    with pytest.raises(PermissionDenied):
        await world(set_requests_channel, COORD, CHOSEN)
    info = await world(set_requests_channel, ADMIN, CHOSEN)
    assert info.requests_channel_id == CHOSEN
    assert (await world(onboarding.get_setup, ADMIN)).requests_channel_id == CHOSEN


# --- deciding ---


async def test_verify_from_the_notice_edits_it_and_dms_the_next_step(world: World) -> None:
    await world(cities.request_representation, ASKER, world.lyon, system_channel_id=SYSTEM)
    request_id = await _pending_request(world, ASKER, world.lyon)
    with pytest.raises(PermissionDenied, match="Only coordinators of Rhône Climate"):
        await world(cities.verify_request, COORD_B, request_id)
    with pytest.raises(PermissionDenied, match="cannot verify yourself"):
        await world(cities.verify_request, ASKER, request_id)
    r = await world(cities.verify_request, COORD, request_id)
    assert (r.city_name, r.user_id, r.outcome) == ("Lyon", ASKER.user_id, "verified")
    state = await _state(world, request_id)
    assert (state.outcome, state.decided_by) == ("verified", COORD.user_id)
    [dm] = await _rows(world, user_id=ASKER.user_id)
    content = json.loads(dm.data)["content"]
    assert "You are now a verified representative of **Lyon**" in content
    assert "Next: sign the open asks of Rhône Climate (1 open ask)" in content
    assert json.loads(dm.data)["fallback_channel_id"] == SYSTEM
    with pytest.raises(Conflict, match="already decided"):
        await world(cities.verify_request, ADMIN, request_id)


async def _state(world: World, request_id: int, kind: str = "representation") -> Any:
    async with world.uow(read_only=True) as uow:
        return await requests.notice_state(uow, {"kind": kind, "id": request_id})


async def test_verified_in_no_coalition_is_told_to_join_one(world: World) -> None:
    await world(cities.request_representation, ASKER, world.zurich, system_channel_id=SYSTEM)
    request_id = await _pending_request(world, ASKER, world.zurich)
    state = await _state(world, request_id)
    assert state.pending and state.decider_coalitions == ()
    await world(cities.verify_request, ADMIN, request_id)
    [dm] = await _rows(world, user_id=ASKER.user_id)
    assert (
        "Next: bring Zürich into a coalition with /coalition join" in json.loads(dm.data)["content"]
    )


async def test_turn_down_needs_a_reason_and_tells_it(world: World) -> None:
    request_id = await _pending_request(world, PENDING, world.annecy)
    with pytest.raises(InvalidInput, match="reason cannot be empty"):
        await world(cities.turn_down_request, ADMIN, request_id, "  ")
    with pytest.raises(InvalidInput, match="limit is 500"):
        await world(cities.turn_down_request, ADMIN, request_id, "x" * 501)
    with pytest.raises(PermissionDenied, match="only server admins can turn down requests"):
        await world(cities.turn_down_request, COORD, request_id, "No.")
    r = await world(cities.turn_down_request, ADMIN, request_id, "We could not confirm it.")
    assert (r.city_name, r.user_id) == ("Annecy", PENDING.user_id)
    state = await _state(world, request_id)
    assert (state.outcome, state.reason, state.decided_by) == (
        "turned_down",
        "We could not confirm it.",
        ADMIN.user_id,
    )
    [dm] = await _rows(world, user_id=PENDING.user_id)
    assert 'Their reason: "We could not confirm it."' in json.loads(dm.data)["content"]
    with pytest.raises(Conflict, match="turned it down"):
        await world(cities.verify_request, ADMIN, request_id)


async def test_a_request_of_another_server_is_not_found(world: World) -> None:
    request_id = await _pending_request(world, PENDING, world.annecy)
    for call in (cities.verify_request, cities.pending_representation):
        with pytest.raises(NotFound, match="can't find that request in this server"):
            await world(call, OTHER_ADMIN, request_id)
    with pytest.raises(NotFound):
        await world(coalitions.approve_request, OTHER_ADMIN, 1)


# --- joining ---


async def _queued_join(
    world: World, *, channel: int | None = ROOM, posted_in: int | None = None
) -> int:
    """Zürich (a representative verified here) asks to join Rhône Climate, which needs
    approval; the request's id."""
    if channel is not None:
        await world(coalitions.set_channel, COORD, coalition_id=world.rhone, channel_id=channel)
    await world(coalitions.set_approval, COORD, coalition_id=world.rhone, required=True)
    await world(cities.verify_representative, ADMIN, city_id=world.zurich, user_id=ASKER.user_id)
    r = await world(coalitions.join_coalition, ASKER, coalition_id=world.rhone)
    assert r.status == "pending" and r.notice_channel_id == (posted_in or channel)
    async with world.uow(read_only=True) as uow:
        [notice] = (
            await uow.session.scalars(
                select(OutboxMessage).where(OutboxMessage.template == requests.NOTICE_TEMPLATE)
            )
        ).all()
    return int(json.loads(notice.data)["id"])


async def test_join_approved_from_the_notice_tells_the_requester_not_the_channel_twice(
    world: World,
) -> None:
    request_id = await _queued_join(world)
    with pytest.raises(PermissionDenied, match="Only coordinators of Rhône Climate"):
        await world(coalitions.approve_request, REP_LYON, request_id)
    r = await world(coalitions.approve_request, COORD, request_id)
    assert (r.city_name, r.status) == ("Zürich", "active")
    assert (await _state(world, request_id, "join")).outcome == "approved"
    [dm] = await _rows(world, user_id=ASKER.user_id)
    assert "**Zürich** is now a member of **Rhône Climate**" in json.loads(dm.data)["content"]
    texts = [json.loads(m.data)["content"] for m in await _rows(world, template="text")]
    assert not any("joined" in t for t in texts)  # the notice, in that channel, says it
    with pytest.raises(Conflict, match="already decided"):
        await world(coalitions.reject_request, COORD, request_id)


async def test_join_without_a_channel_posts_where_requests_go(world: World) -> None:
    await world(set_requests_channel, ADMIN, CHOSEN)
    request_id = await _queued_join(world, channel=None, posted_in=CHOSEN)
    assert (await _state(world, request_id, "join")).pending
    await world(coalitions.reject_request, ADMIN, request_id)
    assert (await _state(world, request_id, "join")).outcome == "rejected"


async def test_a_request_withdrawn_by_leaving_closes_its_notice_and_refuses(world: World) -> None:
    request_id = await _queued_join(world)
    await world(coalitions.leave_coalition, ASKER, coalition_id=world.rhone)
    assert (await _state(world, request_id, "join")).outcome == "withdrawn"
    with pytest.raises(Conflict, match="has ended"):
        await world(coalitions.approve_request, COORD, request_id)
    texts = [json.loads(m.data)["content"] for m in await _rows(world, template="text")]
    assert not any("left" in t for t in texts)  # it never was a member


async def test_joins_and_leaves_are_announced_with_the_member_count(world: World) -> None:
    await world(coalitions.set_channel, COORD, coalition_id=world.rhone, channel_id=ROOM)
    await world(cities.verify_representative, ADMIN, city_id=world.zurich, user_id=ASKER.user_id)
    await world(coalitions.join_coalition, ASKER, coalition_id=world.rhone)
    await world(coalitions.leave_coalition, REP_GRENOBLE, coalition_id=world.rhone)
    await world(coalitions.leave_coalition, COORD, coalition_id=world.rhone, city_id=world.lyon)
    texts = [
        json.loads(m.data)["content"] for m in await _rows(world, template="text", channel_id=ROOM)
    ]
    assert texts == [
        "**Zürich** joined **Rhône Climate**. It now has 3 member cities.",
        "**Grenoble** left **Rhône Climate**. It now has 2 member cities.",
        "**Lyon** was removed from **Rhône Climate**. It now has 1 member city.",
    ]


async def test_a_member_count_change_updates_the_ask_post_and_judges_its_goal(
    world: World,
) -> None:
    await world(coalitions.set_channel, COORD, coalition_id=world.rhone, channel_id=ROOM)
    # The ask's post, as if sent: later changes edit it.
    async with world.uow() as uow:
        key = f"ask:{world.ask}:announcement"
        await outbox.post(uow, channel_id=ROOM, key=key, template="ask_announcement", data={})
        await uow.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.key == key)
            .values(status=OutboxStatus.SENT, message_id=42)
        )
    await world(goals.set_goal, COORD, ask_id=world.ask, cities=2)
    await world(sign_on, REP_LYON, ask_id=world.ask)
    await world(sign_on, REP_GRENOBLE, ask_id=world.ask)
    await world(coalitions.leave_coalition, REP_GRENOBLE, coalition_id=world.rhone)
    edits = await _rows(world, key=key, kind=OutboxKind.EDIT)
    assert edits, "the ask's post was not edited after the city left"
    async with world.uow(read_only=True) as uow:
        kinds = (
            await uow.session.scalars(
                select(GoalCrossing.kind)
                .where(GoalCrossing.ask_id == world.ask)
                .order_by(GoalCrossing.number)
            )
        ).all()
    assert list(kinds) == ["reached", "lost"]


# --- two deciders at once ---

Call = tuple[Callable[..., Awaitable[Any]], Actor, tuple[Any, ...]]


async def _both(
    world: World, hold: Select[Any], *calls: Call
) -> tuple[list[object], list[UserFacingError]]:
    """Run the calls at once, each in its own unit of work. On PostgreSQL a third
    transaction share-locks the row both will lock (``hold``) until both wait for it, so both
    have read the request as pending before either decides; on SQLite this process queues
    writers, so they run one after the other."""

    async def one(fn: Callable[..., Awaitable[Any]], actor: Actor, args: tuple[Any, ...]) -> Any:
        async with world.uow() as uow:
            return await fn(uow, actor, *args)

    if world.uow.session_factory.kw["bind"].dialect.name != "postgresql":
        results = await asyncio.gather(*(one(*c) for c in calls), return_exceptions=True)
    else:
        async with world.uow() as gate:
            assert (await gate.session.execute(hold.with_for_update(read=True))).first()
            tasks = [asyncio.create_task(one(*c)) for c in calls]
            waiting = text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            for _ in range(500):
                async with world.uow(read_only=True) as uow:
                    if await uow.session.scalar(waiting) == len(calls):
                        break
                await asyncio.sleep(0.02)
            else:
                raise AssertionError("the calls never waited for the held row")
        results = await asyncio.gather(*tasks, return_exceptions=True)
    for r in results:
        if isinstance(r, BaseException) and not isinstance(r, UserFacingError):
            raise r
    wins = [r for r in results if not isinstance(r, BaseException)]
    return wins, [r for r in results if isinstance(r, UserFacingError)]


async def test_verify_and_turn_down_at_once_make_one_decision(world: World) -> None:
    await world(cities.request_representation, ASKER, world.lyon, system_channel_id=SYSTEM)
    request_id = await _pending_request(world, ASKER, world.lyon)
    wins, refusals = await _both(
        world,
        select(Representative.id).where(Representative.id == request_id),
        (cities.verify_request, COORD, (request_id,)),
        (cities.turn_down_request, ADMIN, (request_id, "Not you.")),
    )
    assert len(wins) == 1 and len(refusals) == 1, (wins, refusals)
    assert isinstance(refusals[0], Conflict) and "already decided" in str(refusals[0])
    assert len(await _rows(world, user_id=ASKER.user_id)) == 1  # one DM: one outcome
    state = await _state(world, request_id)
    assert state.outcome in ("verified", "turned_down")


async def test_two_verifies_at_once_verify_once(world: World) -> None:
    await world(cities.request_representation, ASKER, world.lyon, system_channel_id=SYSTEM)
    request_id = await _pending_request(world, ASKER, world.lyon)
    wins, refusals = await _both(
        world,
        select(Representative.id).where(Representative.id == request_id),
        (cities.verify_request, COORD, (request_id,)),
        (cities.verify_request, ADMIN, (request_id,)),
    )
    assert len(wins) == 1 and len(refusals) == 1, (wins, refusals)
    assert len(await _rows(world, user_id=ASKER.user_id)) == 1


async def test_approve_and_reject_at_once_make_one_decision(world: World) -> None:
    request_id = await _queued_join(world)
    wins, refusals = await _both(
        world,
        select(Coalition.id).where(Coalition.id == world.rhone),
        (coalitions.approve_request, COORD, (request_id,)),
        (coalitions.reject_request, ADMIN, (request_id,)),
    )
    assert len(wins) == 1 and len(refusals) == 1, (wins, refusals)
    assert "already decided" in str(refusals[0])
    assert len(await _rows(world, user_id=ASKER.user_id)) == 1
    assert (await _state(world, request_id, "join")).outcome in ("approved", "rejected")


async def test_strangers_decide_nothing(world: World) -> None:
    request_id = await _pending_request(world, PENDING, world.annecy)
    with pytest.raises(PermissionDenied):
        await world(cities.pending_representation, STRANGER, request_id)
    prompt = await world(cities.pending_representation, ADMIN, request_id)
    assert (prompt.city_name, prompt.user_id) == ("Annecy", PENDING.user_id)
