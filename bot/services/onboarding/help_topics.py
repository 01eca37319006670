"""The /help topics: plain data read from ``help_topics.toml`` beside this module.

The text lives in the data file so it can be edited (and one day translated) without touching
code; this module only gives it a shape and looks topics up.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib.resources import files

from bot.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class HelpEntry:
    """One command in a topic: how to type it, and what it does (who may use it)."""

    usage: str  # "/city add name country [region] [population]"
    text: str


@dataclass(frozen=True, slots=True)
class HelpTopic:
    key: str  # the value of /help's topic option
    name: str  # the choice the user sees, e.g. "asks and sign-ons"
    title: str
    intro: str
    entries: tuple[HelpEntry, ...]

    def command_text(self) -> str:
        """Everything the topic says, as one string (for checks that every command appears)."""
        return "\n".join([self.intro, *(f"{e.usage} {e.text}" for e in self.entries)])


def _load() -> tuple[HelpTopic, ...]:
    raw = tomllib.loads(files(__package__).joinpath("help_topics.toml").read_text("utf-8"))
    return tuple(
        HelpTopic(
            key=t["key"],
            name=t["name"],
            title=t["title"],
            intro=t["intro"],
            entries=tuple(HelpEntry(e["usage"], e["text"]) for e in t["entries"]),
        )
        for t in raw["topics"]
    )


TOPICS: tuple[HelpTopic, ...] = _load()

TOPIC_KEYS: tuple[str, ...] = tuple(t.key for t in TOPICS)


def topic(key: str) -> HelpTopic:
    for t in TOPICS:
        if t.key == key:
            return t
    names = ", ".join(t.name for t in TOPICS)
    raise InvalidInput(f"There is no help topic by that name. Pick one of: {names}.")
