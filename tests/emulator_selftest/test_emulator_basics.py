"""Login, sync, gateway, slash commands, responses, followups and files."""

from __future__ import annotations

import io

import aiohttp
import discord
import pytest
from discord import app_commands

from tests.emulator import DiscordEmulator, EmulatorUsageError
from tests.emulator_selftest.selftest_bot import (
    SelftestBot,
    StartBot,
    World,
    add_standard_commands,
)


async def test_login_sync_and_ready(world: World, bot: SelftestBot) -> None:
    emu = world.emu
    assert bot.user is not None and bot.user.id == emu.bot_user.id
    assert bot.sync_error is None
    assert emu.command_puts == 1
    names = {c["name"] for c in emu.commands()}
    assert {"ask", "admin", "everything", "pick", "confirm", "feedback"} <= names
    assert all(c["application_id"] == str(emu.application_id) for c in emu.commands())
    assert {"ask sign", "admin city add", "everything"} <= emu.command_paths()
    guild = bot.get_guild(world.guild.id)
    assert guild is not None
    assert guild.default_role.id == world.guild.id
    assert guild.get_channel(world.general.id) is not None
    assert guild.me is not None
    emu.assert_no_violations()


async def test_json_content_type_is_exact(world: World) -> None:
    emu = world.emu
    headers = {"Authorization": f"Bot {emu.bot_token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{emu.api_base}/users/@me", headers=headers) as response,
    ):
        assert response.headers["Content-Type"] == "application/json"
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{emu.api_base}/users/@me") as response,
    ):
        assert response.status == 401
    assert emu.violations[-1].status == 401


async def test_unknown_route_is_404_and_violation(world: World) -> None:
    emu = world.emu
    headers = {"Authorization": f"Bot {emu.bot_token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{emu.api_base}/nope/123", headers=headers) as response,
    ):
        assert response.status == 404
    assert "nope" in emu.violations[-1].text


async def test_bad_token_is_login_failure(world: World) -> None:
    client = discord.Client(intents=discord.Intents.none())
    try:
        try:
            await client.login("wrong")
        except discord.LoginFailure:
            pass
        else:
            raise AssertionError("login with a wrong token succeeded")
    finally:
        await client.close()


async def test_subcommand_in_group(world: World, bot: SelftestBot) -> None:
    inter = await world.emu.slash(
        "ask sign",
        user=world.alice,
        guild=world.guild,
        channel=world.general,
        ask="12",
        city="Lyon",
    )
    assert inter.response_type == 4
    assert inter.content == "asked Lyon to sign 12"
    assert not inter.ephemeral
    assert inter.message is not None and inter.message in world.emu.channel_messages(world.general)
    assert "ask sign" in world.emu.invoked_paths
    world.emu.assert_no_violations()


async def test_nested_group_and_member_permissions(world: World, bot: SelftestBot) -> None:
    emu = world.emu
    inter = await emu.slash("admin city add", user=world.bob, guild=world.guild, name="Lille")
    assert inter.ephemeral
    assert inter.text == "added Lille manage_guild=True"
    assert inter.message not in emu.channel_messages(world.general)
    assert inter.message in emu.channel_messages(world.general, include_ephemeral=True)
    inter = await emu.slash("admin city add", user=world.carol, guild=world.guild, name="Metz")
    assert inter.text == "added Metz manage_guild=False"


async def test_every_option_type(world: World, bot: SelftestBot) -> None:
    emu = world.emu
    inter = await emu.slash(
        "everything",
        user=world.alice,
        guild=world.guild,
        options={
            "text": "hi",
            "integer": 7,
            "flag": True,
            "user": world.bob,
            "channel": world.general,
            "role": world.coordinators,
            "who": world.carol,
            "number": 2.5,
            "file": ("note.txt", b"attached"),
        },
    )
    assert inter.content == (
        "text=hi integer=7 flag=True user=bob channel=general role=Coordinators who=carol "
        "number=2.5 file=note.txt:attached"
    )
    emu.assert_no_violations()


