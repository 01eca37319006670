"""/coalition: coalitions of cities, their coordinators, members and settings.

- ``cog``: the commands (``CoalitionsCog``), the settings group included.
- ``archive``: /coalition archive's persistent Confirm/Cancel buttons and their texts.
- ``render``: the embeds of /coalition list and show.
- ``requests``: Approve and Reject under a join request's notice.
- ``suggest``: /coalition suggest and its persistent Invite button.
"""

from __future__ import annotations

from discord.ext import commands

from bot.cogs.coalitions._cog import KIND_CHOICES, WEEKDAY_CHOICES, CoalitionsCog
from bot.cogs.coalitions.archive import (
    ArchiveCancelButton,
    ArchiveConfirmButton,
    archive_prompt,
    archived_text,
)
from bot.cogs.coalitions.requests import ApproveJoinButton, RejectJoinButton
from bot.cogs.coalitions.suggest import InviteButton

__all__ = [
    "KIND_CHOICES",
    "WEEKDAY_CHOICES",
    "ArchiveCancelButton",
    "ArchiveConfirmButton",
    "CoalitionsCog",
    "archive_prompt",
    "archived_text",
    "setup",
]


async def setup(bot: commands.Bot) -> None:
    bot.add_dynamic_items(
        ArchiveConfirmButton, ArchiveCancelButton, ApproveJoinButton, RejectJoinButton, InviteButton
    )
    await bot.add_cog(CoalitionsCog())
