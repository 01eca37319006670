"""Position statements (/statement ...): a city's own words on an ask, for the shared letter.

Each submission is a new numbered version; the latest one not withdrawn is the city's current
statement. Withdrawing marks every version withdrawn, so the city then has no statement until
it submits again. Nothing is deleted: the history stays in the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, literal, select
from sqlalchemy.exc import IntegrityError

from bot.db.models import Ask, City, Statement
from bot.db.models.core import NAME_LEN, TEXT_LEN
from bot.db.uow import UnitOfWork
from bot.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bot.services.common import Actor, clean_text
from bot.services.guards import city_on_open_ask
from bot.services.letters import counted_city_ids
from bot.services.letters.signatories import signer_name
from bot.services.lookups import get_ask, get_city
from bot.services.permissions import acting_city

BODY_LEN = TEXT_LEN  # 4,000: one Discord modal input
NAME_MAX = NAME_LEN  # 100
TITLE_MAX = NAME_LEN


@dataclass(frozen=True, slots=True)
class StatementPrompt:
    """What the submit modal shows, pre-filled from what the bot knows of the representative:
    the current statement's name and title, else the name they last printed for this city and
    the title they were verified under. With no name known the cog uses the display name."""

    ask_id: int
    ask_title: str
    city_id: int
    city_name: str
    verified_title: str | None
    current_body: str | None  # the current statement, to edit rather than retype
    signatory_name: str | None = None  # pre-fills the name
    signatory_title: str | None = None  # pre-fills the title


@dataclass(frozen=True, slots=True)
class StatementInfo:
    ask_id: int
    ask_title: str
    city_id: int
    city_name: str
    country: str
    version: int  # 1, 2, ...: how many times the city submitted
    body: str
    signatory_name: str
    signatory_title: str | None
    user_id: int  # who submitted it
    created_at: datetime
    in_letter: bool  # the city's signature counts for the current version of the ask


@dataclass(frozen=True, slots=True)
class WithdrawnStatement:
    ask_id: int
    ask_title: str
    city_id: int
    city_name: str
    version: int
    withdrawn_at: datetime


def _frozen(title: str, coalition_name: str) -> Conflict:
    """The refusal when the ask is closed."""
    return Conflict(
        f'"{title}" is closed, so its statements are frozen. Ask a coordinator of '
        f"{coalition_name} to reopen it (/ask reopen) first."
    )


async def _current(uow: UnitOfWork, ask_id: int, city_id: int) -> Statement | None:
    return await uow.session.scalar(
        select(Statement)
        .where(
            Statement.ask_id == ask_id,
            Statement.city_id == city_id,
            Statement.withdrawn_at.is_(None),
        )
        .order_by(Statement.version.desc())
        .limit(1)
    )


async def _info(
    uow: UnitOfWork, ask: Ask, title: str, city: City, statement: Statement
) -> StatementInfo:
    counted = city.id in await counted_city_ids(uow.session, ask, city_ids=[city.id])
    return StatementInfo(
        ask_id=ask.id,
        ask_title=title,
        city_id=city.id,
        city_name=city.name,
        country=city.country,
        version=statement.version,
        body=statement.body,
        signatory_name=statement.signatory_name,
        signatory_title=statement.signatory_title,
        user_id=statement.user_id,
        created_at=statement.created_at,
        in_letter=counted,
    )


async def prepare_submit(
    uow: UnitOfWork, actor: Actor, *, ask_id: int, city_id: int | None = None
) -> StatementPrompt:
    """Check /statement submit before the modal opens: a verified representative of a city
    that is an active member of the ask's coalition, on an open ask."""
    on = await city_on_open_ask(uow.session, actor, ask_id, city_id, closed=_frozen)
    current = await _current(uow, on.ask.id, on.city.id)
    name: str | None
    title: str | None
    if current is not None:
        name, title = current.signatory_name, current.signatory_title
    else:
        name = await uow.session.scalar(
            select(signer_name(literal(actor.user_id), literal(on.city.id)))
        )
        title = on.signer_title
    return StatementPrompt(
        ask_id=on.ask.id,
        ask_title=on.version.title,
        city_id=on.city.id,
        city_name=on.city.name,
        verified_title=on.signer_title,
        current_body=current.body if current else None,
        signatory_name=name,
        signatory_title=title,
    )