async def test_defer_then_edit_original(world: World, bot: SelftestBot) -> None:
    inter = await world.emu.slash("slow", user=world.alice, guild=world.guild, private=True)
    assert inter.response_type == 5
    assert inter.ephemeral
    assert inter.content == "done slowly"
    assert inter.embeds[0]["title"] == "Result"
    assert "all good" in inter.text
    world.emu.assert_no_violations()


async def test_followups_with_file_and_ephemeral(world: World, bot: SelftestBot) -> None:
    inter = await world.emu.slash("files", user=world.alice, guild=world.guild)
    assert inter.ephemeral and inter.content == "sending files"
    first, second = await inter.wait_followups(2)
    assert first.files == [("hello.txt", b"hello file")]
    assert not first.ephemeral
    assert second.ephemeral
    assert "Second" in second.text and "v" in second.text
    world.emu.assert_no_violations()


async def test_dm_channel_of_a_dm_command(world: World, bot: SelftestBot) -> None:
    inter = await world.emu.slash("ask sign", user=world.alice, ask="3", city="Paris")
    assert inter.content == "asked Paris to sign 3"
    assert inter.message in world.emu.dms(world.alice)


async def test_emulator_stops_cleanly_without_bot() -> None:
    emu = DiscordEmulator()
    await emu.start()
    assert emu.api_base.startswith("http://127.0.0.1:")
    await emu.stop()


async def test_guild_commands_are_found_first(world: World, start_bot: StartBot) -> None:
    guild_id = world.guild.id

    def setup(bot: SelftestBot) -> None:
        add_standard_commands(bot)
        bot.sync_guilds.append(guild_id)

        @bot.tree.command(name="local", description="Only in one guild")
        @app_commands.guilds(guild_id)
        async def local(interaction: discord.Interaction) -> None:
            await interaction.response.send_message(f"local in {interaction.guild_id}")

    await start_bot(setup)
    emu = world.emu
    assert [c["name"] for c in emu.commands(world.guild)] == ["local"]
    assert emu.commands(world.guild)[0]["guild_id"] == str(guild_id)
    inter = await emu.slash("local", user=world.alice, guild=world.guild)
    assert inter.content == f"local in {guild_id}"
    with pytest.raises(EmulatorUsageError):
        await emu.slash("local", user=world.alice)
    assert emu.command_puts == 2


async def test_followup_edit_and_original_lifecycle(world: World, bot: SelftestBot) -> None:
    emu = world.emu
    inter = await emu.slash("later", user=world.alice, guild=world.guild)
    interaction: discord.Interaction = bot.saved["later"]
    original = await interaction.original_response()
    assert original.id == inter.message.id if inter.message else False
    followup = await interaction.followup.send("f1", wait=True)
    assert followup.channel.id == world.general.id
    await followup.edit(content="f1 edited")
    assert inter.followups[0].content == "f1 edited"
    await interaction.edit_original_response(content="answered (edited)")
    assert inter.content == "answered (edited)" and inter.message and inter.message.edits == 1
    await interaction.delete_original_response()
    assert inter.message.deleted
    await followup.delete()
    assert emu.channel_messages(world.general) == []
    emu.assert_no_violations()


async def test_bot_edits_and_deletes_channel_posts(world: World, bot: SelftestBot) -> None:
    channel = bot.get_channel(world.general.id)
    assert isinstance(channel, discord.TextChannel)
    message = await channel.send("draft", file=discord.File(io.BytesIO(b"data"), "d.bin"))
    [recorded] = world.emu.channel_messages(world.general)
    assert recorded.files == [("d.bin", b"data")]
    await message.edit(content="final", attachments=[])
    assert recorded.content == "final" and recorded.files == []
    fetched = await channel.fetch_message(message.id)
    assert fetched.content == "final"
    await message.delete()
    assert world.emu.channel_messages(world.general) == []
    with pytest.raises(discord.NotFound):
        await bot.fetch_channel(12345)
    assert world.emu.violations[-1].code == 10003
