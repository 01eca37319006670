"""Every log record of the whole test run, to prove no secret ever reaches a log.

Tests register the secrets they create (bot tokens, webhook secrets, database passwords).
When the session finishes, tests/conftest.py asks :func:`leak_problems` and fails the run if
any registered secret appeared in any record's message or traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Collection

SECRETS: set[str] = set()


def register(secret: str | None) -> None:
    if secret and len(secret) >= 8:
        SECRETS.add(secret)


class LogTap(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a malformed record must not break the run
            text = str(record.msg)
        if record.exc_info and record.exc_info[1] is not None:
            text += " " + repr(record.exc_info[1])
        self.texts.append(text)

    def leaks(self, secrets: Collection[str] | None = None) -> list[tuple[str, str]]:
        found = []
        for text in self.texts:
            for secret in SECRETS if secrets is None else secrets:
                if secret in text:
                    shown = secret[:4] + "…"
                    found.append((shown, text.replace(secret, shown)[:200]))
        return found


TAP = LogTap()


def install() -> None:
    root = logging.getLogger()
    root.addHandler(TAP)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)


def leak_problems(
    *, full_run: bool, tap: LogTap = TAP, secrets: Collection[str] | None = None
) -> list[str]:
    """Why the run must fail: a leaked secret, always; after a full run, also a vacuous check.

    A full run (the end-to-end tests among many) must have registered secrets and captured
    log lines; otherwise the check looked at nothing and would pass whatever leaked.
    """
    secrets = SECRETS if secrets is None else secrets
    problems = []
    leaks = tap.leaks(secrets)
    if leaks:
        problems.append(f"secrets found in logs: {leaks[:5]}")
    if full_run and not secrets:
        problems.append("tests registered no secrets to look for")
    if full_run and not tap.texts:
        problems.append("no log records were captured")
    return problems
