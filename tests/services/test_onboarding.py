"""Onboarding: who someone is in a server, their next steps, /setup and the welcome claim."""

from __future__ import annotations

import pytest

from bot.errors import InvalidInput, PermissionDenied
from bot.services import cities, coalitions, onboarding
from bot.services.common import Actor
from tests.conftest import both_backends
from tests.seed import sign_on
from tests.services.conftest import (
    ADMIN,
    COORD,
    COORD_B,
    GUILD,
    OTHER_ADMIN,
    OTHER_GUILD,
    PENDING,
    REP_LYON,
    STRANGER,
    World,
)

pytestmark = both_backends


def _text(sections: list[onboarding.Section]) -> str:
    return "\n".join(f"{s.title}\n" + "\n".join(s.lines) for s in sections)


async def test_newcomer_is_told_to_represent_a_city(world: World) -> None:
    result = await world(onboarding.overview, STRANGER)
    p = result.profile
    assert p.is_newcomer and p.roles == ["newcomer"]
    assert p.city_count == 4 and not p.may_create_coalitions
    text = _text(result.sections)
    assert "You represent no city yet: run `/city represent`" in text
    # By default only admins create coalitions; /help says who can change that, and how.
    assert "`/coalition create`" not in text
    assert (
        "In this server only server admins can create coalitions; a server admin can change "
        "that with `/setup`." in text
    )
    assert "Run `/setup`" not in text and "/city verify" not in text

    await world(onboarding.set_anyone_creates, ADMIN, True)
    text = _text((await world(onboarding.overview, STRANGER)).sections)
    assert "Want to start a group of cities? Run `/coalition create`." in text


async def test_pending_representative_waits_for_a_coordinator(world: World) -> None:
    result = await world(onboarding.overview, PENDING)
    assert result.profile.roles == ["pending"] and result.profile.pending == ["Annecy"]
    text = _text(result.sections)
    assert "Your request to represent Annecy is waiting for a coordinator to verify you" in text
    assert "You represent no city yet" not in text


async def test_verified_representative_sees_unsigned_asks_then_statement(world: World) -> None:
    p = await world(onboarding.profile, REP_LYON)
    assert p.roles == ["representative"]
    (lyon,) = p.verified
    assert (lyon.name, lyon.title, lyon.coalitions) == (
        "Lyon",
        "Deputy Mayor for Climate",
        ["Rhône Climate"],
    )
    assert lyon.unsigned_asks == ['"Car-free city centres by 2030" (Rhône Climate)']
    text = _text(onboarding.next_steps(p))
    assert "Lyon has not signed" in text and "`/ask sign`" in text

    await world(sign_on, REP_LYON, ask_id=world.ask)
    signed = await world(onboarding.overview, REP_LYON)
    assert signed.profile.verified[0].unsigned_asks == []
    assert "Lyon has signed every open ask" in _text(signed.sections)


async def test_representative_outside_any_coalition_and_pending_join(world: World) -> None:
    await world(cities.verify_representative, ADMIN, city_id=world.zurich, user_id=103)
    zurich_rep = Actor(GUILD, 103)
    text = _text((await world(onboarding.overview, zurich_rep)).sections)
    assert "Zürich is not in a coalition yet" in text and "`/coalition join`" in text

    await world(coalitions.set_approval, COORD, coalition_id=world.rhone, required=True)
    await world(coalitions.join_coalition, zurich_rep, coalition_id=world.rhone)
    p = await world(onboarding.profile, zurich_rep)
    assert p.verified[0].pending_coalitions == ["Rhône Climate"]
    assert "waiting for a coordinator's approval" in _text(onboarding.next_steps(p))
    coordinator = await world(onboarding.profile, COORD)
    assert coordinator.coordinated[0].pending_cities == ["Zürich"]
    assert "Zürich asked to join" in _text(onboarding.next_steps(coordinator))


