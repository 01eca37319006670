"""User text made powerless in Discord's Markdown: it reads as typed but formats nothing.

Whatever a person typed (city and coalition names, ask titles, targets and text, statements,
reasons, notes, action titles and places) goes through :func:`plain` before the bot puts it in
a channel post, a DM or an embed someone else reads. Otherwise ``[innocent text](https://evil
.example)`` would show as a link under the bot's name, ``# Official notice`` as a heading and
``> quoted`` as a block quote. The letter has rules of its own (``bot.documents.markdown``).

The rules:

- Every character that starts Markdown anywhere in a line is backslash-escaped:
  ``\\ * _ ~ | ` [ ] < > #``. Discord shows an escaped character as itself, so the reader sees
  exactly what was typed: a masked link shows its label and its URL, a mention shows as
  ``<@…>`` text, a heading as its ``#``.
- A marker that only counts at the start of a line (``-`` for lists and ``-#`` subtext, ``+``,
  ``1.`` / ``1)``) is escaped there.
- URLs (``http://`` and ``https://``) are left as they are, so they stay clickable links to the
  address everyone can see; an escape inside one would change where it leads.
- Line breaks of every kind become ``\\n``; invisible and direction-changing characters, which
  could make the bot's own words after the text read backwards, are removed.
"""

from __future__ import annotations

import re
import unicodedata

# Line separators other than \n, then invisible and control characters (C0/C1 but tab and
# newline, zero-width, bidirectional overrides and isolates, BOM), as one translate table:
# str.translate is several times faster than regex substitution on long statements.
_SEPARATORS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_INVISIBLE = [
    *range(0x00, 0x09),
    *range(0x0E, 0x1C),
    0x1F,
    *range(0x7F, 0x85),
    *range(0x86, 0xA0),
    0x200B,  # zero-width space; the joiners U+200C/U+200D are kept (scripts, emoji)
    0x200E,
    0x200F,
    *range(0x202A, 0x202F),
    *range(0x2060, 0x2065),
    *range(0x2066, 0x206A),
    0xFEFF,
]
_CLEAN = str.maketrans(
    {**{c: "\n" for c in _SEPARATORS}, "\t": " ", **{chr(c): None for c in _INVISIBLE}}
)


def _nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def normalise(text: str) -> str:
    """NFC, ``\\n`` line ends, no invisible or control characters, tabs as spaces."""
    text = _nfc(text).replace("\r\n", "\n").translate(_CLEAN)
    # Removing characters can leave a decomposed sequence next to its base: normalise again.
    return _nfc(text)


_ESCAPES = str.maketrans({c: "\\" + c for c in "\\*_~|`[]<>#"})
# Discord's own URL rule: no whitespace or "<", and not ending in punctuation.
_URL = re.compile(r"(?<!\w)https?://[^\s<]*[^\s<.,:;\"')\]]", re.IGNORECASE)
_LINE_START = re.compile(r"^(\s*)([-+]|[0-9]{1,9}(?=[.)]))")


def _escape(segment: str) -> str:
    return segment.translate(_ESCAPES)


def _line(line: str) -> str:
    parts: list[str] = []
    end = 0
    for url in _URL.finditer(line):
        parts += [_escape(line[end : url.start()]), url.group()]
        end = url.end()
    parts.append(_escape(line[end:]))
    text = "".join(parts)
    marker = _LINE_START.match(text)
    if marker is None:
        return text
    lead, mark = marker.groups()
    if mark[0].isdigit():  # "1." -> "1\." ; "-" -> "\-"
        return f"{lead}{mark}\\{text[marker.end()]}{text[marker.end() + 1 :]}"
    return f"{lead}\\{mark}{text[marker.end() :]}"


def plain(text: str | None) -> str:
    """``text`` as Discord shows it literally: no link, heading, quote, list, code, emphasis,
    spoiler or mention of its own; URLs stay visible and clickable. ``None`` gives ``""``."""
    if not text:
        return ""
    return "\n".join(_line(line) for line in normalise(text).split("\n"))
