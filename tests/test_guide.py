"""docs/guide.md tells the truth: every command it shows exists, with those options."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from discord import AppCommandOptionType

from tests.commands import registered_commands

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "guide.md"

_CODE = re.compile(r"`([^`\n]+)`")
_OPTION = re.compile(r"(?:^|\s)([a-z_]+):")


def shown_commands(markdown: str) -> list[str]:
    """Every inline-code span that is a slash command ("/city add name:Lyon ...")."""
    return [span for span in _CODE.findall(markdown) if re.match(r"/[a-z]", span)]


def split_command(span: str, commands: dict[str, Any]) -> tuple[str | None, str]:
    """("city add", "name:Lyon country:France") — the longest registered path, then the rest."""
    words = span[1:].split()
    for n in range(len(words), 0, -1):
        candidate = " ".join(words[:n])
        if candidate in commands:
            return candidate, " ".join(words[n:])
    return None, ""


def check_command(span: str, commands: dict[str, Any]) -> list[str]:
    """Problems with one shown command: unknown path, unknown or missing options, bad values."""
    path, rest = split_command(span, commands)
    if path is None:
        return [f"{span!r}: not a registered command"]
    matches = list(_OPTION.finditer(rest))
    if rest and (not matches or rest[: matches[0].start()].strip()):
        return [f"{span!r}: text before the first option (write options as name:value)"]
    given: dict[str, str] = {}
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(rest)
        given[match.group(1)] = rest[match.end() : end].strip()
    command = commands[path]
    options = {p.display_name: p for p in command.parameters}
    problems = []
    for name, value in given.items():
        option = options.get(name)
        if option is None:
            problems.append(f"{span!r}: /{path} has no option {name!r}")
            continue
        if not value:
            problems.append(f"{span!r}: option {name!r} has no value")
        elif option.choices:
            accepted = {str(c.name).lower() for c in option.choices}
            accepted |= {str(c.value).lower() for c in option.choices}
            if value.lower() not in accepted:
                problems.append(f"{span!r}: {value!r} is not a choice of {name!r}")
        elif option.type is AppCommandOptionType.integer and not value.isdigit():
            problems.append(f"{span!r}: {name!r} takes a whole number")
        elif option.type is AppCommandOptionType.boolean and value.lower() not in (
            "true",
            "false",
        ):
            problems.append(f"{span!r}: {name!r} takes True or False")
    missing = [
        p.display_name for p in command.parameters if p.required and p.display_name not in given
    ]
    if missing:
        problems.append(f"{span!r}: required option(s) missing: {', '.join(missing)}")
    return problems


async def test_every_command_in_the_guide_is_registered_with_those_options() -> None:
    commands = await registered_commands()
    shown = shown_commands(GUIDE.read_text())
    assert len(shown) >= 30
    problems = [p for span in shown for p in check_command(span, commands)]
    assert not problems, "\n".join(problems)


async def test_the_guide_tells_the_whole_workflow() -> None:
    commands = await registered_commands()
    shown = {split_command(s, commands)[0] for s in shown_commands(GUIDE.read_text())}
    story = {
        "setup",
        "help",
        "city add",
        "city represent",
        "city verify",
        "coalition create",
        "coalition join",
        "ask create",
        "ask sign",
        "action schedule",
        "action rsvp",
        "statement submit",
        "letter preview",
        "letter finalise",
        "letter export",
    }
    assert story <= shown, sorted(story - shown)


def test_the_guide_invites_the_bot_as_the_readme_does() -> None:
    readme = (ROOT / "README.md").read_text()
    (link,) = re.findall(r"`(https://discord\.com/oauth2/authorize[^`]+)`", readme)
    assert f"`{link}`" in GUIDE.read_text()


async def test_the_checker_catches_mistakes() -> None:
    commands = await registered_commands()
    assert check_command("/city add name:Lyon country:France population:9", commands) == []
    assert check_command("/ask sign ask:Car-free city centres by 2030", commands) == []
    assert "not a registered command" in check_command("/city destroy city:Lyon", commands)[0]
    assert "no option 'mayor'" in check_command("/city add name:L country:F mayor:X", commands)[0]
    assert "missing: city" in check_command("/city show", commands)[0]
    assert "not a choice" in check_command("/coalition create name:X kind:Club", commands)[0]
    assert (
        "whole number" in check_command("/city add name:L country:F population:many", commands)[0]
    )
    assert "text before" in check_command("/city show Lyon", commands)[0]
