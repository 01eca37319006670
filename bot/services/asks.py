"""Policy asks, sign-ons and their history (/ask ...).

A city counts as *signed* when it has a current sign-on confirmed for the ask's current version
and is a current active member of the coalition (see bot.db.repositories.progress).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError

from bot.db.models import (
    Ask,
    AskEvent,
    AskVersion,
    City,
    Coalition,
    Membership,
    Representative,
    SignOn,
)
from bot.db.models.core import NAME_LEN, TEXT_LEN
from bot.db.repositories.progress import (
    active_member_count,
    active_membership_clause,
    current_memberships,
    signed_counts,
)
from bot.db.types import utcnow
from bot.db.uow import UnitOfWork
from bot.errors import Conflict, InvalidInput, NotFound
from bot.services import events
from bot.services.common import Actor, clean_text
from bot.services.lookups import get_ask, get_coalition
from bot.services.permissions import (
    acting_city,
    ensure_not_archived,
    require_active_member,
    require_coalition_manager,
)
from bot.services.timeparse import format_utc, parse_local_datetime

TITLE_LEN = NAME_LEN  # 100
TARGET_LEN = 200
BODY_LEN = TEXT_LEN  # 4,000
REASON_LEN = 1000
NOTE_LEN = 1000
DIFF_LEN = 1500
STATUSES = ("open", "closed", "all")


# --- errors the cog may want to render richly ---


class AlreadySigned(Conflict):
    """``signed_at`` lets the cog show a Discord timestamp; the message carries it in UTC too."""

    def __init__(self, city_name: str, signed_at: datetime) -> None:
        super().__init__(f"{city_name} already signed on {format_utc(signed_at)}.")
        self.city_name = city_name
        self.signed_at = signed_at


class AskChanged(Conflict):
    def __init__(self, current_version: int) -> None:
        super().__init__(
            "The ask changed since you opened it; run /ask sign again to read the new text."
        )
        self.current_version = current_version


class AskClosed(Conflict):
    def __init__(self, title: str, coalition_name: str) -> None:
        super().__init__(
            f'"{title}" is closed; ask a coordinator of {coalition_name} to reopen it.'
        )


class AlreadyWithdrawn(Conflict):
    """The city's latest sign-on is already withdrawn (maybe a moment ago, by someone else)."""

    def __init__(self, city_name: str, title: str, withdrawn_at: datetime, verb: str) -> None:
        super().__init__(
            f'{city_name} already withdrew from "{title}" on {format_utc(withdrawn_at)}, so '
            f"there is nothing to {verb}. If your city changes its mind, sign it again with "
            "/ask sign."
        )
        self.city_name = city_name
        self.withdrawn_at = withdrawn_at


class AlreadyConfirmed(Conflict):
    """The city already stands behind the current version (maybe a moment ago)."""

    def __init__(self, city_name: str, title: str, version: int, confirmed_at: datetime) -> None:
        super().__init__(
            f'{city_name} already confirmed version {version} of "{title}" on '
            f"{format_utc(confirmed_at)}. Nothing more to do."
        )
        self.city_name = city_name
        self.version = version
        self.confirmed_at = confirmed_at


class AskEditedMeanwhile(Conflict):
    """An edit submitted from a form opened on an older version: nothing is saved.

    ``diff`` shows what the other edit(s) changed, from the version the form was opened on to
    the current one; the cog offers to reopen the form on the current text."""

    def __init__(
        self,
        *,
        ask_id: int,
        title: str,
        opened_version: int,
        current_version: int,
        edited_by: int,
        edited_at: datetime,
        diff: str,
    ) -> None:
        super().__init__(
            f'"{title}" was edited after you opened this form (version {opened_version} → '
            f"{current_version}), so nothing was saved: your form would have overwritten that "
            "edit. Reopen the form on the new text and make your changes again."
        )
        self.ask_id = ask_id
        self.title = title
        self.opened_version = opened_version
        self.current_version = current_version
        self.edited_by = edited_by
        self.edited_at = edited_at
        self.diff = diff


# --- returned values ---


@dataclass(frozen=True, slots=True)
class AskSummary:
    id: int
    coalition_id: int
    coalition_name: str
    title: str
    status: str  # "open" | "closed"
    version: int
    deadline: datetime | None
    signed: int
    total: int  # active member cities


@dataclass(frozen=True, slots=True)
class AskCreated:
    id: int
    coalition_id: int
    coalition_name: str
    channel_id: int | None  # where the cog may announce it
    title: str
    target: str
    text: str
    version: int
    deadline: datetime | None
    deadline_note: str | None  # e.g. "happens twice ... I used the first one"


@dataclass(frozen=True, slots=True)
class SignatoryInfo:
    city_id: int
    city_name: str
    country: str
    user_id: int  # who signed
    title: str | None  # their title when they signed
    signed_at: datetime
    signed_version: int
    confirmed_version: int
    confirmed_at: datetime
    confirmed_by: int
    note: str | None


