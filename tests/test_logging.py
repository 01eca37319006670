"""The bot's log: one event, one line, whatever the text inside it (user text, exceptions)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BREAKS = ["\r", "\r\n", "\n", "\u2028", "\u2029", "\x85", "\v", "\f", "\x1c", "\x1d", "\x1e"]

SCRIPT = """
import logging, sys
from bot.logging_setup import configure_logging

configure_logging("INFO", ["s3cret-token"])
log = logging.getLogger("bot.test")
breaks = sys.argv[1].split("|")
for b in breaks:
    log.info("city name %s", f"Ly{b}on")
for b in breaks:
    try:
        raise ValueError(f"bad{b}value s3cret-token")
    except ValueError:
        log.exception("failed for %s", f"Gre{b}noble")
log.warning("terminal \\x1b[2J escape and a nul \\x00")
"""


def run_logging(*breaks: str) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, "|".join(breaks)],
        env=env,
        capture_output=True,
        timeout=60,
        check=True,
    )
    # Split on \n only: that is what a log shipper or `journalctl` splits on. Any other break
    # character left in a line would also split it for someone: check there is none.
    text = result.stdout.decode("utf-8")
    assert text.endswith("\n")
    return text[:-1].split("\n")


def test_every_kind_of_line_break_stays_on_the_events_line() -> None:
    lines = run_logging(*BREAKS)
    assert len(lines) == 2 * len(BREAKS) + 1, lines
    for line in lines:
        assert line.splitlines() == [line], repr(line)
    messages, failures = lines[: len(BREAKS)], lines[len(BREAKS) : -1]
    for line in messages:
        assert line.endswith(" INFO bot.test: city name Ly ⏎ on"), line
    for line in failures:
        assert "ERROR bot.test: failed for Gre" in line
        assert "Traceback (most recent call last):" in line and "ValueError: bad" in line
        assert "s3cret-token" not in line and line.endswith("value ***")


def test_crlf_is_one_break_and_control_characters_are_shown_not_obeyed() -> None:
    [crlf, *_] = run_logging("\r\n")
    assert crlf.endswith("city name Ly ⏎ on")
    last = run_logging("\n")[-1]
    assert "\x1b" not in last and "\x00" not in last
    assert "terminal \\x1b[2J escape and a nul \\x00" in last
