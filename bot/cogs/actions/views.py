"""The persistent RSVP buttons of an action's announcement (the announcement itself, kept true
after every change and answer, goes through the outbox: bot.services.actions._announcing).

The buttons are DynamicItems whose custom_id holds the action id, so they keep working after a
restart (the custom_id format must never change: old announcements carry it).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.cogs.actions.render import rsvp_text
from bot.cogs.common import call, respond
from bot.interactions import BaseView, guarded
from bot.services import actions
from bot.ui import announcements


class RsvpButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"action:rsvp:(?P<action>[0-9]{1,10}):(?P<response>going|maybe|not_going)",
):
    STYLES = {
        "going": discord.ButtonStyle.success,
        "maybe": discord.ButtonStyle.secondary,
        "not_going": discord.ButtonStyle.danger,
    }

    def __init__(self, action_id: int, response: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=actions.RESPONSES[response],
                style=self.STYLES[response],
                custom_id=announcements.rsvp_custom_id(action_id, response),
            )
        )
        self.action_id, self.response = action_id, response

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> RsvpButton:
        return cls(int(match["action"]), match["response"])

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        r = await call(
            interaction,
            actions.rsvp,
            action_id=self.action_id,
            response=self.response,
            via_button=True,
        )
        await respond(interaction, content=rsvp_text(r))


def rsvp_view(action_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for response in actions.RESPONSES:
        view.add_item(RsvpButton(action_id, response))
    return view


# How long the "this occurrence or this and following?" question stays answerable.
SCOPE_TIMEOUT = 600
Change = Callable[[discord.Interaction, str], Awaitable[None]]


class ScopeView(BaseView):
    """/action reschedule and /action cancel of an occurrence of a recurring action: which
    occurrences to change. The press runs the change as the presser (the service checks that
    they may), with what the command was given."""

    def __init__(self, change: Change) -> None:
        super().__init__(timeout=SCOPE_TIMEOUT)
        self.change = change

    @discord.ui.button(label="This occurrence", style=discord.ButtonStyle.primary)
    async def this(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await self.change(interaction, "this")

    @discord.ui.button(label="This and following", style=discord.ButtonStyle.secondary)
    async def following(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await self.change(interaction, "following")
