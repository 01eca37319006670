"""A city stands behind an ask: sign (prompt, then confirm), re-confirm a new version, withdraw.

A city counts as *signed* when it has a current sign-on confirmed for the ask's current version
and is a current active member of the coalition (see bot.services.lookups).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.db.models import Ask, AskVersion, City, Coalition, Membership, Representative, SignOn
from bot.db.models.enums import (
    AskEventKind,
    AskStatus,
    RepresentativeStatus,
    SignOnEnd,
)
from bot.db.uow import UnitOfWork
from bot.errors import ChoiceNeeded, NotFound, PermissionDenied
from bot.services import events, goals
from bot.services.asks import _announce, authority
from bot.services.asks._rows import (
    already_withdrawn,
    current_sign_on,
    event,
    has_statement,
    progress,
    time_after_locks,
)
from bot.services.asks._text import NOTE_LEN, REASON_LEN
from bot.services.asks.results import (
    AlreadyConfirmed,
    AlreadySigned,
    AskChanged,
    AskClosed,
    AuthorityRequired,
    Basis,
    CityChoice,
    SignChoice,
    SignPrompt,
    SignResult,
    WithdrawResult,
)
from bot.services.common import Actor, clean_text
from bot.services.guards import city_on_open_ask
from bot.services.lookups import active_membership_clause, get_ask
from bot.services.permissions import acting_city, ensure_not_archived, require_active_member


async def prepare_sign(
    uow: UnitOfWork,
    actor: Actor,
    *,
    ask_id: int,
    city_id: int | None = None,
    basis_kind: str | None = None,
    basis_reference: str | None = None,
    basis_date: str | None = None,
    basis_url: str | None = None,
) -> SignPrompt:
    """Check everything /ask sign needs (the basis typed with it too) and return what the
    Confirm/Cancel prompt shows."""
    basis = authority.parse_basis(
        kind=basis_kind,
        reference=basis_reference,
        day=basis_date,
        url=basis_url,
        today=uow.now.date(),
    )
    on = await city_on_open_ask(uow.session, actor, ask_id, city_id, closed=AskClosed)
    ask, version, city = on.ask, on.version, on.city
    existing = await current_sign_on(uow, ask.id, city.id)
    if existing is not None and existing.confirmed_version >= ask.current_version:
        raise AlreadySigned(city.name, existing.signed_at)
    return SignPrompt(
        ask_id=ask.id,
        coalition_name=on.coalition.name,
        title=version.title,
        target=version.target,
        text=version.body,
        version=ask.current_version,
        deadline=ask.deadline,
        city_id=city.id,
        city_name=city.name,
        signer_title=on.signer_title,
        needs_reconfirmation=existing is not None,
        authority_required=on.coalition.authority_required,
        basis=basis,
    )


async def sign_choices(uow: UnitOfWork, actor: Actor, *, ask_id: int) -> SignChoice:
    """Sign for my city (the button under an ask): the /ask sign prompt for the presser's city
    in the ask's coalition, or the cities to choose from when they represent several there.

    Refuses anyone who speaks for no member city, saying what to do (ask to be verified, bring
    the city into the coalition)."""
    session = uow.session
    ask, coalition, version = await get_ask(session, actor, ask_id)
    ensure_not_archived(coalition)
    if ask.status != AskStatus.OPEN:
        raise AskClosed(version.title, coalition.name)
    rows = (
        await session.execute(
            select(City.id, City.name)
            .join(Representative, Representative.city_id == City.id)
            .join(Membership, active_membership_clause(coalition.id, City.id))
            .where(
                City.guild_id == actor.guild_id,
                Representative.guild_id == actor.guild_id,
                Representative.user_id == actor.user_id,
                Representative.status == RepresentativeStatus.VERIFIED,
                Representative.ended_at.is_(None),
            )
            .order_by(City.name_key, City.id)
        )
    ).all()
    if not rows:
        await _refuse_no_member_city(uow, actor, coalition)
    if len(rows) == 1:
        prompt = await prepare_sign(uow, actor, ask_id=ask.id, city_id=rows[0].id)
        return SignChoice(ask_id=ask.id, title=version.title, prompt=prompt)
    signed_ids = set(
        await session.scalars(
            select(SignOn.city_id).where(
                SignOn.ask_id == ask.id,
                SignOn.withdrawn_at.is_(None),
                SignOn.confirmed_version >= ask.current_version,
                SignOn.city_id.in_([r.id for r in rows]),
            )
        )
    )
    return SignChoice(
        ask_id=ask.id,
        title=version.title,
        prompt=None,
        cities=tuple(CityChoice(r.id, r.name, r.id in signed_ids) for r in rows),
    )


async def _refuse_no_member_city(uow: UnitOfWork, actor: Actor, coalition: Coalition) -> None:
    """The presser speaks for no active member city: say why, and what to do."""
    try:
        acting = await acting_city(uow.session, actor, None, coalition_name=coalition.name)
    except ChoiceNeeded as several:
        raise PermissionDenied(
            f"You represent {', '.join(several.choices)}, but none of them is an active member "
            f"of {coalition.name}. Bring one in first with /coalition join {coalition.name}."
        ) from None
    await require_active_member(uow.session, coalition, acting.city)  # raises: not a member
    raise PermissionDenied(  # pragma: no cover - an active member city would have been found
        f"{acting.city.name} cannot sign for {coalition.name} right now."
    )


async def confirm_sign(
    uow: UnitOfWork,
    actor: Actor,
    *,
    ask_id: int,
    city_id: int | None,
    version: int,
    note: str | None = None,
    basis_kind: str | None = None,
    basis_reference: str | None = None,
    basis_date: str | None = None,
    basis_url: str | None = None,
) -> SignResult:
    """Record the signature the user confirmed (for ``version``, the text they read), with
    its basis (a council resolution or mayoral decision) when one is given.

    If the city already signed an earlier version, this re-confirms that signature instead
    (a basis given then replaces the one on record). A coalition requiring the basis refuses
    a new sign-on without one (AuthorityRequired, saying what to provide).
    Two representatives confirming for one city at once produce one sign-on; the other gets
    AlreadySigned.
    """
    note = clean_text(note, field="note", max_len=NOTE_LEN, required=False, multiline=True)
    basis = authority.parse_basis(
        kind=basis_kind,
        reference=basis_reference,
        day=basis_date,
        url=basis_url,
        today=uow.now.date(),
    )
    session = uow.session
    on = await city_on_open_ask(session, actor, ask_id, city_id, closed=AskClosed, lock="share")
    ask, coalition, ver, city = on.ask, on.coalition, on.version, on.city
    if version != ask.current_version:
        raise AskChanged(ask.current_version)
    now = uow.now
    existing = await current_sign_on(uow, ask.id, city.id, lock=True)
    if existing is not None:
        if existing.confirmed_version >= ask.current_version:
            raise AlreadySigned(city.name, existing.signed_at)
        if basis is not None:
            authority.record_basis(existing, basis)
        return await _reconfirm(uow, actor, ask, coalition, ver, city, existing, basis=basis)
    if coalition.authority_required and (missing := authority.missing_basis(basis)):
        raise AuthorityRequired(coalition.name, missing)
    sign_on = SignOn(
        ask_id=ask.id,
        city_id=city.id,
        user_id=actor.user_id,
        signer_title=on.signer_title,
        note=note,
        signed_version=ask.current_version,
        signed_at=now,
        confirmed_version=ask.current_version,
        confirmed_at=now,
        confirmed_by=actor.user_id,
    )
    if basis is not None:
        authority.record_basis(sign_on, basis)
    try:
        async with session.begin_nested():
            session.add(sign_on)
            await session.flush()
    except IntegrityError:
        winner = await current_sign_on(uow, ask.id, city.id)
        if winner is None:  # pragma: no cover - the index only fails on a current duplicate
            raise
        raise AlreadySigned(city.name, winner.signed_at) from None
    session.add(
        event(
            ask,
            AskEventKind.SIGNED,
            actor,
            now,
            city_id=city.id,
            version=ask.current_version,
            detail=authority.detail(note, basis),
        )
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
        "basis": basis.payload() if (basis := authority.basis_of(sign_on)) else None,
    }
    if reconfirmed:
        data["confirmed_at"] = sign_on.confirmed_at
    await events.emit(uow, coalition, "sign_on", data)
    # Judged before the post is refreshed, so the post shows the goal as this change left it.
    await goals.judge(uow, ask.id, user_id=actor.user_id)
    signed, total = await progress(uow, ask)
    await _announce.refresh(uow, ask, frequent=True)
    queued = await _announce.progress_line(
        uow,
        coalition,
        city_name=city.name,
        verb="re-confirmed" if reconfirmed else "signed",
        title=ver.title,
        signed=signed,
        total=total,
    )
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
        outbox_ids=queued,
        takes_statements=True,  # an open ask collects statements (bot.services.statements)
        has_statement=await has_statement(uow, ask.id, city.id),
        basis=authority.basis_of(sign_on),
    )


async def _reconfirm(
    uow: UnitOfWork,
    actor: Actor,
    ask: Ask,
    coalition: Coalition,
    ver: AskVersion,
    city: City,
    sign_on: SignOn,
    *,
    basis: Basis | None = None,
) -> SignResult:
    now = time_after_locks(uow)
    sign_on.confirmed_version = ask.current_version
    sign_on.confirmed_at = now
    sign_on.confirmed_by = actor.user_id
    uow.session.add(
        event(
            ask,
            AskEventKind.RECONFIRMED,
            actor,
            now,
            city_id=city.id,
            version=ask.current_version,
            detail=authority.detail(None, basis),
        )
    )
    await uow.session.flush()
    return await _signed(uow, actor, ask, coalition, ver, city, sign_on, reconfirmed=True)


async def reconfirm(
    uow: UnitOfWork, actor: Actor, *, ask_id: int, city_id: int | None, version: int
) -> SignResult:
    """The Confirm button in the DM after an edit: the city stands behind ``version``."""
    on = await city_on_open_ask(uow.session, actor, ask_id, city_id, closed=AskClosed, lock="share")
    ask, ver, city = on.ask, on.version, on.city
    if version != ask.current_version:
        raise AskChanged(ask.current_version)
    existing = await current_sign_on(uow, ask.id, city.id, lock=True)
    if existing is None:
        if already := await already_withdrawn(uow, ask.id, city, ver.title, "re-confirm"):
            raise already
        raise NotFound(
            f'{city.name} has not signed "{ver.title}", so there is nothing to re-confirm. '
            "Use /ask sign to sign it."
        )
    if existing.confirmed_version >= ask.current_version:
        raise AlreadyConfirmed(city.name, ver.title, ask.current_version, existing.confirmed_at)
    return await _reconfirm(uow, actor, ask, on.coalition, ver, city, existing)


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
    on = await city_on_open_ask(session, actor, ask_id, city_id, closed=AskClosed, lock="share")
    ask, coalition, ver, city = on.ask, on.coalition, on.version, on.city
    # Locked: of two withdrawals at once, the second finds no current sign-on left.
    existing = await current_sign_on(uow, ask.id, city.id, lock=True)
    if existing is None:
        if already := await already_withdrawn(uow, ask.id, city, ver.title, "withdraw"):
            raise already
        raise NotFound(
            f'{city.name} has not signed "{ver.title}", so there is nothing to withdraw.'
        )
    now = time_after_locks(uow)
    existing.withdrawn_at = now
    existing.withdrawn_by = actor.user_id
    existing.withdraw_reason = reason
    existing.end_kind = SignOnEnd.WITHDRAWN
    session.add(
        event(
            ask,
            AskEventKind.WITHDRAWN,
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
            "end_kind": SignOnEnd.WITHDRAWN,
        },
    )
    await goals.judge(uow, ask.id, user_id=actor.user_id)
    signed, total = await progress(uow, ask)
    await _announce.refresh(uow, ask, frequent=True)
    queued = await _announce.progress_line(
        uow,
        coalition,
        city_name=city.name,
        verb="withdrew from",
        title=ver.title,
        signed=signed,
        total=total,
    )
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
        outbox_ids=queued,
    )
