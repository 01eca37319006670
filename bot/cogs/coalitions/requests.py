"""The buttons of a join request's notice (posted by the outbox in the coalition's channel,
rendered by bot.ui.request_notices): **Approve** and **Reject**.

Persistent DynamicItems (the custom_id carries the request); the service judges the presser
at each press (a refusal says who can decide) and the outbox edits the notice to show the
outcome, without buttons.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.cogs.common import call, respond
from bot.interactions import guarded
from bot.services import coalitions
from bot.text import plain
from bot.ui import request_notices

_ID = r"(?P<id>[0-9]{1,10})"


class _JoinButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?!)"):
    """Shared by Approve and Reject; the base itself matches no custom_id."""

    def __init__(self, request_id: int) -> None:
        super().__init__(self.button(request_id))
        self.request_id = request_id

    @staticmethod
    def button(request_id: int) -> discord.ui.Button[Any]:
        raise NotImplementedError

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> _JoinButton:
        return cls(int(match["id"]))


class ApproveJoinButton(_JoinButton, template=r"join:approve:" + _ID):
    @staticmethod
    def button(request_id: int) -> discord.ui.Button[Any]:
        return discord.ui.Button(
            label=request_notices.APPROVE,
            style=discord.ButtonStyle.success,
            custom_id=request_notices.approve_custom_id(request_id),
        )

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        r = await call(interaction, coalitions.approve_request, self.request_id)
        await respond(
            interaction,
            content=f"{plain(r.city_name)} is now a member of {plain(r.coalition_name)}. The "
            "requester is told by DM; the notice shows who decided.",
        )


class RejectJoinButton(_JoinButton, template=r"join:reject:" + _ID):
    @staticmethod
    def button(request_id: int) -> discord.ui.Button[Any]:
        return discord.ui.Button(
            label=request_notices.REJECT,
            style=discord.ButtonStyle.danger,
            custom_id=request_notices.reject_custom_id(request_id),
        )

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        r = await call(interaction, coalitions.reject_request, self.request_id)
        await respond(
            interaction,
            content=f"{plain(r.city_name)}'s request to join {plain(r.coalition_name)} was "
            "turned down. The requester is told by DM; the notice shows who decided.",
        )
