"""/webhook ... seen from Discord, with deliveries to a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator

import pytest

from bot.db.models import Coalition
from bot.services import coalitions, events, outbox
from bot.services.common import Actor
from tests.conftest import both_backends
from tests.e2e.test_outbox import quick_retries, ride_out  # noqa: F401  (a fixture)
from tests.seed import E2ESeed, seed_e2e
from tests.services.webhooks.conftest import Receiver, Reply, independent_verify

SECRET = re.compile(r"whsec_[A-Za-z0-9+/=]+")
# Opening a DM channel and posting in it (the coalition's channel too: nobody else is told).
DM_ROUTES = r"^/(users/@me/channels|channels/\d+/messages)$"


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    server = Receiver()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def add(world, seed: E2ESeed, url: str, events: str = "all", **kw):  # type: ignore[no-untyped-def]
    return await world.slash(
        "webhook add", user=world.cora, coalition=str(seed.coalition), url=url, events=events, **kw
    )


async def hook_id(world, seed: E2ESeed) -> str:  # type: ignore[no-untyped-def]
    choices = await world.autocomplete(
        "webhook test", "webhook", "", user=world.cora, coalition=str(seed.coalition)
    )
    assert len(choices) == 1, choices
    return choices[0]["value"]


def every_text(world) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(m.text for m in world.emu.messages.values())


async def test_add_shows_the_secret_once_list_and_test_never_again(
    world, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    # The bot's own loggers at DEBUG. (aiosqlite's DEBUG log prints SQL parameters, secrets
    # included; bot/logging_setup.py should cap it at INFO like httpx.)
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="bot")
    seed = await seed_e2e(world)
    added = await add(world, seed, receiver.url, events="sign_on, withdrawal")
    assert added.ephemeral
    (secret,) = SECRET.findall(added.all_text)
    assert "shown only this once" in added.all_text
    assert "`sign_on`, `withdrawal`" in added.all_text and "127.0.0.1" in added.all_text

    listed = await world.slash("webhook list", user=world.cora, coalition=str(seed.coalition))
    assert listed.ephemeral
    (field,) = listed.embeds[0]["fields"]
    shown = field["name"] + field["value"]
    assert "127.0.0.1" in shown and "active" in shown and "sign_on, withdrawal" in shown
    assert "token=abc" not in listed.text and "/hooks" not in listed.text
    assert "no deliveries yet" in shown

    webhook = await hook_id(world, seed)
    tested = await world.slash(
        "webhook test", user=world.cora, coalition=str(seed.coalition), webhook=webhook
    )
    assert tested.ephemeral
    assert re.search(r"answered \*\*200\*\* in \*\*\d+ ms\*\*", tested.all_text), tested.all_text
    (ping,) = receiver.requests
    assert json.loads(ping.body)["type"] == "ping"
    assert independent_verify(secret, ping.headers, ping.body)

    everything = every_text(world)
    assert everything.count(secret) == 1, "the secret appears in exactly one message"
    leaks = [(r.name, r.getMessage()[:300]) for r in caplog.records if secret in r.getMessage()]
    assert not leaks, leaks


async def test_a_given_secret_is_used_and_not_echoed(world, receiver: Receiver) -> None:
    seed = await seed_e2e(world)
    mine = "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY"
    added = await add(world, seed, receiver.url, secret=mine)
    assert mine not in added.all_text and "secret you gave" in added.all_text
    webhook = await hook_id(world, seed)
    await world.slash(
        "webhook test", user=world.cora, coalition=str(seed.coalition), webhook=webhook
    )
    (ping,) = receiver.requests
    assert independent_verify(mine, ping.headers, ping.body)


async def test_a_sign_on_through_ask_sign_is_delivered_signed(world, receiver: Receiver) -> None:
    seed = await seed_e2e(world)
    added = await add(world, seed, receiver.url, events="sign_on")
    (secret,) = SECRET.findall(added.all_text)
    prompt = await world.slash("ask sign", user=world.lena, ask=str(seed.ask))
    await world.emu.click(prompt.message, label="Confirm", user=world.lena)
    await receiver.wait_for(1)  # sent right after the commit, without a sweep
    (request,) = receiver.requests
    assert independent_verify(secret, request.headers, request.body)
    payload = json.loads(request.body)
    assert payload["type"] == "sign_on" and payload["id"] == request.headers["webhook-id"]
    assert payload["coalition"] == {"id": str(seed.coalition), "name": "Alpine Climate Pact"}
    assert payload["data"]["city"]["name"] == "Lyon"
    assert payload["data"]["ask"]["title"] == "Car-free centres by 2030"
    assert payload["data"]["user_id"] == str(world.lena.id)
    await world.bot.workers.webhooks.settle()
    listed = await world.slash("webhook list", user=world.cora, coalition=str(seed.coalition))
    assert "HTTP 200" in listed.embeds[0]["fields"][0]["value"]


async def test_refusals_are_clear_and_private(world, receiver: Receiver) -> None:
    seed = await seed_e2e(world)
    stranger = await world.slash(
        "webhook add",
        user=world.sam,
        coalition=str(seed.coalition),
        url=receiver.url,
        events="all",
    )
    assert stranger.ephemeral and "Only coordinators" in stranger.all_text
    bad_events = await add(world, seed, receiver.url, events="sign_on, signed")
    assert "Unknown event: signed" in bad_events.all_text
    assert "letter_finalised" in bad_events.all_text
    userinfo = await add(world, seed, "http://me:hunter2@127.0.0.1:9/x")
    assert "user name or password" in userinfo.all_text
    assert "hunter2" not in userinfo.all_text
    numeric = await add(world, seed, "http://2130706433:9/x")
    assert "numeric spelling" in numeric.all_text
    listed = await world.slash("webhook list", user=world.cora, coalition=str(seed.coalition))
    assert "no webhooks" in listed.text
    outsider = await world.slash("webhook list", user=world.sam, coalition=str(seed.coalition))
    assert outsider.ephemeral and "Only coordinators" in outsider.text


async def test_events_autocomplete_helps_build_the_list(world) -> None:
    seed = await seed_e2e(world)
    choices = await world.autocomplete(
        "webhook add", "events", "sign_on, wi", user=world.cora, coalition=str(seed.coalition)
    )
    assert [c["value"] for c in choices] == ["sign_on,withdrawal"]
    first = await world.autocomplete(
        "webhook add", "events", "", user=world.cora, coalition=str(seed.coalition)
    )
    assert first[0]["value"] == "all" and len(first) == 1 + len(events.EVENT_TYPES)


async def test_remove_stops_deliveries_and_keeps_the_record(world, receiver: Receiver) -> None:
    seed = await seed_e2e(world)
    await add(world, seed, receiver.url)
    webhook = await hook_id(world, seed)
    removed = await world.slash(
        "webhook remove", user=world.cora, coalition=str(seed.coalition), webhook=webhook
    )
    assert removed.ephemeral and f"Removed webhook #{webhook}" in removed.text
    listed = await world.slash("webhook list", user=world.cora, coalition=str(seed.coalition))
    assert "no webhooks" in listed.text
    again = await world.slash(
        "webhook remove", user=world.cora, coalition=str(seed.coalition), webhook=webhook
    )
    assert "can't find that webhook" in again.text
    prompt = await world.slash("ask sign", user=world.lena, ask=str(seed.ask))
    await world.emu.click(prompt.message, label="Confirm", user=world.lena)
    assert await world.bot.workers.webhooks.deliver_due() == 0
    assert receiver.requests == []


async def test_a_failing_webhook_is_paused_coordinators_told_then_resumed(
    world, receiver: Receiver
) -> None:
    seed = await seed_e2e(world)
    async with world.uow() as uow:  # mia (DMs closed) coordinates too
        await coalitions.add_coordinator(
            uow,
            Actor(world.guild.id, world.cora.id),
            coalition_id=seed.coalition,
            user_id=world.mia.id,
        )
    await add(world, seed, receiver.url, events="ask_closed")
    receiver.default = Reply(404)  # not retried: each delivery fails at its first attempt
    runtime = world.bot.workers.webhooks
    async with world.uow() as uow:
        coalition = await uow.session.get(Coalition, seed.coalition)
        for i in range(3):
            await events.emit(uow, coalition, "ask_closed", {"n": i})
    await receiver.wait_for(3)
    await runtime.settle()
    await world.bot.workers.outbox.drain()  # the notices were queued with the failures
    assert len(receiver.requests) == 3
    dms = [m.text for m in world.emu.dms(world.cora)]
    assert len(dms) == 2, dms  # the first failed delivery, then the pause
    assert "did not receive a `ask_closed` event after 1 attempt: HTTP 404" in dms[0]
    assert "paused" in dms[1] and "/webhook resume" in dms[1]
    posts = world.emu.channel_messages(world.channels["coalition"])
    fallback = [m for m in posts if f"<@{world.mia.id}>" in m.text]
    assert len(fallback) == 2  # mia's DMs are closed: mentioned in the coalition channel
    refused = [v for v in world.emu.violations if v.code == 50007]
    world.emu.violations[:] = [v for v in world.emu.violations if v.code != 50007]
    assert len(refused) == 2  # expected: the two DMs to mia were refused
    assert all("token=abc" not in t for t in dms)

    listed = await world.slash("webhook list", user=world.cora, coalition=str(seed.coalition))
    assert "paused" in listed.embeds[0]["fields"][0]["value"]
    webhook = await hook_id(world, seed)
    resumed = await world.slash(
        "webhook resume", user=world.cora, coalition=str(seed.coalition), webhook=webhook
    )
    assert "active again" in resumed.text
    receiver.default = Reply(200)
    async with world.uow() as uow:
        coalition = await uow.session.get(Coalition, seed.coalition)
        await events.emit(uow, coalition, "ask_closed", {"n": 4})
    await receiver.wait_for(4)
    await runtime.settle()
    listed = await world.slash("webhook list", user=world.cora, coalition=str(seed.coalition))
    assert "active" in listed.embeds[0]["fields"][0]["value"]


async def test_a_notice_outlives_dms_failing_for_a_while_and_arrives_once(
    world,
    receiver: Receiver,
    quick_retries: None,  # noqa: F811
) -> None:
    """The notice is queued with the failure it reports (the outbox): DMs answering 500 for
    a minute delay it; it arrives once after, and never again."""
    seed = await seed_e2e(world)
    await add(world, seed, receiver.url, events="ask_closed")
    receiver.default = Reply(404)
    world.emu.server_error("POST", DM_ROUTES, times=10**6, status=500)
    async with world.uow() as uow:
        coalition = await uow.session.get(Coalition, seed.coalition)
        await events.emit(uow, coalition, "ask_closed", {"n": 1})
    await receiver.wait_for(1)
    await world.bot.workers.webhooks.settle()
    await ride_out(world, 60)
    assert world.emu.dms(world.cora) == []
    async with world.uow() as uow:
        assert (await outbox.backlog(uow, guild_id=world.guild.id)).size == 1
    assert world.emu.end_server_errors() > 0
    world.clock.advance(outbox.MAX_DELAY)
    await world.bot.workers.outbox.drain()
    [dm] = world.emu.dms(world.cora)
    assert "did not receive a `ask_closed` event after 1 attempt: HTTP 404" in dm.text
    await ride_out(world, 600)
    await world.bot.workers.webhooks.deliver_due()
    assert len(world.emu.dms(world.cora)) == 1


async def test_test_reports_a_receiver_that_is_down(world, receiver: Receiver) -> None:
    seed = await seed_e2e(world)
    await add(world, seed, receiver.url)
    await receiver.stop()
    webhook = await hook_id(world, seed)
    tested = await world.slash(
        "webhook test", user=world.cora, coalition=str(seed.coalition), webhook=webhook
    )
    assert "could not connect" in tested.all_text


@both_backends
async def test_a_member_learns_nothing_about_internal_names(world) -> None:
    """Issue 13 item 2: the permission refusal comes before any DNS lookup, so a member can't
    tell an internal name that exists from one that does not."""
    seed = await seed_e2e(world)
    runtime = world.bot.workers.webhooks
    looked_up: list[str] = []

    async def recording(host: str, port: int) -> list[str]:
        looked_up.append(host)
        if host.startswith("grafana."):
            return ["10.20.30.40"]
        raise OSError("Name or service not known")

    runtime.resolver = recording
    answers = []
    for url in ("https://grafana.corp.example.org/x", "https://nothing.corp.example.org/x"):
        for user in (world.lena, world.sam):  # a representative, then a plain member
            answer = await world.slash(
                "webhook add", user=user, coalition=str(seed.coalition), url=url, events="all"
            )
            assert answer.ephemeral
            answers.append(answer.all_text)
    assert looked_up == [], "the host was looked up for someone who may not add webhooks"
    assert "Only coordinators" in answers[0]
    assert len(set(answers)) == 1, answers
    missing = await add(world, seed, "https://nothing.corp.example.org/x")
    assert "couldn't look up nothing.corp.example.org" in missing.all_text
    assert looked_up == ["nothing.corp.example.org"]
