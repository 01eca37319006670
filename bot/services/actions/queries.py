"""Reading actions (read-only): one action with every city's answer, a coalition's list, and
the choices shown while typing."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import case, select

from bot.db.models import Action, ActionEvent, Coalition, Rsvp
from bot.db.models.enums import ActionStatus, MembershipStatus
from bot.db.uow import UnitOfWork
from bot.errors import InvalidInput
from bot.services.actions._records import ask_title, get_action, info
from bot.services.actions.results import (
    ActionChoice,
    ActionDetail,
    ActionInfo,
    CityRsvp,
    RsvpCounts,
)
from bot.services.common import Actor, fold
from bot.services.lookups import current_memberships, get_coalition
from bot.services.timeparse import zone_from_name


async def list_actions(
    uow: UnitOfWork, actor: Actor, *, coalition_id: int, when: str = "upcoming"
) -> tuple[str, list[ActionInfo]]:
    """/action list: upcoming (soonest first) or past (latest first). Returns (name, actions)."""
    now = uow.now
    coalition = await get_coalition(uow.session, actor, coalition_id)
    query = select(Action).where(Action.coalition_id == coalition.id)
    if when == "past":
        query = query.where(Action.starts_at <= now).order_by(Action.starts_at.desc(), Action.id)
    else:
        query = query.where(Action.starts_at > now).order_by(Action.starts_at, Action.id)
    actions = (await uow.session.scalars(query.limit(1000 if when != "past" else 200))).all()
    if when != "past":
        actions = _next_of_each_series(list(actions))[:200]
    return coalition.name, [info(a, coalition, None) for a in actions]


def _next_of_each_series(upcoming: list[Action]) -> list[Action]:
    """One-off actions, and of each recurring action only its next occurrence (the next one
    not cancelled, else the next one), in the order given."""
    chosen: dict[int, Action] = {}
    for a in upcoming:
        if a.series_id is None:
            continue
        held = chosen.get(a.series_id)
        if held is None or (
            held.status == ActionStatus.CANCELLED and a.status != ActionStatus.CANCELLED
        ):
            chosen[a.series_id] = a
    return [a for a in upcoming if a.series_id is None or chosen[a.series_id] is a]


async def upcoming_actions(
    uow: UnitOfWork, actor: Actor, coalition_id: int, limit: int = 5
) -> list[ActionInfo]:
    """For /coalition show: the next scheduled (not cancelled) actions, soonest first."""
    coalition = await get_coalition(uow.session, actor, coalition_id)
    actions = (
        await uow.session.scalars(
            select(Action)
            .where(
                Action.coalition_id == coalition.id,
                Action.status == ActionStatus.SCHEDULED,
                Action.starts_at > uow.now,
            )
            .order_by(Action.starts_at, Action.id)
            .limit(limit)
        )
    ).all()
    return [info(a, coalition, None) for a in actions]


async def rsvp_table(uow: UnitOfWork, action: Action) -> tuple[list[CityRsvp], RsvpCounts]:
    """Every active member city with its current answer (or none). Two queries."""
    members = [
        city
        for m, city in await current_memberships(uow.session, action.coalition_id)
        if m.status == MembershipStatus.ACTIVE
    ]
    current = {
        r.city_id: r
        for r in (
            await uow.session.scalars(
                select(Rsvp).where(Rsvp.action_id == action.id, Rsvp.superseded_at.is_(None))
            )
        ).all()
    }
    rows = []
    counts = {"going": 0, "maybe": 0, "not_going": 0, "no_answer": 0}
    for city in members:
        r = current.get(city.id)
        rows.append(
            CityRsvp(
                city_id=city.id,
                city_name=city.name,
                response=r.response if r else None,
                note=r.note if r else None,
                user_id=r.user_id if r else None,
                answered_at=r.created_at if r else None,
            )
        )
        counts[r.response if r else "no_answer"] += 1
    return rows, RsvpCounts(**counts)


async def show_action(uow: UnitOfWork, actor: Actor, action_id: int) -> ActionDetail:
    action, coalition = await get_action(uow, actor, action_id)
    cities, counts = await rsvp_table(uow, action)
    history = [
        (e.kind, e.created_at, e.detail)
        for e in (
            await uow.session.scalars(
                select(ActionEvent)
                .where(ActionEvent.action_id == action.id)
                .order_by(ActionEvent.created_at, ActionEvent.id)
            )
        ).all()
    ]
    return ActionDetail(
        info(action, coalition, await ask_title(uow, action.ask_id)), cities, counts, history
    )


def local_label(starts_at: datetime, zone: str) -> str:
    """ "2026-12-05 14:30 Europe/Paris": for places that cannot show Discord timestamps."""
    try:
        local = starts_at.astimezone(zone_from_name(zone))
    except InvalidInput:
        local, zone = starts_at.astimezone(UTC), "UTC"
    return f"{local:%Y-%m-%d %H:%M} {zone}"


async def action_choices(uow: UnitOfWork, actor: Actor, typed: str | None) -> list[ActionChoice]:
    """Autocomplete: this server's actions, upcoming (soonest first) then past (latest first)."""
    now = uow.now
    key = fold((typed or "")[:200])
    upcoming = case((Action.starts_at > now, 0), else_=1)
    rows = (
        await uow.session.execute(
            select(Action, Coalition.name)
            .join(Coalition, Coalition.id == Action.coalition_id)
            .where(Action.guild_id == actor.guild_id)
            .order_by(upcoming, Action.starts_at, Action.id)
            .limit(500)
        )
    ).all()
    picked = [(a, name) for a, name in rows if not key or key in fold(a.title) or key in fold(name)]
    soon = [(a, n) for a, n in picked if a.starts_at > now]
    past = sorted(
        [(a, n) for a, n in picked if a.starts_at <= now],
        key=lambda p: p[0].starts_at,
        reverse=True,
    )
    out = []
    for a, name in (soon + past)[:25]:
        tag = " (cancelled)" if a.status == ActionStatus.CANCELLED else ""
        suffix = f" · {local_label(a.starts_at, a.timezone)}{tag}"
        head = f"{a.title} — {name}"
        room = 100 - len(suffix)
        if len(head) > room:
            head = head[: room - 1] + "…"
        out.append(ActionChoice(head + suffix, str(a.id)))
    return out
