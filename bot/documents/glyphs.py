"""The shipped font (DejaVu Sans, see ``fonts/LICENSE_DEJAVU``) and what it can draw.

A character the font has no glyph for (an emoji, a rare script) would print as an empty box.
Instead it is replaced by a visible ``�`` (U+FFFD) or, when it is invisible by nature (a
joiner, a variation selector: Unicode category ``Cf``/``Mn``), dropped; either way it is
reported, so the caller can tell the coordinator.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

FONT_DIR = Path(__file__).parent / "fonts"
FAMILY = "DejaVu"
FONT_FILES = {
    "": "DejaVuSans.ttf",
    "B": "DejaVuSans-Bold.ttf",
    "I": "DejaVuSans-Oblique.ttf",
    "BI": "DejaVuSans-BoldOblique.ttf",
}
REPLACEMENT = "\ufffd"


@cache
def covered() -> frozenset[str]:
    """The characters every style of the font draws (the four styles' common cmap)."""
    common: set[int] | None = None
    for name in FONT_FILES.values():
        font = TTFont(FONT_DIR / name, lazy=True)
        codes = set(font.getBestCmap())
        font.close()
        common = codes if common is None else common & codes
    assert common is not None
    return frozenset(chr(c) for c in common if not 0xD800 <= c <= 0xDFFF)


class GlyphFilter:
    """Makes text drawable with the font; remembers what it replaced or dropped."""

    def __init__(self) -> None:
        self.replaced: set[str] = set()
        self._covered = covered()

    def __call__(self, text: str) -> str:
        missing = set(text) - self._covered - {"\n", " "}
        if not missing:
            return text
        self.replaced |= missing
        table = {
            ord(c): None if unicodedata.category(c) in ("Cf", "Mn", "Me") else REPLACEMENT
            for c in missing
        }
        return text.translate(table)
