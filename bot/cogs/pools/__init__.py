"""/pool: pooled procurement. A coordinator opens a demand pool in a coalition; its
announcement in the coalition's channel (queued in the outbox with the pool, rendered by
bot.ui.pool_posts) carries a persistent **Pledge** button (a DynamicItem holding the pool id,
so it works after a restart) that opens a form; representatives pledge
for their city until the deadline, when the reminder worker closes the pool exactly once.

Inside: ``_cog`` (the commands), ``_options`` (the ``pool`` option), ``views`` (the Pledge
button and form), ``render`` (/pool show and the answers).
"""

from __future__ import annotations

from discord.ext import commands

from bot.cogs.pools._cog import PoolsCog
from bot.cogs.pools._options import PoolId
from bot.cogs.pools.views import PledgeButton, PledgeForm

__all__ = ["PledgeButton", "PledgeForm", "PoolId", "PoolsCog", "setup", "teardown"]


async def setup(bot: commands.Bot) -> None:
    bot.add_dynamic_items(PledgeButton)
    await bot.add_cog(PoolsCog())


async def teardown(bot: commands.Bot) -> None:
    bot.remove_dynamic_items(PledgeButton)