@dataclass(frozen=True, slots=True)
class WithdrawnInfo:
    city_id: int
    city_name: str
    country: str
    signed_by: int
    withdrawn_by: int
    withdrawn_at: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class LeftInfo:
    """A signature that stopped counting because its city left (or was removed from) the
    coalition. Rejoining does not revive it: the city signs again."""

    city_id: int
    city_name: str
    country: str
    signed_by: int
    signed_at: datetime
    left_at: datetime
    ended_by: int  # who took the city out (its representative, a coordinator or an admin)
    member: bool  # back in the coalition, but not counted until it signs again


@dataclass(frozen=True, slots=True)
class MissingCity:
    city_id: int
    city_name: str
    country: str


@dataclass(frozen=True, slots=True)
class Signatories:
    """Every active member city appears in exactly one of the lists signed,
    needs_reconfirmation, withdrawn, missing, or (when it left and came back) left; ``left``
    also shows the cities no longer in the coalition whose signature ended when they left."""

    ask_id: int
    title: str
    version: int
    signed: list[SignatoryInfo]  # by signing time
    needs_reconfirmation: list[SignatoryInfo]  # signed an earlier version; not counted
    withdrawn: list[WithdrawnInfo]  # latest sign-on withdrawn, not signed again
    missing: list[MissingCity]  # never signed, by name
    total: int
    left: list[LeftInfo] = field(default_factory=list)  # latest sign-on ended by leaving

    @property
    def signed_count(self) -> int:
        return len(self.signed)


@dataclass(frozen=True, slots=True)
class AskDetail:
    id: int
    coalition_id: int
    coalition_name: str
    coalition_archived: bool
    status: str
    title: str
    target: str
    text: str
    version: int
    version_created_at: datetime
    deadline: datetime | None
    created_by: int
    created_at: datetime
    closed_at: datetime | None
    signatories: Signatories

    @property
    def signed(self) -> int:
        return self.signatories.signed_count

    @property
    def total(self) -> int:
        return self.signatories.total


@dataclass(frozen=True, slots=True)
class SignPrompt:
    """What to show in the Confirm/Cancel prompt; pass ``version`` back to confirm_sign."""

    ask_id: int
    coalition_name: str
    title: str
    target: str
    text: str
    version: int
    deadline: datetime | None
    city_id: int
    city_name: str
    signer_title: str | None
    needs_reconfirmation: bool  # the city signed an earlier version; confirming re-confirms


@dataclass(frozen=True, slots=True)
class SignResult:
    ask_id: int
    title: str
    city_id: int
    city_name: str
    version: int
    signed_at: datetime  # when the city first signed (this sign-on)
    confirmed_at: datetime
    signer_title: str | None
    reconfirmed: bool  # True when this confirmed an earlier signature for a new version
    signed: int  # progress after this action
    total: int
    channel_id: int | None


@dataclass(frozen=True, slots=True)
class WithdrawResult:
    ask_id: int
    title: str
    city_id: int
    city_name: str
    withdrawn_at: datetime
    reason: str
    signed: int
    total: int
    channel_id: int | None


@dataclass(frozen=True, slots=True)
class Recipient:
    user_id: int
    city_id: int
    city_name: str


@dataclass(frozen=True, slots=True)
class EditResult:
    ask_id: int
    title: str
    old_version: int
    version: int  # == old_version when only the deadline changed
    new_version: bool
    changed: list[str]  # among "title", "target", "text", "deadline"
    deadline: datetime | None
    deadline_note: str | None
    diff: str  # unified diff of title/target/text, at most 1,500 characters ("" if none)
    to_notify: list[Recipient] = field(default_factory=list)  # DM each with a Confirm button


@dataclass(frozen=True, slots=True)
class AskStatusResult:
    ask_id: int
    title: str
    status: str
    at: datetime


@dataclass(frozen=True, slots=True)
class AskEventInfo:
    id: int
    # created | edited | signed | reconfirmed | withdrawn | left | closed | reopened
    kind: str
    user_id: int
    at: datetime
    version: int | None
    city_id: int | None
    city_name: str | None
    detail: str | None


# --- helpers ---


def _ensure_open(ask: Ask, coalition: Coalition, title: str) -> None:
    ensure_not_archived(coalition)
    if ask.status != "open":
        raise AskClosed(title, coalition.name)


def _deadline(
    deadline: datetime | None, deadline_text: str | None, tz_name: str | None, now: datetime
) -> tuple[datetime | None, str | None]:
    if deadline is not None:
        if deadline.tzinfo is None or deadline.utcoffset() is None:
            raise ValueError("deadline must be timezone-aware")
        if deadline <= now:
            raise InvalidInput("The deadline is in the past. Please choose a future time.")
        return deadline, None
    if deadline_text is not None and deadline_text.strip():
        parsed = parse_local_datetime(deadline_text, tz_name, now)
        return parsed.when, parsed.note
    return None, None


