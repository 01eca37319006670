"""The sweep's safety net for goals: every open ask with a goal is judged again
(bot.services.goals.judge), so a crossing whose change did not judge it (a city that left the
coalition, a process that stopped between) is still announced, once, within a sweep."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Ask, AskGoal, Coalition
from bot.db.models.enums import AskStatus
from bot.db.uow import UnitOfWork
from bot.services import goals


async def ensure_goals_judged(uow: UnitOfWork) -> None:
    ask_ids = (
        await uow.session.scalars(
            select(AskGoal.ask_id)
            .join(Ask, Ask.id == AskGoal.ask_id)
            .join(Coalition, Coalition.id == Ask.coalition_id)
            .where(Ask.status == AskStatus.OPEN, Coalition.archived_at.is_(None))
            .order_by(AskGoal.ask_id)
        )
    ).all()
    for ask_id in ask_ids:
        await goals.judge(uow, ask_id)
