"""The bot's own small facts, kept in the database (e.g. the last command-sync hash)."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import BotState
from bot.db.uow import UnitOfWork


async def get(uow: UnitOfWork, key: str) -> str | None:
    return await uow.session.scalar(select(BotState.value).where(BotState.key == key))


async def put(uow: UnitOfWork, key: str, value: str) -> None:
    row = await uow.session.get(BotState, key)
    if row is None:
        uow.session.add(BotState(key=key, value=value))
    else:
        row.value = value
