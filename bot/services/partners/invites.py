"""The Invite button of /coalition suggest: a DM to a verified representative of the city.

At most one invitation per city and coalition in any ``INVITE_EVERY`` (a week): the latest
``coalition_invites`` row says when the next may go. Two coordinators pressing at once are
serialised by the coalition's row lock (SQLite: the write transaction), so one DM goes out.
The DM is queued in the outbox with the invitation, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.db.models import CoalitionInvite, Membership, Representative
from bot.db.models.enums import MembershipStatus, RepresentativeStatus
from bot.db.uow import UnitOfWork
from bot.errors import Conflict
from bot.services import outbox
from bot.services.common import Actor
from bot.services.guards import managed_coalition
from bot.services.lookups import get_city
from bot.services.partners.suggestions import reasons_for
from bot.text import plain

INVITE_EVERY = timedelta(days=7)
INVITE_TEMPLATE = "text"  # bot/ui/outbox_sender.py renders it as the content given


@dataclass(frozen=True, slots=True)
class InviteResult:
    coalition_name: str
    city_name: str
    user_id: int  # the representative the DM goes to
    sent_at: datetime
    next_allowed_at: datetime


def when(moment: datetime) -> str:
    """A moment in words, in UTC (the reader's own zone is unknown here)."""
    return f"{moment:%-d %B %Y, %H:%M} UTC"


def invitation_text(
    *, coordinator_id: int, coalition: str, city: str, reasons: tuple[str, ...]
) -> str:
    why = f" Why {plain(city)}: {', '.join(reasons)}." if reasons else ""
    return (
        f"<@{coordinator_id}>, a coordinator of **{plain(coalition)}**, invites "
        f"**{plain(city)}** to join the coalition.{why}\n"
        f"To join, run `/coalition join` in the server, pick {plain(coalition)} and "
        f"{plain(city)}. No need to answer if you'd rather not."
    )


async def invite_city(
    uow: UnitOfWork, actor: Actor, coalition_id: int, city_id: int
) -> InviteResult:
    """Coordinators of the coalition and server admins."""
    session, now = uow.session, uow.now
    coalition = await managed_coalition(
        session, actor, coalition_id, "invite cities", lock="update"
    )
    city = await get_city(session, actor, city_id)
    status = await session.scalar(
        select(Membership.status).where(
            Membership.coalition_id == coalition.id,
            Membership.city_id == city.id,
            Membership.ended_at.is_(None),
        )
    )
    if status is not None:
        state = "is already a member of" if status == MembershipStatus.ACTIVE else "asked to join"
        raise Conflict(f"{city.name} {state} {coalition.name}: no invitation needed.")
    last = await session.scalar(
        select(CoalitionInvite.sent_at)
        .where(CoalitionInvite.coalition_id == coalition.id, CoalitionInvite.city_id == city.id)
        .order_by(CoalitionInvite.sent_at.desc())
        .limit(1)
    )
    if last is not None and now < last + INVITE_EVERY:
        raise Conflict(
            f"{city.name} was invited to {coalition.name} on {when(last)}. One invitation a "
            f"week per city: the next can go from {when(last + INVITE_EVERY)}."
        )
    rep = await session.scalar(
        select(Representative)
        .where(
            Representative.city_id == city.id,
            Representative.ended_at.is_(None),
            Representative.status == RepresentativeStatus.VERIFIED,
        )
        .order_by(Representative.verified_at, Representative.id)
        .limit(1)
    )
    if rep is None:
        raise Conflict(
            f"{city.name} has no verified representative to invite yet. Once someone asks "
            "(/city represent) and is verified, invite them."
        )
    invite = CoalitionInvite(
        guild_id=actor.guild_id,
        coalition_id=coalition.id,
        city_id=city.id,
        invited_by=actor.user_id,
        user_id=rep.user_id,
        sent_at=now,
    )
    session.add(invite)
    await session.flush()
    reasons = await reasons_for(session, actor, coalition, city.id)
    await outbox.dm(
        uow,
        user_id=rep.user_id,
        template=INVITE_TEMPLATE,
        data={
            "content": invitation_text(
                coordinator_id=actor.user_id,
                coalition=coalition.name,
                city=city.name,
                reasons=reasons,
            )
        },
        guild_id=actor.guild_id,
        dedupe_key=f"invite:{invite.id}",
    )
    return InviteResult(coalition.name, city.name, rep.user_id, now, now + INVITE_EVERY)
