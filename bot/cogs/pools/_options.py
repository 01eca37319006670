"""The ``pool`` option: suggestions of the server's pools as you type; what was typed instead
of a suggestion is a clear "not found"."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.cogs.options import _EntityId
from bot.db.uow import UnitOfWork
from bot.errors import NotFound
from bot.services import autocomplete, pools
from bot.services.common import Actor
from bot.services.lookups import parse_choice_id


class _Pool(_EntityId):
    kind = "pool"

    async def transform(self, interaction: discord.Interaction, value: Any) -> int:
        try:
            return parse_choice_id(value, "pool")
        except NotFound:
            raise NotFound(pools.POOL_NOT_FOUND) from None

    async def suggestions(
        self, uow: UnitOfWork, actor: Actor, current: str
    ) -> list[autocomplete.Choice]:
        return await pools.pool_choices(uow, actor, current)


PoolId = app_commands.Transform[int, _Pool]
