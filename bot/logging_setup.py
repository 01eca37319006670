"""Logging to stdout, one line per event, with secrets masked."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


# Every character str.splitlines() breaks on, and the other control characters (a terminal
# escape in a city name must not recolour or erase the log).
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_FOLD = str.maketrans(
    {
        **{c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)] if c != 0x09},
        **{ord(c): " ⏎ " for c in _LINE_BREAKS},
    }
)


def one_line(text: str) -> str:
    """``text`` on one line: line breaks of every kind become " ⏎ " (CRLF counts as one),
    other control characters are shown as ``\\xNN``."""
    return text.replace("\r\n", "\n").translate(_FOLD)


class OneLineFormatter(logging.Formatter):
    """Folds tracebacks and multi-line text onto the event's line, so log shippers (and people
    reading ``journalctl``) see one event per line, whatever the text inside it. Secrets are
    masked in the whole line: an exception's text is not part of the message the filter sees."""

    def __init__(self, fmt: str = FORMAT, *, secrets: Iterable[str] = ()) -> None:
        super().__init__(fmt)
        self.secrets = [s for s in secrets if s and len(s) >= 4]

    def format(self, record: logging.LogRecord) -> str:
        line = one_line(super().format(record))
        for secret in self.secrets:
            line = line.replace(secret, "***")
        return line


class RedactSecrets(logging.Filter):
    """Replaces known secret values (bot token, database password) wherever they appear."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 4]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        changed = message
        for secret in self.secrets:
            changed = changed.replace(secret, "***")
        if changed != message:
            record.msg, record.args = changed, None
        return True


def configure_logging(level: str = "INFO", secrets: Iterable[str] = ()) -> None:
    handler = logging.StreamHandler(sys.stdout)
    secrets = list(secrets)
    handler.setFormatter(OneLineFormatter(FORMAT, secrets=secrets))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # discord.py is chatty at INFO about gateway internals; keep its warnings.
    logging.getLogger("discord").setLevel(max(logging.getLevelName(level), logging.INFO))
    # Its one INFO line, "logging in using static token", would repeat at each retry.
    logging.getLogger("discord.client").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # aiosqlite logs every statement with its parameters at DEBUG: user data and secrets.
    logging.getLogger("aiosqlite").setLevel(logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)
