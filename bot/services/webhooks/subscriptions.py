"""/webhook add, list, remove, resume and test: a coalition's webhooks, managed by its
coordinators and the server's admins.

A webhook is never deleted: removing it records who removed it and when. The signing secret is
returned exactly once, by ``add_webhook`` (``save_webhook``, its last step; the draft between
the steps never reaches a user); nothing else here returns it except ``ping_target``, which
hands it to the sender and is never rendered.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Coalition, Webhook, WebhookDelivery
from bot.db.models.enums import DeliveryStatus, WebhookStatus
from bot.db.uow import UnitOfWork
from bot.errors import Conflict, NotFound
from bot.outbound import urls
from bot.services.autocomplete import Choice
from bot.services.common import Actor
from bot.services.guards import managed_coalition
from bot.services.lookups import get_coalition
from bot.services.permissions import (
    can_manage_coalition,
    ensure_not_archived,
    require_coalition_manager,
)
from bot.services.webhooks.parsing import clean_secret, parse_events
from bot.services.webhooks.results import (
    MAX_PER_COALITION,
    WEBHOOK_NOT_FOUND,
    PingTarget,
    WebhookChange,
    WebhookCreated,
    WebhookInfo,
)


async def _webhook(uow: UnitOfWork, actor: Actor, coalition: Coalition, webhook_id: int) -> Webhook:
    hook = await uow.session.scalar(
        select(Webhook).where(
            Webhook.id == webhook_id,
            Webhook.guild_id == actor.guild_id,
            Webhook.coalition_id == coalition.id,
            Webhook.status != WebhookStatus.REMOVED,
        )
    )
    if hook is None:
        raise NotFound(WEBHOOK_NOT_FOUND)
    return hook


def _events(hook: Webhook) -> tuple[str, ...]:
    return tuple(e for e in hook.events.split(",") if e)


async def _current(session: AsyncSession, coalition: Coalition) -> list[Webhook]:
    """The coalition's webhooks that are not removed, oldest first."""
    return list(
        (
            await session.scalars(
                select(Webhook)
                .where(
                    Webhook.coalition_id == coalition.id, Webhook.status != WebhookStatus.REMOVED
                )
                .order_by(Webhook.created_at, Webhook.id)
            )
        ).all()
    )


# --- /webhook add: permission, input, DNS, row ---


@dataclass(frozen=True, slots=True)
class WebhookDraft:
    """A /webhook add that its actor may make, its input checked; the host not yet resolved
    unless ``address`` is set (by ``check_webhook_host``)."""

    coalition_id: int
    url: str
    events: tuple[str, ...]
    secret: str = field(repr=False)
    secret_generated: bool
    checked: urls.CheckedURL = field(repr=False)
    address: str | None = None


async def _room_for(session: AsyncSession, coalition: Coalition, url: str) -> None:
    current = await _current(session, coalition)
    if any(h.url == url for h in current):
        raise Conflict(
            f"{coalition.name} already has a webhook for that URL. Remove it first "
            "(/webhook remove) to change its events or secret."
        )
    if len(current) >= MAX_PER_COALITION:
        raise Conflict(
            f"{coalition.name} already has {MAX_PER_COALITION} webhooks, the most allowed. "
            "Remove one first (/webhook remove)."
        )


async def _may_add(session: AsyncSession, actor: Actor, coalition_id: int, lock: bool) -> Coalition:
    # The permission before the archived check (unlike guards.managed_coalition): whoever may
    # not add webhooks learns nothing more about the coalition.
    coalition = await get_coalition(session, actor, coalition_id, lock="update" if lock else None)
    await require_coalition_manager(session, actor, coalition, "add webhooks")
    ensure_not_archived(coalition)
    return coalition


async def prepare_webhook(
    uow: UnitOfWork,
    actor: Actor,
    *,
    coalition_id: int,
    url: str,
    events: str,
    secret: str | None = None,
    allow_private: bool = False,
) -> WebhookDraft:
    """/webhook add, step 1 (a read-only unit of work is enough): who may add comes first,
    then the input, without any network access. Whoever may not add webhooks learns nothing
    about the URL, and above all nothing from a DNS lookup of an internal name."""
    session = uow.session
    coalition = await _may_add(session, actor, coalition_id, lock=False)
    chosen = parse_events(events)
    key, generated = clean_secret(secret)
    checked = urls.parse_url(url, allow_private=allow_private)
    url = url.strip()
    await _room_for(session, coalition, url)
    return WebhookDraft(coalition.id, url, chosen, key, generated, checked)


async def check_webhook_host(
    draft: WebhookDraft, *, allow_private: bool, resolver: urls.Resolver = urls.system_resolver
) -> WebhookDraft:
    """Step 2, outside any transaction (DNS may take seconds): resolve the host and check
    every address it has."""
    target = await urls.resolve(draft.checked, allow_private=allow_private, resolver=resolver)
    return replace(draft, address=target.address)


async def save_webhook(uow: UnitOfWork, actor: Actor, draft: WebhookDraft) -> WebhookCreated:
    """Step 3 (a write unit of work): the permission again (it may have changed since step 1),
    then the duplicate and count checks under the coalition's lock, and the new row."""
    if draft.address is None:
        raise RuntimeError("check_webhook_host must resolve the draft's host before saving it")
    session = uow.session
    coalition = await _may_add(session, actor, draft.coalition_id, lock=True)
    await _room_for(session, coalition, draft.url)
    hook = Webhook(
        guild_id=actor.guild_id,
        coalition_id=coalition.id,
        url=draft.url,
        events=",".join(draft.events),
        secret=draft.secret,
        status=WebhookStatus.ACTIVE,
        consecutive_failures=0,
        created_by=actor.user_id,
        created_at=uow.now,
    )
    session.add(hook)
    await session.flush()
    return WebhookCreated(
        id=hook.id,
        coalition_id=coalition.id,
        coalition_name=coalition.name,
        host=urls.display_host(draft.url),
        events=draft.events,
        secret=draft.secret,
        secret_generated=draft.secret_generated,
    )


