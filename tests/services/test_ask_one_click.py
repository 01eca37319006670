"""One click where people read, and live posts, on SQLite and PostgreSQL: Sign for my city
(the prompt, the chooser, the refusals), Read the full text, the next step after signing, what
an ask's and an action's live announcements show, and how their edits coalesce."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.clock import FakeClock
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import OutboxMessage
from bot.db.models.enums import OutboxKind, OutboxStatus
from bot.db.uow import UnitOfWorkFactory
from bot.errors import NotFound, PermissionDenied
from bot.services import actions, asks, cities, coalitions, outbox, statements
from bot.services.actions import announcement_board
from bot.services.asks import AlreadySigned, AskClosed
from bot.services.common import Actor
from tests.conftest import both_backends
from tests.seed import build_world, sign_on
from tests.services.conftest import (
    ADMIN,
    COORD,
    GUILD,
    OTHER_ADMIN,
    PENDING,
    REP_GRENOBLE,
    REP_LYON,
    STRANGER,
    World,
)

pytestmark = both_backends

CHANNEL = 4242
TWO_CITIES = Actor(GUILD, 200)  # verified for Lyon and Grenoble, both members of Rhône Climate
ZURICH_REP = Actor(GUILD, 201)  # verified for Zürich, not a member of Rhône Climate


async def _rows(world: World, key: str) -> list[OutboxMessage]:
    async with world.uow(read_only=True) as uow:
        return list(
            (
                await uow.session.scalars(
                    select(OutboxMessage).where(OutboxMessage.key == key).order_by(OutboxMessage.id)
                )
            ).all()
        )


async def _send_all(world: World, owner: str = "test") -> list[int]:
    """What the outbox worker does, without Discord: claim what is due and mark it sent."""
    async with world.uow() as uow:
        ids = await outbox.claim_due(uow, owner=owner, lease=outbox.EDIT_DEBOUNCE * 60)
    for n, row_id in enumerate(ids):
        async with world.uow() as uow:
            assert await outbox.mark_sent(uow, row_id, owner=owner, message_id=9000 + row_id + n)
    return ids


async def _announced_ask(world: World) -> int:
    """A new ask of Rhône Climate, announced in its channel (the post already sent)."""
    await world(coalitions.set_channel, COORD, coalition_id=world.rhone, channel_id=CHANNEL)
    created = await world(
        asks.create_ask, COORD, coalition_id=world.rhone, title="Heat plans", target="T", text="X"
    )
    assert len(created.outbox_ids) == 1
    [row] = await _rows(world, asks.announcement_key(created.id))
    assert (row.kind, row.template, row.channel_id) == (
        OutboxKind.POST,
        "ask_announcement",
        CHANNEL,
    )
    assert await _send_all(world) == [row.id]
    return created.id


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def world(database_url: str, clock: FakeClock) -> AsyncIterator[World]:
    """The standard world on a FakeClock (edits of a live post wait on the clock)."""
    engine = create_engine(database_url)
    try:
        yield await build_world(UnitOfWorkFactory(create_session_factory(engine), clock=clock))
    finally:
        await engine.dispose()


# --- Sign for my city ---


async def test_one_member_city_gets_the_same_prompt_as_ask_sign(world: World) -> None:
    choice = await world(asks.sign_choices, REP_LYON, ask_id=world.ask)
    assert choice.prompt is not None and choice.cities == ()
    assert choice.prompt == await world(asks.prepare_sign, REP_LYON, ask_id=world.ask)
    assert choice.prompt.city_name == "Lyon"
    await world(sign_on, REP_LYON, ask_id=world.ask)
    with pytest.raises(AlreadySigned, match="Lyon already signed"):
        await world(asks.sign_choices, REP_LYON, ask_id=world.ask)


async def test_several_member_cities_get_a_chooser_that_knows_who_signed(world: World) -> None:
    for city in (world.lyon, world.grenoble, world.zurich):
        await world(cities.verify_representative, ADMIN, city_id=city, user_id=TWO_CITIES.user_id)
    choice = await world(asks.sign_choices, TWO_CITIES, ask_id=world.ask)
    assert choice.prompt is None and choice.title == "Car-free city centres by 2030"
    # Zürich is not a member of the ask's coalition: not offered.
    assert [(c.city_name, c.signed) for c in choice.cities] == [
        ("Grenoble", False),
        ("Lyon", False),
    ]
    await world(sign_on, REP_LYON, ask_id=world.ask)
    choice = await world(asks.sign_choices, TWO_CITIES, ask_id=world.ask)
    assert [(c.city_name, c.signed) for c in choice.cities] == [
        ("Grenoble", False),
        ("Lyon", True),
    ]


async def test_anyone_else_is_refused_with_what_to_do(world: World) -> None:
    with pytest.raises(PermissionDenied, match=r"don't represent any city yet.*/city represent"):
        await world(asks.sign_choices, STRANGER, ask_id=world.ask)
    with pytest.raises(PermissionDenied, match="still waiting for verification"):
        await world(asks.sign_choices, PENDING, ask_id=world.ask)
    await world(cities.verify_representative, ADMIN, city_id=world.zurich, user_id=201)
    with pytest.raises(
        PermissionDenied, match=r"Zürich is not a member of Rhône Climate.*/coalition join"
    ):
        await world(asks.sign_choices, ZURICH_REP, ask_id=world.ask)
    await world(cities.verify_representative, ADMIN, city_id=world.annecy, user_id=201)
    with pytest.raises(PermissionDenied, match=r"You represent Annecy, Zürich, but none"):
        await world(asks.sign_choices, ZURICH_REP, ask_id=world.ask)
    with pytest.raises(NotFound):
        await world(asks.sign_choices, OTHER_ADMIN, ask_id=world.ask)
    await world(asks.close_ask, COORD, world.ask)
    with pytest.raises(AskClosed):
        await world(asks.sign_choices, REP_LYON, ask_id=world.ask)


async def test_read_the_full_text_is_for_anyone_in_the_server(world: World) -> None:
    text = await world(asks.full_text, STRANGER, world.ask)
    assert text.text == "We ask the Prefect to:\n- support car-free centres\n- fund bike lanes"
    assert (text.coalition_name, text.edited_at, text.status) == ("Rhône Climate", None, "open")
    await world(asks.edit_ask, COORD, ask_id=world.ask, text="Car-free centres, now.")
    edited = await world(asks.full_text, STRANGER, world.ask)
    assert edited.text == "Car-free centres, now." and edited.edited_at is not None
    with pytest.raises(NotFound):
        await world(asks.full_text, OTHER_ADMIN, world.ask)


async def test_signing_offers_the_statement_until_the_city_has_one(world: World) -> None:
    first = await world(sign_on, REP_LYON, ask_id=world.ask)
    assert first.takes_statements and not first.has_statement
    await world(
        statements.submit,
        REP_GRENOBLE,
        ask_id=world.ask,
        city_id=None,
        body="Grenoble is in.",
        signatory_name="G",
    )
    second = await world(sign_on, REP_GRENOBLE, ask_id=world.ask)
    assert second.takes_statements and second.has_statement


# --- the ask's live announcement ---


async def test_the_ask_post_shows_progress_and_status_as_they_are(world: World) -> None:
    ask_id = await _announced_ask(world)
    async with world.uow(read_only=True) as uow:
        post = await asks.announcement_state(uow, ask_id)
    assert post is not None and (post.signed, post.total, post.status) == (0, 2, "open")
    await world(sign_on, REP_LYON, ask_id=ask_id)
    await world(asks.close_ask, COORD, ask_id)
    async with world.uow(read_only=True) as uow:
        post = await asks.announcement_state(uow, ask_id)
        assert await asks.announcement_state(uow, 10**6) is None
    assert post is not None and (post.signed, post.total, post.status) == (1, 2, "closed")


async def test_sign_ons_and_withdrawals_make_one_edit_at_a_time(
    world: World, clock: FakeClock
) -> None:
    ask_id = await _announced_ask(world)
    key = asks.announcement_key(ask_id)
    await world(sign_on, REP_LYON, ask_id=ask_id)
    await world(sign_on, REP_GRENOBLE, ask_id=ask_id)
    edits = [r for r in await _rows(world, key) if r.kind == OutboxKind.EDIT]
    assert len(edits) == 1  # two sign-ons, one waiting edit (it shows the latest state)
    assert edits[0].next_attempt_at > edits[0].created_at  # debounced after the post's send
    # Due: claimed and in flight. A withdrawal meanwhile queues the next edit, which waits
    # for the one in flight (one edit of a message at a time).
    clock.advance(outbox.EDIT_DEBOUNCE.total_seconds())
    async with world.uow() as uow:
        claimed = await outbox.claim_due(uow, owner="a", lease=outbox.EDIT_DEBOUNCE * 60)
    assert claimed == [edits[0].id]
    await world(asks.withdraw, REP_GRENOBLE, ask_id=ask_id, reason="Council said no")
    edits = [r for r in await _rows(world, key) if r.kind == OutboxKind.EDIT]
    assert [e.status for e in edits] == [OutboxStatus.SENDING, OutboxStatus.PENDING]
    clock.advance(60)
    async with world.uow() as uow:
        assert await outbox.claim_due(uow, owner="b", lease=outbox.EDIT_DEBOUNCE * 60) == []
        assert await outbox.mark_sent(uow, edits[0].id, owner="a")
    # Then the rest, in order: the progress lines queued meanwhile, and the next edit.
    sent: list[int] = []
    while batch := await _send_all(world, owner="b"):
        sent += batch
    assert edits[1].id in sent
    async with world.uow(read_only=True) as uow:
        lines = (
            await uow.session.scalars(
                select(OutboxMessage.template).where(
                    OutboxMessage.id.in_(sent), OutboxMessage.id != edits[1].id
                )
            )
        ).all()
    assert lines == ["ask_progress"] * 3  # Lyon signed, Grenoble signed, Grenoble withdrew


async def test_an_ask_never_announced_is_not_edited(world: World) -> None:
    await world(sign_on, REP_LYON, ask_id=world.ask)  # the world's ask has no channel
    assert await _rows(world, asks.announcement_key(world.ask)) == []


# --- the action's live announcement ---


async def test_the_action_post_lists_the_cities_under_each_answer(world: World) -> None:
    await world(coalitions.set_channel, COORD, coalition_id=world.rhone, channel_id=CHANNEL)
    scheduled = await world(
        actions.schedule_action,
        COORD,
        coalition_id=world.rhone,
        title="Meet the Prefect",
        when="2099-06-01 10:00",
        timezone="Europe/Paris",
        kind="meeting",
    )
    action_id = scheduled.action.id
    async with world.uow(read_only=True) as uow:
        board = await announcement_board(uow, action_id)
    assert board is not None
    assert (board.going, board.maybe, board.not_going, board.no_answer) == (
        (),
        (),
        (),
        ("Grenoble", "Lyon"),
    )
    await world(actions.rsvp, REP_LYON, action_id=action_id, response="going")
    await world(actions.rsvp, REP_GRENOBLE, action_id=action_id, response="maybe")
    await world(actions.rsvp, REP_LYON, action_id=action_id, response="not_going")
    async with world.uow(read_only=True) as uow:
        board = await announcement_board(uow, action_id)
        assert await announcement_board(uow, 10**6) is None
    assert board is not None
    assert (board.going, board.maybe, board.not_going, board.no_answer) == (
        (),
        ("Grenoble",),
        ("Lyon",),
        (),
    )
    assert (board.counts.maybe, board.counts.not_going, board.counts.no_answer) == (1, 1, 0)
