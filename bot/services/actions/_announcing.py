"""An action's live announcement (its embed with RSVP buttons, the answers by city) through the
outbox (bot.services.outbox): posted when the action is scheduled, edited after every change
and answer, each queued in the unit of work of that change. The Discord side renders it from
the action as it is when sent (``announcement_board``), so edits queued meanwhile coalesce
into one, and the outbox keeps one edit of a message in flight at a time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.db.models import Action, Coalition, OutboxMessage
from bot.db.models.enums import OutboxKind, RsvpResponse
from bot.db.uow import UnitOfWork
from bot.services import outbox
from bot.services.actions._records import ask_title, info
from bot.services.actions.queries import rsvp_table
from bot.services.actions.results import ActionInfo, RsvpCounts
from bot.services.common import fold

TEMPLATE = "action_announcement"


async def post_announcement(
    uow: UnitOfWork, action: Action, coalition: Coalition
) -> tuple[int, ...]:
    if coalition.channel_id is None:
        return ()
    row = await outbox.post(
        uow,
        channel_id=coalition.channel_id,
        guild_id=action.guild_id,
        key=outbox.announcement_key(action.id),
        template=TEMPLATE,
        data={"action_id": action.id},
    )
    return (row,) if row is not None else ()


async def refresh_announcement(
    uow: UnitOfWork, action: Action, *, frequent: bool = False
) -> tuple[int, ...]:
    """Keep the announcement true (new time, answers, cancelled without buttons), if there is
    one: posted before the outbox existed (its ids are on the action) or queued since.
    ``frequent`` (an answer): debounced, so a burst of answers makes one edit."""
    key = outbox.announcement_key(action.id)
    channel_id = action.announcement_channel_id
    if channel_id is None:
        channel_id = await uow.session.scalar(
            select(OutboxMessage.channel_id)
            .where(OutboxMessage.key == key, OutboxMessage.kind == OutboxKind.POST)
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        )
    if channel_id is None:
        return ()
    row = await outbox.edit(
        uow,
        channel_id=channel_id,
        guild_id=action.guild_id,
        key=key,
        template=TEMPLATE,
        data={"action_id": action.id},
        message_id=action.announcement_message_id,
        debounce=outbox.EDIT_DEBOUNCE if frequent else None,
    )
    return (row,) if row is not None else ()


@dataclass(frozen=True, slots=True)
class AnnouncementBoard:
    """What an action's live announcement shows when it is sent: the action, the count of
    each answer, and the member cities under each answer (by name)."""

    action: ActionInfo
    counts: RsvpCounts
    going: tuple[str, ...]
    maybe: tuple[str, ...]
    not_going: tuple[str, ...]
    no_answer: tuple[str, ...]


async def announcement_board(uow: UnitOfWork, action_id: int) -> AnnouncementBoard | None:
    """The announcement as it is now (for the outbox, which has no actor); None when the
    action is gone. Three queries, whatever the number of cities."""
    row = (
        await uow.session.execute(
            select(Action, Coalition)
            .join(Coalition, Coalition.id == Action.coalition_id)
            .where(Action.id == action_id)
        )
    ).first()
    if row is None:
        return None
    action, coalition = row
    cities, counts = await rsvp_table(uow, action)
    by_answer: dict[str | None, list[str]] = {}
    for c in sorted(cities, key=lambda c: (fold(c.city_name), c.city_id)):
        by_answer.setdefault(c.response, []).append(c.city_name)
    return AnnouncementBoard(
        action=info(action, coalition, await ask_title(uow, action.ask_id)),
        counts=counts,
        going=tuple(by_answer.get(RsvpResponse.GOING, ())),
        maybe=tuple(by_answer.get(RsvpResponse.MAYBE, ())),
        not_going=tuple(by_answer.get(RsvpResponse.NOT_GOING, ())),
        no_answer=tuple(by_answer.get(None, ())),
    )
