"""Building coalitions, seen from Discord: gazetteer cities, partner suggestions, coalition
suggestions and their Invite button (issue 18)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.services import cities
from tests.conftest import both_backends
from tests.e2e.test_cities import one_private_reply
from tests.seed import seed_e2e

LYON_GN = "gn:2996944"  # GeoNames' Lyon
GRENOBLE_GN = "gn:3014728"
PARIS_GN = "gn:2988507"


async def add_place(world, typed: str, user=None) -> str:  # type: ignore[no-untyped-def]
    """Add the first gazetteer place offered for ``typed``; the choice's value."""
    [first, *_] = await world.autocomplete("city add", "name", typed, user=user or world.ada)
    reply = await world.slash("city add", user=user or world.ada, name=first["value"])
    assert "Added" in one_private_reply(reply), reply.text
    return str(first["value"])


async def city_id(world, name: str, guild=...) -> int:  # type: ignore[no-untyped-def]
    choices = await world.autocomplete("city show", "city", name, user=world.ada, guild=guild)
    return int(next(c["value"] for c in choices if c["name"].startswith(f"{name} (")))


@both_backends
async def test_lyon_from_the_gazetteer_and_a_small_town_by_hand(world) -> None:
    [first, *_] = await world.autocomplete("city add", "name", "lyo", user=world.ada)
    assert first == {"name": "Lyon — France, 521 k", "value": LYON_GN}
    added = await world.slash("city add", user=world.ada, name=LYON_GN)
    text = one_private_reply(added)
    assert "Added **Lyon** — France · Auvergne-Rhône-Alpes · pop. 520,774" in text
    assert "45.7491, 4.8479, Europe/Paris" in text

    shown = one_private_reply(
        await world.slash("city show", user=world.sam, city=str(await city_id(world, "Lyon")))
    )
    for line in (
        "Region: Auvergne-Rhône-Alpes",
        "Population: 520,774",
        "Coordinates: 45.7491, 4.8479",
        "Time zone: Europe/Paris",
        "Profile: GeoNames gazetteer (#2996944)",
    ):
        assert line in shown

    # A village the gazetteer does not know: by hand, coordinates optional.
    assert await world.autocomplete("city add", "name", "Le Sappey-en-Ch", user=world.ada) == []
    by_hand = await world.slash(
        "city add",
        user=world.ada,
        name="Le Sappey-en-Chartreuse",
        country="France",
        region="Auvergne-Rhône-Alpes",
        population=1_150,
        latitude=45.2625,
        longitude=5.7772,
    )
    assert "Added **Le Sappey-en-Chartreuse** — France · Auvergne-Rhône-Alpes · pop. 1,150" in (
        one_private_reply(by_hand)
    )
    village = await city_id(world, "Le Sappey-en-Chartreuse")
    shown = one_private_reply(await world.slash("city show", user=world.sam, city=str(village)))
    assert "Coordinates: 45.2625, 5.7772" in shown and "Profile: added by hand" in shown
    assert "Time zone" not in shown

    # A name alone (no choice, no country) says how to go on; half coordinates are refused.
    bare = await world.slash("city add", user=world.ada, name="Somewhere")
    assert "Pick the city from the list" in one_private_reply(bare)
    half = await world.slash(
        "city add", user=world.ada, name="Elsewhere", country="France", latitude=45.0
    )
    assert "both the latitude and the longitude" in one_private_reply(half)
    again = await world.slash("city add", user=world.ada, name=LYON_GN)
    assert "Lyon (France) is already listed" in one_private_reply(again)


async def test_city_edit_by_admins_and_verifiers_keeps_history(world) -> None:
    await add_place(world, "Grenoble")
    grenoble = await city_id(world, "Grenoble")
    refused = await world.slash("city edit", user=world.sam, city=str(grenoble), population=1)
    assert "Only server admins can correct Grenoble's profile" in one_private_reply(refused)

    first = await world.slash(
        "city edit", user=world.ada, city=str(grenoble), population=160_000, region="Isère"
    )
    text = one_private_reply(first)
    assert "region Auvergne-Rhône-Alpes → Isère" in text
    assert "population 158,552 → 160,000" in text
    world.clock.advance(timedelta(days=1))
    second = await world.slash(
        "city edit", user=world.ada, city=str(grenoble), timezone="Europe/Zurich"
    )
    assert "time zone Europe/Paris → Europe/Zurich" in one_private_reply(second)
    same = await world.slash("city edit", user=world.ada, city=str(grenoble), population=160_000)
    assert "Nothing changed" in one_private_reply(same)

    shown = await world.slash("city show", user=world.sam, city=str(grenoble))
    history = next(f for f in shown.embeds[0]["fields"] if f["name"].startswith("Profile corr"))
    assert history["name"] == "Profile corrections (3, latest first)"
    lines = history["value"].split("\n")
    assert "time zone Europe/Paris → Europe/Zurich" in lines[0]
    assert world.ada.mention in lines[0]
    assert any("population 158,552 → 160,000" in line for line in lines[1:])
    assert "Population: 160,000" in one_private_reply(shown)


@both_backends
async def test_partners_for_grenoble_list_lyon_first(world) -> None:
    for typed in ("Lyon", "Grenoble", "Paris"):
        await add_place(world, typed)
    await world.slash(
        "city add", user=world.ada, name="Kleinstadt", country="Germany", population=158_000
    )
    grenoble = await city_id(world, "Grenoble")
    reply = await world.slash("city partners", user=world.sam, city=str(grenoble))
    text = one_private_reply(reply)
    lines = [line for line in text.split("\n") if line[:1].isdigit()]
    # Grenoble–Lyon as the crow flies between GeoNames' centres: 93 km.
    assert lines[0] == "1. **Lyon** (France) — 93 km, same region"
    # Similar size alone (15 points at most) outweighs being far in the same country.
    assert lines[1] == "2. **Kleinstadt** (Germany) — similar size (158 k people)"
    assert lines[2] == "3. **Paris** (France) — 482 km, same country"
    assert len(lines) == 3
    assert "Partners for Grenoble (best first, of 3 cities)" in text

    one = await world.slash("city partners", user=world.sam, city=str(grenoble), limit=1)
    assert [ln for ln in one_private_reply(one).split("\n") if ln[:1].isdigit()] == lines[:1]


