"""End-of-run check: every slash command the bot registers is driven by an end-to-end test.

Run from ``pytest_sessionfinish`` (tests/conftest.py), after every test, so it needs no
file-order trick. It judges only a whole run of the end-to-end suite: a run narrowed by
``-k``, ``-m`` or a file/test id invokes only some commands by design.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.commands import INVOKED, registered_commands

E2E_TESTS = Path(__file__).parent / "e2e"


def _whole_e2e_run(session: pytest.Session) -> bool:
    config = session.config
    if session.exitstatus != pytest.ExitCode.OK:
        return False
    narrowed = (
        config.option.keyword
        or config.option.markexpr
        or any("::" in str(arg) or str(arg).endswith(".py") for arg in config.args)
    )
    items: list[pytest.Item] = getattr(session, "items", [])
    return not narrowed and any(E2E_TESTS in item.path.parents for item in items)


def missing(registered: set[str], invoked: set[str]) -> list[str]:
    return sorted(registered - invoked)


def problems(session: pytest.Session) -> list[str]:
    if not _whole_e2e_run(session):
        return []
    absent = missing(set(asyncio.run(registered_commands())), set(INVOKED))
    return [f"no end-to-end test invokes /{name}" for name in absent]
