"""Cities and representatives."""

from __future__ import annotations

import pytest

from bot.errors import ChoiceNeeded, Conflict, InvalidInput, NotFound, PermissionDenied
from bot.services import cities, coalitions, gazetteer, onboarding
from bot.services.common import Actor
from bot.services.permissions import acting_city
from tests.conftest import both_backends
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


async def test_coordinators_and_admins_add_cities_strangers_cannot(world: World) -> None:
    city = await world(
        cities.add_city, COORD_B, name="Chambéry", country="France", population="59,000"
    )
    assert (city.name, city.country, city.population) == ("Chambéry", "France", 59000)
    for actor in (STRANGER, REP_LYON, PENDING):
        with pytest.raises(PermissionDenied, match="coordinators and server admins"):
            await world(cities.add_city, actor, name="Valence", country="France")
    assert "Valence" not in [c.name for c in await world(cities.list_cities, ADMIN)]


async def test_duplicate_city_is_refused_across_case_and_accents(world: World) -> None:
    with pytest.raises(Conflict, match=r"Zürich \(Switzerland\) is already listed"):
        await world(cities.add_city, ADMIN, name="  zurich ", country="SWITZERLAND")
    # The same name in another country is a different city.
    other = await world(cities.add_city, ADMIN, name="Zurich", country="Netherlands")
    assert other.name == "Zurich"


async def test_population_must_be_positive_whole_number(world: World) -> None:
    for population in [0, -5, "many", "1.5", "١٢", True, 10**12]:
        with pytest.raises(InvalidInput, match="population"):
            await world(
                cities.add_city, ADMIN, name="Nice", country="France", population=population
            )
    assert (await world(cities.add_city, ADMIN, name="Nice", country="France")).population is None


async def test_text_validation_is_the_same_everywhere(world: World) -> None:
    for name, message in [
        ("   ", "The city name cannot be empty"),
        ("x" * 101, "101 characters long; the limit is 100"),
        ("Ly\x00on", "invisible or control characters"),
        ("Ly\u202eon", "invisible or control characters"),
        ("Lyon\nGrenoble", "must fit on one line"),
    ]:
        with pytest.raises(InvalidInput, match=message):
            await world(cities.add_city, ADMIN, name=name, country="France")
    with pytest.raises(InvalidInput, match="The title contains invisible"):
        await world(
            cities.verify_representative, ADMIN, city_id=world.annecy, user_id=102, title="M\x00"
        )
    assert [c.name for c in await world(cities.list_cities, ADMIN)] == [
        "Annecy",
        "Grenoble",
        "Lyon",
        "Zürich",
    ]


async def test_list_filters_fold_case_and_accents(world: World) -> None:
    await world(cities.add_city, ADMIN, name="Genève", country="Suisse", region="Léman")
    await world(cities.add_city, ADMIN, name="Lausanne", country="Suisse", region="Vaud")
    assert [c.name for c in await world(cities.list_cities, ADMIN, country="suisse")] == [
        "Genève",
        "Lausanne",
    ]
    assert [c.name for c in await world(cities.list_cities, ADMIN, region="leman")] == ["Genève"]
    everything = await world(cities.list_cities, ADMIN)
    assert [c.name for c in everything] == [
        "Annecy",
        "Genève",
        "Grenoble",
        "Lausanne",
        "Lyon",
        "Zürich",
    ]
    # Guild 2 sees only its own Lyon.
    assert [c.id for c in await world(cities.list_cities, OTHER_ADMIN)] == [world.other_city]


async def test_show_city_lists_representatives_and_coalitions(world: World) -> None:
    detail = await world(cities.show_city, STRANGER, world.lyon)
    assert detail.city.name == "Lyon"
    assert [(r.user_id, r.title) for r in detail.representatives] == [
        (100, "Deputy Mayor for Climate")
    ]
    assert [(c.coalition_name, c.status) for c in detail.coalitions] == [
        ("Rhône Climate", "active")
    ]
    annecy = await world(cities.show_city, STRANGER, world.annecy)
    assert annecy.representatives == [] and annecy.pending_user_ids == [102]


