"""Webhook tests: a real HTTP receiver on 127.0.0.1, the standard world, a runtime factory."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from aiohttp import web

from bot.app import build_http_client
from bot.clock import Clock, FakeClock
from bot.db.engine import create_engine, create_session_factory
from bot.db.uow import UnitOfWorkFactory
from bot.services import webhooks as svc
from bot.workers.webhook_worker import RetryPolicy, WebhookRuntime
from tests.seed import ADMIN, World, world  # noqa: F401  (fixture re-exported)


def independent_verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """Standard Webhooks verification, written without the bot's signing module."""
    raw = secret[len("whsec_") :] if secret.startswith("whsec_") else None
    key = base64.b64decode(raw) if raw is not None else secret.encode()
    signed = b".".join(
        [headers["webhook-id"].encode(), headers["webhook-timestamp"].encode(), body]
    )
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    candidates = [
        part.split(",", 1)[1]
        for part in headers["webhook-signature"].split()
        if part.startswith("v1,")
    ]
    return any(hmac.compare_digest(expected, c) for c in candidates)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False  # never answer
    body: bytes = b"ok"


class Receiver:
    """An aiohttp server that records every request and answers from a script (default 200)."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.script: deque[Reply] = deque()
        self.default = Reply()
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/coalition?token=abc"

    def then(self, *replies: Reply) -> None:
        self.script.extend(replies)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.requests.append(Received(request.path_qs, dict(request.headers), body))
        async with self._changed:
            self._changed.notify_all()
        reply = self.script.popleft() if self.script else self.default
        if reply.hang:
            await asyncio.Event().wait()
        return web.Response(status=reply.status, headers=reply.headers, body=reply.body)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def wait_for(self, count: int, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        async with asyncio.timeout(timeout):
            async with self._changed:
                await self._changed.wait_for(lambda: len(self.requests) >= count)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    server = Receiver()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def http_client() -> AsyncIterator[httpx.AsyncClient]:
    client = build_http_client()
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(Clock().now())


@pytest.fixture
async def uow_factory(database_url: str, clock: FakeClock) -> AsyncIterator[UnitOfWorkFactory]:
    """The standard factory on the test's clock: services queue deliveries at ``uow.now``,
    the time the runtimes read."""
    engine = create_engine(database_url)
    try:
        yield UnitOfWorkFactory(create_session_factory(engine), clock=clock)
    finally:
        await engine.dispose()


RuntimeFactory = Callable[..., WebhookRuntime]


@pytest.fixture
async def make_runtime(
    uow_factory: UnitOfWorkFactory,
    http_client: httpx.AsyncClient,
    clock: FakeClock,
) -> AsyncIterator[RuntimeFactory]:
    made: list[WebhookRuntime] = []

    def factory(**kw: Any) -> WebhookRuntime:
        options: dict[str, Any] = {
            "uow": uow_factory,
            "client": http_client,
            "clock": clock,
            "allow_private": True,
            "lease_seconds": 60,
            "policy": RetryPolicy(jitter=0.0),
            "attempt_deadline": 5.0,
        }
        options.update(kw)
        runtime = WebhookRuntime(**options)
        made.append(runtime)
        return runtime

    yield factory
    for runtime in made:
        await runtime.stop(grace=0.1)


AddHook = Callable[..., Awaitable[svc.WebhookCreated]]


@pytest.fixture
def add_hook(world: World) -> AddHook:  # noqa: F811
    async def add(
        url: str, events: str = "all", secret: str | None = None, coalition: int | None = None
    ) -> svc.WebhookCreated:
        return await world(
            svc.add_webhook,
            ADMIN,
            coalition_id=coalition or world.rhone,
            url=url,
            events=events,
            secret=secret,
            allow_private=True,
        )

    return add
