"""Add our statement: the button offered after a city signs an ask (built by
bot.ui.announcements, whose custom_id format must never change), answered here because the
statement form is this extension's. It opens the same form as /statement submit for the city
that signed; the service checks the presser again."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.cogs.common import call
from bot.cogs.letters.forms import StatementModal
from bot.interactions import guarded
from bot.services import statements
from bot.ui import announcements


class AddStatementButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"statement:add:(?P<ask>[0-9]{1,10}):(?P<city>[0-9]{1,10})",
):
    def __init__(self, ask_id: int, city_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=announcements.STATEMENT_LABEL,
                style=discord.ButtonStyle.primary,
                custom_id=announcements.statement_custom_id(ask_id, city_id),
            )
        )
        self.ask_id, self.city_id = ask_id, city_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> AddStatementButton:
        return cls(int(match["ask"]), int(match["city"]))

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        prompt = await call(
            interaction,
            statements.prepare_submit,
            ask_id=self.ask_id,
            city_id=self.city_id,
            read_only=True,
            opens_form=True,
        )
        await interaction.response.send_modal(
            StatementModal(prompt, display_name=interaction.user.display_name)
        )
