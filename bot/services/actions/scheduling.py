"""Scheduling, rescheduling and cancelling an action: coordinators of its coalition (or server
admins). Reminders follow each change; the cities that answered are told of a change."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select

from bot.db.models import Action, ActionEvent, City, Coalition, Rsvp
from bot.db.models.core import NAME_LEN
from bot.db.models.enums import ActionEventKind, ActionStatus
from bot.db.uow import UnitOfWork
from bot.errors import Conflict, InvalidInput
from bot.services import events
from bot.services.actions import series
from bot.services.actions._announcing import post_announcement, refresh_announcement
from bot.services.actions._parsing import (
    DESCRIPTION_LEN,
    LOCATION_LEN,
    REASON_LEN,
    kind_slug,
    parse_duration,
    read_time,
)
from bot.services.actions._records import ask_title, get_action, info
from bot.services.actions._recurrence import shifted, wall_delta
from bot.services.actions.results import ChangeResult, ScheduleResult
from bot.services.common import Actor, clean_text
from bot.services.guards import managed_coalition
from bot.services.lookups import get_ask
from bot.services.permissions import ensure_not_archived, require_coalition_manager
from bot.services.reminders import (
    cancel_action_reminders,
    queue_change_notice,
    sync_action_reminders,
)
from bot.services.timeparse import zone_from_name
from bot.services.timezones import ChosenZone, ZoneSource


async def schedule_action(
    uow: UnitOfWork,
    actor: Actor,
    *,
    coalition_id: int,
    title: str,
    when: str,
    timezone: str | None,
    kind: str,
    ask_id: int | None = None,
    location: str | None = None,
    duration: str | None = None,
    description: str | None = None,
    repeat: str | None = None,
    until: str | None = None,
    count: int | None = None,
    locale: str | None = None,
) -> ScheduleResult:
    """/action schedule: coordinators of the coalition (or server admins). With ``repeat``,
    a recurring action: one row per occurrence (bot.services.actions.series), each with its own
    reminders and answers; the first is announced."""
    title_ = clean_text(title, field="title", max_len=NAME_LEN)
    assert title_ is not None
    slug = kind_slug(kind)
    location_ = clean_text(location, field="location", max_len=LOCATION_LEN, required=False)
    description_ = clean_text(
        description,
        field="description",
        max_len=DESCRIPTION_LEN,
        required=False,
        multiline=True,
    )
    minutes = parse_duration(duration)
    rule = series.read_rule(repeat, until, count)
    session, now = uow.session, uow.now
    coalition = await managed_coalition(session, actor, coalition_id, "schedule actions")
    title_of_ask = None
    if ask_id is not None:
        _ask, ask_coalition, version = await get_ask(session, actor, ask_id)
        if ask_coalition.id != coalition.id:
            raise InvalidInput(
                f'The ask "{version.title}" belongs to {ask_coalition.name}, not '
                f"{coalition.name}. Pick an ask of {coalition.name}, or leave the ask out."
            )
        title_of_ask = version.title
    parsed, zone = await read_time(uow, actor, when, timezone, coalition=coalition, locale=locale)
    starts = [parsed.when]
    plan = None
    if rule is not None:
        plan = await series.plan(uow, actor, coalition, rule, parsed.when, zone.name, locale)
        starts = list(plan.starts)
    rows: list[Action] = []
    for start in starts:
        action = Action(
            guild_id=actor.guild_id,
            coalition_id=coalition.id,
            ask_id=ask_id,
            title=title_,
            kind=slug,
            starts_at=start,
            duration_minutes=minutes,
            timezone=zone.name,
            location=location_,
            description=description_,
            status=ActionStatus.SCHEDULED,
            uid=f"action-{uuid.uuid4().hex}@coalition-bot",
            sequence=0,
            created_by=actor.user_id,
            created_at=now,
            series_id=plan.series.id if plan is not None else None,
            recurrence_at=start if plan is not None else None,
        )
        session.add(action)
        rows.append(action)
    await session.flush()
    first_due: list[datetime] = []
    for action in rows:
        session.add(
            ActionEvent(
                action_id=action.id,
                kind=ActionEventKind.SCHEDULED,
                user_id=actor.user_id,
                new_starts_at=action.starts_at,
                created_at=now,
            )
        )
        due = await sync_action_reminders(uow, action, coalition)
        if action is rows[0]:
            first_due = due
    first = rows[0]
    await events.emit(
        uow,
        coalition,
        "action_scheduled",
        {
            "action_id": first.id,
            "title": first.title,
            "kind": slug,
            "starts_at": first.starts_at,
            "timezone": zone.name,
            "location": location_,
            "occurrences": len(rows),
        },
    )
    await session.flush()
    queued = await post_announcement(uow, first, coalition)
    return ScheduleResult(
        info(first, coalition, title_of_ask),
        parsed.note,
        first_due,
        queued,
        reading=parsed.reading,
        zone_words=zone.words,
        repeats=plan.described if plan is not None else None,
        occurrences=tuple(starts) if plan is not None else (),
    )


async def record_announcement(
    uow: UnitOfWork, actor: Actor, action_id: int, *, channel_id: int, message_id: int
) -> None:
    """Remember where the announcement (with its RSVP buttons) was posted."""
    action, _ = await get_action(uow, actor, action_id)
    action.announcement_channel_id = channel_id
    action.announcement_message_id = message_id
    await uow.session.flush()


async def _answered_cities(uow: UnitOfWork, action_id: int) -> list[str]:
    return list(
        (
            await uow.session.scalars(
                select(City.name)
                .join(Rsvp, Rsvp.city_id == City.id)
                .where(Rsvp.action_id == action_id, Rsvp.superseded_at.is_(None))
                .order_by(City.name_key)
            )
        ).all()
    )


async def _for_change(
    uow: UnitOfWork, actor: Actor, action_id: int, verb: str
) -> tuple[Action, Coalition]:
    action, coalition = await get_action(uow, actor, action_id, lock=True)
    await require_coalition_manager(uow.session, actor, coalition, f"{verb} its actions")
    ensure_not_archived(coalition)
    if action.status == ActionStatus.CANCELLED:
        raise Conflict(f'"{action.title}" is already cancelled. Schedule a new action instead.')
    return action, coalition


async def reschedule_action(
    uow: UnitOfWork,
    actor: Actor,
    *,
    action_id: int,
    when: str,
    timezone: str | None = None,
    scope: str | None = None,
    locale: str | None = None,
) -> ChangeResult:
    """/action reschedule: coordinators. Reminders follow; cities that answered are told.

    An occurrence of a recurring action moves alone (``scope`` "this") or with every later
    one (``"following"``), each by the same step on the wall clock of its zone."""
    now = uow.now
    action, coalition = await _for_change(uow, actor, action_id, "reschedule")
    if action.starts_at <= now:
        raise Conflict(f'"{action.title}" has already started; schedule a new action instead.')
    own = ChosenZone(action.timezone, ZoneSource.ACTION)
    parsed, zone = await read_time(
        uow, actor, when, timezone, coalition=coalition, fallback=own, locale=locale
    )
    if parsed.when == action.starts_at:
        raise Conflict(f'"{action.title}" is already at that time; nothing changed.')
    touched, found = await series.affected(uow, action, scope, "move")
    series.changed(found)
    step = wall_delta(action.starts_at, parsed.when, zone_from_name(zone.name))
    old = action.starts_at
    answered: list[str] = []
    due: list[datetime] = []
    outbox_ids: tuple[int, ...] = ()
    for one in touched:
        before = one.starts_at
        one.starts_at = (
            parsed.when if one is action else shifted(before, zone_from_name(zone.name), step)
        )
        one.timezone = zone.name
        one.sequence += 1
        uow.session.add(
            ActionEvent(
                action_id=one.id,
                kind=ActionEventKind.RESCHEDULED,
                user_id=actor.user_id,
                old_starts_at=before,
                new_starts_at=one.starts_at,
                created_at=now,
            )
        )
        got = await sync_action_reminders(uow, one, coalition)
        notice = await queue_change_notice(uow, one, "rescheduled", old=before)
        if one is action:
            due, first_notice = got, notice
        await events.emit(
            uow,
            coalition,
            "action_changed",
            {
                "action_id": one.id,
                "change": "rescheduled",
                "title": one.title,
                "old_starts_at": before,
                "starts_at": one.starts_at,
                "sequence": one.sequence,
            },
        )
        await uow.session.flush()
        answered += await _answered_cities(uow, one.id)
        outbox_ids += await refresh_announcement(uow, one)
    return ChangeResult(
        info(action, coalition, await ask_title(uow, action.ask_id)),
        old,
        parsed.note,
        first_notice,
        sorted(set(answered)),
        due,
        outbox_ids,
        reading=parsed.reading,
        changed=len(touched),
    )


async def cancel_action(
    uow: UnitOfWork,
    actor: Actor,
    *,
    action_id: int,
    reason: str,
    scope: str | None = None,
) -> ChangeResult:
    """/action cancel: coordinators. Reminders stop; cities that answered are told.

    An occurrence of a recurring action is cancelled alone (``scope`` "this") or with every
    later one (``"following"``); the others keep their time, reminders and answers."""
    reason_ = clean_text(reason, field="reason", max_len=REASON_LEN, multiline=True)
    action, coalition = await _for_change(uow, actor, action_id, "cancel")
    touched, found = await series.affected(uow, action, scope, "cancel")
    series.changed(found)
    session = uow.session
    answered: list[str] = []
    outbox_ids: tuple[int, ...] = ()
    for one in touched:
        one.status = ActionStatus.CANCELLED
        one.cancelled_at = uow.now
        one.cancelled_by = actor.user_id
        one.cancel_reason = reason_
        one.sequence += 1
        session.add(
            ActionEvent(
                action_id=one.id,
                kind=ActionEventKind.CANCELLED,
                user_id=actor.user_id,
                old_starts_at=one.starts_at,
                detail=reason_,
                created_at=uow.now,
            )
        )
        await cancel_action_reminders(uow, one.id)
        notice = await queue_change_notice(uow, one, "cancelled")
        if one is action:
            first_notice = notice
        await events.emit(
            uow,
            coalition,
            "action_changed",
            {
                "action_id": one.id,
                "change": "cancelled",
                "title": one.title,
                "starts_at": one.starts_at,
                "reason": reason_,
            },
        )
        await session.flush()
        answered += await _answered_cities(uow, one.id)
        outbox_ids += await refresh_announcement(uow, one)
    return ChangeResult(
        info(action, coalition, await ask_title(uow, action.ask_id)),
        action.starts_at,
        None,
        first_notice,
        sorted(set(answered)),
        [],
        outbox_ids,
        changed=len(touched),
    )
