"""What people type for a pool, checked the same way on every database."""

from __future__ import annotations

import re

from bot.errors import InvalidInput
from bot.services.common import clean_text

ITEM_LEN = 200
UNIT_LEN = 50
DESCRIPTION_LEN = 2000
NOTE_LEN = 300
REASON_LEN = 300
# Whole units: a pool's unit says what one is ("vehicles", "MWh", "tonnes").
MAX_QUANTITY = 1_000_000_000

_DIGITS = re.compile(r"^[0-9]+$")
# Thousands separators people type: "1,200", "1 200", "1.200", "1_200", "1'200".
_GROUPING = re.compile(r"(?<=[0-9])[ ,._'\u00a0\u202f](?=[0-9]{3}(?:[^0-9]|$))")


def clean_item(value: str | None) -> str:
    return clean_text(value, field="item", max_len=ITEM_LEN)  # type: ignore[return-value]


def clean_unit(value: str | None) -> str:
    return clean_text(value, field="unit", max_len=UNIT_LEN)  # type: ignore[return-value]


def clean_description(value: str | None) -> str | None:
    return clean_text(
        value, field="description", max_len=DESCRIPTION_LEN, required=False, multiline=True
    )


def clean_note(value: str | None) -> str | None:
    return clean_text(value, field="note", max_len=NOTE_LEN, required=False)


def clean_reason(value: str | None) -> str:
    return clean_text(value, field="reason", max_len=REASON_LEN)  # type: ignore[return-value]


def parse_quantity(value: int | str | None, unit: str) -> int:
    """A whole, positive quantity: an int, or what was typed in the form ("1 200")."""
    if isinstance(value, bool):
        raise InvalidInput("The quantity must be a whole number.")
    if isinstance(value, int):
        number = value
    else:
        typed = " ".join((value or "").split())
        digits = _GROUPING.sub("", typed)
        if not _DIGITS.match(digits):
            shown = typed if len(typed) <= 30 and typed.isprintable() else "That"
            raise InvalidInput(
                f'"{shown}" is not a whole number of {unit}. Type digits only, e.g. 12.'
                if typed
                else f"Please type how many {unit} your city pledges, e.g. 12."
            )
        number = int(digits)
    if number <= 0:
        raise InvalidInput(
            f"Pledge at least 1 of {unit}. To take your city's pledge back, use /pool withdraw."
        )
    if number > MAX_QUANTITY:
        raise InvalidInput(f"{number:,} is more than I can record; the limit is {MAX_QUANTITY:,}.")
    return number
