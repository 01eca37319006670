"""Reminder plans (plain values from bot.services.reminders) as Discord message text."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from discord.utils import format_dt

from bot.services.reminders import (
    ActionContent,
    AskDeadlineContent,
    ChangeContent,
    DigestContent,
    Plan,
    describe_offset,
)
from bot.text import plain
from bot.ui.limits import CONTENT, truncate


def when(value: datetime) -> str:
    return f"{format_dt(value, 'F')} ({format_dt(value, 'R')})"


def names(items: Sequence[str], *, limit: int = 30, empty: str = "none") -> str:
    if not items:
        return empty
    shown = ", ".join(plain(item) for item in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _late(plan: Plan) -> str:
    return f" *(late: was due {format_dt(plan.due_at, 'F')})*" if plan.late else ""


def channel_text(plan: Plan) -> str:
    c = plan.content
    if isinstance(c, ActionContent):
        lines = [
            f"⏰ **Reminder: {plain(c.title)}** ({c.kind_label}) starts "
            f"{when(c.starts_at)}{_late(plan)}",
        ]
        if c.location:
            lines.append(f"Where: {plain(c.location)}")
        lines.append(
            f"Going: {len(c.going)} · Maybe: {len(c.maybe)} · Not going: {len(c.not_going)} · "
            f"No answer yet: {len(c.no_answer)}"
        )
        if c.no_answer:
            lines.append(f"Not answered: {names(c.no_answer)} — answer with /action rsvp.")
        return truncate("\n".join(lines), CONTENT)
    if isinstance(c, ChangeContent):
        return change_text(plan, c)
    if isinstance(c, DigestContent):
        return digest_text(plan, c)
    raise TypeError(f"no channel text for {type(c).__name__}")


def change_text(plan: Plan, c: ChangeContent) -> str:
    if c.change == "cancelled":
        title, coalition = plain(c.title), plain(plan.coalition_name)
        text = f"❌ **{title}** ({coalition}), planned for {when(c.starts_at)}, "
        text += "has been **cancelled**."
        if c.reason:
            text += f"\nReason: {plain(c.reason)}"
    else:
        text = (
            f"🔁 **{plain(c.title)}** ({plain(plan.coalition_name)}) has been **rescheduled** to "
        )
        text += when(c.starts_at)
        if c.old_starts_at:
            text += f" (was {format_dt(c.old_starts_at, 'F')})"
        text += ".\nYour answer still stands; change it with /action rsvp if needed."
    return truncate(text, CONTENT)


def dm_text(plan: Plan) -> str:
    c = plan.content
    if isinstance(c, ActionContent):
        lines = [
            f"⏰ **{plain(c.title)}** ({plain(plan.coalition_name)}) starts {when(c.starts_at)} — "
            f"{describe_offset(c.offset_label)} to go.{_late(plan)}",
            f"**Going ({len(c.going)}):** {names(c.going)}",
            f"**Maybe ({len(c.maybe)}):** {names(c.maybe)}",
            f"**Not going ({len(c.not_going)}):** {names(c.not_going)}",
            f"**No answer yet ({len(c.no_answer)}):** {names(c.no_answer)}",
        ]
        return truncate("\n".join(lines), CONTENT)
    if isinstance(c, AskDeadlineContent):
        lines = [
            f"📅 The ask **{plain(c.title)}** ({plain(plan.coalition_name)}) closes "
            f"{when(c.deadline)} — "
            f"{describe_offset(c.offset_label)} left.{_late(plan)}",
            f"Signed: {c.signed} of {c.total} member cities.",
            f"**Not signed yet ({len(c.missing)}):** {names(c.missing)}",
        ]
        return truncate("\n".join(lines), CONTENT)
    if isinstance(c, ChangeContent):
        return change_text(plan, c)
    if isinstance(c, DigestContent):
        return digest_text(plan, c)
    raise TypeError(f"no DM text for {type(c).__name__}")


def digest_text(plan: Plan, c: DigestContent) -> str:
    lines = [f"📰 **Weekly digest — {plain(c.coalition_name)}**{_late(plan)}", ""]
    lines.append("**Asks closing within 14 days**")
    if not c.asks:
        lines.append("none")
    for a in c.asks:
        lines.append(
            f"• {plain(a.title)} — closes {format_dt(a.deadline, 'R')}; still missing "
            f"({len(a.missing)} of {a.total}): {names(a.missing, limit=15)}"
        )
    lines += ["", "**Actions within 14 days**"]
    if not c.actions:
        lines.append("none")
    for x in c.actions:
        lines.append(
            f"• {plain(x.title)} — {format_dt(x.starts_at, 'F')}; going {x.going}/{x.total}; "
            f"no answer: {names(x.no_answer, limit=15)}"
        )
    lines += ["", f"**Since {format_dt(c.since, 'D')}**"]
    lines.append(
        "Sign-ons: " + names([f"{e.city_name} ({e.ask_title})" for e in c.sign_ons], limit=20)
    )
    lines.append(
        "Withdrawals: " + names([f"{e.city_name} ({e.ask_title})" for e in c.withdrawals], limit=20)
    )
    return truncate("\n".join(lines), CONTENT)


def fallback_text(plan: Plan, user_id: int) -> str:
    """A refused DM, said in the coalition channel with a mention of that person only."""
    head = (
        f"<@{user_id}> I couldn't send you a direct message (your DMs are closed), so here it is:\n"
    )
    return truncate(head + dm_text(plan), CONTENT)