async def test_partners_never_list_another_servers_cities(world) -> None:
    await add_place(world, "Grenoble")
    lobby = next(iter(world.other_guild.channels.values()))
    for name in (LYON_GN, "Chambéry"):
        await world.slash(
            "city add",
            user=world.bea,
            guild=world.other_guild,
            channel_=lobby,
            name=name,
            country="France",
            region="Auvergne-Rhône-Alpes",
        )
    grenoble = await city_id(world, "Grenoble")
    reply = await world.slash("city partners", user=world.sam, city=str(grenoble))
    text = one_private_reply(reply)
    assert "No partner suggestions for Grenoble yet" in text
    assert "Lyon" not in text and "Chambéry" not in text
    # And from server B, A's Grenoble is not found.
    foreign = await world.slash(
        "city partners",
        user=world.lena,
        guild=world.other_guild,
        channel_=lobby,
        city=str(grenoble),
    )
    assert "can't find that city in this server" in one_private_reply(foreign)


async def _suggest_world(world):  # type: ignore[no-untyped-def]
    """Alpine Climate Pact (Lyon, Grenoble, Marseille: typed by hand, so placed with
    coordinates here) and three candidates: Annecy (olga verified), Paris, Geneva."""
    seed = await seed_e2e(world, with_ask=False)
    admin = world.actor(world.ada, admin=True)
    async with world.uow() as uow:
        for city, (lat, lon) in {
            seed.lyon: (45.74906, 4.84789),
            seed.grenoble: (45.17869, 5.71479),
        }.items():
            await cities.edit_city(
                uow, admin, city, latitude=lat, longitude=lon, region="Auvergne-Rhône-Alpes"
            )
    for typed in ("Annecy", "Paris", "Geneva"):
        await add_place(world, typed)
    annecy = await city_id(world, "Annecy")
    await world.slash("city verify", user=world.ada, city=str(annecy), options={"user": world.olga})
    return seed, annecy


@both_backends
async def test_coalition_suggestion_with_a_working_invite(world) -> None:
    seed, annecy = await _suggest_world(world)
    reply = await world.slash("coalition suggest", user=world.cora, coalition=str(seed.coalition))
    text = one_private_reply(reply)
    assert "Cities that would strengthen Alpine Climate Pact (3 members)" in text
    lines = [line for line in text.split("\n") if line[:1].isdigit()]
    assert lines[0] == (
        "1. **Geneva** (Switzerland) — first city from Switzerland, 112 km from Lyon, "
        "no verified representative yet"
    )
    assert lines[1] == "2. **Annecy** (France) — 87 km from Grenoble"
    assert lines[2] == (
        "3. **Paris** (France) — first city from Île-de-France, no verified representative yet"
    )
    buttons = reply.message.buttons()
    assert [b["label"] for b in buttons] == ["Invite Annecy"]
    assert buttons[0]["custom_id"] == f"invite:{seed.coalition}:{annecy}"

    pressed = await world.emu.click(reply.message, label="Invite Annecy", user=world.cora)
    answer = one_private_reply(pressed)
    assert f"Invited Annecy to Alpine Climate Pact: I'm sending {world.olga.mention} a DM" in answer
    await world.emu.wait_for(lambda: bool(world.emu.dms(world.olga)))
    [dm] = world.emu.dms(world.olga)
    assert (
        f"{world.cora.mention}, a coordinator of **Alpine Climate Pact**, invites **Annecy**"
        in (dm.text)
    )
    assert "Why Annecy: 87 km from Grenoble" in dm.text and "/coalition join" in dm.text

    # Once a week per city and coalition: the refusal says when the next may go.
    world.clock.advance(timedelta(days=3))
    again = await world.emu.click(reply.message, label="Invite Annecy", user=world.cora)
    refusal = one_private_reply(again)
    assert "Annecy was invited to Alpine Climate Pact on" in refusal
    assert "the next can go from" in refusal
    assert len(world.emu.dms(world.olga)) == 1
    world.clock.advance(timedelta(days=4, seconds=1))
    later = await world.emu.click(reply.message, label="Invite Annecy", user=world.cora)
    assert "Invited Annecy" in one_private_reply(later)
    await world.emu.wait_for(lambda: len(world.emu.dms(world.olga)) == 2)


async def test_suggestions_show_no_invite_buttons_to_non_coordinators(world) -> None:
    seed, _ = await _suggest_world(world)
    reply = await world.slash("coalition suggest", user=world.sam, coalition=str(seed.coalition))
    assert "Annecy" in one_private_reply(reply)
    assert reply.message.buttons() == []
    # The button itself judges the presser, whatever message it sits on.
    coordinators = await world.slash(
        "coalition suggest", user=world.cora, coalition=str(seed.coalition)
    )
    # Discord shows an ephemeral prompt to its owner only; a custom_id is all the bot gets.
    shown = replace(coordinators.message, flags=coordinators.message.flags & ~64, interaction=None)
    pressed = await world.emu.click(shown, label="Invite Annecy", user=world.sam)
    assert "Only coordinators of Alpine Climate Pact or server admins can invite cities" in (
        one_private_reply(pressed)
    )
    assert world.emu.dms(world.olga) == []
