"""Text progress bars, for embeds and plain messages alike."""

from __future__ import annotations

FULL = "▓"
EMPTY = "░"


def progress_bar(done: int, total: int, width: int = 10) -> str:
    """``progress_bar(3, 10)`` -> ``"▓▓▓░░░░░░░ 3/10"``. Never overflows, even if done > total."""
    width = max(1, width)
    if total <= 0:
        filled = 0
    else:
        filled = round(width * min(max(done, 0), total) / total)
        # Some progress shows at least one block; only completion fills the bar.
        if done > 0 and filled == 0:
            filled = 1
        if done < total and filled == width:
            filled = width - 1
    return f"{FULL * filled}{EMPTY * (width - filled)} {done}/{total}"


def progress_sentence(done: int, total: int) -> str:
    """ "7 of 12 member cities signed"."""
    noun = "member city" if total == 1 else "member cities"
    return f"{done} of {total} {noun} signed"