async def test_coordinator_sees_missing_cities_and_people_to_verify(world: World) -> None:
    await world(sign_on, REP_LYON, ask_id=world.ask)
    result = await world(onboarding.overview, COORD)
    p = result.profile
    assert p.roles == ["coordinator"]
    (rhone,) = p.coordinated
    assert rhone.name == "Rhône Climate" and rhone.member_count == 2
    (gap,) = rhone.open_asks
    assert (gap.title, gap.total, gap.missing) == ("Car-free city centres by 2030", 2, ["Grenoble"])
    # Annecy is in no coalition: not his to verify (admins and verifiers do that).
    assert p.waiting_representatives == []
    await world(cities.request_representation, Actor(GUILD, 555), world.lyon)
    await world(cities.request_representation, COORD, world.lyon)  # his own: not his to answer
    result = await world(onboarding.overview, COORD)
    assert result.profile.waiting_representatives == ["Lyon"]
    text = _text(result.sections)
    assert '1 city has not signed "Car-free city centres by 2030": Grenoble.' in text
    assert "Requests to represent Lyon" in text and "`/city verify`" in text
    assert (await world(onboarding.profile, ADMIN)).waiting_representatives == ["Annecy", "Lyon"]

    await world(sign_on, Actor(GUILD, 101), ask_id=world.ask)
    text = _text((await world(onboarding.overview, COORD)).sections)
    assert 'Every member city signed "Car-free city centres by 2030"' in text


async def test_coordinator_of_an_empty_coalition(world: World) -> None:
    result = await world(onboarding.overview, COORD_B)
    text = _text(result.sections)
    assert "You coordinate Alpine Peers" in text
    assert "No city has joined yet" in text
    assert "There is no open ask. Write one with `/ask create`." in text
    assert "There is no announcement channel" in text


async def test_archived_coalitions_do_not_count(world: World) -> None:
    await world(coalitions.archive_coalition, COORD_B, world.alpine)
    p = await world(onboarding.profile, COORD_B)
    assert p.coordinated == [] and p.is_newcomer


async def test_admin_next_step_is_setup_until_done(world: World) -> None:
    result = await world(onboarding.overview, ADMIN)
    assert result.profile.roles == ["admin"] and not result.profile.is_newcomer
    assert "Run `/setup`" in _text(result.sections)
    await world(onboarding.set_announce_channel, ADMIN, 555)
    after = await world(onboarding.overview, ADMIN)
    assert after.profile.setup_done and after.profile.announce_channel_id == 555
    assert "Setup is done" in _text(after.sections)


async def test_profile_is_scoped_to_the_server(world: World) -> None:
    elsewhere = Actor(OTHER_GUILD, REP_LYON.user_id)
    p = await world(onboarding.profile, elsewhere)
    assert p.is_newcomer and p.city_count == 1
    other_admin = await world(onboarding.profile, OTHER_ADMIN)
    assert [c.name for c in other_admin.coordinated] == ["Rhône Climate"]
    assert other_admin.coordinated[0].id == world.other_coalition
    assert other_admin.waiting_representatives == []


async def test_long_lists_are_cut_short(world: World) -> None:
    await world(onboarding.set_anyone_creates, ADMIN, True)
    for i in range(8):
        await world(coalitions.create_coalition, COORD_B, name=f"Group {i}", kind="peer group")
    sections = (await world(onboarding.overview, COORD_B)).sections
    coordinated = [s for s in sections if s.title.startswith("You coordinate")]
    assert len(coordinated) == onboarding.SHOW_AT_MOST
    assert any(s.title == "More coalitions you coordinate" for s in sections)


async def test_setup_is_admins_only(world: World) -> None:
    for fn, args in (
        (onboarding.get_setup, ()),
        (onboarding.set_announce_channel, (5,)),
        (onboarding.set_creator_role, (7,)),
        (onboarding.set_anyone_creates, (True,)),
        (onboarding.set_verifier_role, (7,)),
    ):
        with pytest.raises(PermissionDenied, match="Only server admins"):
            await world(fn, COORD, *args)


async def test_announce_channel_becomes_the_default_for_new_coalitions(world: World) -> None:
    info = await world(onboarding.set_announce_channel, ADMIN, 555)
    assert info == onboarding.SetupInfo(555, None)
    await world(onboarding.set_anyone_creates, ADMIN, True)
    plain = await world(coalitions.create_coalition, STRANGER, name="New", kind="peer group")
    own = await world(
        coalitions.create_coalition, STRANGER, name="Own", kind="peer group", channel_id=777
    )
    assert (await world(coalitions.show_coalition, STRANGER, plain.id)).channel_id == 555
    assert (await world(coalitions.show_coalition, STRANGER, own.id)).channel_id == 777
    # Another server's setup changes nothing here, and the reverse.
    other = await world(coalitions.create_coalition, OTHER_ADMIN, name="B", kind="peer group")
    assert (await world(coalitions.show_coalition, OTHER_ADMIN, other.id)).channel_id is None


