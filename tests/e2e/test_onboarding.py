"""Onboarding seen from Discord: /help for each role, every topic, /setup, and the welcome."""

from __future__ import annotations

import logging
import re

from bot.services import onboarding
from bot.ui import limits
from tests.commands import registered_commands
from tests.conftest import both_backends
from tests.e2e.world import MEMBER_PERMISSIONS
from tests.emulator import SEND_MESSAGES, VIEW_CHANNEL
from tests.seed import seed_e2e, sign_on

# ------------------------------------------------------------------------------- /help


async def test_help_for_a_newcomer_points_to_city_represent(world) -> None:
    await seed_e2e(world)
    reply = await world.slash("help", user=world.sam)
    assert reply.ephemeral
    assert "You represent no city yet: run `/city represent`" in reply.text
    # Only admins create coalitions by default; /help says an admin can change it.
    assert "`/coalition create`" not in reply.text
    assert "only server admins can create coalitions; a server admin can change" in reply.text
    assert "Run `/setup`" not in reply.text  # not an admin


async def test_help_in_an_empty_server_says_to_ask_for_a_city(world) -> None:
    reply = await world.slash("help", user=world.sam)
    assert "No city has been added here yet" in reply.text


async def test_help_for_a_pending_representative_says_who_must_act(world) -> None:
    seed = await seed_e2e(world)
    await world.slash("city represent", user=world.olga, city=str(seed.lyon))
    reply = await world.slash("help", user=world.olga)
    assert "Waiting for verification" in reply.text
    assert "Your request to represent Lyon is waiting for a coordinator to verify you" in (
        reply.text
    )
    assert "You represent no city yet" not in reply.text
    # ... and the coordinator's /help lists the request to verify.
    coordinator = await world.slash("help", user=world.cora)
    assert "Requests to represent Lyon" in coordinator.text
    assert "`/city verify`" in coordinator.text


async def test_help_for_a_verified_representative_shows_what_to_sign(world) -> None:
    seed = await seed_e2e(world)
    reply = await world.slash("help", user=world.lena)
    text = reply.text
    assert "You represent Lyon (Deputy Mayor for Climate)" in text
    assert 'Lyon has not signed "Car-free centres by 2030" (Alpine Climate Pact) yet' in text
    assert "`/ask sign`" in text

    async with world.uow() as uow:
        await sign_on(uow, world.actor(world.lena), ask_id=seed.ask)
    after = await world.slash("help", user=world.lena)
    assert "Lyon has signed every open ask" in after.text
    assert "`/statement submit`" in after.text


async def test_help_for_a_coordinator_names_the_missing_cities(world) -> None:
    seed = await seed_e2e(world)
    async with world.uow() as uow:
        await sign_on(uow, world.actor(world.gus), ask_id=seed.ask)
    reply = await world.slash("help", user=world.cora)
    text = reply.text
    assert "You coordinate Alpine Climate Pact" in text
    assert '2 cities have not signed "Car-free centres by 2030": Lyon, Marseille.' in text
    assert "Welcome! You are new here" not in text


async def test_help_for_an_admin_points_to_setup_until_it_is_done(world) -> None:
    before = await world.slash("help", user=world.ada)
    assert "You are a server admin" in before.text
    assert "Run `/setup`" in before.text
    assert "Add the first ones with `/city add`" in before.text

    panel = await world.slash("setup", user=world.ada)
    channels = [s for s in panel.message.selects() if s["type"] == 8]
    await world.emu.select(
        panel.message,
        values=[world.channels["coalition"]],
        user=world.ada,
        custom_id=channels[0]["custom_id"],
    )
    after = await world.slash("help", user=world.ada)
    assert "Setup is done" in after.text
    assert f"Announcement channel: <#{world.channels['coalition'].id}>." in after.text


async def test_every_topic_renders_within_limits_and_every_command_is_covered(world) -> None:
    shown: list[str] = []
    for topic in onboarding.TOPICS:
        reply = await world.slash("help", user=world.sam, topic=topic.key)
        assert reply.ephemeral
        (embed,) = reply.embeds
        assert embed["title"] == topic.title
        assert len(embed["description"]) <= limits.EMBED_DESCRIPTION
        shown.append(reply.text)
    world.emu.assert_no_violations()  # nothing over Discord's limits
    text = "\n".join(shown)
    missing = [
        path
        for path in await registered_commands()
        if not re.search(rf"(?<![\w/])/{re.escape(path)}(?![\w-])", text)
    ]
    assert not missing, f"/help topics do not mention: {missing}"


