"""The live letter: /letter preview and /letter export, and the operator's shell export."""

from __future__ import annotations

from datetime import UTC, date

from sqlalchemy import select

from bot.db.models import Ask, City, Statement
from bot.db.models.enums import SignOrder
from bot.db.uow import UnitOfWork
from bot.errors import NotFound
from bot.services import asks
from bot.services.common import Actor
from bot.services.letters._access import require_reader
from bot.services.letters._rendering import frozen_file, render_live
from bot.services.letters.finalising import version_row
from bot.services.letters.results import LetterFile, LetterPreview, parse_order
from bot.services.lookups import get_ask
from bot.services.permissions import require_coalition_manager


def _today(uow: UnitOfWork, today: date | None) -> date:
    """The date the letter is rendered for: ``today`` if given, else the unit of work's."""
    return today if today is not None else uow.now.astimezone(UTC).date()


async def preview(
    uow: UnitOfWork,
    actor: Actor,
    *,
    ask_id: int,
    order: str = SignOrder.ALPHABETICAL,
    today: date | None = None,
) -> LetterPreview:
    """/letter preview: the live letter and what a coordinator should know before sending it."""
    order = parse_order(order)
    session = uow.session
    ask, coalition, version = await get_ask(session, actor, ask_id)
    await require_coalition_manager(session, actor, coalition, "preview its letter")
    file, signatories = await render_live(
        session, ask, coalition, version, order=order, today=_today(uow, today)
    )
    status = await asks.signatories(uow, actor, ask.id)
    counted = {s.city_id for s in signatories}
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
) -> LetterFile:
    """/letter export: the live letter in ``order`` rendered for ``today`` (default: the unit of
    work's date), or, with ``version``, the frozen bytes of that finalised version (``order``
    then does not apply)."""
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
        return frozen_file(row, ask_version.title)
    file, _ = await render_live(
        session, ask, coalition, ask_version, order=parse_order(order), today=_today(uow, today)
    )
    return file


async def operator_actor(uow: UnitOfWork, ask_id: int) -> Actor:
    """For ``python -m bot letter export``: an admin of whichever server the ask is in (the
    person at the shell runs the bot, so every server's data is theirs to read)."""
    guild_id = await uow.session.scalar(select(Ask.guild_id).where(Ask.id == ask_id))
    if guild_id is None:
        raise NotFound(f"There is no ask with id {ask_id} in this database.")
    return Actor(guild_id=guild_id, user_id=0, is_admin=True)
