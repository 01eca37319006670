"""Ask goals (``/ask goal``): "at least N signing cities, from K regions, from K countries,
with a combined population of P", any combination of the four.

A goal is judged (``judge``) in the unit of work of every change that may cross it: a sign-on,
a withdrawal, a city leaving, setting the goal, and the reminder sweep (a safety net for a
missed judgement). Judging locks the goal's row, so two sign-ons at once are judged in turn and
the second sees the first. Each crossing is a numbered ``goal_crossings`` row, unique per ask
and number (odd: reached, even: lost), inserted with ON CONFLICT DO NOTHING: only the unit of
work that inserts the number announces it, so every crossing is announced exactly once, across
restarts and bot processes. Reaching the goal posts once in the coalition's channel, DMs the
coordinators the next steps and emits the webhook event ``ask.goal_reached``; dropping below
again only shows "goal no longer met" (``/ask show``, digests); meeting it again announces
once more.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.dialects import postgresql, sqlite

from bot.db.models import (
    Ask,
    AskEvent,
    AskGoal,
    AskVersion,
    City,
    Coalition,
    Coordinator,
    GoalCrossing,
)
from bot.db.models.enums import AskEventKind, AskStatus, GoalCrossingKind
from bot.db.uow import UnitOfWork
from bot.errors import Conflict, InvalidInput
from bot.services import events, outbox
from bot.services.common import Actor, fold
from bot.services.lookups import get_ask, signed_city_ids
from bot.services.permissions import ensure_not_archived, require_coalition_manager

MAX_PART = 1_000_000  # cities, regions, countries
MAX_POPULATION = 10_000_000_000
GOAL_TEMPLATE = "text"  # bot/ui/outbox_sender.py renders it as the content given


@dataclass(frozen=True, slots=True)
class GoalPart:
    name: str  # cities | regions | countries | population
    have: int
    need: int

    @property
    def met(self) -> bool:
        return self.have >= self.need


@dataclass(frozen=True, slots=True)
class GoalProgress:
    ask_id: int
    parts: tuple[GoalPart, ...]
    crossings: int  # how many times it was reached or lost so far (odd: it stands met)

    @property
    def met(self) -> bool:
        return all(p.met for p in self.parts)

    @property
    def lost(self) -> bool:
        """It was reached once and is no longer met."""
        return self.crossings >= 2 and self.crossings % 2 == 0 and not self.met


@dataclass(frozen=True, slots=True)
class GoalResult:
    ask_id: int
    title: str
    coalition_name: str
    progress: GoalProgress
    announced: bool  # setting it met it: the coalition is told now


# --- words ---


def noun(n: int, one: str, many: str) -> str:
    """``1 city``, ``0 cities``, ``2 cities``: plural forms right for 0, 1 and many."""
    return f"{n:,} {one if n == 1 else many}"


def people(n: int) -> str:
    """A population in a few characters: 950, 12,300, 1.2 M, 2 M."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}".removesuffix(".0") + " M"
    return f"{n:,}"


_NOUNS = {
    "cities": ("city", "cities"),
    "regions": ("region", "regions"),
    "countries": ("country", "countries"),
}


def part_text(part: GoalPart) -> str:
    if part.name == "population":
        word = "person" if part.need == 1 else "people"
        return f"{people(part.have)} / {people(part.need)} {word}"
    one, many = _NOUNS[part.name]
    return f"{part.have:,}/{part.need:,} {one if part.need == 1 else many}"


