"""Each of Discord's rules, rejected as Discord does and recorded as a violation."""

from __future__ import annotations

from typing import Any

import discord
import pytest
from discord import app_commands
from discord.http import Route

from tests.emulator import InteractionNotAcknowledged
from tests.emulator_selftest.selftest_bot import SelftestBot, StartBot, World


def _command(**overrides: Any) -> dict[str, Any]:
    return {"name": "cmd", "description": "A command", "type": 1, **overrides}


def _option(name: str, **overrides: Any) -> dict[str, Any]:
    return {"name": name, "description": "An option", "type": 3, **overrides}


INVALID_COMMANDS: dict[str, list[dict[str, Any]]] = {
    "uppercase name": [_command(name="Ask")],
    "name too long": [_command(name="a" * 33)],
    "name with space": [_command(name="ask sign")],
    "empty description": [_command(description="")],
    "description 101": [_command(description="d" * 101)],
    "26 options": [_command(options=[_option(f"o{i}") for i in range(26)])],
    "required after optional": [_command(options=[_option("a"), _option("b", required=True)])],
    "26 choices": [
        _command(
            options=[_option("a", choices=[{"name": str(i), "value": str(i)} for i in range(26)])]
        )
    ],
    "choice name 101": [
        _command(options=[_option("a", choices=[{"name": "n" * 101, "value": "v"}])])
    ],
    "duplicate commands": [_command(), _command()],
    "duplicate options": [_command(options=[_option("a"), _option("a")])],
    "option description 101": [_command(options=[_option("a", description="d" * 101)])],
}


@pytest.mark.parametrize("case", sorted(INVALID_COMMANDS))
async def test_invalid_command_definitions(world: World, bot: SelftestBot, case: str) -> None:
    emu = world.emu
    with pytest.raises(discord.HTTPException) as caught:
        await bot.http.bulk_upsert_global_commands(emu.application_id, INVALID_COMMANDS[case])
    assert caught.value.status == 400 and caught.value.code == 50035
    assert emu.violations[-1].code == 50035
    assert emu.command_puts == 1  # only the bot's own valid sync