async def submit(
    uow: UnitOfWork,
    actor: Actor,
    *,
    ask_id: int,
    city_id: int | None,
    body: str,
    signatory_name: str,
    signatory_title: str | None = None,
) -> StatementInfo:
    """Save a new version of the city's statement (the modal's submit). Checks run again: the
    representative may have been revoked while the modal was open."""
    text = clean_text(body, field="statement", max_len=BODY_LEN, multiline=True)
    name = clean_text(signatory_name, field="signatory name", max_len=NAME_MAX)
    title = clean_text(signatory_title, field="signatory title", max_len=TITLE_MAX, required=False)
    session = uow.session
    on = await city_on_open_ask(session, actor, ask_id, city_id, closed=_frozen, lock="share")
    ask, version, city = on.ask, on.version, on.city
    latest = await session.scalar(
        select(func.max(Statement.version)).where(
            Statement.ask_id == ask.id, Statement.city_id == city.id
        )
    )
    statement = Statement(
        ask_id=ask.id,
        city_id=city.id,
        user_id=actor.user_id,
        version=(latest or 0) + 1,
        body=text,
        signatory_name=name,
        signatory_title=title,
        created_at=uow.now,
    )
    try:
        async with session.begin_nested():
            session.add(statement)
            await session.flush()
    except IntegrityError:
        raise Conflict(
            f"Another statement for {city.name} was saved at the same moment. "
            "Check it with /statement show, then submit again if needed."
        ) from None
    return await _info(uow, ask, version.title, city, statement)


async def _city_to_show(uow: UnitOfWork, actor: Actor, city_id: int | None) -> City:
    if city_id is not None:
        return await get_city(uow.session, actor, city_id)
    try:
        return (await acting_city(uow.session, actor, None)).city
    except PermissionDenied:
        raise InvalidInput(
            "Choose the city whose statement you want to read in the city option."
        ) from None


async def show(
    uow: UnitOfWork, actor: Actor, *, ask_id: int, city_id: int | None = None
) -> StatementInfo:
    """/statement show: anyone in the server; the city defaults to the actor's own."""
    ask, _coalition, version = await get_ask(uow.session, actor, ask_id)
    city = await _city_to_show(uow, actor, city_id)
    current = await _current(uow, ask.id, city.id)
    if current is None:
        raise NotFound(
            f'{city.name} has no statement on "{version.title}". '
            f"A verified representative of {city.name} can add one with /statement submit."
        )
    return await _info(uow, ask, version.title, city, current)


async def withdraw(
    uow: UnitOfWork, actor: Actor, *, ask_id: int, city_id: int | None = None
) -> WithdrawnStatement:
    """/statement withdraw: the city's statement leaves the letter; its history stays."""
    session = uow.session
    # No membership check: a city no longer an active member may still take its statement back.
    on = await city_on_open_ask(
        session, actor, ask_id, city_id, closed=_frozen, lock="share", member=False
    )
    ask, version, city = on.ask, on.version, on.city
    rows = (
        await session.scalars(
            select(Statement).where(
                Statement.ask_id == ask.id,
                Statement.city_id == city.id,
                Statement.withdrawn_at.is_(None),
            )
        )
    ).all()
    if not rows:
        raise NotFound(
            f'{city.name} has no statement on "{version.title}", so there is nothing to withdraw.'
        )
    now = uow.now
    for row in rows:
        row.withdrawn_at = now
        row.withdrawn_by = actor.user_id
    await session.flush()
    return WithdrawnStatement(
        ask_id=ask.id,
        ask_title=version.title,
        city_id=city.id,
        city_name=city.name,
        version=max(r.version for r in rows),
        withdrawn_at=now,
    )
