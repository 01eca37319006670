"""No token or secret created during the test run ever appeared in a log line."""

from __future__ import annotations

import pytest

from tests.secrets_tap import SECRETS, TAP


def test_no_secret_reached_any_log(request: pytest.FixtureRequest) -> None:
    if len(request.session.items) < 50:
        pytest.skip("meaningful only after the whole suite has run")
    assert SECRETS, "tests registered no secrets to look for"
    assert TAP.texts, "no log records were captured"
    leaks = TAP.leaks()
    assert not leaks, f"secrets found in logs: {leaks[:5]}"


def test_the_tap_would_see_a_leak() -> None:
    import logging

    from tests.secrets_tap import LogTap

    tap = LogTap()
    logger = logging.getLogger("tests.leak-demo")
    logger.addHandler(tap)
    try:
        SECRETS.add("s3cr3t-token-value")
        logger.warning("connecting with token %s", "s3cr3t-token-value")
        assert tap.leaks() and tap.leaks()[0][0] == "s3cr…"
    finally:
        SECRETS.discard("s3cr3t-token-value")
        logger.removeHandler(tap)
