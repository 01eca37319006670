"""/city seen from Discord: adding, listing, showing, representing, verifying, revoking."""

from __future__ import annotations

from tests.conftest import both_backends
from tests.seed import seed_e2e


def one_private_reply(reply) -> str:  # type: ignore[no-untyped-def]
    """The text of the single ephemeral message a command answered with."""
    messages = ([reply.message] if reply.message else []) + list(reply.followups)
    assert len(messages) == 1, [m.text for m in messages]
    assert messages[0].ephemeral
    return messages[0].text


async def add(world, name: str, country: str = "France", user=None, **extra):  # type: ignore[no-untyped-def]
    return await world.slash(
        "city add", user=user or world.ada, name=name, country=country, **extra
    )


@both_backends
async def test_admin_adds_a_city_and_a_duplicate_is_refused_naming_it(world) -> None:
    reply = await add(world, "São Paulo", "Brazil", region="SP", population=12_300_000)
    text = one_private_reply(reply)
    assert "São Paulo" in text and "Brazil" in text and "12,300,000" in text

    again = await add(world, "sao paulo", "BRAZIL")
    text = one_private_reply(again)
    assert "São Paulo (Brazil) is already listed" in text


async def test_city_add_refuses_members_and_bad_population(world) -> None:
    refused = await add(world, "Lyon", user=world.sam)
    assert "Only coalition coordinators and server admins can add cities" in one_private_reply(
        refused
    )
    too_big = await add(world, "Lyon", population=500_000_000)
    assert "more than any city has" in one_private_reply(too_big)
    listing = await world.slash("city list", user=world.sam)
    assert "No cities" in one_private_reply(listing)


async def test_a_coordinator_may_add_cities(world) -> None:
    await seed_e2e(world, with_ask=False)
    reply = await add(world, "Nice", user=world.cora)
    assert "Added **Nice**" in one_private_reply(reply)


async def test_city_list_filters_by_country_and_region_and_paginates(world) -> None:
    await add(world, "Lyon", region="Auvergne-Rhône-Alpes")
    await add(world, "Grenoble", region="auvergne-rhone-alpes")
    await add(world, "Genève", "Switzerland")
    every = await world.slash("city list", user=world.sam)
    assert "Cities (3)" in one_private_reply(every)
    swiss = await world.slash("city list", user=world.sam, country="switzerland")
    text = one_private_reply(swiss)
    assert "Genève" in text and "Lyon" not in text
    region = await world.slash("city list", user=world.sam, region="Auvergne-Rhone-Alpes")
    text = one_private_reply(region)
    assert "Lyon" in text and "Grenoble" in text and "Genève" not in text
    none = await world.slash("city list", user=world.sam, country="Peru")
    assert "No cities matching that filter" in one_private_reply(none)


async def test_long_city_list_is_split_into_pages(world) -> None:
    from bot.services import cities

    admin = world.actor(world.ada, admin=True)
    async with world.uow() as uow:
        for i in range(120):
            await cities.add_city(uow, admin, name=f"Town {i:03d} " + "x" * 60, country="France")
    reply = await world.slash("city list", user=world.sam)
    first = reply.embeds[0]["footer"]["text"]
    total = int(first.split(" of ")[1])
    assert first == f"Page 1 of {total}" and total >= 3

    # Each message stays within Discord's 6,000-character total: the rest come as followups.
    def pages() -> list[dict]:
        return [e for m in [reply.message, *reply.followups] for e in m.embeds]

    await world.emu.wait_for(lambda: len(pages()) == total)
    pages = pages()
    assert len(reply.followups) >= 1
    assert [p["footer"]["text"] for p in pages] == [
        f"Page {i} of {total}" for i in range(1, total + 1)
    ]
    assert "Town 119" in pages[-1]["description"]
    assert all(m.ephemeral for m in [reply.message, *reply.followups])


async def test_represent_then_verify_then_show_then_revoke(world) -> None:
    await add(world, "Lyon")
    [choice] = await world.autocomplete("city represent", "city", "ly", user=world.lena)
    asked = await world.slash("city represent", user=world.lena, city=choice["value"])
    assert "pending" in one_private_reply(asked)

    again = await world.slash("city represent", user=world.lena, city=choice["value"])
    assert "already pending" in one_private_reply(again)

    shown = await world.slash("city show", user=world.sam, city=choice["value"])
    text = one_private_reply(shown)
    assert "Waiting for verification" in text and world.lena.mention in text

    refused = await world.slash(
        "city verify", user=world.sam, city=choice["value"], options={"user": world.lena}
    )
    assert "Lyon is in no active coalition, so only server admins can verify" in (
        one_private_reply(refused)
    )

    verified = await world.slash(
        "city verify",
        user=world.ada,
        city=choice["value"],
        title="Deputy Mayor",
        options={"user": world.lena},
    )
    assert "verified representative of Lyon as Deputy Mayor" in one_private_reply(verified)
    retitled = await world.slash(
        "city verify",
        user=world.ada,
        city=choice["value"],
        title="Mayor",
        options={"user": world.lena},
    )
    assert "title for Lyon is now Mayor" in one_private_reply(retitled)

    shown = await world.slash("city show", user=world.sam, city=choice["value"])
    embed = shown.embeds[0]
    reps = next(f for f in embed["fields"] if f["name"] == "Representatives")
    assert world.lena.mention in reps["value"] and "Mayor" in reps["value"]
    assert "<t:" in reps["value"]
    assert not any(f["name"] == "Waiting for verification" for f in embed["fields"])

    revoked = await world.slash(
        "city revoke", user=world.ada, city=choice["value"], options={"user": world.lena}
    )
    assert "no longer represents Lyon" in one_private_reply(revoked)
    again = await world.slash(
        "city revoke", user=world.ada, city=choice["value"], options={"user": world.lena}
    )
    assert "does not represent Lyon" in one_private_reply(again)


