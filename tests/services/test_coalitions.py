"""Coalitions: creation, membership, coordinators, archive, settings."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.clock import FakeClock
from bot.db.models import Action, GuildSettings, Reminder, Webhook, WebhookDelivery
from bot.db.uow import UnitOfWorkFactory
from bot.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bot.services import actions, asks, cities, coalitions, onboarding, reminders
from bot.services.common import Actor
from bot.services.events import EVENT_TYPES
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
    run,
)

pytestmark = both_backends


async def test_create_makes_creator_coordinator_and_stores_kind_slug(world: World) -> None:
    await world(onboarding.set_anyone_creates, ADMIN, True)
    created = await world(
        coalitions.create_coalition,
        STRANGER,
        name="Zero Waste Cities",
        kind="International network",
        description="Cities cutting waste.\nTogether.",
        region="Europe",
        channel_id=4242,
    )
    assert (created.kind, created.kind_label) == ("international_network", "International network")
    detail = await world(coalitions.show_coalition, STRANGER, created.id)
    assert detail.coordinator_ids == [STRANGER.user_id] and detail.actor_is_coordinator
    assert (detail.channel_id, detail.region, detail.requires_approval) == (4242, "Europe", False)
    with pytest.raises(InvalidInput, match="city partnership, metro-area partnership"):
        await world(coalitions.create_coalition, STRANGER, name="X", kind="club")


async def test_name_unique_per_guild_folded(world: World) -> None:
    with pytest.raises(Conflict, match='"rhone climate" already exists'):
        await world(coalitions.create_coalition, ADMIN, name="rhone climate", kind="peer group")
    # Guild 2 already has its own "Rhône Climate" (made in the fixture): guilds are separate.
    names = [c.name for c in await world(coalitions.list_coalitions, OTHER_ADMIN)]
    assert names == ["Rhône Climate"]


async def test_creator_role_setting_restricts_creation(world: World) -> None:
    async with world.uow() as uow:
        uow.session.add(GuildSettings(guild_id=GUILD, coalition_creator_role_id=77))
    with pytest.raises(PermissionDenied, match="coalition-creator role"):
        await world(coalitions.create_coalition, STRANGER, name="A", kind="peer group")
    with_role = Actor(GUILD, 998, role_ids=frozenset({77}))
    assert (await world(coalitions.create_coalition, with_role, name="A", kind="peer group")).id
    assert (await world(coalitions.create_coalition, ADMIN, name="B", kind="peer group")).id


async def test_by_default_only_admins_create_coalitions_and_everyone_is_explicit(
    world: World,
) -> None:
    """A coordinator manages cities; so becoming one is not for any member unless /setup
    says so."""
    for actor in (STRANGER, REP_LYON, COORD):
        with pytest.raises(PermissionDenied, match="only server admins can create coalitions"):
            await world(coalitions.create_coalition, actor, name="Mine", kind="peer group")
    assert (await world(coalitions.create_coalition, ADMIN, name="Admins'", kind="peer group")).id

    await world(onboarding.set_anyone_creates, ADMIN, True)
    made = await world(coalitions.create_coalition, STRANGER, name="Mine", kind="peer group")
    assert (await world(coalitions.show_coalition, STRANGER, made.id)).actor_is_coordinator

    # Picking a role ends "everyone"; the role's members (and admins) still create.
    await world(onboarding.set_creator_role, ADMIN, 77)
    with pytest.raises(PermissionDenied, match="coalition-creator role chosen in /setup"):
        await world(coalitions.create_coalition, STRANGER, name="Again", kind="peer group")
    role_member = Actor(GUILD, 998, role_ids=frozenset({77}))
    assert (await world(coalitions.create_coalition, role_member, name="R", kind="peer group")).id
    # @everyone (the role whose id is the server's) means everyone.
    await world(onboarding.set_creator_role, ADMIN, GUILD)
    assert (await world(coalitions.create_coalition, STRANGER, name="E", kind="peer group")).id
    # Another server's choice is its own.
    with pytest.raises(PermissionDenied, match="only server admins can create"):
        await world(
            coalitions.create_coalition, Actor(2, STRANGER.user_id), name="X", kind="peer group"
        )


async def test_show_lists_members_pending_and_open_asks(world: World) -> None:
    await world(coalitions.set_approval, COORD, coalition_id=world.rhone, required=True)
    await world(cities.verify_representative, ADMIN, city_id=world.zurich, user_id=103)
    await world(coalitions.join_coalition, Actor(GUILD, 103), coalition_id=world.rhone)
    await world(sign_on, REP_LYON, ask_id=world.ask)
    detail = await world(coalitions.show_coalition, STRANGER, world.rhone)
    assert [m.name for m in detail.members] == ["Grenoble", "Lyon"]
    assert [(p.name, p.requested_by) for p in detail.pending] == [("Zürich", 103)]
    assert [(a.title, a.signed, a.total) for a in detail.open_asks] == [
        ("Car-free city centres by 2030", 1, 2)
    ]
    assert detail.kind_label == "Metro-area partnership" and not detail.archived
    summary = {c.name: c.member_count for c in await world(coalitions.list_coalitions, STRANGER)}
    assert summary == {"Alpine Peers": 0, "Rhône Climate": 2}


async def test_join_needs_verified_representative(world: World) -> None:
    with pytest.raises(PermissionDenied, match="You don't represent any city yet"):
        await world(coalitions.join_coalition, STRANGER, coalition_id=world.alpine)
    with pytest.raises(PermissionDenied, match="still waiting for verification"):
        await world(coalitions.join_coalition, PENDING, coalition_id=world.alpine)
    with pytest.raises(PermissionDenied, match="You represent Lyon, not Grenoble"):
        await world(
            coalitions.join_coalition, REP_LYON, coalition_id=world.alpine, city_id=world.grenoble
        )
    # Coordinators are not representatives: they cannot join a city they don't speak for.
    with pytest.raises(PermissionDenied):
        await world(
            coalitions.join_coalition, COORD_B, coalition_id=world.alpine, city_id=world.lyon
        )


async def test_join_twice_and_approval_flow(world: World) -> None:
    with pytest.raises(Conflict, match="Lyon is already a member of Rhône Climate"):
        await world(coalitions.join_coalition, REP_LYON, coalition_id=world.rhone)
    await world(coalitions.set_approval, COORD_B, coalition_id=world.alpine, required=True)
    joined = await world(coalitions.join_coalition, REP_LYON, coalition_id=world.alpine)
    assert joined.status == "pending"
    with pytest.raises(Conflict, match="already waiting for a coordinator's approval"):
        await world(coalitions.join_coalition, REP_LYON, coalition_id=world.alpine)
    for actor in (REP_LYON, COORD, STRANGER):  # COORD coordinates another coalition
        with pytest.raises(PermissionDenied, match="Only coordinators of Alpine Peers"):
            await world(
                coalitions.approve_membership, actor, coalition_id=world.alpine, city_id=world.lyon
            )
    approved = await world(
        coalitions.approve_membership, COORD_B, coalition_id=world.alpine, city_id=world.lyon
    )
    assert approved.status == "active"
    with pytest.raises(Conflict, match="already a member"):
        await world(
            coalitions.approve_membership, ADMIN, coalition_id=world.alpine, city_id=world.lyon
        )
    await world(coalitions.join_coalition, REP_GRENOBLE, coalition_id=world.alpine)
    rejected = await world(
        coalitions.reject_membership, ADMIN, coalition_id=world.alpine, city_id=world.grenoble
    )
    assert rejected.status == "rejected"


async def test_leave_by_representative_or_coordinator(world: World) -> None:
    left = await world(coalitions.leave_coalition, REP_LYON, coalition_id=world.rhone)
    assert left.status == "left"
    with pytest.raises(NotFound, match="Lyon is not a member of Rhône Climate"):
        await world(coalitions.leave_coalition, REP_LYON, coalition_id=world.rhone)
    with pytest.raises(PermissionDenied):
        await world(
            coalitions.leave_coalition, REP_LYON, coalition_id=world.rhone, city_id=world.grenoble
        )
    with pytest.raises(PermissionDenied):  # coordinator of another coalition
        await world(
            coalitions.leave_coalition, COORD_B, coalition_id=world.rhone, city_id=world.grenoble
        )
    removed = await world(
        coalitions.leave_coalition, COORD, coalition_id=world.rhone, city_id=world.grenoble
    )
    assert removed.status == "removed"
    assert (await world(coalitions.show_coalition, ADMIN, world.rhone)).members == []
    # Rejoining is a new membership row.
    assert (
        await world(coalitions.join_coalition, REP_LYON, coalition_id=world.rhone)
    ).status == "active"


async def test_coordinators_add_remove_and_last_one_stays(world: World) -> None:
    with pytest.raises(PermissionDenied):
        await world(coalitions.add_coordinator, COORD_B, coalition_id=world.rhone, user_id=11)
    added = await world(coalitions.add_coordinator, COORD, coalition_id=world.rhone, user_id=11)
    assert added.coordinator_ids == [10, 11]
    with pytest.raises(Conflict, match="already a coordinator"):
        await world(coalitions.add_coordinator, ADMIN, coalition_id=world.rhone, user_id=11)
    result = await world(
        coalitions.remove_coordinator, COORD_B, coalition_id=world.rhone, user_id=10
    )
    assert result.coordinator_ids == [11]
    with pytest.raises(Conflict, match="last coordinator of Rhône Climate"):
        await world(coalitions.remove_coordinator, ADMIN, coalition_id=world.rhone, user_id=11)
    with pytest.raises(NotFound, match="not a coordinator"):
        await world(coalitions.remove_coordinator, ADMIN, coalition_id=world.rhone, user_id=10)
    # The removed coordinator lost their powers.
    with pytest.raises(PermissionDenied):
        await world(coalitions.set_channel, COORD, coalition_id=world.rhone, channel_id=1)


async def test_archive_is_read_only_and_closes_asks(world: World) -> None:
    with pytest.raises(PermissionDenied):
        await world(coalitions.archive_coalition, COORD_B, world.rhone)
    archived = await world(coalitions.archive_coalition, COORD, world.rhone)
    assert archived.closed_ask_ids == [world.ask]
    msg = "Rhône Climate is archived and read-only"
    with pytest.raises(Conflict, match=msg):
        await world(coalitions.join_coalition, REP_LYON, coalition_id=world.rhone)
    with pytest.raises(Conflict, match=msg):
        await world(coalitions.leave_coalition, REP_LYON, coalition_id=world.rhone)
    with pytest.raises(Conflict, match=msg):
        await world(coalitions.add_coordinator, ADMIN, coalition_id=world.rhone, user_id=5)
    with pytest.raises(Conflict, match=msg):
        await world(coalitions.set_approval, ADMIN, coalition_id=world.rhone, required=True)
    with pytest.raises(Conflict, match=msg):
        await world(
            asks.create_ask, COORD, coalition_id=world.rhone, title="T", target="T", text="x"
        )
    with pytest.raises(Conflict, match=msg):
        await world(asks.prepare_sign, REP_LYON, ask_id=world.ask)
    with pytest.raises(Conflict, match=msg):
        await world(asks.reopen_ask, COORD, world.ask)
    detail = await world(coalitions.show_coalition, STRANGER, world.rhone)
    assert detail.archived and [m.name for m in detail.members] == ["Grenoble", "Lyon"]
    assert [c.name for c in await world(coalitions.list_coalitions, ADMIN)][-1] == "Rhône Climate"
    assert [e.kind for e in await world(asks.history, ADMIN, world.ask)][-1] == "closed"


async def test_archive_closes_asks_and_cancels_upcoming_actions_as_the_commands_do(
    world: World,
) -> None:
    t0 = datetime.now(UTC).replace(second=0, microsecond=0)
    # Actions are planned at t0 and the archive runs two days later: units of work read those
    # times from their factory's clock.
    at_t0 = UnitOfWorkFactory(world.uow.session_factory, clock=FakeClock(t0))
    second = await world(
        asks.create_ask, COORD, coalition_id=world.rhone, title="Trees", target="T", text="x"
    )
    async with world.uow() as uow:
        uow.session.add(
            Webhook(
                guild_id=GUILD,
                coalition_id=world.rhone,
                url="https://example.org/hook",
                events=",".join(EVENT_TYPES),
                secret="s",
                created_by=COORD.user_id,
            )
        )

    async def schedule(title: str, days: int) -> int:
        when = (t0 + timedelta(days=days)).strftime("%Y-%m-%d %H:%M")
        made = await run(
            at_t0,
            actions.schedule_action,
            COORD,
            coalition_id=world.rhone,
            title=title,
            when=when,
            timezone="UTC",
            kind="meeting",
        )
        return made.action.id

    upcoming = await schedule("Meet the Prefect", 10)
    done = await schedule("Press conference", 1)
    await run(at_t0, actions.rsvp, REP_LYON, action_id=upcoming, response="going")
    now = t0 + timedelta(days=2)  # the press conference is over by then
    later = UnitOfWorkFactory(world.uow.session_factory, clock=FakeClock(now))
    with pytest.raises(PermissionDenied):
        await run(later, coalitions.archive_plan, COORD_B, world.rhone)
    plan = await run(later, coalitions.archive_plan, COORD, world.rhone)
    assert (plan.coalition_name, plan.open_asks, plan.upcoming_actions) == ("Rhône Climate", 2, 1)
    assert not (await world(coalitions.show_coalition, ADMIN, world.rhone)).archived

    result = await run(later, coalitions.archive_coalition, COORD, world.rhone)
    assert result.closed_ask_ids == [world.ask, second.id]
    [cancelled] = result.cancelled_actions
    assert (cancelled.action.id, cancelled.action.status) == (upcoming, "cancelled")
    assert cancelled.answered_cities == ["Lyon"]
    assert "Rhône Climate was archived" in (cancelled.action.cancel_reason or "")
    for ask_id in (world.ask, second.id):
        last = (await world(asks.history, ADMIN, ask_id))[-1]
        assert (last.kind, last.detail) == ("closed", "coalition archived")

    async with world.uow() as uow:
        deliveries = (
            await uow.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id))
        ).all()
        reminders_of = (
            await uow.session.scalars(select(Reminder).where(Reminder.action_id == upcoming))
        ).all()
        still = await uow.session.get(Action, done)
        assert still is not None and still.status == "scheduled"
    bodies = [json.loads(d.body) for d in deliveries]
    closed = [b["data"]["ask"]["id"] for b in bodies if b["type"] == "ask_closed"]
    assert closed == [str(world.ask), str(second.id)]
    [change] = [b["data"] for b in bodies if b["type"] == "action_changed"]
    assert (change["action_id"], change["change"]) == (str(upcoming), "cancelled")
    assert {r.status for r in reminders_of if r.kind == "action"} == {"cancelled"}
    [notice] = [r for r in reminders_of if r.kind == "action_change"]
    assert notice.id == cancelled.notice_id and notice.status == "pending"
    # The notice still goes out although the coalition is archived: Lyon answered Going.
    async with later() as uow:
        planned = await reminders.plan_reminder(uow, notice.id)
    assert isinstance(planned, reminders.Plan), planned
    assert planned.dm_user_ids == [REP_LYON.user_id] and planned.content.change == "cancelled"
    async with later() as uow:
        _name, ics = await actions.ics(uow, ADMIN, upcoming)
    assert b"STATUS:CANCELLED" in ics


async def test_settings(world: World) -> None:
    result = await world(coalitions.set_channel, COORD, coalition_id=world.rhone, channel_id=555)
    assert result.channel_id == 555
    result = await world(coalitions.set_approval, ADMIN, coalition_id=world.rhone, required=True)
    assert result.requires_approval
    with pytest.raises(PermissionDenied):
        await world(coalitions.set_channel, REP_LYON, coalition_id=world.rhone, channel_id=1)


async def test_other_guild_coalitions_are_invisible(world: World) -> None:
    for fn, kw in [
        (coalitions.show_coalition, {"coalition_id": world.other_coalition}),
        (coalitions.join_coalition, {"coalition_id": world.other_coalition}),
        (coalitions.archive_coalition, {"coalition_id": world.other_coalition}),
        (coalitions.set_channel, {"coalition_id": world.other_coalition, "channel_id": 1}),
        (coalitions.add_coordinator, {"coalition_id": world.other_coalition, "user_id": 1}),
    ]:
        with pytest.raises(NotFound, match="can't find that coalition in this server"):
            await world(fn, ADMIN, **kw)
    with pytest.raises(NotFound):  # the city is from guild 2
        await world(
            coalitions.approve_membership, ADMIN, coalition_id=world.rhone, city_id=world.other_city
        )
    other = await world(coalitions.show_coalition, OTHER_ADMIN, world.other_coalition)
    assert not other.archived and other.coordinator_ids == [OTHER_ADMIN.user_id]
