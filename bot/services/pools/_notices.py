"""The words the bot says about a pool outside an interaction's answer: the closing post and
the reminders before the deadline. Queued through the outbox (bot.services.outbox) as its
``text`` template, so they are plain Discord text with timestamps (``<t:…>``), written here
once; user text goes through ``plain`` so it formats nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.services.pools.results import PledgeLine, PoolInfo
from bot.text import plain

CONTENT = 2000  # Discord's limit for one message
LIST_LIMIT = 30


def when(value: datetime) -> str:
    epoch = int(value.timestamp())
    return f"<t:{epoch}:F> (<t:{epoch}:R>)"


def amount(quantity: int, unit: str) -> str:
    return f"{quantity:,} {plain(unit)}"


def names(items: Sequence[str], *, limit: int = LIST_LIMIT) -> str:
    if not items:
        return "none"
    shown = ", ".join(plain(item) for item in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def fit(lines: list[str]) -> str:
    text = "\n".join(lines)
    return text if len(text) <= CONTENT else text[: CONTENT - 1].rstrip() + "…"


def pledge_lines(pledges: Sequence[PledgeLine], unit: str, *, limit: int = 20) -> list[str]:
    lines = [f"• {plain(p.city_name)}: {amount(p.quantity, unit)}" for p in pledges[:limit]]
    if len(pledges) > limit:
        lines.append(f"… and {len(pledges) - limit} more cities (/pool export lists them all)")
    return lines


def closed_post(pool: PoolInfo, pledges: Sequence[PledgeLine], total: int) -> str:
    how = "at its deadline" if pool.closed_by is None else "by a coordinator"
    lines = [
        f"🔒 **Pool closed {how}: {plain(pool.item)}** ({plain(pool.coalition_name)})",
        f"Total: **{amount(total, pool.unit)}** from {len(pledges)} "
        f"{'city' if len(pledges) == 1 else 'cities'}.",
        *pledge_lines(pledges, pool.unit),
        "Coordinators: /pool export gives the table for the procurement officer.",
    ]
    return fit(lines)


def coordinator_reminder(
    pool: PoolInfo, label: str, total: int, cities: int, not_pledged: Sequence[str]
) -> str:
    assert pool.deadline is not None
    return fit(
        [
            f"📦 The pool **{plain(pool.item)}** ({plain(pool.coalition_name)}) closes "
            f"{when(pool.deadline)} — {describe(label)} left.",
            f"Pledged so far: {amount(total, pool.unit)} from {cities} "
            f"{'city' if cities == 1 else 'cities'}.",
            f"**Not pledged yet ({len(not_pledged)}):** {names(not_pledged)}",
        ]
    )


def nudge(pool: PoolInfo, label: str, city_names: Sequence[str]) -> str:
    assert pool.deadline is not None
    return fit(
        [
            f"📦 {names(city_names)} has not pledged to the pool **{plain(pool.item)}** "
            f"({plain(pool.coalition_name)}) yet. It closes {when(pool.deadline)} — "
            f"{describe(label)} left.",
            f"Pledge how many {plain(pool.unit)} your city needs with /pool pledge, or with the "
            "Pledge button under the pool's announcement.",
        ]
    )


def describe(label: str) -> str:
    """ "7d" -> "7 days", "1d" -> "1 day"."""
    number, unit = int(label[:-1]), {"d": "day", "h": "hour"}[label[-1]]
    return f"{number} {unit}{'' if number == 1 else 's'}"