async def test_city_show_lists_coalitions_and_pending_request_is_turned_down(world) -> None:
    seed = await seed_e2e(world, with_ask=False)
    shown = await world.slash("city show", user=world.sam, city=str(seed.lyon))
    text = one_private_reply(shown)
    assert "Alpine Climate Pact" in text and "Deputy Mayor for Climate" in text
    await world.slash("city represent", user=world.sam, city=str(seed.lyon))
    turned_down = await world.slash(
        "city revoke", user=world.cora, city=str(seed.lyon), options={"user": world.sam}
    )
    assert "request to represent Lyon was turned down" in one_private_reply(turned_down)


async def test_city_autocomplete_is_scoped_to_the_server(world) -> None:
    await add(world, "Lyon")
    lobby = next(iter(world.other_guild.channels.values()))
    await world.slash(
        "city add",
        user=world.bea,
        guild=world.other_guild,
        channel_=lobby,
        name="Lyon",
        country="FR",
    )
    mine = await world.autocomplete("city show", "city", "", user=world.lena)
    theirs = await world.autocomplete(
        "city show", "city", "", user=world.lena, guild=world.other_guild
    )
    assert [c["name"] for c in mine] == ["Lyon (France)"]
    assert [c["name"] for c in theirs] == ["Lyon (FR)"]
    assert mine[0]["value"] != theirs[0]["value"]
    # A raw id from server A typed in server B finds nothing.
    foreign = await world.slash(
        "city show", user=world.lena, guild=world.other_guild, channel_=lobby, city=mine[0]["value"]
    )
    assert "can't find that city in this server" in one_private_reply(foreign)


async def test_city_autocomplete_offers_at_most_25(world) -> None:
    from bot.services import cities

    admin = world.actor(world.ada, admin=True)
    async with world.uow() as uow:
        for i in range(30):
            await cities.add_city(uow, admin, name=f"Ville {i}", country="France")
    choices = await world.autocomplete("city represent", "city", "ville", user=world.lena)
    assert len(choices) == 25


async def test_free_text_instead_of_a_choice_is_not_found(world) -> None:
    reply = await world.slash("city show", user=world.sam, city="Lyon")
    assert "Pick one from the list" in one_private_reply(reply)


# ------------------------------------------------------------------------------- trust


async def _add_city_in_no_coalition(world, name: str = "Nice") -> int:  # type: ignore[no-untyped-def]
    await add(world, name)
    [choice] = await world.autocomplete("city show", "city", name, user=world.ada)
    return int(choice["value"])


@both_backends
async def test_a_member_cannot_make_themselves_a_city_representative_and_sign(world) -> None:
    """The attack: create a coalition (becoming a coordinator), verify oneself for a city in
    no coalition, join a coalition with it, sign in its name; or revoke its real people."""
    seed = await seed_e2e(world)
    nice = await _add_city_in_no_coalition(world)
    real = await world.slash(
        "city verify", user=world.ada, city=str(nice), options={"user": world.olga}
    )
    assert "verified representative of Nice" in one_private_reply(real)

    created = await world.slash(
        "coalition create", user=world.sam, name="Sam's Group", kind="peer_group"
    )
    text = one_private_reply(created)
    assert "only server admins can create coalitions" in text and "/setup" in text

    # Even someone who coordinates a coalition may neither verify themselves nor handle a
    # city that is in none of their coalitions.
    for user in (world.sam, world.cora):
        itself = await world.slash("city verify", user=user, city=str(nice), options={"user": user})
        assert "verif" in one_private_reply(itself)
        revoked = await world.slash(
            "city revoke", user=user, city=str(nice), options={"user": world.olga}
        )
        assert "only server admins can revoke representatives" in one_private_reply(revoked)
    mine = await world.slash(
        "city verify", user=world.cora, city=str(nice), options={"user": world.cora}
    )
    assert "You cannot verify yourself" in one_private_reply(mine)

    for user in (world.sam, world.cora):
        joined = await world.slash(
            "coalition join", user=user, coalition=str(seed.coalition), city=str(nice)
        )
        assert "don't represent Nice" in one_private_reply(joined)
        signed = await world.slash("ask sign", user=user, ask=str(seed.ask), city=str(nice))
        assert "don't represent Nice" in one_private_reply(signed)

    shown = await world.slash("city show", user=world.sam, city=str(nice))
    text = one_private_reply(shown)
    assert world.olga.mention in text
    assert world.sam.mention not in text and world.cora.mention not in text
    signatories = await world.slash("ask signatories", user=world.sam, ask=str(seed.ask))
    assert "Nice" not in one_private_reply(signatories)