async def test_represent_twice_says_pending_or_verified(world: World) -> None:
    with pytest.raises(Conflict, match="already pending"):
        await world(cities.request_representation, PENDING, world.annecy)
    with pytest.raises(Conflict, match="already a verified representative of Lyon"):
        await world(cities.request_representation, REP_LYON, world.lyon)


async def test_verify_pending_direct_and_title_update(world: World) -> None:
    result = await world(cities.verify_representative, ADMIN, city_id=world.annecy, user_id=102)
    assert result.outcome == "verified"
    direct = await world(
        cities.verify_representative, ADMIN, city_id=world.zurich, user_id=555, title="Mayor"
    )
    assert (direct.outcome, direct.title) == ("verified_directly", "Mayor")
    updated = await world(
        cities.verify_representative,
        ADMIN,
        city_id=world.zurich,
        user_id=555,
        title="Stadtpräsidentin",
    )
    assert updated.outcome == "title_updated"
    with pytest.raises(Conflict, match="already a verified representative of Zürich"):
        await world(cities.verify_representative, ADMIN, city_id=world.zurich, user_id=555)
    reps = (await world(cities.show_city, ADMIN, world.zurich)).representatives
    assert [(r.user_id, r.title) for r in reps] == [(555, "Stadtpräsidentin")]


async def test_only_coordinators_and_admins_verify_and_revoke(world: World) -> None:
    for actor in (STRANGER, REP_LYON, PENDING):
        # (PENDING is 102 himself: refused for that first.)
        with pytest.raises(PermissionDenied, match=r"only server admins can verify|verify yours"):
            await world(cities.verify_representative, actor, city_id=world.annecy, user_id=102)
        with pytest.raises(PermissionDenied, match="server admins can revoke representatives"):
            await world(cities.revoke_representative, actor, city_id=world.lyon, user_id=100)
    assert (await world(cities.show_city, ADMIN, world.annecy)).pending_user_ids == [102]


async def test_revoked_representative_can_no_longer_act(world: World) -> None:
    result = await world(cities.revoke_representative, COORD, city_id=world.lyon, user_id=100)
    assert result.previous_status == "verified"
    with pytest.raises(PermissionDenied, match="You don't represent any city yet"):
        await world(coalitions.join_coalition, REP_LYON, coalition_id=world.alpine)
    with pytest.raises(NotFound, match="does not represent Lyon"):
        await world(cities.revoke_representative, COORD, city_id=world.lyon, user_id=100)
    # They may ask again: a new pending row, history kept.
    again = await world(cities.request_representation, REP_LYON, world.lyon)
    assert again.status == "pending"


async def test_acting_city_defaults_and_choice_needed(world: World) -> None:
    await world(cities.verify_representative, ADMIN, city_id=world.zurich, user_id=100)
    async with world.uow() as uow:
        with pytest.raises(ChoiceNeeded) as err:
            await acting_city(uow.session, REP_LYON, None)
        assert err.value.choices == ["Lyon", "Zürich"]
        assert (await acting_city(uow.session, REP_LYON, world.zurich)).city.name == "Zürich"
        with pytest.raises(PermissionDenied, match="You represent Lyon, Zürich, not Grenoble"):
            await acting_city(uow.session, REP_LYON, world.grenoble, coalition_name="Rhône Climate")
        with pytest.raises(PermissionDenied, match="still waiting for verification"):
            await acting_city(uow.session, PENDING, None)
        with pytest.raises(PermissionDenied, match="You don't represent any city yet"):
            await acting_city(uow.session, STRANGER, None)


