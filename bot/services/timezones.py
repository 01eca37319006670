"""The time zone each person last typed, remembered so the next command can default to it."""

from __future__ import annotations

from bot.db.models import UserPreference
from bot.db.uow import UnitOfWork


async def remembered_timezone(uow: UnitOfWork, user_id: int) -> str | None:
    pref = await uow.session.get(UserPreference, user_id)
    return pref.timezone if pref else None


async def remember_timezone(uow: UnitOfWork, user_id: int, zone: str) -> None:
    pref = await uow.session.get(UserPreference, user_id)
    if pref is None:
        uow.session.add(UserPreference(user_id=user_id, timezone=zone))
    elif pref.timezone != zone:
        pref.timezone = zone
