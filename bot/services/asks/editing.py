"""Coordinating an ask: create it, edit it (each new text is a version), close and reopen it,
and the checks made before the create and edit forms open."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.db.models import Ask, AskVersion, City, Membership, Representative, SignOn
from bot.db.models.enums import AskEventKind, AskStatus, RepresentativeStatus
from bot.db.uow import UnitOfWork
from bot.errors import Conflict, InvalidInput
from bot.services import events
from bot.services.asks._rows import event, managed_ask, time_after_locks
from bot.services.asks._text import (
    clean_body,
    clean_target,
    clean_title,
    document,
    parse_deadline,
    text_diff,
)
from bot.services.asks.results import (
    AskCreated,
    AskEditedMeanwhile,
    AskStatusResult,
    EditForm,
    EditResult,
    Recipient,
)
from bot.services.common import Actor
from bot.services.guards import managed_coalition
from bot.services.lookups import active_membership_clause


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
) -> AskCreated:
    """/ask create: coordinators of the coalition or admins.

    The deadline is either an aware datetime or ``deadline_text`` + ``tz_name`` (see timeparse).
    """
    now = uow.now
    title, target, body = clean_title(title), clean_target(target), clean_body(text)
    when, note = parse_deadline(deadline, deadline_text, tz_name, now)
    session = uow.session
    coalition = await managed_coalition(session, actor, coalition_id, "create asks in it")
    ask = Ask(
        guild_id=actor.guild_id,
        coalition_id=coalition.id,
        status=AskStatus.OPEN,
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
    session.add(event(ask, AskEventKind.CREATED, actor, now, version=1))
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
) -> EditResult:
    """/ask edit: coordinators. ``None`` leaves a field unchanged.

    A new title, target or text makes version n+1: every current signature then needs
    re-confirmation, and ``to_notify`` lists whom to DM. A deadline-only change makes no new
    version (the signed text did not change).

    ``expected_version`` is the version the edit form was opened on: if the ask has moved on
    since, nothing is saved and AskEditedMeanwhile shows the other edit. The ask row is locked,
    so of two edits submitted from one version exactly one is saved.
    """
    now = uow.now
    new_title = clean_title(title) if title is not None else None
    new_target = clean_target(target) if target is not None else None
    new_body = clean_body(text) if text is not None else None
    when, note = parse_deadline(deadline, deadline_text, tz_name, now)
    session = uow.session
    ask, coalition, ver = await managed_ask(session, actor, ask_id, "edit asks", lock="update")
    if ask.status != AskStatus.OPEN:
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
            document(ver.title, ver.target, ver.body),
            document(final_title, final_target, final_body),
            old_version,
            ask.current_version,
        )
        recipients = await _reconfirmation_recipients(uow, ask)
    if deadline_changed:
        ask.deadline = None if clear_deadline else when
        changed.append("deadline")
    session.add(
        event(
            ask,
            AskEventKind.EDITED,
            actor,
            now,
            version=ask.current_version,
            detail=", ".join(changed),
        )
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
    old = document(opened.title, opened.target, opened.body) if opened is not None else []
    return AskEditedMeanwhile(
        ask_id=ask.id,
        title=current.title,
        opened_version=opened_version,
        current_version=ask.current_version,
        edited_by=current.created_by,
        edited_at=current.created_at,
        diff=text_diff(
            old,
            document(current.title, current.target, current.body),
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
                Representative.status == RepresentativeStatus.VERIFIED,
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
    uow: UnitOfWork,
    actor: Actor,
    ask_id: int,
    status: AskStatus,
    kind: AskEventKind,
    detail: str | None = None,
) -> AskStatusResult:
    session = uow.session
    verb = "close" if status == AskStatus.CLOSED else "reopen"
    ask, coalition, ver = await managed_ask(session, actor, ask_id, f"{verb} asks", lock="update")
    if ask.status == status:
        raise Conflict(f'"{ver.title}" is already {status}.')
    now = time_after_locks(uow)
    ask.status = status
    ask.closed_at = now if status == AskStatus.CLOSED else None
    session.add(event(ask, kind, actor, now, version=ask.current_version, detail=detail))
    await session.flush()
    if status == AskStatus.CLOSED:
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
    return await _set_status(uow, actor, ask_id, AskStatus.CLOSED, AskEventKind.CLOSED, detail)


async def reopen_ask(uow: UnitOfWork, actor: Actor, ask_id: int) -> AskStatusResult:
    return await _set_status(uow, actor, ask_id, AskStatus.OPEN, AskEventKind.REOPENED)


async def coalition_for_new_ask(uow: UnitOfWork, actor: Actor, coalition_id: int) -> str:
    """Refuse /ask create before its form opens (not a manager, archived); return the name."""
    coalition = await managed_coalition(uow.session, actor, coalition_id, "create asks in it")
    return coalition.name


async def edit_form(uow: UnitOfWork, actor: Actor, ask_id: int) -> EditForm:
    """Refuse /ask edit before its form opens (same rules as edit_ask); return the current text."""
    ask, coalition, ver = await managed_ask(uow.session, actor, ask_id, "edit asks")
    if ask.status != AskStatus.OPEN:
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
