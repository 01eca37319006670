"""One HTTP attempt: POST the signed body to a checked target, within a total deadline.

httpx's per-phase timeouts (connect, write, read, pool) come from the shared client; on top of
them ``asyncio.timeout`` bounds the whole attempt, so a receiver that trickles bytes cannot
hold a delivery for longer than the deadline. Redirects are never followed (a 3xx is a
failure) and at most ``RESPONSE_CAP`` bytes of the response are read.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from dataclasses import dataclass
from datetime import datetime

import httpx

from bot.outbound.urls import Target

RESPONSE_CAP = 4096
USER_AGENT = "CoalitionBot-Webhooks/1.0"


@dataclass(frozen=True, slots=True)
class AttemptResult:
    ok: bool
    status_code: int | None
    elapsed_ms: float
    error: str | None = None  # short and safe to show: never the URL or the secret
    retryable: bool = False
    retry_after: str | None = None  # the raw Retry-After header of a 429/503

    @property
    def summary(self) -> str:
        if self.status_code is not None:
            text = f"HTTP {self.status_code} in {self.elapsed_ms:.0f} ms"
            return text if self.ok or not self.error else f"{text} ({self.error})"
        return self.error or "failed"


def classify(status: int) -> tuple[bool, bool, str | None]:
    """(ok, retryable, error) for a response status."""
    if 200 <= status < 300:
        return True, False, None
    if status == 429:
        return False, True, "rate limited"
    if status >= 500:
        return False, True, "server error"
    if 300 <= status < 400:
        return False, False, "redirect, not followed"
    return False, False, "refused by the receiver"


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


async def post(
    client: httpx.AsyncClient,
    target: Target,
    headers: dict[str, str],
    body: bytes,
    *,
    deadline: float,
) -> AttemptResult:
    started = time.monotonic()

    def elapsed() -> float:
        return (time.monotonic() - started) * 1000

    request_headers = {
        **headers,
        "host": target.host_header,
        "user-agent": USER_AGENT,
        "connection": "close",
    }
    try:
        async with asyncio.timeout(deadline):
            async with client.stream(
                "POST",
                target.request_url,
                content=body,
                headers=request_headers,
                extensions=target.extensions,
                follow_redirects=False,
            ) as response:
                read = 0
                async for chunk in response.aiter_raw():
                    read += len(chunk)
                    if read >= RESPONSE_CAP:
                        break
                status = response.status_code
                retry_after = response.headers.get("retry-after")
    except TimeoutError:
        return AttemptResult(
            False, None, elapsed(), f"no answer within {deadline:g} s", retryable=True
        )
    except httpx.TimeoutException as exc:
        return AttemptResult(False, None, elapsed(), _timeout_text(exc), retryable=True)
    except httpx.ConnectError:
        return AttemptResult(False, None, elapsed(), "could not connect", retryable=True)
    except httpx.TransportError as exc:
        return AttemptResult(
            False, None, elapsed(), f"connection broke ({type(exc).__name__})", retryable=True
        )
    ok, retryable, error = classify(status)
    return AttemptResult(
        ok,
        status,
        elapsed(),
        error,
        retryable=retryable,
        retry_after=retry_after if status in (429, 503) else None,
    )


def _timeout_text(exc: httpx.TimeoutException) -> str:
    phase = {
        httpx.ConnectTimeout: "connecting",
        httpx.ReadTimeout: "waiting for the answer",
        httpx.WriteTimeout: "sending",
        httpx.PoolTimeout: "waiting for a free connection",
    }.get(type(exc), "the request")
    return f"timed out {phase}"