def _clean_title(value: str | None) -> str:
    return clean_text(value, field="title", max_len=TITLE_LEN)  # type: ignore[return-value]


def _clean_target(value: str | None) -> str:
    return clean_text(value, field="target", max_len=TARGET_LEN)  # type: ignore[return-value]


def _clean_body(value: str | None) -> str:
    return clean_text(  # type: ignore[return-value]
        value, field="ask text", max_len=BODY_LEN, multiline=True
    )


async def _progress(uow: UnitOfWork, ask: Ask) -> tuple[int, int]:
    signed = (await signed_counts(uow.session, [ask.id]))[ask.id]
    return signed, await active_member_count(uow.session, ask.coalition_id)


async def _current_sign_on(
    uow: UnitOfWork, ask_id: int, city_id: int, *, lock: bool = False
) -> SignOn | None:
    """``lock=True`` before changing it: on PostgreSQL a second writer waits here for the first
    to commit, then sees the row as it left it (no longer current once withdrawn, already
    re-confirmed), so two people acting at once for one city never both win. SQLite already
    runs writers one after the other."""
    query = select(SignOn).where(
        SignOn.ask_id == ask_id, SignOn.city_id == city_id, SignOn.withdrawn_at.is_(None)
    )
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return await uow.session.scalar(query)


async def _already_withdrawn(
    uow: UnitOfWork, ask_id: int, city: City, title: str, verb: str
) -> AlreadyWithdrawn | None:
    """When the city has no current sign-on: the refusal to give if its latest one was
    withdrawn (not ended by leaving the coalition), perhaps a moment ago by someone else."""
    last = await uow.session.scalar(
        select(SignOn)
        .where(SignOn.ask_id == ask_id, SignOn.city_id == city.id, SignOn.withdrawn_at.is_not(None))
        .order_by(SignOn.withdrawn_at.desc(), SignOn.id.desc())
        .limit(1)
    )
    if last is None or last.withdrawn_at is None or last.end_kind == "left":
        return None
    return AlreadyWithdrawn(city.name, title, last.withdrawn_at, verb)


def _event(ask: Ask, kind: str, actor: Actor, now: datetime, **kw: object) -> AskEvent:
    return AskEvent(ask_id=ask.id, kind=kind, user_id=actor.user_id, created_at=now, **kw)


# --- create, list, show ---


async def create_ask(
    uow: UnitOfWork,
    actor: Actor,
    *,
    coalition_id: int,
    title: str,
    target: str,
    text: str,
    deadline: datetime | None = None,
    deadline_text: str | None = None,
    tz_name: str | None = None,
    now: datetime | None = None,
) -> AskCreated:
    """/ask create: coordinators of the coalition or admins.

    The deadline is either an aware datetime or ``deadline_text`` + ``tz_name`` (see timeparse).
    """
    now = now or utcnow()
    title, target, body = _clean_title(title), _clean_target(target), _clean_body(text)
    when, note = _deadline(deadline, deadline_text, tz_name, now)
    session = uow.session
    coalition = await get_coalition(session, actor, coalition_id)
    ensure_not_archived(coalition)
    await require_coalition_manager(session, actor, coalition, "create asks in it")
    ask = Ask(
        guild_id=actor.guild_id,
        coalition_id=coalition.id,
        status="open",
        current_version=1,
        deadline=when,
        created_by=actor.user_id,
        created_at=now,
    )
    session.add(ask)
    await session.flush()
    session.add(
        AskVersion(
            ask_id=ask.id,
            version=1,
            title=title,
            target=target,
            body=body,
            created_by=actor.user_id,
            created_at=now,
        )
    )
    session.add(_event(ask, "created", actor, now, version=1))
    await session.flush()
    await events.emit(
        uow,
        coalition,
        "ask_created",
        {
            "ask": {**events.ask_ref(ask, title), "target": target},
            "user_id": str(actor.user_id),
            "created_at": now,
        },
    )
    return AskCreated(
        id=ask.id,
        coalition_id=coalition.id,
        coalition_name=coalition.name,
        channel_id=coalition.channel_id,
        title=title,
        target=target,
        text=body,
        version=1,
        deadline=when,
        deadline_note=note,
    )


async def list_asks(
    uow: UnitOfWork, actor: Actor, *, coalition_id: int, status: str = "open"
) -> list[AskSummary]:
    """/ask list: newest first. ``status`` is "open", "closed" or "all"."""
    if status not in STATUSES:
        raise InvalidInput('Please choose a status: "open", "closed" or "all".')
    session = uow.session
    coalition = await get_coalition(session, actor, coalition_id)
    query = (
        select(Ask, AskVersion.title)
        .join(
            AskVersion, and_(AskVersion.ask_id == Ask.id, AskVersion.version == Ask.current_version)
        )
        .where(Ask.coalition_id == coalition.id)
        .order_by(Ask.created_at.desc(), Ask.id.desc())
    )
    if status != "all":
        query = query.where(Ask.status == status)
    rows = (await session.execute(query)).all()
    counts = await signed_counts(session, [a.id for a, _ in rows])
    total = await active_member_count(session, coalition.id)
    return [
        AskSummary(
            id=a.id,
            coalition_id=coalition.id,
            coalition_name=coalition.name,
            title=title,
            status=a.status,
            version=a.current_version,
            deadline=a.deadline,
            signed=counts.get(a.id, 0),
            total=total,
        )
        for a, title in rows
    ]


