"""What a coordinator types for a webhook: the events to send and the signing secret."""

from __future__ import annotations

import re

from bot.errors import InvalidInput
from bot.outbound import signing
from bot.services.autocomplete import Choice
from bot.services.events import EVENT_TYPES

SECRET_MIN_LEN = 16
SECRET_MAX_LEN = 200
_SEPARATORS = re.compile(r"[\s,;]+")
_SECRET_OK = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII, no spaces


def parse_events(text: str | None) -> tuple[str, ...]:
    """``"sign_on, withdrawal"`` or ``"all"`` -> event types in their canonical order."""
    words = [w for w in _SEPARATORS.split((text or "").strip().lower()) if w]
    if not words:
        raise InvalidInput(
            "Choose at least one event, separated by commas, or all. Valid events: "
            + ", ".join(EVENT_TYPES)
            + "."
        )
    if "all" in words:
        return EVENT_TYPES
    unknown = [w for w in words if w not in EVENT_TYPES]
    if unknown:
        shown = ", ".join(w[:40] for w in unknown[:5])
        raise InvalidInput(
            f"Unknown event{'s' if len(unknown) > 1 else ''}: {shown}. Valid events: "
            + ", ".join(EVENT_TYPES)
            + ", or all."
        )
    return tuple(e for e in EVENT_TYPES if e in words)


def event_suggestions(typed: str | None) -> list[Choice]:
    """Autocomplete for the comma-separated ``events`` option: keep what was typed, complete
    the last word, offer each event not yet listed, and "all"."""
    text = (typed or "")[:200].lower()
    words = [w for w in _SEPARATORS.split(text) if w]
    ends_with_separator = bool(text) and bool(_SEPARATORS.match(text[-1]))
    partial = "" if ends_with_separator or not words else words[-1]
    done = list(
        dict.fromkeys(w for w in (words if ends_with_separator else words[:-1]) if w in EVENT_TYPES)
    )
    out: list[Choice] = []
    if not done and "all".startswith(partial):
        out.append(Choice("all (every event)", "all"))
    for event in EVENT_TYPES:
        if event in done or not (event.startswith(partial) or partial in event):
            continue
        value = ",".join([*done, event])
        if len(value) <= 100:
            out.append(Choice(value, value))
    if done and not partial:
        value = ",".join(done)
        if len(value) <= 100 and not any(c.value == value for c in out):
            out.insert(0, Choice(value, value))
    return out[:25]


def clean_secret(secret: str | None) -> tuple[str, bool]:
    """(secret, generated). The messages never repeat the secret back."""
    if secret is None or not secret.strip():
        return signing.generate_secret(), True
    secret = secret.strip()
    if not _SECRET_OK.match(secret):
        raise InvalidInput(
            "The secret may contain only printable characters without spaces. Leave it empty "
            "and I will generate a strong one."
        )
    if len(secret) < SECRET_MIN_LEN or len(secret) > SECRET_MAX_LEN:
        raise InvalidInput(
            f"The secret must be {SECRET_MIN_LEN} to {SECRET_MAX_LEN} characters long. Leave it "
            "empty and I will generate a strong one."
        )
    if secret.startswith(signing.SECRET_PREFIX) and len(signing.secret_key(secret)) < 16:
        raise InvalidInput(
            "A whsec_ secret needs at least 16 bytes after the prefix. Leave it empty and I "
            "will generate one."
        )
    return secret, False
