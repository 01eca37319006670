"""The pool announcement's persistent **Pledge** button and the form it opens.

The button is a DynamicItem whose custom_id holds the pool id (``pool:pledge:<pool>``, built by
bot.ui.pool_posts, which renders the announcement the outbox posts; the format must never
change, posted announcements carry it), so it works after a restart. The
service judges the presser, never the message: the form opens only for a verified
representative of a member city while the pool takes pledges, and submitting it checks again.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.cogs.common import call, respond
from bot.cogs.pools.render import pledged_text
from bot.interactions import BaseModal, guarded
from bot.services import pools
from bot.ui.limits import MODAL_TITLE, truncate
from bot.ui.pool_posts import pledge_custom_id


class PledgeButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"pool:pledge:(?P<pool>[0-9]{1,10})"
):
    def __init__(self, pool_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Pledge",
                style=discord.ButtonStyle.success,
                custom_id=pledge_custom_id(pool_id),
            )
        )
        self.pool_id = pool_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> PledgeButton:
        return cls(int(match["pool"]))

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        form = await call(
            interaction, pools.pledge_form, self.pool_id, read_only=True, opens_form=True
        )
        await interaction.response.send_modal(PledgeForm(form))


class PledgeForm(BaseModal):
    """Quantity and note, for the city the form was opened for (its live pledge filled in)."""

    def __init__(self, form: pools.PledgeForm) -> None:
        super().__init__(
            title=truncate(f"Pledge for {form.city_name}: {form.item}", MODAL_TITLE), timeout=900
        )
        self.form = form
        self.quantity: discord.ui.TextInput[PledgeForm] = discord.ui.TextInput(
            label=truncate(f"Quantity ({form.unit})", 45),
            custom_id="quantity",
            max_length=20,
            default=None if form.quantity is None else str(form.quantity),
            placeholder="A whole number, e.g. 12",
        )
        self.note: discord.ui.TextInput[PledgeForm] = discord.ui.TextInput(
            label="Note (optional)",
            custom_id="note",
            required=False,
            max_length=pools.NOTE_LEN,
            default=form.note,
            placeholder="e.g. delivery to the north depot in 2027",
        )
        for item in (self.quantity, self.note):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        r = await call(
            interaction,
            pools.pledge,
            pool_id=self.form.pool_id,
            quantity=self.quantity.value,
            note=self.note.value,
            city_id=self.form.city_id,
        )
        await respond(interaction, content=pledged_text(r))
