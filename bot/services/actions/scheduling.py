"""Scheduling, rescheduling and cancelling an action: coordinators of its coalition (or server
admins). Reminders follow each change; the cities that answered are told of a change."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from bot.db.models import Action, ActionEvent, City, Coalition, Rsvp
from bot.db.models.core import NAME_LEN
from bot.db.models.enums import ActionEventKind, ActionStatus
from bot.db.uow import UnitOfWork
from bot.errors import Conflict, InvalidInput
from bot.services import events
from bot.services.actions._parsing import (
    DESCRIPTION_LEN,
    LOCATION_LEN,
    REASON_LEN,
    kind_slug,
    parse_duration,
    read_time,
)
from bot.services.actions._records import ask_title, get_action, info
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
) -> ScheduleResult:
    """/action schedule: coordinators of the coalition (or server admins)."""
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
    parsed, zone = await read_time(uow, actor, when, timezone)
    action = Action(
        guild_id=actor.guild_id,
        coalition_id=coalition.id,
        ask_id=ask_id,
        title=title_,
        kind=slug,
        starts_at=parsed.when,
        duration_minutes=minutes,
        timezone=zone,
        location=location_,
        description=description_,
        status=ActionStatus.SCHEDULED,
        uid=f"action-{uuid.uuid4().hex}@coalition-bot",
        sequence=0,
        created_by=actor.user_id,
        created_at=now,
    )
    session.add(action)
    await session.flush()
    session.add(
        ActionEvent(
            action_id=action.id,
            kind=ActionEventKind.SCHEDULED,
            user_id=actor.user_id,
            new_starts_at=parsed.when,
            created_at=now,
        )
    )
    due = await sync_action_reminders(uow, action, coalition)
    await events.emit(
        uow,
        coalition,
        "action_scheduled",
        {
            "action_id": action.id,
            "title": action.title,
            "kind": slug,
            "starts_at": action.starts_at,
            "timezone": zone,
            "location": location_,
        },
    )
    await session.flush()
    return ScheduleResult(info(action, coalition, title_of_ask), parsed.note, due)


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
) -> ChangeResult:
    """/action reschedule: coordinators. Reminders follow; cities that answered are told."""
    now = uow.now
    action, coalition = await _for_change(uow, actor, action_id, "reschedule")
    if action.starts_at <= now:
        raise Conflict(f'"{action.title}" has already started; schedule a new action instead.')
    zone_name = (timezone or "").strip() or action.timezone
    parsed, zone = await read_time(uow, actor, when, zone_name)
    if parsed.when == action.starts_at:
        raise Conflict(f'"{action.title}" is already at that time; nothing changed.')
    old = action.starts_at
    action.starts_at = parsed.when
    action.timezone = zone
    action.sequence += 1
    session = uow.session
    session.add(
        ActionEvent(
            action_id=action.id,
            kind=ActionEventKind.RESCHEDULED,
            user_id=actor.user_id,
            old_starts_at=old,
            new_starts_at=parsed.when,
            created_at=now,
        )
    )
    due = await sync_action_reminders(uow, action, coalition)
    notice = await queue_change_notice(uow, action, "rescheduled", old=old)
    await events.emit(
        uow,
        coalition,
        "action_changed",
        {
            "action_id": action.id,
            "change": "rescheduled",
            "title": action.title,
            "old_starts_at": old,
            "starts_at": action.starts_at,
            "sequence": action.sequence,
        },
    )
    await session.flush()
    return ChangeResult(
        info(action, coalition, await ask_title(uow, action.ask_id)),
        old,
        parsed.note,
        notice,
        await _answered_cities(uow, action.id),
        due,
    )


async def cancel_action(
    uow: UnitOfWork, actor: Actor, *, action_id: int, reason: str
) -> ChangeResult:
    """/action cancel: coordinators. Reminders stop; cities that answered are told."""
    reason_ = clean_text(reason, field="reason", max_len=REASON_LEN, multiline=True)
    action, coalition = await _for_change(uow, actor, action_id, "cancel")
    action.status = ActionStatus.CANCELLED
    action.cancelled_at = uow.now
    action.cancelled_by = actor.user_id
    action.cancel_reason = reason_
    session = uow.session
    session.add(
        ActionEvent(
            action_id=action.id,
            kind=ActionEventKind.CANCELLED,
            user_id=actor.user_id,
            old_starts_at=action.starts_at,
            detail=reason_,
            created_at=uow.now,
        )
    )
    await cancel_action_reminders(uow, action.id)
    notice = await queue_change_notice(uow, action, "cancelled")
    await events.emit(
        uow,
        coalition,
        "action_changed",
        {
            "action_id": action.id,
            "change": "cancelled",
            "title": action.title,
            "starts_at": action.starts_at,
            "reason": reason_,
        },
    )
    await session.flush()
    return ChangeResult(
        info(action, coalition, await ask_title(uow, action.ask_id)),
        action.starts_at,
        None,
        notice,
        await _answered_cities(uow, action.id),
        [],
    )
