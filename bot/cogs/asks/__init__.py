"""/ask: policy asks, sign-ons, withdrawals, edits with re-confirmation, and their history.

Replies are ephemeral (shows and lists included); the coalition's channel gets a live
announcement of each new ask (its progress kept true as cities sign and withdraw) and short
lines on sign-ons and withdrawals, without pings. Sign for my city and Read the full text
(under the announcement and /ask show), the Confirm/Cancel buttons of the sign prompt and the
Confirm button of the re-confirmation DM are persistent: they work after a restart, and the
service checks who pressed them.

Inside: ``_cog`` (the commands), ``views`` (the persistent buttons), ``forms`` (the ask form
and the buttons that reopen it), ``render`` (embeds and lines).
"""

from __future__ import annotations

from discord.ext import commands

from bot.cogs.asks._cog import AsksCog
from bot.cogs.asks.forms import AskForm, CreateAskForm, EditAskForm, ReopenEditButton, RetryView
from bot.cogs.asks.views import (
    ChooseCityButton,
    ReadFullTextButton,
    ReconfirmButton,
    SignBasisButton,
    SignCancelButton,
    SignConfirmButton,
    SignForMyCityButton,
)

__all__ = [
    "AskForm",
    "AsksCog",
    "ChooseCityButton",
    "CreateAskForm",
    "EditAskForm",
    "ReadFullTextButton",
    "ReconfirmButton",
    "ReopenEditButton",
    "RetryView",
    "SignBasisButton",
    "SignCancelButton",
    "SignConfirmButton",
    "SignForMyCityButton",
    "setup",
]


async def setup(bot: commands.Bot) -> None:
    bot.add_dynamic_items(
        SignForMyCityButton,
        ChooseCityButton,
        ReadFullTextButton,
        SignConfirmButton,
        SignBasisButton,
        SignCancelButton,
        ReconfirmButton,
        ReopenEditButton,
    )
    await bot.add_cog(AsksCog())