async def test_sync_with_long_description_fails(world: World, start_bot: StartBot) -> None:
    def setup(bot: SelftestBot) -> None:
        @bot.tree.command(name="wordy", description="w" * 101)
        async def wordy(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("hi")

    bot = await start_bot(setup)
    assert isinstance(bot.sync_error, app_commands.CommandSyncFailure)
    assert "Must be between 1 and 100 in length" in str(bot.sync_error)
    assert [v.code for v in world.emu.violations] == [50035]
    assert world.emu.commands() == []


def _embed(**fields: Any) -> dict[str, Any]:
    return {"type": "rich", **fields}


def _row(*children: dict[str, Any]) -> dict[str, Any]:
    return {"type": 1, "components": list(children)}


def _button(custom_id: str) -> dict[str, Any]:
    return {"type": 2, "style": 1, "label": "B", "custom_id": custom_id}


INVALID_MESSAGES: dict[str, tuple[dict[str, Any], int]] = {
    "content 2001": ({"content": "x" * 2001}, 50035),
    "empty": ({}, 50006),
    "empty content": ({"content": "", "embeds": [], "components": []}, 50006),
    "11 embeds": ({"embeds": [_embed(title="t")] * 11}, 50035),
    "title 257": ({"embeds": [_embed(title="t" * 257)]}, 50035),
    "description 4097": ({"embeds": [_embed(description="d" * 4097)]}, 50035),
    "26 fields": (
        {"embeds": [_embed(fields=[{"name": "n", "value": "v"}] * 26)]},
        50035,
    ),
    "field name 257": ({"embeds": [_embed(fields=[{"name": "n" * 257, "value": "v"}])]}, 50035),
    "field value 1025": ({"embeds": [_embed(fields=[{"name": "n", "value": "v" * 1025}])]}, 50035),
    "footer 2049": ({"embeds": [_embed(footer={"text": "f" * 2049})]}, 50035),
    "author 257": ({"embeds": [_embed(author={"name": "a" * 257})]}, 50035),
    "embeds over 6000": (
        {"embeds": [_embed(description="d" * 4000), _embed(description="d" * 2001)]},
        50035,
    ),
    "6 rows": ({"components": [_row(_button(f"b{i}")) for i in range(6)]}, 50035),
    "6 buttons in a row": ({"components": [_row(*(_button(f"b{i}") for i in range(6)))]}, 50035),
    "select 26 options": (
        {
            "components": [
                _row(
                    {
                        "type": 3,
                        "custom_id": "s",
                        "options": [{"label": str(i), "value": str(i)} for i in range(26)],
                    }
                )
            ]
        },
        50035,
    ),
    "custom_id 101": ({"components": [_row(_button("c" * 101))]}, 50035),
    "duplicate custom_id": ({"components": [_row(_button("same"), _button("same"))]}, 50035),
}


@pytest.mark.parametrize("case", sorted(INVALID_MESSAGES))
async def test_invalid_channel_messages(world: World, bot: SelftestBot, case: str) -> None:
    emu = world.emu
    payload, code = INVALID_MESSAGES[case]
    route = Route("POST", "/channels/{channel_id}/messages", channel_id=world.general.id)
    with pytest.raises(discord.HTTPException) as caught:
        await bot.http.request(route, json=payload)
    assert caught.value.code == code
    assert [v.code for v in emu.violations] == [code]
    assert emu.channel_messages(world.general) == []


async def test_response_of_2001_chars_is_50035(world: World, bot: SelftestBot) -> None:
    emu = world.emu
    inter = await emu.slash("say", user=world.alice, guild=world.guild, text="x" * 1000, repeat=3)
    assert inter.content == "failed: 50035"
    assert bot.saved["say_error"].status == 400
    assert [v.code for v in emu.violations] == [50035]
    assert "content" in emu.violations[0].text


async def test_second_initial_response_is_40060(world: World, bot: SelftestBot) -> None:
    emu = world.emu
    inter = await emu.slash("twice", user=world.alice, guild=world.guild)
    assert inter.content == "one"
    await emu.wait_for(lambda: "twice_error" in bot.saved)
    assert bot.saved["twice_error"].code == 40060
    assert [v.code for v in emu.violations] == [40060]


async def test_response_after_3_seconds_is_10062(world: World, bot: SelftestBot) -> None:
    emu = world.emu
    with pytest.raises(InteractionNotAcknowledged):
        await emu.slash("sleepy", user=world.alice, guild=world.guild)
    await emu.wait_for(lambda: "sleepy_error" in bot.saved, timeout=2)
    assert isinstance(bot.saved["sleepy_error"], discord.NotFound)
    assert bot.saved["sleepy_error"].code == 10062
    assert [v.code for v in emu.violations] == [10062, 10062]


async def test_followup_after_15_minutes_is_10015(world: World, bot: SelftestBot) -> None:
    emu = world.emu
    await emu.slash("later", user=world.alice, guild=world.guild)
    interaction: discord.Interaction = bot.saved["later"]
    await interaction.followup.send("still in time")
    emu.clock.advance(16 * 60)
    with pytest.raises(discord.NotFound) as caught:
        await interaction.followup.send("too late")
    assert caught.value.code == 10015
    with pytest.raises(discord.NotFound):
        await interaction.edit_original_response(content="too late")
    assert [v.code for v in emu.violations] == [10015, 10015]


@pytest.mark.parametrize("variant", ["title", "input", "custom_id", "empty"])
async def test_invalid_modal(world: World, bot: SelftestBot, variant: str) -> None:
    emu = world.emu
    inter = await emu.slash("badmodal", user=world.alice, guild=world.guild, variant=variant)
    assert inter.content == "failed: 50035"
    assert [v.code for v in emu.violations] == [50035]


async def test_valid_modal_is_accepted(world: World, bot: SelftestBot) -> None:
    inter = await world.emu.slash("badmodal", user=world.alice, guild=world.guild, variant="ok")
    assert inter.response_type == 9
    world.emu.assert_no_violations()


@pytest.mark.parametrize("typed", ["*", "long"])
async def test_invalid_autocomplete_choices(world: World, bot: SelftestBot, typed: str) -> None:
    emu = world.emu
    choices = await emu.autocomplete(
        "pick", focused="city", value=typed, user=world.alice, guild=world.guild
    )
    assert choices == []
    assert [v.code for v in emu.violations] == [50035]


async def test_assert_no_violations_lists_them(world: World, bot: SelftestBot) -> None:
    await world.emu.slash("dm", user=world.carol, guild=world.guild)
    with pytest.raises(AssertionError, match="50007"):
        world.emu.assert_no_violations()