async def test_other_guild_ids_find_nothing_and_change_nothing(world: World) -> None:
    with pytest.raises(NotFound, match="can't find that city in this server"):
        await world(cities.show_city, ADMIN, world.other_city)
    with pytest.raises(NotFound):
        await world(cities.verify_representative, ADMIN, city_id=world.other_city, user_id=7)
    with pytest.raises(NotFound):
        await world(cities.request_representation, STRANGER, world.other_city)
    with pytest.raises(NotFound):
        await world(cities.show_city, ADMIN, 2**40)
    other = await world(cities.show_city, OTHER_ADMIN, world.other_city)
    assert other.representatives == [] and other.pending_user_ids == []
    # A coordinator in guild 1 is nobody in a guild they coordinate nothing in.
    with pytest.raises(PermissionDenied):
        await world(cities.add_city, Actor(3, COORD.user_id), name="X", country="Y")
    assert GUILD != 3


async def test_only_coordinators_of_a_citys_coalitions_manage_its_representatives(
    world: World,
) -> None:
    """A coordinator of another coalition cannot make anyone Lyon's representative (and so
    sign in Lyon's name in Rhône Climate); Lyon's own coordinators and admins can. A city in
    no coalition is not any coordinator's: only admins (and verifiers) handle it."""
    with pytest.raises(PermissionDenied, match="Only coordinators of Rhône Climate"):
        await world(cities.verify_representative, COORD_B, city_id=world.lyon, user_id=555)
    with pytest.raises(PermissionDenied, match="Only coordinators of Rhône Climate"):
        await world(cities.revoke_representative, COORD_B, city_id=world.lyon, user_id=100)
    detail = await world(cities.show_city, ADMIN, world.lyon)
    assert [r.user_id for r in detail.representatives] == [100]

    done = await world(cities.verify_representative, COORD, city_id=world.lyon, user_id=555)
    assert done.outcome == "verified_directly"
    await world(cities.revoke_representative, ADMIN, city_id=world.lyon, user_id=555)
    for coordinator in (COORD, COORD_B):
        with pytest.raises(PermissionDenied, match="Zürich is in no active coalition, so only"):
            await world(
                cities.verify_representative, coordinator, city_id=world.zurich, user_id=556
            )
    assert (await world(cities.show_city, ADMIN, world.zurich)).representatives == []


# ------------------------------------------------------------------------------- trust

VERIFIER_ROLE = 77
VERIFIER = Actor(GUILD, 500, role_ids=frozenset({VERIFIER_ROLE}))


async def _name_verifiers(world: World) -> None:
    await world(onboarding.set_verifier_role, ADMIN, VERIFIER_ROLE)


async def test_nobody_verifies_themselves_but_an_admin(world: World) -> None:
    await _name_verifiers(world)
    # COORD coordinates Rhône Climate, which Lyon belongs to: he may verify others for Lyon,
    # never himself; the verifier may verify others for Zürich, never herself.
    for actor, city in ((COORD, world.lyon), (VERIFIER, world.zurich)):
        with pytest.raises(PermissionDenied, match="You cannot verify yourself"):
            await world(cities.verify_representative, actor, city_id=city, user_id=actor.user_id)
    await world(cities.request_representation, COORD, world.lyon)
    with pytest.raises(PermissionDenied, match="You cannot verify yourself"):
        await world(cities.verify_representative, COORD, city_id=world.lyon, user_id=10)
    lyon = await world(cities.show_city, ADMIN, world.lyon)
    assert [r.user_id for r in lyon.representatives] == [100] and 10 in lyon.pending_user_ids
    assert (await world(cities.show_city, ADMIN, world.zurich)).representatives == []

    done = await world(cities.verify_representative, ADMIN, city_id=world.zurich, user_id=1)
    assert done.outcome == "verified_directly"