async def test_creator_role_restricts_and_everyone_lifts_it(world: World) -> None:
    await world(onboarding.set_creator_role, ADMIN, 77)
    assert (await world(onboarding.get_setup, ADMIN)).creator_role_id == 77
    with pytest.raises(PermissionDenied, match="coalition-creator role"):
        await world(coalitions.create_coalition, STRANGER, name="A", kind="peer group")
    assert not (await world(onboarding.profile, STRANGER)).may_create_coalitions
    newcomer_text = _text((await world(onboarding.overview, STRANGER)).sections)
    assert "/coalition create" not in newcomer_text
    with_role = Actor(GUILD, STRANGER.user_id, role_ids=frozenset({77}))
    assert (await world(onboarding.profile, with_role)).may_create_coalitions
    await world(coalitions.create_coalition, with_role, name="A", kind="peer group")

    await world(onboarding.set_anyone_creates, ADMIN, True)
    info = await world(onboarding.get_setup, ADMIN)
    assert (info.anyone_creates, info.creator_role_id) == (True, 77)
    assert (await world(coalitions.create_coalition, STRANGER, name="B", kind="peer group")).id
    # Back to admins only: no role, not everyone.
    await world(onboarding.set_creator_role, ADMIN, None)
    info = await world(onboarding.get_setup, ADMIN)
    assert (info.anyone_creates, info.creator_role_id) == (False, None)
    with pytest.raises(PermissionDenied, match="only server admins can create coalitions"):
        await world(coalitions.create_coalition, with_role, name="C", kind="peer group")


async def test_verifier_role_is_chosen_in_setup_and_sees_requests_it_may_answer(
    world: World,
) -> None:
    verifier = Actor(GUILD, 500, role_ids=frozenset({88}))
    assert (await world(onboarding.get_setup, ADMIN)).verifier_role_id is None
    assert (await world(onboarding.profile, verifier)).waiting_representatives == []

    info = await world(onboarding.set_verifier_role, ADMIN, 88)
    assert info.verifier_role_id == 88
    await world(cities.request_representation, Actor(GUILD, 555), world.lyon)
    p = await world(onboarding.overview, verifier)
    # Annecy is in no coalition (hers to answer); Lyon is Rhône Climate's.
    assert p.profile.waiting_representatives == ["Annecy"]
    assert "Requests to represent Annecy" in _text(p.sections)
    with pytest.raises(InvalidInput, match="@everyone cannot be the verifier role"):
        await world(onboarding.set_verifier_role, ADMIN, GUILD)
    assert (await world(onboarding.set_verifier_role, ADMIN, None)).verifier_role_id is None
    assert (await world(onboarding.profile, verifier)).waiting_representatives == []


async def test_help_says_who_may_create_coalitions_and_how_to_change_it(world: World) -> None:
    coalitions_topic = onboarding.topic("coalitions").command_text()
    assert "Who may create coalitions is a server choice" in coalitions_topic
    assert "/setup" in coalitions_topic
    assert "who may create coalitions" in onboarding.topic("start").command_text()
    admin = _text((await world(onboarding.overview, ADMIN)).sections)
    assert "who may create coalitions" in admin and "`/setup`" in admin


async def test_welcome_is_claimed_once_per_server(world: World) -> None:
    assert await world(onboarding.claim_welcome, 4242) is True
    assert await world(onboarding.claim_welcome, 4242) is False
    await world(onboarding.release_welcome, 4242)
    assert await world(onboarding.claim_welcome, 4242) is True
    # A server whose admin ran /setup before the welcome: the existing row is used.
    await world(onboarding.set_announce_channel, ADMIN, 555)
    assert await world(onboarding.claim_welcome, GUILD) is True
    assert await world(onboarding.claim_welcome, GUILD) is False
    assert (await world(onboarding.get_setup, ADMIN)).announce_channel_id == 555


def _all_granted() -> dict[str, bool]:
    return {name: True for name, _ in onboarding.REQUIRED_CHANNEL_PERMISSIONS}


async def test_missing_permissions_are_named_in_order(world: World) -> None:
    assert onboarding.missing_permissions(_all_granted()) == []
    granted = {**_all_granted(), "send_messages": False, "attach_files": False}
    assert onboarding.missing_permissions(granted) == ["Send Messages", "Attach Files"]