async def add_webhook(
    uow: UnitOfWork,
    actor: Actor,
    *,
    coalition_id: int,
    url: str,
    events: str,
    secret: str | None = None,
    allow_private: bool = False,
    resolver: urls.Resolver = urls.system_resolver,
) -> WebhookCreated:
    """/webhook add in one unit of work (tests, scripts): permission, input, DNS, then the row.

    The bot runs the three steps in three units of work (read-only, none, write), so no write
    transaction waits on DNS.
    """
    draft = await prepare_webhook(
        uow,
        actor,
        coalition_id=coalition_id,
        url=url,
        events=events,
        secret=secret,
        allow_private=allow_private,
    )
    draft = await check_webhook_host(draft, allow_private=allow_private, resolver=resolver)
    return await save_webhook(uow, actor, draft)


# --- list, remove, resume, test ---


async def list_webhooks(uow: UnitOfWork, actor: Actor, *, coalition_id: int) -> list[WebhookInfo]:
    """/webhook list: current (not removed) webhooks, oldest first. Managers only."""
    session = uow.session
    coalition = await get_coalition(session, actor, coalition_id)
    await require_coalition_manager(session, actor, coalition, "see its webhooks")
    return [
        WebhookInfo(
            id=h.id,
            host=urls.display_host(h.url),
            events=_events(h),
            status=h.status,
            last_status=h.last_status,
            last_delivery_at=h.last_delivery_at,
            consecutive_failures=h.consecutive_failures,
            created_by=h.created_by,
            created_at=h.created_at,
        )
        for h in await _current(session, coalition)
    ]


async def remove_webhook(
    uow: UnitOfWork, actor: Actor, *, coalition_id: int, webhook_id: int
) -> WebhookChange:
    """/webhook remove: recorded as removed (kept for the record); waiting deliveries dropped.
    Allowed in an archived coalition too: stopping deliveries is always possible."""
    session = uow.session
    coalition = await get_coalition(session, actor, coalition_id)
    await require_coalition_manager(session, actor, coalition, "remove webhooks")
    hook = await _webhook(uow, actor, coalition, webhook_id)
    hook.status = WebhookStatus.REMOVED
    hook.removed_at = uow.now
    hook.removed_by = actor.user_id
    dropped = await session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.webhook_id == hook.id,
            WebhookDelivery.status == DeliveryStatus.PENDING,
        )
        .values(status=DeliveryStatus.FAILED, last_error="webhook removed", lease_until=None)
        .execution_options(synchronize_session=False)
    )
    await session.flush()
    return WebhookChange(
        hook.id,
        coalition.id,
        coalition.name,
        urls.display_host(hook.url),
        WebhookStatus.REMOVED,
        dropped.rowcount or 0,  # type: ignore[attr-defined]
    )


async def resume_webhook(
    uow: UnitOfWork, actor: Actor, *, coalition_id: int, webhook_id: int
) -> WebhookChange:
    """/webhook resume: a paused webhook receives new events again."""
    coalition = await managed_coalition(uow.session, actor, coalition_id, "resume webhooks")
    hook = await _webhook(uow, actor, coalition, webhook_id)
    if hook.status != WebhookStatus.PAUSED:
        raise Conflict(f"Webhook #{hook.id} ({urls.display_host(hook.url)}) is not paused.")
    hook.status = WebhookStatus.ACTIVE
    hook.paused_at = None
    hook.consecutive_failures = 0
    await uow.session.flush()
    return WebhookChange(
        hook.id, coalition.id, coalition.name, urls.display_host(hook.url), WebhookStatus.ACTIVE
    )


async def ping_target(
    uow: UnitOfWork, actor: Actor, *, coalition_id: int, webhook_id: int
) -> PingTarget:
    """/webhook test: what to send the ping to (active or paused webhooks)."""
    session = uow.session
    coalition = await get_coalition(session, actor, coalition_id)
    await require_coalition_manager(session, actor, coalition, "test webhooks")
    hook = await _webhook(uow, actor, coalition, webhook_id)
    return PingTarget(
        webhook_id=hook.id,
        coalition_id=coalition.id,
        coalition_name=coalition.name,
        host=urls.display_host(hook.url),
        url=hook.url,
        secret=hook.secret,
    )


async def webhook_choices(
    uow: UnitOfWork, actor: Actor, coalition_id: int | None, typed: str | None
) -> list[Choice]:
    """Autocomplete for the ``webhook`` option: the chosen coalition's webhooks (managers)."""
    if coalition_id is None:
        return []
    coalition = await uow.session.scalar(
        select(Coalition).where(Coalition.id == coalition_id, Coalition.guild_id == actor.guild_id)
    )
    if coalition is None or not await can_manage_coalition(uow.session, actor, coalition):
        return []
    key = (typed or "").strip().lower().lstrip("#")[:100]
    out = []
    for h in await _current(uow.session, coalition):
        label = f"#{h.id} {urls.display_host(h.url)} · {len(_events(h))} events"
        if h.status == WebhookStatus.PAUSED:
            label += " · paused"
        if key and key not in label.lower():
            continue
        out.append(Choice(label[:100], str(h.id)))
    return out[:25]