async def test_the_verifier_role_handles_cities_in_no_active_coalition(world: World) -> None:
    plain = Actor(GUILD, VERIFIER.user_id)
    with pytest.raises(PermissionDenied, match="Annecy is in no active coalition, so only serv"):
        await world(cities.verify_representative, VERIFIER, city_id=world.annecy, user_id=102)

    await _name_verifiers(world)
    done = await world(cities.verify_representative, VERIFIER, city_id=world.annecy, user_id=102)
    assert done.outcome == "verified"
    revoked = await world(cities.revoke_representative, VERIFIER, city_id=world.annecy, user_id=102)
    assert revoked.previous_status == "verified"
    with pytest.raises(PermissionDenied, match="members with the verifier role chosen in /setup"):
        await world(cities.verify_representative, plain, city_id=world.annecy, user_id=102)
    # Lyon is in Rhône Climate: its coordinators decide, not the verifiers.
    with pytest.raises(PermissionDenied, match="Only coordinators of Rhône Climate"):
        await world(cities.verify_representative, VERIFIER, city_id=world.lyon, user_id=555)
    with pytest.raises(PermissionDenied, match="Only coordinators of Rhône Climate"):
        await world(cities.revoke_representative, VERIFIER, city_id=world.lyon, user_id=100)
    # The role is this server's: the same role id elsewhere is nobody.
    elsewhere = Actor(OTHER_GUILD, VERIFIER.user_id, role_ids=VERIFIER.role_ids)
    with pytest.raises(PermissionDenied, match="only server admins can verify"):
        await world(cities.verify_representative, elsewhere, city_id=world.other_city, user_id=7)


async def test_a_coordinator_verifies_for_cities_asking_to_join_not_for_other_coalitions(
    world: World,
) -> None:
    """COORD_B coordinates Alpine Peers (joining needs approval). Zürich asks to join it."""
    await world(coalitions.set_approval, COORD_B, coalition_id=world.alpine, required=True)
    await world(cities.verify_representative, ADMIN, city_id=world.zurich, user_id=555)
    joined = await world(coalitions.join_coalition, Actor(GUILD, 555), coalition_id=world.alpine)
    assert joined.status == "pending"

    done = await world(cities.verify_representative, COORD_B, city_id=world.zurich, user_id=556)
    assert done.outcome == "verified_directly"
    await world(cities.revoke_representative, COORD_B, city_id=world.zurich, user_id=556)
    # Not for Lyon, a member of Rhône Climate only; and Rhône's coordinator not for Zürich.
    with pytest.raises(PermissionDenied, match="Only coordinators of Rhône Climate"):
        await world(cities.verify_representative, COORD_B, city_id=world.lyon, user_id=556)
    with pytest.raises(PermissionDenied, match="Only coordinators of Rhône Climate"):
        await world(cities.revoke_representative, COORD_B, city_id=world.lyon, user_id=100)
    with pytest.raises(PermissionDenied, match="Only coordinators of Alpine Peers"):
        await world(cities.verify_representative, COORD, city_id=world.zurich, user_id=556)
    with pytest.raises(PermissionDenied, match="Only coordinators of Alpine Peers"):
        await world(cities.revoke_representative, COORD, city_id=world.zurich, user_id=555)

    # Turned down: Zürich is in no coalition again, and COORD_B's say over it ends.
    await world(
        coalitions.reject_membership, COORD_B, coalition_id=world.alpine, city_id=world.zurich
    )
    with pytest.raises(PermissionDenied, match="Zürich is in no active coalition"):
        await world(cities.verify_representative, COORD_B, city_id=world.zurich, user_id=556)


async def test_a_city_only_in_archived_coalitions_counts_as_in_none(world: World) -> None:
    await _name_verifiers(world)
    await world(cities.verify_representative, ADMIN, city_id=world.zurich, user_id=555)
    await world(coalitions.join_coalition, Actor(GUILD, 555), coalition_id=world.alpine)
    done = await world(cities.verify_representative, COORD_B, city_id=world.zurich, user_id=556)
    assert done.outcome == "verified_directly"

    await world(coalitions.archive_coalition, COORD_B, world.alpine)
    for verb in (cities.verify_representative, cities.revoke_representative):
        with pytest.raises(PermissionDenied, match="Zürich is in no active coalition"):
            await world(verb, COORD_B, city_id=world.zurich, user_id=556)
    revoked = await world(cities.revoke_representative, VERIFIER, city_id=world.zurich, user_id=556)
    assert revoked.previous_status == "verified"


