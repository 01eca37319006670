"""Every log record of the whole test run, to prove no secret ever reaches a log.

Tests register the secrets they create (bot tokens, webhook secrets, database passwords);
tests/test_zz_secrets.py, moved to run last, fails if any registered secret appears in any
record's message or traceback.
"""

from __future__ import annotations

import logging

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

    def leaks(self) -> list[tuple[str, str]]:
        found = []
        for text in self.texts:
            for secret in SECRETS:
                if secret in text:
                    found.append((secret[:4] + "…", text[:200]))
        return found


TAP = LogTap()


def install() -> None:
    root = logging.getLogger()
    root.addHandler(TAP)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