def bar(part: GoalPart, width: int = 10) -> str:
    filled = width if part.met else min(width - 1, part.have * width // max(part.need, 1))
    return "▰" * filled + "▱" * (width - filled)


def progress_line(progress: GoalProgress) -> str:
    """``7/10 cities · 2/3 regions · 1.2 M / 2 M people``, then whether it is met."""
    line = " · ".join(part_text(p) for p in progress.parts)
    if progress.met:
        return f"{line} — goal met ✅"
    if progress.lost:
        return f"{line} — goal no longer met"
    return line


def progress_lines(progress: GoalProgress) -> list[str]:
    """One line per part with its bar (``/ask show``, ``/help``), then the state."""
    lines = [f"{bar(p)} {part_text(p)}" for p in progress.parts]
    if progress.met:
        lines.append("Goal met ✅")
    elif progress.lost:
        lines.append("Goal no longer met")
    return lines


def describe_goal(goal: AskGoal) -> str:
    parts = []
    if goal.cities:
        parts.append(f"at least {noun(goal.cities, 'signing city', 'signing cities')}")
    if goal.regions:
        parts.append(f"from at least {noun(goal.regions, 'region', 'regions')}")
    if goal.countries:
        parts.append(f"from at least {noun(goal.countries, 'country', 'countries')}")
    if goal.population:
        parts.append(f"with a combined population of at least {people(goal.population)}")
    return ", ".join(parts)


# --- reading ---


async def _crossings(uow: UnitOfWork, ask_id: int) -> int:
    found = await uow.session.scalar(
        select(func.max(GoalCrossing.number)).where(GoalCrossing.ask_id == ask_id)
    )
    return int(found or 0)


async def _measure(uow: UnitOfWork, goal: AskGoal) -> tuple[GoalPart, ...]:
    signed = (await signed_city_ids(uow.session, [goal.ask_id]))[goal.ask_id]
    rows = (
        await uow.session.execute(
            select(City.country_key, City.region, City.population).where(City.id.in_(signed))
        )
    ).all()
    parts = []
    if goal.cities:
        parts.append(GoalPart("cities", len(rows), goal.cities))
    if goal.regions:
        regions = {(country, fold(region)) for country, region, _ in rows if region}
        parts.append(GoalPart("regions", len(regions), goal.regions))
    if goal.countries:
        parts.append(GoalPart("countries", len({c for c, _, _ in rows}), goal.countries))
    if goal.population:
        total = sum(p or 0 for _, _, p in rows)
        parts.append(GoalPart("population", total, goal.population))
    return tuple(parts)


async def progress(uow: UnitOfWork, ask_id: int) -> GoalProgress | None:
    """The goal of an ask and how far it is (None: the ask has no goal). For /ask show, the
    ask post, digests and /help."""
    goal = await uow.session.get(AskGoal, ask_id)
    if goal is None:
        return None
    return GoalProgress(ask_id, await _measure(uow, goal), await _crossings(uow, ask_id))


async def progress_of(uow: UnitOfWork, ask_ids: list[int]) -> dict[int, GoalProgress]:
    """``progress`` of several asks (those without a goal are left out)."""
    goals = (await uow.session.scalars(select(AskGoal).where(AskGoal.ask_id.in_(ask_ids)))).all()
    return {
        g.ask_id: GoalProgress(g.ask_id, await _measure(uow, g), await _crossings(uow, g.ask_id))
        for g in goals
    }


# --- judging: exactly one announcement per crossing ---


async def _claim(uow: UnitOfWork, ask_id: int, number: int, user_id: int | None) -> bool:
    """Insert crossing ``number``; False when another unit of work already holds it."""
    session = uow.session
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    kind = GoalCrossingKind.REACHED if number % 2 == 1 else GoalCrossingKind.LOST
    result = await session.execute(
        insert(GoalCrossing)
        .values(ask_id=ask_id, number=number, kind=kind, user_id=user_id, created_at=uow.now)
        .on_conflict_do_nothing(index_elements=["ask_id", "number"])
        .returning(GoalCrossing.id)
    )
    return result.scalar() is not None


async def judge(uow: UnitOfWork, ask_id: int, *, user_id: int | None = None) -> str | None:
    """Judge the goal of ``ask_id`` after a change (in that change's unit of work).

    Returns "reached" or "lost" when this call crossed it (and, for "reached", queued the
    post, the coordinators' DMs and the webhook event), else None. ``user_id``: whose change.
    """
    session = uow.session
    goal = await session.scalar(select(AskGoal).where(AskGoal.ask_id == ask_id).with_for_update())
    if goal is None:
        return None
    parts = await _measure(uow, goal)
    met = all(p.met for p in parts)
    crossings = await _crossings(uow, ask_id)
    if met == (crossings % 2 == 1):
        return None
    if not await _claim(uow, ask_id, crossings + 1, user_id):
        return None
    if not met:
        return GoalCrossingKind.LOST
    await _announce(uow, goal, GoalProgress(ask_id, parts, crossings + 1))
    return GoalCrossingKind.REACHED


async def _announce(uow: UnitOfWork, goal: AskGoal, progress: GoalProgress) -> None:
    ask, coalition, version = (
        await uow.session.execute(
            select(Ask, Coalition, AskVersion)
            .join(Coalition, Coalition.id == Ask.coalition_id)
            .join(
                AskVersion,
                and_(AskVersion.ask_id == Ask.id, AskVersion.version == Ask.current_version),
            )
            .where(Ask.id == goal.ask_id)
        )
    ).one()
    again = progress.crossings > 1
    line = progress_line(progress)
    head = "is met again" if again else "is met"
    if coalition.channel_id is not None:
        await outbox.post(
            uow,
            channel_id=coalition.channel_id,
            template=GOAL_TEMPLATE,
            data={"content": f'🎯 The goal of "{version.title}" {head}: {line}.'},
            guild_id=ask.guild_id,
            dedupe_key=f"goal:{ask.id}:{progress.crossings}:post",
        )
    coordinators = await uow.session.scalars(
        select(Coordinator.user_id)
        .where(Coordinator.coalition_id == coalition.id, Coordinator.removed_at.is_(None))
        .order_by(Coordinator.added_at, Coordinator.id)
    )
    for user_id in coordinators.all():
        await outbox.dm(
            uow,
            user_id=user_id,
            template=GOAL_TEMPLATE,
            data={
                "content": (
                    f'🎯 The goal of "{version.title}" ({coalition.name}) {head}: {line}.\n'
                    "Next steps: check the letter with /letter preview, then send it with "
                    "/letter finalise. /ask show lists who signed."
                )
            },
            guild_id=ask.guild_id,
            fallback_channel_id=coalition.channel_id,
            dedupe_key=f"goal:{ask.id}:{progress.crossings}:dm:{user_id}",
        )
    await events.emit(
        uow,
        coalition,
        "ask.goal_reached",
        {
            "ask": events.ask_ref(ask, version.title),
            "goal": {p.name: {"have": p.have, "need": p.need} for p in progress.parts},
            "times_reached": (progress.crossings + 1) // 2,
        },
    )


# --- setting ---


def _part(value: int | None, name: str, limit: int) -> int | None:
    if value is None or value == 0:
        return None
    if value < 0 or value > limit:
        raise InvalidInput(f"The number of {name} must be between 1 and {limit:,}.")
    return value


async def set_goal(
    uow: UnitOfWork,
    actor: Actor,
    *,
    ask_id: int,
    cities: int | None = None,
    regions: int | None = None,
    countries: int | None = None,
    population: int | None = None,
    refresh_post: Callable[[UnitOfWork, Ask], Awaitable[object]] | None = None,
) -> GoalResult:
    """``/ask goal`` (coordinators): set or replace an open ask's goal. Setting a goal that the
    signatures already meet announces it at once (a crossing like any other).

    ``refresh_post``: keeps the ask's live post true (``asks.refresh_announcement``; passed in
    because the asks package imports this module to judge goals on every sign-on)."""
    wanted = (
        _part(cities, "cities", MAX_PART),
        _part(regions, "regions", MAX_PART),
        _part(countries, "countries", MAX_PART),
        _part(population, "people", MAX_POPULATION),
    )
    if all(v is None for v in wanted):
        raise InvalidInput(
            "Give at least one part of the goal: cities, regions, countries or population."
        )
    session = uow.session
    ask, coalition, version = await get_ask(session, actor, ask_id, lock="update")
    ensure_not_archived(coalition)
    await require_coalition_manager(session, actor, coalition, "set goals for its asks")
    if ask.status != AskStatus.OPEN:
        raise Conflict(f'"{version.title}" is closed: reopen it before giving it a goal.')
    goal = await session.get(AskGoal, ask.id)
    if goal is None:
        goal = AskGoal(ask_id=ask.id, set_by=actor.user_id, set_at=uow.now)
        session.add(goal)
    goal.cities, goal.regions, goal.countries, goal.population = wanted
    goal.set_by, goal.set_at = actor.user_id, uow.now
    session.add(
        AskEvent(
            ask_id=ask.id,
            kind=AskEventKind.GOAL_SET,
            user_id=actor.user_id,
            detail=describe_goal(goal),
            created_at=uow.now,
        )
    )
    await session.flush()
    crossed = await judge(uow, ask.id, user_id=actor.user_id)
    if refresh_post is not None:
        await refresh_post(uow, ask)
    found = await progress(uow, ask.id)
    assert found is not None
    return GoalResult(
        ask.id, version.title, coalition.name, found, crossed == GoalCrossingKind.REACHED
    )