async def test_help_in_direct_messages_shows_getting_started(world) -> None:
    reply = await world.slash("help", user=world.sam, guild=None)
    assert "Run /help in your server" in reply.text
    assert "Getting started" in reply.text


# ------------------------------------------------------------------------------- /setup


def _select(message, kind: int, placeholder: str = "") -> str:
    return next(
        s["custom_id"]
        for s in message.selects()
        if s["type"] == kind and s.get("placeholder", "").startswith(placeholder)
    )


async def _create(world, user, name: str) -> str:  # type: ignore[no-untyped-def]
    reply = await world.slash("coalition create", user=user, name=name, kind="peer_group")
    assert reply.ephemeral
    return reply.text


@both_backends
async def test_setup_choices_take_effect(world, database_url) -> None:
    founders = world.guild.add_role("Coalition founders")
    world.guild.give_role(world.cora, founders)
    coalition_room = world.channels["coalition"]

    # Out of the box only admins create coalitions, and say how to change it.
    refused = await _create(world, world.cora, "Too Early")
    assert "only server admins can create coalitions" in refused and "/setup" in refused

    panel = await world.slash("setup", user=world.ada)
    assert panel.ephemeral
    assert "Not chosen yet" in panel.text
    assert "Server admins only (pick a role to add its members)" in panel.text
    message = panel.message
    await world.emu.select(
        message, values=[coalition_room], user=world.ada, custom_id=_select(message, 8)
    )
    assert "All set" in message.text and "Missing" not in message.text
    await world.emu.select(
        message, values=[founders], user=world.ada, custom_id=_select(message, 6, "2.")
    )
    assert f"Members with <@&{founders.id}>, and server admins" in message.text
    done = await world.emu.click(message, label="Done", user=world.ada)
    assert done.message is message and message.components == []
    assert "Setup saved" in message.text
    assert f"<#{coalition_room.id}>" in message.text
    assert f"Only members with <@&{founders.id}> (and server admins)" in message.text

    # A coalition created without a channel announces in the chosen one.
    assert "Created **Lake Cities**" in await _create(world, world.cora, "Lake Cities")
    shown = await world.autocomplete("coalition show", "coalition", "Lake", user=world.cora)
    show = await world.slash("coalition show", user=world.cora, coalition=shown[0]["value"])
    assert f"<#{coalition_room.id}>" in show.text

    # Someone without the role is refused, in plain words.
    assert "members with the coalition-creator role chosen in /setup" in await _create(
        world, world.sam, "Sam's Group"
    )

    # "Everyone" lifts the restriction, and is undone as plainly.
    again = await world.slash("setup", user=world.ada)
    await world.emu.click(again.message, label="2. Everyone may create coalitions", user=world.ada)
    assert "Everyone." in again.message.text
    assert "Created **Sam's Group**" in await _create(world, world.sam, "Sam's Group")
    await world.emu.click(again.message, label="2. Only admins and the role", user=world.ada)
    assert f"Members with <@&{founders.id}>" in again.message.text
    assert "coalition-creator role" in await _create(world, world.sam, "Sam's Second")
    help_text = (await world.slash("help", user=world.ada)).text
    assert f"Who may create coalitions: server admins and members with <@&{founders.id}>" in (
        help_text
    )
    assert "(change it with `/setup`)" in help_text


@both_backends
async def test_setup_names_the_verifier_role(world, database_url) -> None:
    """Verifiers answer requests for cities in no coalition yet (as admins do)."""
    verifiers = world.guild.add_role("Verifiers")
    world.guild.give_role(world.vic, verifiers)
    await world.slash("city add", user=world.ada, name="Nice", country="France")
    [nice] = await world.autocomplete("city represent", "city", "Nice", user=world.sam)
    await world.slash("city represent", user=world.sam, city=nice["value"])

    refused = await world.slash(
        "city verify", user=world.vic, city=nice["value"], options={"user": world.sam}
    )
    assert "Nice is in no active coalition, so only server admins can verify" in refused.text

    panel = await world.slash("setup", user=world.ada)
    message = panel.message
    assert "Who verifies representatives of cities in no coalition" in message.text
    await world.emu.select(
        message, values=[verifiers], user=world.ada, custom_id=_select(message, 6, "3.")
    )
    assert f"Members with <@&{verifiers.id}>, and server admins." in message.text
    # @everyone cannot verify: anyone could then speak for any new city.
    everyone = await world.emu.select(
        message, values=[world.guild.everyone], user=world.ada, custom_id=_select(message, 6, "3.")
    )
    assert "@everyone cannot be the verifier role" in everyone.text and everyone.ephemeral
    help_text = (await world.slash("help", user=world.vic)).text
    assert "Requests to represent Nice" in help_text

    itself = await world.slash(
        "city verify", user=world.vic, city=nice["value"], options={"user": world.vic}
    )
    assert "You cannot verify yourself" in itself.text
    verified = await world.slash(
        "city verify", user=world.vic, city=nice["value"], options={"user": world.sam}
    )
    assert "is now a verified representative of Nice" in verified.text

    await world.emu.click(message, label="3. Only admins verify", user=world.ada)
    assert "Server admins only." in message.text
    revoke = await world.slash(
        "city revoke", user=world.vic, city=nice["value"], options={"user": world.sam}
    )
    assert "only server admins can revoke representatives" in revoke.text


