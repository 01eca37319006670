"""The buttons of a representation request's notice (posted by the outbox, rendered by
bot.ui.request_notices): **Verify**, and **Turn down**, which asks for a reason in a form.

They are persistent DynamicItems (the custom_id carries the request), so they work after a
restart; the service judges the presser at each press (a refusal says who can decide) and
the notice is edited by the outbox to show the outcome, without buttons.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.cogs.common import call, respond
from bot.interactions import BaseModal, guarded
from bot.services import cities
from bot.text import plain
from bot.ui import request_notices
from bot.ui.limits import MODAL_TITLE, truncate

_ID = r"(?P<id>[0-9]{1,10})"


def verified_text(r: cities.VerifyResult) -> str:
    return (
        f"<@{r.user_id}> is now a verified representative of {plain(r.city_name)}. I've told "
        "them by DM, with their next step; the notice shows who decided."
    )


def turned_down_text(r: cities.RevokeResult) -> str:
    return (
        f"You turned down <@{r.user_id}>'s request to represent {plain(r.city_name)}. I've "
        "told them by DM, with your reason."
    )


class VerifyRequestButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"request:verify:" + _ID
):
    def __init__(self, request_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=request_notices.VERIFY,
                style=discord.ButtonStyle.success,
                custom_id=request_notices.verify_custom_id(request_id),
            )
        )
        self.request_id = request_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> VerifyRequestButton:
        return cls(int(match["id"]))

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        r = await call(interaction, cities.verify_request, self.request_id)
        await respond(interaction, content=verified_text(r))


class TurnDownForm(BaseModal):
    def __init__(self, pending: cities.PendingRepresentation) -> None:
        super().__init__(
            title=truncate(f"Turn down a request for {pending.city_name}", MODAL_TITLE)
        )
        self.request_id = pending.request_id
        self.reason: discord.ui.TextInput[TurnDownForm] = discord.ui.TextInput(
            label="Why? (the requester is told)",
            custom_id="reason",
            style=discord.TextStyle.paragraph,
            max_length=cities.REASON_LEN,
            placeholder="e.g. We could not confirm you work for the city. Ask your office to "
            "write to us.",
        )
        self.add_item(self.reason)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        r = await call(interaction, cities.turn_down_request, self.request_id, self.reason.value)
        await respond(interaction, content=turned_down_text(r))


class TurnDownRequestButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"request:turndown:" + _ID
):
    def __init__(self, request_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=request_notices.TURN_DOWN,
                style=discord.ButtonStyle.danger,
                custom_id=request_notices.turn_down_custom_id(request_id),
            )
        )
        self.request_id = request_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> TurnDownRequestButton:
        return cls(int(match["id"]))

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        # Who may not decide, or a request already decided, is told at once (not after typing
        # a reason); the form's submit is judged again.
        pending = await call(
            interaction,
            cities.pending_representation,
            self.request_id,
            read_only=True,
            opens_form=True,
        )
        await interaction.response.send_modal(TurnDownForm(pending))
