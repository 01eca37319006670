"""A city stands behind an ask: sign (prompt, then confirm), re-confirm a new version, withdraw.

A city counts as *signed* when it has a current sign-on confirmed for the ask's current version
and is a current active member of the coalition (see bot.services.lookups).
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from bot.db.models import Ask, AskVersion, City, Coalition, SignOn
from bot.db.models.enums import AskEventKind, SignOnEnd
from bot.db.uow import UnitOfWork
from bot.errors import NotFound
from bot.services import events
from bot.services.asks._rows import (
    already_withdrawn,
    current_sign_on,
    event,
    progress,
    time_after_locks,
)
from bot.services.asks._text import NOTE_LEN, REASON_LEN
from bot.services.asks.results import (
    AlreadyConfirmed,
    AlreadySigned,
    AskChanged,
    AskClosed,
    SignPrompt,
    SignResult,
    WithdrawResult,
)
from bot.services.common import Actor, clean_text
from bot.services.guards import city_on_open_ask


async def prepare_sign(
    uow: UnitOfWork, actor: Actor, *, ask_id: int, city_id: int | None = None
) -> SignPrompt:
    """Check everything /ask sign needs and return what the Confirm/Cancel prompt shows."""
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
    on = await city_on_open_ask(session, actor, ask_id, city_id, closed=AskClosed, lock="share")
    ask, coalition, ver, city = on.ask, on.coalition, on.version, on.city
    if version != ask.current_version:
        raise AskChanged(ask.current_version)
    now = uow.now
    existing = await current_sign_on(uow, ask.id, city.id, lock=True)
    if existing is not None:
        if existing.confirmed_version >= ask.current_version:
            raise AlreadySigned(city.name, existing.signed_at)
        return await _reconfirm(uow, actor, ask, coalition, ver, city, existing)
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
            detail=note,
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
    }
    if reconfirmed:
        data["confirmed_at"] = sign_on.confirmed_at
    await events.emit(uow, coalition, "sign_on", data)
    signed, total = await progress(uow, ask)
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


async def _reconfirm(
    uow: UnitOfWork,
    actor: Actor,
    ask: Ask,
    coalition: Coalition,
    ver: AskVersion,
    city: City,
    sign_on: SignOn,
) -> SignResult:
    now = time_after_locks(uow)
    sign_on.confirmed_version = ask.current_version
    sign_on.confirmed_at = now
    sign_on.confirmed_by = actor.user_id
    uow.session.add(
        event(
            ask, AskEventKind.RECONFIRMED, actor, now, city_id=city.id, version=ask.current_version
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
    signed, total = await progress(uow, ask)
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