async def _signatories(uow: UnitOfWork, ask: Ask, version: AskVersion) -> Signatories:
    session = uow.session
    members = [
        city
        for m, city in await current_memberships(session, ask.coalition_id)
        if m.status == "active"
    ]
    # The city's name comes along for the cities no longer in the coalition ("left").
    sign_ons = (
        await session.execute(
            select(SignOn, City.name, City.country)
            .join(City, City.id == SignOn.city_id)
            .where(SignOn.ask_id == ask.id)
            .order_by(SignOn.signed_at, SignOn.id)
        )
    ).all()
    current: dict[int, SignOn] = {}
    last_ended: dict[int, tuple[SignOn, str, str]] = {}
    for s, name, country in sign_ons:
        if s.withdrawn_at is None:
            current[s.city_id] = s
        else:
            last_ended[s.city_id] = (s, name, country)  # later rows overwrite earlier ones
    signed: list[SignatoryInfo] = []
    stale: list[SignatoryInfo] = []
    withdrawn: list[WithdrawnInfo] = []
    missing: list[MissingCity] = []
    left: list[LeftInfo] = []

    def left_info(s: SignOn, name: str, country: str, member: bool) -> LeftInfo:
        return LeftInfo(
            city_id=s.city_id,
            city_name=name,
            country=country,
            signed_by=s.user_id,
            signed_at=s.signed_at,
            left_at=s.withdrawn_at,  # type: ignore[arg-type]
            ended_by=s.withdrawn_by or s.user_id,
            member=member,
        )

    member_ids = {city.id for city in members}
    for city_id, (s, name, country) in last_ended.items():
        if city_id not in member_ids and city_id not in current and s.end_kind == "left":
            left.append(left_info(s, name, country, member=False))
    for city in members:
        s = current.get(city.id)
        ended = last_ended.get(city.id)
        if s is None and ended is not None and ended[0].end_kind == "left":
            left.append(left_info(*ended, member=True))
        elif s is not None:
            info = SignatoryInfo(
                city_id=city.id,
                city_name=city.name,
                country=city.country,
                user_id=s.user_id,
                title=s.signer_title,
                signed_at=s.signed_at,
                signed_version=s.signed_version,
                confirmed_version=s.confirmed_version,
                confirmed_at=s.confirmed_at,
                confirmed_by=s.confirmed_by,
                note=s.note,
            )
            (signed if s.confirmed_version >= ask.current_version else stale).append(info)
        elif ended is not None:
            w = ended[0]
            withdrawn.append(
                WithdrawnInfo(
                    city_id=city.id,
                    city_name=city.name,
                    country=city.country,
                    signed_by=w.user_id,
                    withdrawn_by=w.withdrawn_by or w.user_id,
                    withdrawn_at=w.withdrawn_at,  # type: ignore[arg-type]
                    reason=w.withdraw_reason or "",
                )
            )
        else:
            missing.append(MissingCity(city.id, city.name, city.country))
    signed.sort(key=lambda i: (i.signed_at, i.city_id))
    stale.sort(key=lambda i: (i.signed_at, i.city_id))
    withdrawn.sort(key=lambda i: (i.withdrawn_at, i.city_id))
    left.sort(key=lambda i: (i.left_at, i.city_id))
    return Signatories(
        ask_id=ask.id,
        title=version.title,
        version=ask.current_version,
        signed=signed,
        needs_reconfirmation=stale,
        withdrawn=withdrawn,
        missing=missing,
        total=len(members),
        left=left,
    )


async def signatories(uow: UnitOfWork, actor: Actor, ask_id: int) -> Signatories:
    """/ask signatories: three queries, whatever the number of cities."""
    ask, _coalition, version = await get_ask(uow.session, actor, ask_id)
    return await _signatories(uow, ask, version)


async def show_ask(uow: UnitOfWork, actor: Actor, ask_id: int) -> AskDetail:
    """/ask show: the text, deadline, progress and the four signatory lists."""
    ask, coalition, version = await get_ask(uow.session, actor, ask_id)
    return AskDetail(
        id=ask.id,
        coalition_id=coalition.id,
        coalition_name=coalition.name,
        coalition_archived=coalition.archived_at is not None,
        status=ask.status,
        title=version.title,
        target=version.target,
        text=version.body,
        version=ask.current_version,
        version_created_at=version.created_at,
        deadline=ask.deadline,
        created_by=ask.created_by,
        created_at=ask.created_at,
        closed_at=ask.closed_at,
        signatories=await _signatories(uow, ask, version),
    )


