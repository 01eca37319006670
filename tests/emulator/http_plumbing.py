"""HTTP plumbing: JSON answers, request bodies, auth, and injected rate limits and 5xx."""

from __future__ import annotations

import json
import logging
import math
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from .errors import ApiError
from .models import Violation
from .state import API_PREFIX, EmulatorState

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def json_response(
    data: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    # Exactly "application/json": discord.py compares the header for equality.
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        content_type="application/json",
        headers=headers,
    )


@dataclass
class RateLimitRule:
    method: str
    pattern: re.Pattern[str]
    times: int
    retry_after: float
    global_: bool


@dataclass
class ServerErrorRule:
    method: str
    pattern: re.Pattern[str]
    times: int
    status: int
    after: bool


@dataclass
class UploadedFile:
    index: int
    filename: str
    data: bytes
    content_type: str | None


def snowflake(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ApiError(404, 0, f"404: Not Found ({value!r} is not a snowflake)") from None


async def read_body(request: web.Request) -> tuple[Any, list[UploadedFile]]:
    if request.content_type.startswith("multipart/"):
        payload: Any = {}
        files: list[UploadedFile] = []
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            name = part.name or ""
            if name == "payload_json":
                payload = json.loads(await part.text())
            elif name.startswith("files["):
                index = int(name[6:-1])
                data = bytes(await part.read(decode=False))
                files.append(
                    UploadedFile(
                        index,
                        part.filename or f"file{index}",
                        data,
                        part.headers.get("Content-Type"),
                    )
                )
        return payload, files
    if not request.can_read_body:
        return {}, []
    return await request.json(), []


class HttpPlumbing(EmulatorState):
    """Every /api/v10 request passes here: auth, rate limits and injected server errors."""

    def rate_limit(
        self,
        method: str,
        path_regex: str,
        times: int = 1,
        retry_after: float = 0.05,
        global_: bool = False,
    ) -> None:
        """Answer the next ``times`` matching requests with 429 (path relative to /api/v10)."""
        self._rate_rules.append(
            RateLimitRule(method.upper(), re.compile(path_regex), times, retry_after, global_)
        )

    def server_error(
        self,
        method: str,
        path_regex: str,
        times: int = 1,
        status: int = 502,
        *,
        after: bool = False,
    ) -> None:
        """Answer the next ``times`` matching requests with a 5xx (path relative to /api/v10).

        ``after=True``: the request is carried out first and only then answered with the
        error, as when Discord's edge times out after the change was made; a client that
        retries without a nonce then duplicates it.
        """
        self._error_rules.append(
            ServerErrorRule(method.upper(), re.compile(path_regex), times, status, after)
        )

    def end_server_errors(self) -> int:
        """End every injected 5xx still pending (an outage is over); how many were left."""
        left = sum(rule.times for rule in self._error_rules)
        self._error_rules.clear()
        return left

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        path = request.path
        if not path.startswith(API_PREFIX + "/"):
            return await handler(request)
        route = path[len(API_PREFIX) :]
        label = f"{request.method} {route}"
        self.requests.append(label)
        try:
            if not route.startswith(("/webhooks/", "/interactions/")):
                if request.headers.get("Authorization") != f"Bot {self.bot_token}":
                    raise ApiError(401, 0, "401: Unauthorized")
                limited = self._global_limit(label)
                if limited is not None:
                    return limited
            limited = self._injected_limit(request.method, route, label)
            if limited is not None:
                return limited
            failure = self._injected_error(request.method, route, label)
            if failure is not None and not failure.after:
                return self._server_error_response(failure.status)
            response = await handler(request)
            if failure is not None:
                return self._server_error_response(failure.status)
            return response
        except ApiError as error:
            self._violate(Violation(error.code, error.status, label, error.detail()))
            return json_response(error.body(), error.status)
        except web.HTTPException:
            raise
        except Exception as error:
            # An emulator bug: answer 400 (a 5xx makes discord.py retry for seconds).
            log.exception("emulator failed on %s", label)
            self._violate(Violation(0, 400, label, f"EMULATOR BUG: {error!r}"))
            return json_response({"code": 0, "message": f"emulator bug: {error!r}"}, 400)

    def _injected_limit(self, method: str, route: str, label: str) -> web.Response | None:
        for rule in self._rate_rules:
            if rule.times > 0 and rule.method in (method, "*") and rule.pattern.search(route):
                rule.times -= 1
                self.rate_limit_hits.append(label)
                return self._too_many(rule.retry_after, rule.global_)
        return None

    def _injected_error(self, method: str, route: str, label: str) -> ServerErrorRule | None:
        for rule in self._error_rules:
            if rule.times > 0 and rule.method in (method, "*") and rule.pattern.search(route):
                rule.times -= 1
                self.server_error_hits.append(label)
                return rule
        return None

    @staticmethod
    def _server_error_response(status: int) -> web.Response:
        # Discord's edge answers 5xx with an HTML page, not JSON.
        return web.Response(
            text=f"<html><body>{status} upstream error</body></html>",
            status=status,
            content_type="text/html",
        )

    def _global_limit(self, label: str) -> web.Response | None:
        limit = self.global_rate_limit_per_second
        if not limit:
            return None
        now = time.monotonic()
        recent = self._recent_requests
        while recent and now - recent[0] >= 1.0:
            recent.popleft()
        if len(recent) >= limit:
            retry_after = max(1.0 - (now - recent[0]), 0.01)
            self.rate_limit_hits.append(label)
            self._violate(
                Violation(0, 429, label, f"global rate limit of {limit} requests/s exceeded")
            )
            return self._too_many(retry_after, True)
        recent.append(now)
        return None

    def _too_many(self, retry_after: float, global_: bool) -> web.Response:
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(math.ceil(retry_after)),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{retry_after:.3f}",
            "X-RateLimit-Bucket": "emulator",
            "X-RateLimit-Scope": "global" if global_ else "user",
        }
        if global_:
            headers["X-RateLimit-Global"] = "true"
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": global_,
            "code": 0,
        }
        return json_response(body, 429, headers)

    async def _unknown_route(self, request: web.Request) -> web.StreamResponse:
        raise ApiError(
            404, 0, f"404: Not Found (the emulator has no {request.method} {request.path})"
        )
