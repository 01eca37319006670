"""/ask: policy asks, sign-ons, withdrawals, edits with re-confirmation, and their history.

Replies are ephemeral (shows and lists included); the coalition's channel gets short public
announcements of new asks, sign-ons and withdrawals, without pings. The Confirm/Cancel buttons
of /ask sign and the Confirm button of the re-confirmation DM are persistent: they work after
a restart, and the service checks who pressed them.

Inside: ``_cog`` (the commands), ``views`` (the persistent buttons), ``forms`` (the ask form
and the buttons that reopen it), ``render`` (embeds and lines).
"""

from __future__ import annotations

from discord.ext import commands

from bot.cogs.asks._cog import AsksCog
from bot.cogs.asks.forms import AskForm, CreateAskForm, EditAskForm, ReopenEditButton, RetryView
from bot.cogs.asks.views import ReconfirmButton, SignCancelButton, SignConfirmButton

__all__ = [
    "AskForm",
    "AsksCog",
    "CreateAskForm",
    "EditAskForm",
    "ReconfirmButton",
    "ReopenEditButton",
    "RetryView",
    "SignCancelButton",
    "SignConfirmButton",
    "setup",
]


async def setup(bot: commands.Bot) -> None:
    bot.add_dynamic_items(SignConfirmButton, SignCancelButton, ReconfirmButton, ReopenEditButton)
    await bot.add_cog(AsksCog())