# --- signing ---


async def prepare_sign(
    uow: UnitOfWork, actor: Actor, *, ask_id: int, city_id: int | None = None
) -> SignPrompt:
    """Check everything /ask sign needs and return what the Confirm/Cancel prompt shows."""
    session = uow.session
    ask, coalition, version = await get_ask(session, actor, ask_id)
    _ensure_open(ask, coalition, version.title)
    acting = await acting_city(session, actor, city_id, coalition_name=coalition.name)
    await require_active_member(session, coalition, acting.city)
    existing = await _current_sign_on(uow, ask.id, acting.city.id)
    if existing is not None and existing.confirmed_version >= ask.current_version:
        raise AlreadySigned(acting.city.name, existing.signed_at)
    return SignPrompt(
        ask_id=ask.id,
        coalition_name=coalition.name,
        title=version.title,
        target=version.target,
        text=version.body,
        version=ask.current_version,
        deadline=ask.deadline,
        city_id=acting.city.id,
        city_name=acting.city.name,
        signer_title=acting.title,
        needs_reconfirmation=existing is not None,
    )


async def confirm_sign(
    uow: UnitOfWork,
    actor: Actor,
    *,
    ask_id: int,
    city_id: int | None,
    version: int,
    note: str | None = None,
) -> SignResult:
    """Record the signature the user confirmed (for ``version``, the text they read).

    If the city already signed an earlier version, this re-confirms that signature instead.
    Two representatives confirming for one city at once produce one sign-on; the other gets
    AlreadySigned.
    """
    note = clean_text(note, field="note", max_len=NOTE_LEN, required=False, multiline=True)
    session = uow.session
    ask, coalition, ver = await get_ask(session, actor, ask_id, lock="share")
    _ensure_open(ask, coalition, ver.title)
    acting = await acting_city(session, actor, city_id, coalition_name=coalition.name)
    city = acting.city
    await require_active_member(session, coalition, city)
    if version != ask.current_version:
        raise AskChanged(ask.current_version)
    now = utcnow()
    existing = await _current_sign_on(uow, ask.id, city.id, lock=True)
    if existing is not None:
        if existing.confirmed_version >= ask.current_version:
            raise AlreadySigned(city.name, existing.signed_at)
        return await _reconfirm(uow, actor, ask, coalition, ver, city, existing, now)
    sign_on = SignOn(
        ask_id=ask.id,
        city_id=city.id,
        user_id=actor.user_id,
        signer_title=acting.title,
        note=note,
        signed_version=ask.current_version,
        signed_at=now,
        confirmed_version=ask.current_version,
        confirmed_at=now,
        confirmed_by=actor.user_id,
    )
    try:
        async with session.begin_nested():
            session.add(sign_on)
            await session.flush()
    except IntegrityError:
        winner = await _current_sign_on(uow, ask.id, city.id)
        if winner is None:  # pragma: no cover - the index only fails on a current duplicate
            raise
        raise AlreadySigned(city.name, winner.signed_at) from None
    session.add(
        _event(ask, "signed", actor, now, city_id=city.id, version=ask.current_version, detail=note)
    )
    await session.flush()
    return await _signed(uow, actor, ask, coalition, ver, city, sign_on, reconfirmed=False)


async def _signed(
    uow: UnitOfWork,
    actor: Actor,
    ask: Ask,
    coalition: Coalition,
    ver: AskVersion,
    city: City,
    sign_on: SignOn,
    *,
    reconfirmed: bool,
) -> SignResult:
    """Announce a (re-)confirmed signature to webhooks and report the ask's new progress."""
    data: dict[str, object] = {
        "ask": events.ask_ref(ask, ver.title),
        "city": events.city_ref(city),
        "user_id": str(actor.user_id),
        "signer_title": sign_on.signer_title,
        "signed_at": sign_on.signed_at,
        "reconfirmed": reconfirmed,
    }
    if reconfirmed:
        data["confirmed_at"] = sign_on.confirmed_at
    await events.emit(uow, coalition, "sign_on", data)
    signed, total = await _progress(uow, ask)
    return SignResult(
        ask_id=ask.id,
        title=ver.title,
        city_id=city.id,
        city_name=city.name,
        version=ask.current_version,
        signed_at=sign_on.signed_at,
        confirmed_at=sign_on.confirmed_at,
        signer_title=sign_on.signer_title,
        reconfirmed=reconfirmed,
        signed=signed,
        total=total,
        channel_id=coalition.channel_id,
    )


async def sign(
    uow: UnitOfWork,
    actor: Actor,
    *,
    ask_id: int,
    city_id: int | None = None,
    note: str | None = None,
) -> SignResult:
    """prepare_sign + confirm_sign in one step (for callers with no prompt, e.g. tests)."""
    prompt = await prepare_sign(uow, actor, ask_id=ask_id, city_id=city_id)
    return await confirm_sign(
        uow, actor, ask_id=ask_id, city_id=prompt.city_id, version=prompt.version, note=note
    )


