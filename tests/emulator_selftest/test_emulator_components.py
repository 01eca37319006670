"""Buttons, selects, modals, autocomplete, DMs and channel posts."""

from __future__ import annotations

import pytest

from tests.emulator import EmulatorUsageError
from tests.emulator_selftest.selftest_bot import SelftestBot, World


async def test_button_updates_message(world: World, bot: SelftestBot) -> None:
    emu = world.emu
    inter = await emu.slash("confirm", user=world.alice, guild=world.guild)
    assert inter.message is not None
    assert [b["label"] for b in inter.message.buttons()] == ["Confirm", "Later"]
    clicked = await emu.click(inter.message, label="Confirm", user=world.alice)
    assert clicked.response_type == 7
    assert clicked.message is inter.message
    assert inter.message.content == "Confirmed!"
    assert inter.message.components == []
    emu.assert_no_violations()


async def test_button_by_custom_id_and_ephemeral_reply(world: World, bot: SelftestBot) -> None:
    emu = world.emu
    inter = await emu.slash("confirm", user=world.alice, guild=world.guild)
    assert inter.message is not None
    later = await emu.click(inter.message, custom_id="later", user=world.bob)
    assert later.response_type == 4 and later.ephemeral
    assert later.content == "Noted for later"


async def test_select(world: World, bot: SelftestBot) -> None:
    emu = world.emu
    inter = await emu.slash("confirm", user=world.alice, guild=world.guild)
    assert inter.message is not None
    picked = await emu.select(inter.message, values=["2"], user=world.alice)
    assert picked.content == "picked 2"
    with pytest.raises(EmulatorUsageError):
        await emu.select(inter.message, values=["9"], user=world.alice)


async def test_modal_submit(world: World, bot: SelftestBot) -> None:
    emu = world.emu
    inter = await emu.slash("feedback", user=world.alice, guild=world.guild)
    assert inter.response_type == 9
    assert inter.modal is not None and inter.modal["title"] == "Feedback"
    submitted = await emu.submit_modal(inter, {"title": "Hi", "Text": "long story"})
    assert submitted.content == "thanks: Hi / long story"
    emu.assert_no_violations()


async def test_autocomplete(world: World, bot: SelftestBot) -> None:
    emu = world.emu
    choices = await emu.autocomplete(
        "pick", focused="city", value="l", user=world.alice, guild=world.guild
    )
    assert choices == [{"name": "Lyon", "value": "Lyon"}, {"name": "Lille", "value": "Lille"}]
    inter = await emu.slash("pick", user=world.alice, guild=world.guild, city="Lyon")
    assert inter.content == "picked Lyon"


async def test_dm_to_open_user(world: World, bot: SelftestBot) -> None:
    emu = world.emu
    inter = await emu.slash("dm", user=world.alice, guild=world.guild)
    assert inter.content == "sent you a DM"
    [dm] = emu.dms(world.alice)
    assert dm.content == "hello in private"
    assert dm.dm_user is world.alice
    emu.assert_no_violations()


async def test_dm_to_closed_user_is_forbidden_50007(world: World, bot: SelftestBot) -> None:
    emu = world.emu
    inter = await emu.slash("dm", user=world.carol, guild=world.guild)
    assert inter.content == "closed: 50007"
    assert emu.dms(world.carol) == []
    assert [v.code for v in emu.violations] == [50007]


async def test_channel_post_with_nonce_is_idempotent(world: World, bot: SelftestBot) -> None:
    emu = world.emu
    inter = await emu.slash("post", user=world.alice, guild=world.guild, nonce="abc")
    # The first followup after a deferral becomes the original response, as on Discord.
    assert inter.content == "posted" and inter.ephemeral and inter.followups == []
    first, second = bot.saved["posts"]
    assert first == second
    posts = [m for m in emu.channel_messages(world.general) if m.content == "announcement"]
    assert [m.id for m in posts] == [first]
    assert posts[0].allowed_mentions == {"parse": []}
    emu.assert_no_violations()


async def test_channel_without_send_permission(world: World, bot: SelftestBot) -> None:
    emu = world.emu
    # "channel" clashes with slash()'s own keyword: pass it through options=.
    inter = await emu.slash(
        "announce", user=world.alice, guild=world.guild, options={"channel": world.quiet}
    )
    assert inter.content == "failed: 50013"
    inter = await emu.slash(
        "announce", user=world.alice, guild=world.guild, options={"channel": world.general}
    )
    assert inter.content == "announced"
    assert [m.text for m in emu.channel_messages(world.general)][-1] == "hello channel"


async def test_unregistered_command_is_a_test_error(world: World, bot: SelftestBot) -> None:
    with pytest.raises(EmulatorUsageError):
        await world.emu.slash("nope", user=world.alice, guild=world.guild)
    with pytest.raises(EmulatorUsageError):
        await world.emu.slash("ask", user=world.alice, guild=world.guild)
    with pytest.raises(EmulatorUsageError):
        await world.emu.slash("ask sign", user=world.alice, guild=world.guild, ask="1")


async def test_guild_added_after_connect_is_joined(world: World, bot: SelftestBot) -> None:
    emu = world.emu
    guild = emu.add_guild("Cities B", owner=world.bob)
    channel = guild.add_text_channel("town-hall")
    await emu.wait_for(lambda: guild.id in bot.joined, 2)
    joined = bot.get_guild(guild.id)
    assert joined is not None and joined.get_channel(channel.id) is not None
    inter = await emu.slash("ask sign", user=world.bob, guild=guild, ask="1", city="Nice")
    assert inter.message is not None and inter.message.channel_id == channel.id