async def test_setup_reports_missing_permissions_in_the_chosen_channel(world) -> None:
    panel = await world.slash("setup", user=world.ada)
    message = panel.message
    await world.emu.select(
        message, values=[world.channels["locked"]], user=world.ada, custom_id=_select(message, 8)
    )
    text = message.text
    assert "Missing permissions" in text
    assert "Send Messages, Embed Links, Attach Files" in text
    assert "View Channel" not in text.split("missing these permissions")[1]
    done = await world.emu.click(message, label="Done", user=world.ada)
    assert "Send Messages" in done.message.text  # still said when finishing


async def test_setup_is_for_server_admins_only(world) -> None:
    refused = await world.slash("setup", user=world.sam)
    assert refused.ephemeral
    assert "Only server admins" in refused.text
    assert refused.message.components == []
    command = next(c for c in world.emu.commands() if c["name"] == "setup")
    assert int(command["default_member_permissions"]) == 1 << 5  # Manage Server


async def test_setup_panel_refuses_a_member_who_lost_admin(world) -> None:
    # An admin's panel, used by the same person after their Manage Server was removed.
    panel = await world.slash("setup", user=world.ada)
    world.guild.owner = None
    world.guild.add_member(world.ada, permissions=MEMBER_PERMISSIONS)  # replaces her roles
    clicked = await world.emu.click(
        panel.message, label="2. Everyone may create coalitions", user=world.ada
    )
    assert "Only server admins" in clicked.text


# ------------------------------------------------------------------------------- welcome


async def _wait_for_welcome_log(world, caplog, guild) -> str:
    pattern = re.compile(rf"welcome guild={guild.id} outcome=(\w+)")

    def outcome() -> str | None:
        for record in caplog.records:
            if match := pattern.search(record.getMessage()):
                return match.group(1)
        return None

    await world.emu.wait_for(lambda: outcome() is not None)
    return outcome() or ""


async def test_welcome_only_where_the_bot_may_post(world, caplog) -> None:
    caplog.set_level(logging.INFO, logger="bot.cogs.onboarding")
    emu = world.emu
    postable = emu.add_guild("Postable", owner=world.bea)
    lobby = postable.add_text_channel("lobby")
    forbidden = emu.add_guild("No Send", owner=world.bea)
    quiet = forbidden.add_text_channel("quiet", bot_permissions=VIEW_CHANNEL)
    silent = emu.add_guild("No System Channel", owner=world.bea)
    plain = silent.add_text_channel("plain")
    silent.system_channel = None

    assert await _wait_for_welcome_log(world, caplog, postable) == "posted"
    assert await _wait_for_welcome_log(world, caplog, forbidden) == "no_permission"
    assert await _wait_for_welcome_log(world, caplog, silent) == "no_system_channel"

    (welcome,) = emu.channel_messages(lobby)
    assert "/setup" in welcome.content and "/help" in welcome.content
    assert welcome.allowed_mentions is not None and not welcome.allowed_mentions.get("parse")
    assert emu.channel_messages(quiet) == []
    assert emu.channel_messages(plain) == []

    # Joining again (say, after being removed and re-invited) does not welcome twice.
    caplog.clear()
    world.bot.dispatch("guild_join", world.bot.get_guild(postable.id))
    assert await _wait_for_welcome_log(world, caplog, postable) == "already_welcomed"
    assert len(emu.channel_messages(lobby)) == 1


async def test_welcome_needs_only_view_and_send(world, caplog) -> None:
    caplog.set_level(logging.INFO, logger="bot.cogs.onboarding")
    guild = world.emu.add_guild("Minimal", owner=world.bea)
    channel = guild.add_text_channel("hall", bot_permissions=VIEW_CHANNEL | SEND_MESSAGES)
    assert await _wait_for_welcome_log(world, caplog, guild) == "posted"
    assert len(world.emu.channel_messages(channel)) == 1
