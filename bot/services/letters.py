"""The shared letter (/letter ...): settings, preview, export, finalised versions.

*Who is in the letter*: exactly the cities counted as signed by bot.db.repositories.progress
(a current sign-on confirmed for the ask's current version, by a current active member city).
Their current statements go with them; a statement of any other city is left out.

*Who may do what*: coordinators of the ask's coalition and server admins change the settings,
preview and finalise. Export and the list of versions are also open to verified
representatives of the coalition's active member cities: the letter speaks in their name.

Rendering a letter issues a fixed number of queries whatever the number of cities (get the
ask, check the permission, read the settings, read the signatories with their statements).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import and_, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot import documents as render
from bot.db.models import (
    Ask,
    AskVersion,
    City,
    Coalition,
    LetterSettings,
    LetterVersion,
    Membership,
    Representative,
    SignOn,
    Statement,
)
from bot.db.repositories.progress import active_membership_clause, confirmed_current
from bot.db.types import utcnow
from bot.db.uow import UnitOfWork
from bot.errors import Conflict, InvalidInput, NotFound, PermissionDenied, UserFacingError
from bot.services import asks, events
from bot.services.common import Actor, clean_text
from bot.services.lookups import get_ask
from bot.services.permissions import (
    can_manage_coalition,
    ensure_not_archived,
    require_coalition_manager,
)

ORDERS = render.ORDERS
OPENING_LEN = 2000
CLOSING_LEN = 2000
SENDER_LEN = 200
DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024  # Discord's limit for servers without boosts
SHORT_HASH = 12


# --- errors and values ---


class LetterTooLarge(UserFacingError):
    """The export does not fit in one Discord upload; the message names the shell command."""

    def __init__(self, size: int, limit: int, ask_id: int, version: int | None) -> None:
        command = f"python -m bot letter export --ask {ask_id}"
        if version is not None:
            command += f" --version {version}"
        command += " -o letter.md"
        super().__init__(
            f"This letter is {_megabytes(size)}, more than the {_megabytes(limit)} Discord "
            f"accepts in one upload here. Ask the person who runs the bot to export it from "
            f"the server's shell instead: `{command}`"
        )
        self.size = size
        self.limit = limit
        self.command = command


@dataclass(frozen=True, slots=True)
class LetterFile:
    """One rendered (or frozen) letter: exactly the bytes to upload or write."""

    ask_id: int
    ask_title: str
    filename: str
    content: bytes
    sha256: str
    signatory_count: int
    order: str
    version: int | None  # the finalised version number, None for a live rendering
    created_at: datetime | None  # when the version was finalised

    @property
    def short_hash(self) -> str:
        return self.sha256[:SHORT_HASH]

    @property
    def text(self) -> str:
        return self.content.decode("utf-8")


@dataclass(frozen=True, slots=True)
class LetterSettingsInfo:
    ask_id: int
    ask_title: str
    opening: str
    closing: str
    sender: str
    customised: bool  # False: these are the defaults, nothing saved yet


@dataclass(frozen=True, slots=True)
class LetterPreview:
    file: LetterFile
    statement_without_signature: list[str]  # city names: statement, but not counted as signed
    awaiting_reconfirmation: list[str]  # signed an earlier version of the ask
    not_signed: list[str]  # active member cities with no current signature (left ones too)


@dataclass(frozen=True, slots=True)
class LetterVersionInfo:
    number: int
    created_at: datetime
    created_by: int
    signatory_count: int
    sha256: str
    order: str
    ask_version: int

    @property
    def short_hash(self) -> str:
        return self.sha256[:SHORT_HASH]


# --- helpers ---


def _megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size:,} bytes"
    return f"{size / (1024 * 1024):.1f} MB"


def parse_order(value: str | None) -> str:
    """ "alphabetical" (default), "signing date"/"signing_date" or "population"."""
    if value is None or not value.strip():
        return "alphabetical"
    key = value.strip().lower().replace(" ", "_").replace("-", "_")
    if key not in ORDERS:
        raise InvalidInput(
            'Please choose an order: "alphabetical", "signing date" or "population".'
        )
    return key


def ensure_uploadable(file: LetterFile, limit: int) -> None:
    """Refuse (with the shell command to use instead) a file larger than ``limit`` bytes."""
    if len(file.content) > limit:
        raise LetterTooLarge(len(file.content), limit, file.ask_id, file.version)


def _counted(ask: Ask):  # type: ignore[no-untyped-def]
    """SignOn conditions for "counted as signed" on ``ask`` (with the active-member join)."""
    return and_(SignOn.ask_id == ask.id, confirmed_current(ask.current_version))


async def counted_city_ids(
    session: AsyncSession, ask: Ask, *, city_ids: Iterable[int] | None = None
) -> set[int]:
    """Ids of the cities counted as signed on ``ask`` (optionally among ``city_ids``)."""
    query = (
        select(SignOn.city_id)
        .join(Membership, active_membership_clause(ask.coalition_id, SignOn.city_id))
        .where(_counted(ask))
    )
    if city_ids is not None:
        query = query.where(SignOn.city_id.in_(list(city_ids)))
    return set((await session.scalars(query)).all())


async def _signatories(session: AsyncSession, ask: Ask) -> list[render.Signatory]:
    """Every counted city with its current statement: one query.

    The current statement is found per city by a correlated ``ORDER BY version DESC LIMIT 1``
    on the unique (ask_id, city_id, version) index: a few index reads per city whatever the
    planner knows. (A GROUP BY subquery or an anti-join here went quadratic on PostgreSQL
    before its statistics caught up with freshly inserted rows.)
    """
    latest = aliased(Statement)
    current_id = (
        select(latest.id)
        .where(
            latest.ask_id == SignOn.ask_id,
            latest.city_id == SignOn.city_id,
            latest.withdrawn_at.is_(None),
        )
        .order_by(latest.version.desc())
        .limit(1)
        .correlate(SignOn)
        .scalar_subquery()
    )
    rows = await session.execute(
        select(
            City.id,
            City.name,
            City.country,
            City.population,
            SignOn.signed_at,
            SignOn.signer_title,
            Statement.body,
            Statement.signatory_name,
            Statement.signatory_title,
        )
        .select_from(SignOn)
        .join(City, City.id == SignOn.city_id)
        .join(Membership, active_membership_clause(ask.coalition_id, SignOn.city_id))
        .outerjoin(Statement, Statement.id == current_id)
        .where(_counted(ask))
    )
    return [
        render.Signatory(
            city_id=city_id,
            city=name,
            country=country,
            population=population,
            signed_at=signed_at,
            signer_title=signer_title,
            statement=(
                render.StatementText(body, signatory_name, signatory_title)
                if body is not None
                else None
            ),
        )
        for (
            city_id,
            name,
            country,
            population,
            signed_at,
            signer_title,
            body,
            signatory_name,
            signatory_title,
        ) in rows
    ]


async def _settings_row(session: AsyncSession, ask_id: int) -> LetterSettings | None:
    return await session.get(LetterSettings, ask_id)


async def _may_read(session: AsyncSession, actor: Actor, coalition: Coalition) -> bool:
    """Coordinators, admins, and verified representatives of active member cities."""
    if await can_manage_coalition(session, actor, coalition):
        return True
    return bool(
        await session.scalar(
            select(
                exists()
                .where(
                    Representative.guild_id == actor.guild_id,
                    Representative.user_id == actor.user_id,
                    Representative.status == "verified",
                    Representative.ended_at.is_(None),
                )
                .where(active_membership_clause(coalition.id, Representative.city_id))
            )
        )
    )


async def _require_reader(session: AsyncSession, actor: Actor, coalition: Coalition) -> None:
    if not await _may_read(session, actor, coalition):
        raise PermissionDenied(
            f"Only coordinators of {coalition.name}, server admins and verified representatives "
            f"of its member cities can export its letter. Ask a coordinator of {coalition.name} "
            "(listed in /coalition show) for a copy."
        )


async def _render(
    session: AsyncSession,
    ask: Ask,
    coalition: Coalition,
    version: AskVersion,
    *,
    order: str,
    today: date,
) -> tuple[LetterFile, list[render.Signatory]]:
    settings = await _settings_row(session, ask.id)
    signatories = await _signatories(session, ask)
    letter = render.LetterInput(
        title=version.title,
        target=version.target,
        ask_text=version.body,
        coalition=coalition.name,
        opening=settings.opening if settings else None,
        closing=settings.closing if settings else None,
        sender=settings.sender if settings else None,
        signatories=tuple(signatories),
    )
    content = render.to_bytes(render.render_letter(letter, order=order, today=today))
    file = LetterFile(
        ask_id=ask.id,
        ask_title=version.title,
        filename=render.letter_filename(version.title, today),
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        signatory_count=len(signatories),
        order=order,
        version=None,
        created_at=None,
    )
    return file, signatories


def _frozen_file(row: LetterVersion, title: str) -> LetterFile:
    content = row.content.encode("utf-8")
    digest = hashlib.sha256(content).hexdigest()
    if digest != row.content_sha256:
        raise UserFacingError(
            f"The stored text of version {row.number} no longer matches its sha256 "
            f"({row.content_sha256[:SHORT_HASH]}); it has been altered in the database. "
            "Tell the person who runs the bot; export a newer version meanwhile."
        )
    return LetterFile(
        ask_id=row.ask_id,
        ask_title=title,
        filename=render.letter_filename(title, row.created_at.date(), version=row.number),
        content=content,
        sha256=digest,
        signatory_count=row.signatory_count,
        order=row.sign_order,
        version=row.number,
        created_at=row.created_at,
    )


# --- settings ---


async def get_settings(uow: UnitOfWork, actor: Actor, ask_id: int) -> LetterSettingsInfo:
    """For the /letter settings modal: the saved values, or the defaults."""
    session = uow.session
    ask, coalition, version = await get_ask(session, actor, ask_id)
    ensure_not_archived(coalition)
    await require_coalition_manager(session, actor, coalition, "change the letter's settings")
    row = await _settings_row(session, ask.id)
    return LetterSettingsInfo(
        ask_id=ask.id,
        ask_title=version.title,
        opening=(row.opening if row else None) or render.default_opening(coalition.name),
        closing=(row.closing if row else None) or render.default_closing(),
        sender=(row.sender if row else None) or render.default_sender(coalition.name),
        customised=row is not None,
    )


async def save_settings(
    uow: UnitOfWork,
    actor: Actor,
    *,
    ask_id: int,
    opening: str | None,
    closing: str | None,
    sender: str | None,
) -> LetterSettingsInfo:
    """Save the opening and closing paragraphs and the sender line. An empty value means the
    default text."""
    opening = clean_text(
        opening, field="opening", max_len=OPENING_LEN, required=False, multiline=True
    )
    closing = clean_text(
        closing, field="closing", max_len=CLOSING_LEN, required=False, multiline=True
    )
    sender = clean_text(sender, field="sender line", max_len=SENDER_LEN, required=False)
    session = uow.session
    ask, coalition, version = await get_ask(session, actor, ask_id)
    ensure_not_archived(coalition)
    await require_coalition_manager(session, actor, coalition, "change the letter's settings")
    row = await _settings_row(session, ask.id)
    now = utcnow()
    if row is None:
        row = LetterSettings(ask_id=ask.id, updated_by=actor.user_id, updated_at=now)
        session.add(row)
    row.opening, row.closing, row.sender = opening, closing, sender
    row.updated_by, row.updated_at = actor.user_id, now
    await session.flush()
    return LetterSettingsInfo(
        ask_id=ask.id,
        ask_title=version.title,
        opening=opening or render.default_opening(coalition.name),
        closing=closing or render.default_closing(),
        sender=sender or render.default_sender(coalition.name),
        customised=True,
    )


# --- preview, export, finalise ---


async def preview(
    uow: UnitOfWork, actor: Actor, *, ask_id: int, order: str = "alphabetical", today: date
) -> LetterPreview:
    """/letter preview: the live letter and what a coordinator should know before sending it."""
    order = parse_order(order)
    session = uow.session
    ask, coalition, version = await get_ask(session, actor, ask_id)
    await require_coalition_manager(session, actor, coalition, "preview its letter")
    file, signatories = await _render(session, ask, coalition, version, order=order, today=today)
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


async def _version_row(session: AsyncSession, ask_id: int, number: int) -> LetterVersion | None:
    return await session.scalar(
        select(LetterVersion).where(LetterVersion.ask_id == ask_id, LetterVersion.number == number)
    )


async def export(
    uow: UnitOfWork,
    actor: Actor,
    *,
    ask_id: int,
    order: str | None = None,
    version: int | None = None,
    today: date,
) -> LetterFile:
    """/letter export: the live letter in ``order`` rendered for ``today``, or, with
    ``version``, the frozen bytes of that finalised version (``order`` then does not apply)."""
    session = uow.session
    ask, coalition, ask_version = await get_ask(session, actor, ask_id)
    await _require_reader(session, actor, coalition)
    if version is not None:
        row = await _version_row(session, ask.id, version)
        if row is None:
            raise NotFound(
                f'"{ask_version.title}" has no finalised version {version}. '
                "/letter versions lists them."
            )
        return _frozen_file(row, ask_version.title)
    file, _ = await _render(
        session, ask, coalition, ask_version, order=parse_order(order), today=today
    )
    return file


async def finalise(
    uow: UnitOfWork, actor: Actor, *, ask_id: int, order: str = "alphabetical", now: datetime
) -> LetterFile:
    """/letter finalise: freeze the letter as it is now as version n+1, with its sha256."""
    order = parse_order(order)
    session = uow.session
    ask, coalition, ask_version = await get_ask(session, actor, ask_id, lock="update")
    ensure_not_archived(coalition)
    await require_coalition_manager(session, actor, coalition, "finalise its letter")
    file, signatories = await _render(
        session, ask, coalition, ask_version, order=order, today=now.astimezone(UTC).date()
    )
    if not signatories:
        raise Conflict(
            f'No city has signed the current version of "{ask_version.title}" yet, so there is '
            "no letter to finalise."
        )
    last = await session.scalar(
        select(LetterVersion)
        .where(LetterVersion.ask_id == ask.id)
        .order_by(LetterVersion.number.desc())
        .limit(1)
    )
    if last is not None and last.content_sha256 == file.sha256:
        raise Conflict(
            f"Version {last.number} already has exactly this text (sha256 "
            f"{file.short_hash}). Export it with /letter export and version {last.number}."
        )
    row = LetterVersion(
        ask_id=ask.id,
        number=(last.number if last else 0) + 1,
        ask_version=ask.current_version,
        sign_order=order,
        content=file.text,
        content_sha256=file.sha256,
        signatory_count=file.signatory_count,
        created_by=actor.user_id,
        created_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        raise Conflict(
            "Someone finalised this letter at the same moment. See /letter versions."
        ) from None
    frozen = _frozen_file(row, ask_version.title)
    await events.emit(
        uow,
        coalition,
        "letter_finalised",
        {
            "ask_id": str(ask.id),
            "ask_title": ask_version.title,
            "ask_version": ask.current_version,
            "letter_version": row.number,
            "sha256": row.content_sha256,
            "signatory_count": row.signatory_count,
            "order": order,
            "filename": frozen.filename,
            "finalised_by": str(actor.user_id),
            "finalised_at": now,
        },
    )
    return frozen


async def versions(uow: UnitOfWork, actor: Actor, ask_id: int) -> list[LetterVersionInfo]:
    """/letter versions: every finalised version, oldest first (no letter text is loaded)."""
    session = uow.session
    ask, coalition, _ = await get_ask(session, actor, ask_id)
    await _require_reader(session, actor, coalition)
    rows = await session.execute(
        select(
            LetterVersion.number,
            LetterVersion.created_at,
            LetterVersion.created_by,
            LetterVersion.signatory_count,
            LetterVersion.content_sha256,
            LetterVersion.sign_order,
            LetterVersion.ask_version,
        )
        .where(LetterVersion.ask_id == ask.id)
        .order_by(LetterVersion.number)
    )
    return [LetterVersionInfo(*row) for row in rows]


# --- the operator's shell ---


async def operator_actor(uow: UnitOfWork, ask_id: int) -> Actor:
    """For ``python -m bot letter export``: an admin of whichever server the ask is in (the
    person at the shell runs the bot, so every server's data is theirs to read)."""
    guild_id = await uow.session.scalar(select(Ask.guild_id).where(Ask.id == ask_id))
    if guild_id is None:
        raise NotFound(f"There is no ask with id {ask_id} in this database.")
    return Actor(guild_id=guild_id, user_id=0, is_admin=True)
