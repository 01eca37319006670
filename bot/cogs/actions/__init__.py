"""/action: joint lobbying actions, RSVP buttons, calendar files.

Announcements carry persistent RSVP buttons (DynamicItems whose custom_id holds the action
id), so they keep working after a restart. The announcement is posted and kept true (time,
answers, cancelled) through the outbox (bot.services.outbox), queued with each change.
Reschedule/cancel notices and reminders go out through the reminder worker (bot.workers),
which each commit wakes and which sends each exactly once. (A coalition's reminder offsets
and weekly digest are /coalition settings.)

Inside: ``_cog`` (the commands), ``views`` (the persistent RSVP buttons), ``render`` (embeds
and lines).
"""

from __future__ import annotations

from discord.ext import commands

from bot.cogs.actions._cog import ActionsCog
from bot.cogs.actions.render import announcement_embed
from bot.cogs.actions.views import RsvpButton, rsvp_view

__all__ = [
    "ActionsCog",
    "RsvpButton",
    "announcement_embed",
    "rsvp_view",
    "setup",
    "teardown",
]


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(ActionsCog(bot))
    bot.add_dynamic_items(RsvpButton)


async def teardown(bot: commands.Bot) -> None:
    bot.remove_dynamic_items(RsvpButton)