async def _reconfirm(
    uow: UnitOfWork,
    actor: Actor,
    ask: Ask,
    coalition: Coalition,
    ver: AskVersion,
    city: City,
    sign_on: SignOn,
    now: datetime,
) -> SignResult:
    sign_on.confirmed_version = ask.current_version
    sign_on.confirmed_at = now
    sign_on.confirmed_by = actor.user_id
    uow.session.add(
        _event(ask, "reconfirmed", actor, now, city_id=city.id, version=ask.current_version)
    )
    await uow.session.flush()
    return await _signed(uow, actor, ask, coalition, ver, city, sign_on, reconfirmed=True)


async def reconfirm(
    uow: UnitOfWork, actor: Actor, *, ask_id: int, city_id: int | None, version: int
) -> SignResult:
    """The Confirm button in the DM after an edit: the city stands behind ``version``."""
    session = uow.session
    ask, coalition, ver = await get_ask(session, actor, ask_id, lock="share")
    _ensure_open(ask, coalition, ver.title)
    acting = await acting_city(session, actor, city_id, coalition_name=coalition.name)
    city = acting.city
    await require_active_member(session, coalition, city)
    if version != ask.current_version:
        raise AskChanged(ask.current_version)
    existing = await _current_sign_on(uow, ask.id, city.id, lock=True)
    if existing is None:
        if already := await _already_withdrawn(uow, ask.id, city, ver.title, "re-confirm"):
            raise already
        raise NotFound(
            f'{city.name} has not signed "{ver.title}", so there is nothing to re-confirm. '
            "Use /ask sign to sign it."
        )
    if existing.confirmed_version >= ask.current_version:
        raise AlreadyConfirmed(city.name, ver.title, ask.current_version, existing.confirmed_at)
    return await _reconfirm(uow, actor, ask, coalition, ver, city, existing, utcnow())


async def withdraw(
    uow: UnitOfWork,
    actor: Actor,
    *,
    ask_id: int,
    reason: str,
    city_id: int | None = None,
) -> WithdrawResult:
    """/ask withdraw: the city stops counting; the sign-on and the reason stay on record."""
    reason = clean_text(reason, field="reason", max_len=REASON_LEN, multiline=True)  # type: ignore[assignment]
    session = uow.session
    ask, coalition, ver = await get_ask(session, actor, ask_id, lock="share")
    _ensure_open(ask, coalition, ver.title)
    acting = await acting_city(session, actor, city_id, coalition_name=coalition.name)
    city = acting.city
    await require_active_member(session, coalition, city)
    # Locked: of two withdrawals at once, the second finds no current sign-on left.
    existing = await _current_sign_on(uow, ask.id, city.id, lock=True)
    if existing is None:
        if already := await _already_withdrawn(uow, ask.id, city, ver.title, "withdraw"):
            raise already
        raise NotFound(
            f'{city.name} has not signed "{ver.title}", so there is nothing to withdraw.'
        )
    now = utcnow()
    existing.withdrawn_at = now
    existing.withdrawn_by = actor.user_id
    existing.withdraw_reason = reason
    existing.end_kind = "withdrawn"
    session.add(
        _event(
            ask,
            "withdrawn",
            actor,
            now,
            city_id=city.id,
            version=ask.current_version,
            detail=reason,
        )
    )
    await session.flush()
    await events.emit(
        uow,
        coalition,
        "withdrawal",
        {
            "ask": events.ask_ref(ask, ver.title),
            "city": events.city_ref(city),
            "user_id": str(actor.user_id),
            "withdrawn_at": now,
            "reason": reason,
            "end_kind": "withdrawn",
        },
    )
    signed, total = await _progress(uow, ask)
    return WithdrawResult(
        ask_id=ask.id,
        title=ver.title,
        city_id=city.id,
        city_name=city.name,
        withdrawn_at=now,
        reason=reason,
        signed=signed,
        total=total,
        channel_id=coalition.channel_id,
    )


# --- coordinating ---


def _document(title: str, target: str, body: str) -> list[str]:
    return [f"Title: {title}", f"Target: {target}", "", *body.split("\n")]


def text_diff(old: list[str], new: list[str], old_version: int, new_version: int) -> str:
    """A unified diff trimmed to DIFF_LEN characters, cut at a line end."""
    lines = list(
        difflib.unified_diff(
            old, new, f"version {old_version}", f"version {new_version}", lineterm="", n=1
        )
    )
    result = "\n".join(lines)
    if len(result) <= DIFF_LEN:
        return result
    marker = "\n… (diff shortened)"
    cut = result[: DIFF_LEN - len(marker)]
    if "\n" in cut:
        cut = cut[: cut.rindex("\n")]
    return cut + marker


