"""Coordinating an ask: create it, edit it (each new text is a version), close and reopen it,
and the checks made before the create and edit forms open."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.db.models import Ask, AskVersion, City, Coalition, Membership, Representative, SignOn
from bot.db.models.enums import AskEventKind, AskStatus, RepresentativeStatus
from bot.db.uow import UnitOfWork
from bot.errors import Conflict, InvalidInput
from bot.services import events
from bot.services.asks import _announce
from bot.services.asks._rows import event, time_after_locks
from bot.services.asks._text import (
    Deadline,
    clean_body,
    clean_target,
    clean_title,
    document,
    read_deadline,
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
from bot.services.guards import managed_ask, managed_coalition
from bot.services.lookups import active_membership_clause
from bot.services.timezones import ChosenZone, ZoneSource, default_zone


async def _deadline(
    uow: UnitOfWork,
    actor: Actor,
    coalition: Coalition,
    deadline: datetime | None,
    deadline_text: str | None,
    tz_name: str | None,
    *,
    kept_zone: str | None = None,
    locale: str | None = None,
) -> tuple[Deadline, str | None]:
    """The deadline and the zone to keep with it (the edit form shows it on that wall clock).

    A typed deadline is read in ``tz_name``, else in the zone it was set in before
    (``kept_zone``), else in the zone that defaults (the person's, the coalition's, the
    server's: bot.services.timezones), in the user's ``locale``."""
    if deadline is None and deadline_text is not None and deadline_text.strip():
        fallback = ChosenZone(kept_zone, ZoneSource.ACTION) if kept_zone else None
        zone = await default_zone(
            uow, actor, tz_name, coalition=coalition, fallback=fallback, locale=locale
        )
        found = read_deadline(None, deadline_text, zone.name, uow.now, locale=locale)
        return found, zone.name
    found = read_deadline(deadline, None, None, uow.now)
    tz = deadline.tzinfo if deadline is not None else None
    return found, tz.key if isinstance(tz, ZoneInfo) else None


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
    locale: str | None = None,
) -> AskCreated:
    """/ask create: coordinators of the coalition or admins.

    The deadline is either an aware datetime or ``deadline_text`` read in ``tz_name`` (else
    the zone that defaults) and the user's ``locale`` (see timeparse); its zone is kept.
    """
    now = uow.now
    title, target, body = clean_title(title), clean_target(target), clean_body(text)
    session = uow.session
    coalition = await managed_coalition(session, actor, coalition_id, "create asks in it")
    found, zone = await _deadline(
        uow, actor, coalition, deadline, deadline_text, tz_name, locale=locale
    )
    when = found.when
    ask = Ask(
        guild_id=actor.guild_id,
        coalition_id=coalition.id,
        status=AskStatus.OPEN,
        current_version=1,
        deadline=when,
        deadline_timezone=zone if when is not None else None,
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
    queued = await _announce.created(uow, coalition, ask)
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
        deadline_note=found.note,
        outbox_ids=queued,
        deadline_reading=found.reading,
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
    locale: str | None = None,
) -> EditResult:
    """/ask edit: coordinators. ``None`` leaves a field unchanged.

    A new title, target or text makes version n+1: every current signature then needs
    re-confirmation, and ``to_notify`` lists whom to DM. A deadline-only change makes no new
    version (the signed text did not change).

    ``expected_version`` is the version the edit form was opened on: if the ask has moved on
    since, nothing is saved and AskEditedMeanwhile shows the other edit. The ask row is locked,
    so of two edits submitted from one version exactly one is saved.

    A typed deadline without a zone is read in the zone the deadline was set in (else the one
    that defaults), in the user's ``locale``; the zone it was read in is kept.
    """
    now = uow.now
    new_title = clean_title(title) if title is not None else None
    new_target = clean_target(target) if target is not None else None
    new_body = clean_body(text) if text is not None else None
    session = uow.session
    ask, coalition, ver = await managed_ask(session, actor, ask_id, "edit asks", lock="update")
    if ask.status != AskStatus.OPEN:
        raise Conflict(f'"{ver.title}" is closed; reopen it (/ask reopen) before editing.')
    if expected_version is not None and expected_version != ask.current_version:
        raise await _edited_meanwhile(uow, ask, ver, expected_version)
    found, zone = await _deadline(
        uow,
        actor,
        coalition,
        deadline,
        deadline_text,
        tz_name,
        kept_zone=ask.deadline_timezone,
        locale=locale,
    )
    when = found.when

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
        ask.deadline_timezone = None if clear_deadline else zone
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
    await _announce.refresh(uow, ask)  # the new text, or the new deadline
    return EditResult(
        ask_id=ask.id,
        title=final_title,
        old_version=old_version,
        version=ask.current_version,
        new_version=ask.current_version != old_version,
        changed=changed,
        deadline=ask.deadline,
        deadline_note=found.note,
        diff=diff,
        to_notify=recipients,
        outbox_ids=await _announce.reconfirmation_dms(
            uow,
            ask,
            recipients,
            title=final_title,
            old_version=old_version,
            diff=diff,
            guild_id=ask.guild_id,
        ),
        deadline_reading=found.reading if deadline_changed and not clear_deadline else "",
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
    await _announce.refresh(uow, ask)  # closed: no Sign button; reopened: back
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
        deadline_zone=ask.deadline_timezone if ask.deadline is not None else None,
    )
