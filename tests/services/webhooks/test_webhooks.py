"""/webhook add, list, remove, resume and the events option, through the services."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.models import Webhook
from bot.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bot.outbound.urls import URLRefused
from bot.services import webhooks as svc
from bot.services.events import EVENT_TYPES
from tests.conftest import both_backends
from tests.seed import ADMIN, COORD, COORD_B, OTHER_ADMIN, REP_LYON, World

pytestmark = both_backends


async def _public(host: str, port: int) -> list[str]:
    return ["93.184.216.34"]


async def _private(host: str, port: int) -> list[str]:
    return ["10.0.0.8"]


async def _add(world: World, actor=COORD, **kw):  # type: ignore[no-untyped-def]
    options = {
        "coalition_id": world.rhone,
        "url": "https://hooks.example.org/in?token=t0ps3cret",
        "events": "sign_on, withdrawal",
        "resolver": _public,
    }
    options.update(kw)
    return await world(svc.add_webhook, actor, **options)


async def test_add_generates_a_secret_and_list_never_shows_it_or_the_query(world: World) -> None:
    created = await _add(world)
    assert created.secret.startswith("whsec_") and created.secret_generated
    assert created.events == ("sign_on", "withdrawal")
    assert created.host == "hooks.example.org"
    (info,) = await world(svc.list_webhooks, COORD, coalition_id=world.rhone)
    assert info.host == "hooks.example.org" and info.status == "active"
    assert created.secret not in repr(info) and "t0ps3cret" not in repr(info)
    assert info.last_status is None


async def test_a_given_secret_is_kept_and_not_reported_as_generated(world: World) -> None:
    created = await _add(world, secret="  my-very-own-secret-123 ")
    assert (created.secret, created.secret_generated) == ("my-very-own-secret-123", False)


@pytest.mark.parametrize("secret", ["short", "has spaces in it ok?", "whsec_AAAA"])
async def test_weak_or_odd_secrets_are_refused_without_echoing_them(world, secret) -> None:
    with pytest.raises(InvalidInput) as refused:
        await _add(world, secret=secret)
    assert secret not in refused.value.message


async def test_events_all_and_unknown_names(world: World) -> None:
    assert (await _add(world, events="ALL")).events == EVENT_TYPES
    with pytest.raises(InvalidInput) as refused:
        await _add(world, url="https://b.example.org/", events="sign_on, signon")
    assert "signon" in refused.value.message
    for name in EVENT_TYPES:
        assert name in refused.value.message


async def test_only_coordinators_of_that_coalition_and_admins_manage_webhooks(world) -> None:
    for stranger in (COORD_B, REP_LYON):
        with pytest.raises(PermissionDenied):
            await _add(world, actor=stranger)
    created = await _add(world, actor=ADMIN)
    with pytest.raises(PermissionDenied):
        await world(svc.list_webhooks, COORD_B, coalition_id=world.rhone)
    with pytest.raises(PermissionDenied):
        await world(svc.remove_webhook, REP_LYON, coalition_id=world.rhone, webhook_id=created.id)
    with pytest.raises(NotFound):  # another server's coalition
        await _add(world, actor=OTHER_ADMIN)


async def test_unsafe_urls_are_refused_at_add_time(world: World) -> None:
    with pytest.raises(URLRefused):
        await _add(world, resolver=_private)
    with pytest.raises(URLRefused):
        await _add(world, url="http://hooks.example.org/")
    # The self-hosting setting allows them.
    created = await _add(world, url="http://10.0.0.8:8080/", resolver=_private, allow_private=True)
    assert created.host == "10.0.0.8"


async def test_duplicates_and_the_per_coalition_limit(world: World) -> None:
    await _add(world)
    with pytest.raises(Conflict):
        await _add(world)
    for i in range(svc.MAX_PER_COALITION - 1):
        await _add(world, url=f"https://h{i}.example.org/")
    with pytest.raises(Conflict):
        await _add(world, url="https://one-too-many.example.org/")


async def test_remove_is_recorded_not_deleted(world: World) -> None:
    created = await _add(world)
    removed = await world(
        svc.remove_webhook, COORD, coalition_id=world.rhone, webhook_id=created.id
    )
    assert removed.status == "removed"
    assert await world(svc.list_webhooks, COORD, coalition_id=world.rhone) == []
    async with world.uow() as uow:
        row = await uow.session.scalar(select(Webhook).where(Webhook.id == created.id))
    assert (row.status, row.removed_by) == ("removed", COORD.user_id)
    with pytest.raises(NotFound):
        await world(svc.remove_webhook, COORD, coalition_id=world.rhone, webhook_id=created.id)
    # The same URL may be added again after removal.
    await _add(world)


async def test_webhooks_are_found_only_in_their_coalition(world: World) -> None:
    created = await _add(world)
    with pytest.raises(NotFound):
        await world(svc.ping_target, COORD_B, coalition_id=world.alpine, webhook_id=created.id)
    with pytest.raises(NotFound):
        await world(svc.ping_target, OTHER_ADMIN, coalition_id=world.rhone, webhook_id=created.id)


async def test_resume_only_a_paused_webhook(world: World) -> None:
    created = await _add(world)
    with pytest.raises(Conflict):
        await world(svc.resume_webhook, COORD, coalition_id=world.rhone, webhook_id=created.id)


async def test_webhook_choices_for_managers_only(world: World) -> None:
    created = await _add(world)
    choices = await world(svc.webhook_choices, COORD, world.rhone, "")
    assert [c.value for c in choices] == [str(created.id)]
    assert "hooks.example.org" in choices[0].label and "t0ps3cret" not in choices[0].label
    assert await world(svc.webhook_choices, REP_LYON, world.rhone, "") == []
    assert await world(svc.webhook_choices, COORD, None, "") == []
