"""The once-only welcome message posted when the bot joins a server, and who may post it."""

from __future__ import annotations

from importlib.resources import files

from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError

from bot.db.models import GuildSettings
from bot.db.uow import UnitOfWork

# The text lives beside this module (welcome.md); the file ends with one newline, the message not.
WELCOME_MESSAGE: str = (
    files(__package__).joinpath("welcome.md").read_text("utf-8").removesuffix("\n")
)


async def claim_welcome(uow: UnitOfWork, guild_id: int) -> bool:
    """True for exactly one caller per server: the one that should post the welcome message.

    A conditional update, so two processes (or a re-join) never both post.
    """
    now = uow.now
    session = uow.session
    present = await session.scalar(select(exists().where(GuildSettings.guild_id == guild_id)))
    if not present:
        try:
            async with session.begin_nested():
                session.add(GuildSettings(guild_id=guild_id, welcomed_at=now))
                await session.flush()
            return True
        except IntegrityError:
            pass  # another process inserted the row first; the update below decides
    result = await session.execute(
        update(GuildSettings)
        .where(GuildSettings.guild_id == guild_id, GuildSettings.welcomed_at.is_(None))
        .values(welcomed_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def release_welcome(uow: UnitOfWork, guild_id: int) -> None:
    """The welcome could not be posted after all: let a later join try again."""
    await uow.session.execute(
        update(GuildSettings)
        .where(GuildSettings.guild_id == guild_id)
        .values(welcomed_at=None)
        .execution_options(synchronize_session=False)
    )
