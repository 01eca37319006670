"""/city: cities, their profiles (from the gazetteer or by hand), partners, representatives.

- ``_cog``: the commands (``CitiesCog``).
- ``render``: how cities, profiles, corrections and partners are shown.
- ``requests``: Verify and Turn down under a representation request's notice.
"""

from __future__ import annotations

from discord.ext import commands

from bot.cogs.cities._cog import CitiesCog, place_choices
from bot.cogs.cities.requests import TurnDownRequestButton, VerifyRequestButton

__all__ = ["CitiesCog", "place_choices", "setup"]


async def setup(bot: commands.Bot) -> None:
    bot.add_dynamic_items(VerifyRequestButton, TurnDownRequestButton)
    await bot.add_cog(CitiesCog())
