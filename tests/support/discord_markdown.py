"""What in a message Discord would render as a masked link, heading, block quote or subtext."""

from __future__ import annotations

import re
from typing import Any

# "[label](target)" with neither bracket escaped: Discord renders it as a link.
MASKED_LINK = re.compile(r"(?<!\\)\[[^\]\n]*(?<!\\)\]\(")
CODE_BLOCK = re.compile(r"```.*?```", re.DOTALL)


def markdown_power(text: str) -> list[str]:
    """The links, headings, quotes and subtext ``text`` would show (outside code blocks)."""
    text = CODE_BLOCK.sub("", text)
    found = [f"masked link {m.group()!r}" for m in MASKED_LINK.finditer(text)]
    for line in text.split("\n"):
        if line.lstrip().startswith(("#", ">", "-#")):
            found.append(f"heading, quote or subtext: {line!r}")
    return found


def rendered_parts(message: Any) -> list[str]:
    """The parts of an emulator message where Discord renders Markdown."""
    parts = [message.content or ""]
    for embed in message.embeds:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        for f in embed.get("fields") or []:
            parts += [f.get("name") or "", f.get("value") or ""]
    return [p for p in parts if p]


def message_power(message: Any) -> list[str]:
    return [problem for part in rendered_parts(message) for problem in markdown_power(part)]
