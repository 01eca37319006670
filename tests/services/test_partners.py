"""Partner ranking, coalition suggestions and invitations (bot.services.partners)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.db.models import CoalitionInvite, OutboxMessage
from bot.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bot.services import cities, gazetteer, partners
from bot.services.gazetteer._regions import region_names
from bot.services.partners.scoring import Facts, rank, score_pair
from tests.conftest import both_backends
from tests.services.conftest import (
    ADMIN,
    COORD,
    COORD_B,
    OTHER_ADMIN,
    REP_LYON,
    STRANGER,
    World,
)

LYON = (45.74906, 4.84789)
GRENOBLE = (45.17869, 5.71479)
ANNECY = (45.90878, 6.12565)


async def place(world: World, city_id: int, where: tuple[float, float], **extra: object) -> None:
    await world(cities.edit_city, ADMIN, city_id, latitude=where[0], longitude=where[1], **extra)


def facts(i: int, name: str, **kw: object) -> Facts:
    base: dict[str, object] = {
        "id": i,
        "name": name,
        "name_key": name.lower(),
        "country": "France",
        "country_key": "france",
        "region": None,
        "region_key": None,
        "region_code": None,
        "population": None,
        "latitude": None,
        "longitude": None,
    }
    base.update(kw)
    return Facts(**base)  # type: ignore[arg-type]


def test_scoring_is_explained_and_deterministic() -> None:
    me = facts(1, "Grenoble", latitude=GRENOBLE[0], longitude=GRENOBLE[1], population=158_552)
    near = facts(2, "Lyon", latitude=LYON[0], longitude=LYON[1], population=520_774)
    coded = facts(3, "Voiron", region_code="84", population=120_000)
    me_coded = facts(1, "Grenoble", region_code="84", population=158_552)
    assert score_pair(me, near).reasons == ("93 km", "same country")
    assert score_pair(me_coded, coded).reasons == (
        "same region",
        "similar size (120 k people)",
    )
    shared = score_pair(me, facts(4, "Annecy"), shared_asks=2, shared_kinds=["Peer group"])
    assert shared.reasons == (
        "same country",
        "signed 2 of the same asks",
        "also in a peer group",
    )
    assert shared.score == 5 + 20 + 5
    # Equal scores: nearer first, then by name; nothing in common: left out.
    twins = [score_pair(me, facts(i, n)) for i, n in [(9, "Zed"), (8, "Abe")]]
    foreign = score_pair(me, facts(7, "Bern", country="Switzerland", country_key="switzerland"))
    assert [s.city.name for s in rank([*twins, foreign], 10)] == ["Abe", "Zed"]


@both_backends
async def test_partners_rank_near_same_region_and_shared_asks(world: World) -> None:
    await place(world, world.lyon, LYON, region="Auvergne-Rhône-Alpes")
    await place(world, world.grenoble, GRENOBLE, region="auvergne-rhone-alpes")
    await place(world, world.annecy, ANNECY)
    r = await world(partners.city_partners, STRANGER, world.grenoble)
    assert [(p.name, p.reasons) for p in r.partners] == [
        ("Lyon", ("93 km", "same region", "also in a metro-area partnership")),
        ("Annecy", ("87 km", "same country")),
    ]
    assert r.considered == 3  # Zürich (another country, no coordinates) has nothing in common


@both_backends
async def test_partners_stay_in_the_server_and_check_the_limit(world: World) -> None:
    r = await world(partners.city_partners, OTHER_ADMIN, world.other_city)
    assert r.partners == [] and r.considered == 0
    with pytest.raises(NotFound):
        await world(partners.city_partners, OTHER_ADMIN, world.lyon)
    for bad in (0, 26, True):
        with pytest.raises(InvalidInput, match="from 1 to 25"):
            await world(partners.city_partners, STRANGER, world.lyon, limit=bad)


@both_backends
async def test_suggestions_bring_new_regions_and_neighbours(world: World) -> None:
    await place(world, world.lyon, LYON, region="Auvergne-Rhône-Alpes")
    await place(world, world.annecy, ANNECY, region="Auvergne-Rhône-Alpes")
    s = await world(partners.coalition_suggestions, STRANGER, world.rhone)
    assert not s.can_invite and s.members == 2
    assert [(c.name, c.reasons, c.invitable) for c in s.suggestions] == [
        ("Zürich", ("first city from Switzerland", partners.NO_REPRESENTATIVE), False),
        ("Annecy", ("101 km from Lyon", partners.NO_REPRESENTATIVE), False),
    ]
    mine = await world(partners.coalition_suggestions, COORD, world.rhone)
    assert mine.can_invite
    with pytest.raises(NotFound):
        await world(partners.coalition_suggestions, OTHER_ADMIN, world.rhone)


@both_backends
async def test_invite_once_a_week_through_the_outbox(world: World, uow_factory) -> None:  # type: ignore[no-untyped-def]
    await world(cities.verify_representative, ADMIN, city_id=world.annecy, user_id=555)
    for actor in (STRANGER, REP_LYON, COORD_B):
        with pytest.raises(PermissionDenied, match="can invite cities"):
            await world(partners.invite_city, actor, world.rhone, world.annecy)
    with pytest.raises(Conflict, match="already a member"):
        await world(partners.invite_city, COORD, world.rhone, world.lyon)
    with pytest.raises(Conflict, match="no verified representative"):
        await world(partners.invite_city, COORD, world.rhone, world.zurich)

    # A coordinator and an admin pressing at once: one invitation, one DM.
    results = await asyncio.gather(
        world(partners.invite_city, COORD, world.rhone, world.annecy),
        world(partners.invite_city, ADMIN, world.rhone, world.annecy),
        return_exceptions=True,
    )
    sent = [r for r in results if isinstance(r, partners.InviteResult)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(sent) == 1 and len(refused) == 1, results
    assert "One invitation a week per city" in str(refused[0])
    assert sent[0].user_id == 555 and sent[0].next_allowed_at - sent[0].sent_at == timedelta(7)
    async with uow_factory(read_only=True) as uow:
        dms = (
            await uow.session.scalars(
                select(OutboxMessage.data).where(OutboxMessage.user_id == 555)
            )
        ).all()
        invites = await uow.session.scalar(select(func.count(CoalitionInvite.id)))
    assert invites == 1 and len(dms) == 1
    assert "invites **Annecy** to join the coalition" in dms[0]


def test_gazetteer_regions_are_real() -> None:
    """Every named region is a code some gazetteer city carries, and known cities fall in the
    regions they should."""
    idx = gazetteer.index()
    carried = {(p.country_code, p.region_code) for p in idx.places.values()}
    assert set(region_names()) <= carried
    for typed, region in [
        ("Lyon", "Auvergne-Rhône-Alpes"),
        ("Munich", "Bavaria"),
        ("Florence", "Tuscany"),
        ("Bilbao", "Basque Country"),
        ("Cardiff", "Wales"),
        ("Toronto", "Ontario"),
        ("Portland", "Oregon"),
    ]:
        assert gazetteer.search(typed)[0].region == region, typed