async def test_a_pending_representative_cannot_bring_their_city_into_a_coalition(
    world: World,
) -> None:
    with pytest.raises(PermissionDenied, match="still waiting for verification"):
        await world(
            coalitions.join_coalition, PENDING, coalition_id=world.alpine, city_id=world.annecy
        )


async def test_joiners_are_allowed_but_cannot_make_a_look_alike_duplicate(world: World) -> None:
    persian = "نظر\u200cآباد"  # the zero-width non-joiner is part of the spelling
    added = await world(cities.add_city, ADMIN, name=persian, country="Iran")
    assert added.name == persian
    emoji = await world(cities.add_city, ADMIN, name="Pride 🏳️\u200d🌈 Town", country="France")
    assert "\u200d" in emoji.name
    with pytest.raises(Conflict, match="already"):
        await world(cities.add_city, ADMIN, name="Ly\u200don", country="France")
    with pytest.raises(InvalidInput, match="invisible or control characters"):
        await world(cities.add_city, ADMIN, name="Ly\u200bon", country="France")


# ------------------------------------------------------------------ profiles (issue 18)


async def test_gazetteer_and_hand_added_profiles(world: World) -> None:
    with pytest.raises(Conflict, match=r"Lyon \(France\) is already listed"):
        await world(cities.add_city, ADMIN, name="gn:2996944")
    chambery = gazetteer.search("Chambéry")[0]
    city = await world(
        cities.add_city, COORD, name=gazetteer.value_of(chambery), population="60,000"
    )
    assert (city.name, city.country, city.region, city.population) == (
        "Chambéry",
        "France",
        "Auvergne-Rhône-Alpes",
        60_000,
    )
    assert (city.timezone, city.geonames_id) == ("Europe/Paris", chambery.geonames_id)
    assert city.latitude == chambery.latitude and city.longitude == chambery.longitude
    with pytest.raises(NotFound, match="not in the gazetteer"):
        await world(cities.add_city, ADMIN, name="gn:1")
    with pytest.raises(InvalidInput, match="Pick the city from the list"):
        await world(cities.add_city, ADMIN, name="Tiny")
    for lat, lon in [(91, 5), (45, 181), ("north", 5), (45, None)]:
        with pytest.raises(InvalidInput, match=r"latitude|longitude"):
            await world(
                cities.add_city, ADMIN, name="Tiny", country="France", latitude=lat, longitude=lon
            )
    tiny = await world(
        cities.add_city, ADMIN, name="Tiny", country="France", latitude="45,5", longitude=5
    )
    assert (tiny.latitude, tiny.longitude, tiny.geonames_id, tiny.timezone) == (
        45.5,
        5.0,
        None,
        None,
    )


async def test_edit_is_for_admins_and_verifiers_and_keeps_history(world: World) -> None:
    for actor in (COORD, REP_LYON, STRANGER):
        with pytest.raises(PermissionDenied, match="correct Lyon's profile"):
            await world(cities.edit_city, actor, world.lyon, population=1)
    await world(onboarding.set_verifier_role, ADMIN, 77)
    verifier = Actor(GUILD, 500, role_ids=frozenset({77}))
    r = await world(cities.edit_city, verifier, world.lyon, population=522_250, region="Rhône")
    assert [(e.field, e.old_value, e.new_value) for e in r.changed] == [
        ("region", None, "Rhône"),
        ("population", None, "522250"),
    ]
    cleared = await world(cities.edit_city, ADMIN, world.lyon, region="-", timezone="Europe/Paris")
    assert [(e.field, e.new_value) for e in cleared.changed] == [
        ("region", None),
        ("timezone", "Europe/Paris"),
    ]
    with pytest.raises(Conflict, match=r"Grenoble \(France\) is already listed"):
        await world(cities.edit_city, ADMIN, world.lyon, name="grenoble")
    with pytest.raises(NotFound):
        await world(cities.edit_city, OTHER_ADMIN, world.lyon, population=5)
    shown = await world(cities.show_city, STRANGER, world.lyon)
    assert shown.edit_count == 4 and shown.city.population == 522_250
    assert [e.field for e in shown.edits] == ["timezone", "region", "population", "region"]
