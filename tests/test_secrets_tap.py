"""The end-of-run secrets check (tests/conftest.py's pytest_sessionfinish) catches a leak."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.secrets_tap import SECRETS, LogTap, leak_problems

ROOT = Path(__file__).resolve().parent.parent


def test_the_tap_would_see_a_leak() -> None:
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


def _tap_with(*lines: str) -> LogTap:
    tap = LogTap()
    logger = logging.getLogger("tests.leak-check")
    logger.addHandler(tap)
    try:
        for line in lines:
            logger.warning(line)
    finally:
        logger.removeHandler(tap)
    return tap


def test_the_check_reports_a_leaked_secret() -> None:
    tap = _tap_with("starting", "connecting with token tok3n-value-123")
    problems = leak_problems(full_run=False, tap=tap, secrets={"tok3n-value-123"})
    assert len(problems) == 1 and "secrets found in logs" in problems[0]
    assert "tok3n-value-123" not in problems[0], "the report must not print the secret"


def test_the_check_passes_when_nothing_leaked() -> None:
    tap = _tap_with("starting", "connected")
    assert leak_problems(full_run=True, tap=tap, secrets={"tok3n-value-123"}) == []


def test_a_full_run_that_saw_nothing_fails() -> None:
    problems = leak_problems(full_run=True, tap=LogTap(), secrets=set())
    assert problems == ["tests registered no secrets to look for", "no log records were captured"]
    assert leak_problems(full_run=False, tap=LogTap(), secrets=set()) == []


_LEAKY_SUITE = """
    import logging

    from tests import secrets_tap


    def test_logs_its_token():
        secrets_tap.register("leaky-token-0123456789")
        logging.getLogger("leaky").warning("token=%s", {token!r})
"""


def _run_suite(tmp_path: Path, token: str) -> subprocess.CompletedProcess[str]:
    """Run a one-test suite whose conftest hooks are the real ones from tests/conftest.py."""
    (tmp_path / "conftest.py").write_text(
        "from tests.conftest import (  # noqa: F401\n"
        "    pytest_configure, pytest_sessionfinish, pytest_terminal_summary\n"
        ")\n"
    )
    (tmp_path / "test_leaky.py").write_text(textwrap.dedent(_LEAKY_SUITE.format(token=token)))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_leak_fails_the_whole_run(tmp_path: Path) -> None:
    run = _run_suite(tmp_path, "leaky-token-0123456789")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 passed" in run.stdout
    assert "secrets check failed" in run.stdout
    assert "leaky-token-0123456789" not in run.stdout


def test_a_run_without_a_leak_passes(tmp_path: Path) -> None:
    run = _run_suite(tmp_path, "nothing secret here")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "secrets check failed" not in run.stdout
