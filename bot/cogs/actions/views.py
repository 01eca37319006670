"""The persistent RSVP buttons of an action's announcement, and keeping that announcement true.

The buttons are DynamicItems whose custom_id holds the action id, so they keep working after a
restart (the custom_id format must never change: old announcements carry it).
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from bot.cogs.actions.render import announcement_embed, rsvp_text
from bot.cogs.common import call, respond
from bot.interactions import guarded
from bot.services import actions
from bot.services.actions import ActionInfo

log = logging.getLogger("bot.cogs.actions")


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
                custom_id=f"action:rsvp:{action_id}:{response}",
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


async def refresh_announcement(bot: discord.Client, a: ActionInfo) -> None:
    """Keep the announcement true: the new time, or cancelled without buttons."""
    if a.announcement_channel_id is None or a.announcement_message_id is None:
        return
    message = bot.get_partial_messageable(a.announcement_channel_id).get_partial_message(
        a.announcement_message_id
    )
    try:
        await message.edit(
            embed=announcement_embed(a), view=None if a.cancelled else rsvp_view(a.id)
        )
    except discord.HTTPException as exc:
        log.info("could not update the announcement of action %s: %s", a.id, exc)
