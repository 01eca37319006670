"""The README tells the truth: its command table lists exactly the commands the bot registers."""

from __future__ import annotations

import re
from pathlib import Path

from tests.commands import registered_commands

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_command_paths() -> set[str]:
    text = README.read_text()
    table = text.split("<!-- commands:start -->")[1].split("<!-- commands:end -->")[0]
    paths = set()
    for line in table.splitlines():
        match = re.match(r"\|\s*`/([^`]+)`", line)
        if match:
            words = [w for w in match.group(1).split() if not w.startswith(("[", "<"))]
            # Options are written after the path, e.g. `/city add name country [region]`;
            # keep the words that are part of the command path (lowercase, no "=" or ":").
            paths.add(" ".join(words))
    return paths


async def test_readme_lists_every_registered_command_and_no_other() -> None:
    registered = await registered_commands()
    documented = readme_command_paths()
    # A documented entry may spell out options after the path: match on the longest prefix.
    matched = {p for p in registered if any(d == p or d.startswith(p + " ") for d in documented)}
    missing = set(registered) - matched
    extra = {d for d in documented if not any(d == p or d.startswith(p + " ") for p in registered)}
    assert not missing, f"README does not document: {sorted(missing)}"
    assert not extra, f"README documents commands the bot does not have: {sorted(extra)}"


def test_readme_opens_with_the_install_and_test_commands() -> None:
    text = README.read_text()
    blocks = re.findall(r"```sh\n(.+?)\n```", text)
    assert "python -m bot" in blocks[0] and "pip install" in blocks[0]
    assert "pytest" in blocks[1] and "pip install" in blocks[1]
    ci = (README.parent / ".ci" / "run").read_text()
    assert "test-command" in ci, ".ci/run must run the README's test command"