async def edit_ask(
    uow: UnitOfWork,
    actor: Actor,
    *,
    ask_id: int,
    title: str | None = None,
    target: str | None = None,
    text: str | None = None,
    deadline: datetime | None = None,
    deadline_text: str | None = None,
    tz_name: str | None = None,
    clear_deadline: bool = False,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> EditResult:
    """/ask edit: coordinators. ``None`` leaves a field unchanged.

    A new title, target or text makes version n+1: every current signature then needs
    re-confirmation, and ``to_notify`` lists whom to DM. A deadline-only change makes no new
    version (the signed text did not change).

    ``expected_version`` is the version the edit form was opened on: if the ask has moved on
    since, nothing is saved and AskEditedMeanwhile shows the other edit. The ask row is locked,
    so of two edits submitted from one version exactly one is saved.
    """
    now = now or utcnow()
    new_title = _clean_title(title) if title is not None else None
    new_target = _clean_target(target) if target is not None else None
    new_body = _clean_body(text) if text is not None else None
    when, note = _deadline(deadline, deadline_text, tz_name, now)
    session = uow.session
    ask, coalition, ver = await get_ask(session, actor, ask_id, lock="update")
    ensure_not_archived(coalition)
    await require_coalition_manager(session, actor, coalition, "edit asks")
    if ask.status != "open":
        raise Conflict(f'"{ver.title}" is closed; reopen it (/ask reopen) before editing.')
    if expected_version is not None and expected_version != ask.current_version:
        raise await _edited_meanwhile(uow, ask, ver, expected_version)

    final_title = new_title if new_title is not None else ver.title
    final_target = new_target if new_target is not None else ver.target
    final_body = new_body if new_body is not None else ver.body
    changed = [
        name
        for name, old, new in (
            ("title", ver.title, final_title),
            ("target", ver.target, final_target),
            ("text", ver.body, final_body),
        )
        if old != new
    ]
    deadline_changed = (clear_deadline and ask.deadline is not None) or (
        when is not None and when != ask.deadline
    )
    if not changed and not deadline_changed:
        raise InvalidInput("That is the same as the current ask; nothing was changed.")

    old_version = ask.current_version
    diff = ""
    recipients: list[Recipient] = []
    if changed:
        ask.current_version = old_version + 1
        session.add(
            AskVersion(
                ask_id=ask.id,
                version=ask.current_version,
                title=final_title,
                target=final_target,
                body=final_body,
                created_by=actor.user_id,
                created_at=now,
            )
        )
        diff = text_diff(
            _document(ver.title, ver.target, ver.body),
            _document(final_title, final_target, final_body),
            old_version,
            ask.current_version,
        )
        recipients = await _reconfirmation_recipients(uow, ask)
    if deadline_changed:
        ask.deadline = None if clear_deadline else when
        changed.append("deadline")
    session.add(
        _event(ask, "edited", actor, now, version=ask.current_version, detail=", ".join(changed))
    )
    await session.flush()
    await events.emit(
        uow,
        coalition,
        "ask_edited",
        {
            "ask": {**events.ask_ref(ask, final_title), "target": final_target},
            "previous_version": old_version,
            "changed": changed,
            "user_id": str(actor.user_id),
            "edited_at": now,
        },
    )
    return EditResult(
        ask_id=ask.id,
        title=final_title,
        old_version=old_version,
        version=ask.current_version,
        new_version=ask.current_version != old_version,
        changed=changed,
        deadline=ask.deadline,
        deadline_note=note,
        diff=diff,
        to_notify=recipients,
    )


async def _edited_meanwhile(
    uow: UnitOfWork, ask: Ask, current: AskVersion, opened_version: int
) -> AskEditedMeanwhile:
    opened = await uow.session.scalar(
        select(AskVersion).where(AskVersion.ask_id == ask.id, AskVersion.version == opened_version)
    )
    old = _document(opened.title, opened.target, opened.body) if opened is not None else []
    return AskEditedMeanwhile(
        ask_id=ask.id,
        title=current.title,
        opened_version=opened_version,
        current_version=ask.current_version,
        edited_by=current.created_by,
        edited_at=current.created_at,
        diff=text_diff(
            old,
            _document(current.title, current.target, current.body),
            opened_version,
            ask.current_version,
        ),
    )


async def _reconfirmation_recipients(uow: UnitOfWork, ask: Ask) -> list[Recipient]:
    """For each current signature of an active member city: the person who last confirmed it,
    if they still represent the city; otherwise every verified representative of the city."""
    session = uow.session
    signed = (
        await session.execute(
            select(SignOn.city_id, SignOn.confirmed_by, City.name)
            .join(City, City.id == SignOn.city_id)
            .join(Membership, active_membership_clause(ask.coalition_id, SignOn.city_id))
            .where(SignOn.ask_id == ask.id, SignOn.withdrawn_at.is_(None))
            .order_by(City.name_key, City.id)
        )
    ).all()
    reps = (
        await session.execute(
            select(Representative.city_id, Representative.user_id)
            .join(SignOn, SignOn.city_id == Representative.city_id)
            .where(
                SignOn.ask_id == ask.id,
                SignOn.withdrawn_at.is_(None),
                Representative.ended_at.is_(None),
                Representative.status == "verified",
            )
            .order_by(Representative.verified_at, Representative.id)
        )
    ).all()
    by_city: dict[int, list[int]] = {}
    for city_id, user_id in reps:
        by_city.setdefault(city_id, []).append(user_id)
    out: list[Recipient] = []
    for city_id, confirmed_by, name in signed:
        current = by_city.get(city_id, [])
        users = [confirmed_by] if confirmed_by in current else current
        out.extend(Recipient(u, city_id, name) for u in users)
    return out


async def _set_status(
    uow: UnitOfWork, actor: Actor, ask_id: int, status: str, event: str, detail: str | None = None
) -> AskStatusResult:
    session = uow.session
    ask, coalition, ver = await get_ask(session, actor, ask_id, lock="update")
    ensure_not_archived(coalition)
    verb = "close" if status == "closed" else "reopen"
    await require_coalition_manager(session, actor, coalition, f"{verb} asks")
    if ask.status == status:
        raise Conflict(f'"{ver.title}" is already {status}.')
    now = utcnow()
    ask.status = status
    ask.closed_at = now if status == "closed" else None
    session.add(_event(ask, event, actor, now, version=ask.current_version, detail=detail))
    await session.flush()
    if status == "closed":
        await events.emit(
            uow,
            coalition,
            "ask_closed",
            {
                "ask": events.ask_ref(ask, ver.title),
                "user_id": str(actor.user_id),
                "closed_at": now,
            },
        )
    return AskStatusResult(ask.id, ver.title, status, now)


async def close_ask(
    uow: UnitOfWork, actor: Actor, ask_id: int, *, detail: str | None = None
) -> AskStatusResult:
    """/ask close: no more sign-ons, re-confirmations or withdrawals until reopened.

    ``detail`` says why in the history (archiving the coalition closes its asks this way)."""
    return await _set_status(uow, actor, ask_id, "closed", "closed", detail)


async def reopen_ask(uow: UnitOfWork, actor: Actor, ask_id: int) -> AskStatusResult:
    return await _set_status(uow, actor, ask_id, "open", "reopened")


async def history(uow: UnitOfWork, actor: Actor, ask_id: int) -> list[AskEventInfo]:
    """/ask history: every event, oldest first."""
    session = uow.session
    ask, _coalition, _ver = await get_ask(session, actor, ask_id)
    rows = (
        await session.execute(
            select(AskEvent, City.name)
            .outerjoin(City, City.id == AskEvent.city_id)
            .where(AskEvent.ask_id == ask.id)
            .order_by(AskEvent.created_at, AskEvent.id)
        )
    ).all()
    return [
        AskEventInfo(
            id=e.id,
            kind=e.kind,
            user_id=e.user_id,
            at=e.created_at,
            version=e.version,
            city_id=e.city_id,
            city_name=name,
            detail=e.detail,
        )
        for e, name in rows
    ]


# --- for the Discord forms and buttons (checks made before a modal opens) ---


@dataclass(frozen=True, slots=True)
class EditForm:
    """What the /ask edit modal is pre-filled with."""

    ask_id: int
    coalition_name: str
    title: str
    target: str
    text: str
    version: int
    deadline: datetime | None


async def coalition_for_new_ask(uow: UnitOfWork, actor: Actor, coalition_id: int) -> str:
    """Refuse /ask create before its form opens (not a manager, archived); return the name."""
    session = uow.session
    coalition = await get_coalition(session, actor, coalition_id)
    ensure_not_archived(coalition)
    await require_coalition_manager(session, actor, coalition, "create asks in it")
    return coalition.name


async def edit_form(uow: UnitOfWork, actor: Actor, ask_id: int) -> EditForm:
    """Refuse /ask edit before its form opens (same rules as edit_ask); return the current text."""
    session = uow.session
    ask, coalition, ver = await get_ask(session, actor, ask_id)
    ensure_not_archived(coalition)
    await require_coalition_manager(session, actor, coalition, "edit asks")
    if ask.status != "open":
        raise Conflict(f'"{ver.title}" is closed; reopen it (/ask reopen) before editing.')
    return EditForm(
        ask_id=ask.id,
        coalition_name=coalition.name,
        title=ver.title,
        target=ver.target,
        text=ver.body,
        version=ask.current_version,
        deadline=ask.deadline,
    )


async def guild_of_ask(uow: UnitOfWork, ask_id: int) -> int:
    """The server an ask belongs to, for buttons pressed in DMs (which carry no server).

    Only the guild id is revealed; every rule still runs with an actor scoped to that guild,
    so the presser must be a verified representative there.
    """
    guild_id = await uow.session.scalar(select(Ask.guild_id).where(Ask.id == ask_id))
    if guild_id is None:
        raise NotFound("That ask no longer exists.")
    return int(guild_id)
