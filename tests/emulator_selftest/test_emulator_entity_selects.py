"""Channel, role and user selects: values arrive with ``resolved``, as discord.py expects."""

from __future__ import annotations

import discord
import pytest

from tests.emulator import EmulatorUsageError
from tests.emulator_selftest.selftest_bot import SelftestBot, StartBot, World


class PickView(discord.ui.View):
    @discord.ui.select(cls=discord.ui.ChannelSelect, channel_types=[discord.ChannelType.text])
    async def channel(
        self, interaction: discord.Interaction, select: discord.ui.ChannelSelect
    ) -> None:
        picked = select.values[0]
        await interaction.response.send_message(f"channel {picked.name} {picked.id}")

    @discord.ui.select(cls=discord.ui.RoleSelect)
    async def role(self, interaction: discord.Interaction, select: discord.ui.RoleSelect) -> None:
        await interaction.response.send_message(f"role {select.values[0].name}")

    @discord.ui.select(cls=discord.ui.UserSelect)
    async def user(self, interaction: discord.Interaction, select: discord.ui.UserSelect) -> None:
        await interaction.response.send_message(f"user {select.values[0].name}")


def add_pick(bot: SelftestBot) -> None:
    @bot.tree.command(name="pick-things", description="Channel, role and user selects")
    async def pick_things(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pick", view=PickView())


async def test_channel_role_and_user_selects_resolve(world: World, start_bot: StartBot) -> None:
    await start_bot(add_pick)
    emu = world.emu
    inter = await emu.slash("pick-things", user=world.alice, guild=world.guild)
    assert inter.message is not None
    kinds = [s["type"] for s in inter.message.selects()]
    assert kinds == [8, 6, 5]
    ids = [s["custom_id"] for s in inter.message.selects()]

    picked = await emu.select(
        inter.message, values=[world.quiet], user=world.alice, custom_id=ids[0]
    )
    assert picked.content == f"channel quiet {world.quiet.id}"
    data = picked.data
    assert data["values"] == [str(world.quiet.id)]
    assert str(world.quiet.id) in data["resolved"]["channels"]

    role = await emu.select(
        inter.message, values=[world.coordinators], user=world.alice, custom_id=ids[1]
    )
    assert role.content == "role Coordinators"
    user = await emu.select(inter.message, values=[world.bob], user=world.alice, custom_id=ids[2])
    assert user.content == "user bob"
    emu.assert_no_violations()

    with pytest.raises(EmulatorUsageError):  # a role in a channel select
        await emu.select(
            inter.message, values=[world.coordinators], user=world.alice, custom_id=ids[0]
        )
    other = emu.add_guild("Elsewhere").add_text_channel("far")
    with pytest.raises(EmulatorUsageError):  # a channel of another server
        await emu.select(inter.message, values=[other], user=world.alice, custom_id=ids[0])
