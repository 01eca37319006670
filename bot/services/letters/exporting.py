"""The live letter: /letter preview and /letter export, and the operator's shell export."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date

from sqlalchemy import select

from bot.db.models import Ask, City, Representative, Statement
from bot.db.models.enums import RepresentativeStatus
from bot.db.uow import UnitOfWork
from bot.documents.model import Signatory
from bot.errors import NotFound
from bot.services import asks
from bot.services.common import Actor
from bot.services.letters._access import require_reader
from bot.services.letters._rendering import frozen_file, live_input, render_file
from bot.services.letters.finalising import version_row
from bot.services.letters.results import LetterFile, LetterPreview, Missing, parse_format
from bot.services.lookups import get_ask
from bot.services.permissions import require_coalition_manager


def _today(uow: UnitOfWork, today: date | None) -> date:
    """The date the letter is rendered for: ``today`` if given, else the unit of work's."""
    return today if today is not None else uow.now.astimezone(UTC).date()


def _lacks(s: Signatory) -> tuple[bool, bool, bool]:
    """(no statement, no name, no title) for one signing city."""
    return s.statement is None, s.name is None, not (s.title or "").strip()


async def _missing(uow: UnitOfWork, actor: Actor, signatories: list[Signatory]) -> list[Missing]:
    """Signing cities whose part of the letter is incomplete, with the verified
    representatives who can complete it (one query)."""
    incomplete = [s for s in signatories if any(_lacks(s))]
    if not incomplete:
        return []
    rows = await uow.session.execute(
        select(Representative.city_id, Representative.user_id)
        .where(
            Representative.guild_id == actor.guild_id,
            Representative.city_id.in_([s.city_id for s in incomplete]),
            Representative.status == RepresentativeStatus.VERIFIED,
            Representative.ended_at.is_(None),
        )
        .order_by(Representative.verified_at, Representative.id)
    )
    reps: dict[int, list[int]] = defaultdict(list)
    for city_id, user_id in rows:
        reps[city_id].append(user_id)
    found = [
        Missing(s.city_id, s.city, *_lacks(s), representatives=tuple(reps[s.city_id]))
        for s in incomplete
    ]
    return sorted(found, key=lambda m: (m.city_name.casefold(), m.city_id))


async def preview(
    uow: UnitOfWork,
    actor: Actor,
    *,
    ask_id: int,
    order: str | None = None,
    today: date | None = None,
) -> LetterPreview:
    """/letter preview: the live letter (Markdown) and, first, what is missing from it and
    what a coordinator should know before sending it."""
    session = uow.session
    ask, coalition, version = await get_ask(session, actor, ask_id)
    await require_coalition_manager(session, actor, coalition, "preview its letter")
    letter = await live_input(
        session, ask, coalition, version, order=order, today=_today(uow, today)
    )
    file = await render_file(letter, "md", ask_id=ask.id)
    status = await asks.signatories(uow, actor, ask.id)
    counted = {s.city_id for s in letter.signatories}
    with_statement = (
        await session.execute(
            select(City.id, City.name, City.name_key)
            .join(Statement, Statement.city_id == City.id)
            .where(Statement.ask_id == ask.id, Statement.withdrawn_at.is_(None))
            .distinct()
            .order_by(City.name_key, City.id)
        )
    ).all()
    not_signed = [m.city_name for m in status.missing] + [w.city_name for w in status.withdrawn]
    # Cities back in the coalition after leaving it: their old signature does not count.
    not_signed += [left.city_name for left in status.left if left.member]
    return LetterPreview(
        file=file,
        missing=await _missing(uow, actor, list(letter.signatories)),
        statement_without_signature=[name for cid, name, _ in with_statement if cid not in counted],
        awaiting_reconfirmation=[s.city_name for s in status.needs_reconfirmation],
        not_signed=sorted(not_signed, key=str.casefold),
    )


async def export(
    uow: UnitOfWork,
    actor: Actor,
    *,
    ask_id: int,
    order: str | None = None,
    version: int | None = None,
    today: date | None = None,
    fmt: str | None = None,
) -> LetterFile:
    """/letter export: the live letter in ``fmt`` (markdown, pdf or docx; default markdown)
    and ``order`` (default: the settings'), dated ``today`` (default: the unit of work's
    date); or, with ``version``, that finalised version: its frozen Markdown, or PDF/Word
    rendered from its frozen content and dated the day it was finalised (``order`` and
    ``today`` then do not apply)."""
    file_format = parse_format(fmt)
    session = uow.session
    ask, coalition, ask_version = await get_ask(session, actor, ask_id)
    await require_reader(session, actor, coalition)
    if version is not None:
        row = await version_row(session, ask.id, version)
        if row is None:
            raise NotFound(
                f'"{ask_version.title}" has no finalised version {version}. '
                "/letter versions lists them."
            )
        return await frozen_file(row, ask_version.title, file_format)
    letter = await live_input(
        session, ask, coalition, ask_version, order=order, today=_today(uow, today)
    )
    return await render_file(letter, file_format, ask_id=ask.id)


async def operator_actor(uow: UnitOfWork, ask_id: int) -> Actor:
    """For ``python -m bot letter export``: an admin of whichever server the ask is in (the
    person at the shell runs the bot, so every server's data is theirs to read)."""
    guild_id = await uow.session.scalar(select(Ask.guild_id).where(Ask.id == ask_id))
    if guild_id is None:
        raise NotFound(f"There is no ask with id {ask_id} in this database.")
    return Actor(guild_id=guild_id, user_id=0, is_admin=True)
