"""Answering for a city (/action rsvp and the RSVP buttons): one current answer per city."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import City, Coalition, Representative, Rsvp
from bot.db.models.enums import ActionStatus, MembershipStatus, RepresentativeStatus
from bot.db.uow import UnitOfWork
from bot.errors import ChoiceNeeded, Conflict
from bot.services.actions._announcing import refresh_announcement
from bot.services.actions._parsing import NOTE_LEN, response_slug
from bot.services.actions._records import get_action, info
from bot.services.actions.results import RsvpResult
from bot.services.common import Actor, clean_text
from bot.services.lookups import current_memberships
from bot.services.permissions import acting_city, ensure_not_archived, require_active_member


async def _rsvp_city(
    uow: UnitOfWork, actor: Actor, coalition: Coalition, city_id: int | None, via_button: bool
) -> City:
    session = uow.session
    if city_id is None:
        member_ids = {
            city.id
            for m, city in await current_memberships(session, coalition.id)
            if m.status == MembershipStatus.ACTIVE
        }
        mine = (
            await session.scalars(
                select(City)
                .join(Representative, Representative.city_id == City.id)
                .where(
                    City.guild_id == actor.guild_id,
                    Representative.user_id == actor.user_id,
                    Representative.status == RepresentativeStatus.VERIFIED,
                    Representative.ended_at.is_(None),
                )
                .order_by(City.name_key, City.id)
            )
        ).all()
        candidates = [c for c in mine if c.id in member_ids]
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            names = [c.name for c in candidates]
            where = "/action rsvp" if via_button else "the city option"
            raise ChoiceNeeded(
                f"You represent several cities of {coalition.name} ({', '.join(names)}). "
                f"Answer with {where} and choose the city.",
                choices=names,
            )
    acting = await acting_city(session, actor, city_id, coalition_name=coalition.name)
    await require_active_member(session, coalition, acting.city)
    return acting.city


async def rsvp(
    uow: UnitOfWork,
    actor: Actor,
    *,
    action_id: int,
    response: str,
    city_id: int | None = None,
    note: str | None = None,
    via_button: bool = False,
) -> RsvpResult:
    """/action rsvp and the RSVP buttons: one answer per city; a new answer supersedes.

    Answers to one action take turns (the action row is locked on PostgreSQL; SQLite
    serialises writers anyway): two representatives of a city answering at the same moment
    are both recorded, the later one replacing the earlier and saying so ("Before: ..."),
    instead of the later one failing on the city's one current answer.
    """
    now = uow.now
    slug = response_slug(response)
    note_ = clean_text(note, field="note", max_len=NOTE_LEN, required=False)
    action, coalition = await get_action(uow, actor, action_id, lock=True)
    if action.status == ActionStatus.CANCELLED:
        raise Conflict(f'"{action.title}" was cancelled, so it takes no more answers.')
    if action.starts_at <= now:
        raise Conflict(f'"{action.title}" has already started, so it takes no more answers.')
    ensure_not_archived(coalition)
    city = await _rsvp_city(uow, actor, coalition, city_id, via_button)
    session = uow.session
    previous = await session.scalar(
        select(Rsvp)
        .where(Rsvp.action_id == action.id, Rsvp.city_id == city.id, Rsvp.superseded_at.is_(None))
        .with_for_update()
    )
    before = previous.response if previous else None
    if previous is not None:
        if previous.response == slug and previous.note == note_:
            return RsvpResult(info(action, coalition, None), city.name, slug, before, note_)
        previous.superseded_at = now
        await session.flush()
    session.add(
        Rsvp(
            action_id=action.id,
            city_id=city.id,
            user_id=actor.user_id,
            response=slug,
            note=note_,
            created_at=now,
        )
    )
    await session.flush()
    await refresh_announcement(uow, action, frequent=True)  # its answer counts
    return RsvpResult(info(action, coalition, None), city.name, slug, before, note_)
