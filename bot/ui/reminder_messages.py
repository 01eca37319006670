"""Reminder plans (plain values from bot.services.reminders) as Discord message text, and the
nudge DM (bot.services.nudges, queued through the outbox as ``ask_nudge``).

Times are Discord timestamps (each reader sees their own zone); counts use plural forms that
are right for 0, 1 and many.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from discord.utils import format_dt

from bot.services.reminders import (
    ActionContent,
    AskDeadlineContent,
    ChangeContent,
    DigestContent,
    DigestEvent,
    Plan,
    describe_offset,
)
from bot.text import plain
from bot.ui.limits import CONTENT, truncate


def count(n: int, one: str, many: str) -> str:
    """``0 cities``, ``1 city``, ``2 cities``."""
    return f"{n} {one if n == 1 else many}"


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


def participant_text(plan: Plan, c: ActionContent) -> str:
    """An action reminder for a representative of a city that answered Going or Maybe: when
    (Discord timestamps), where (the place or the link), and how to change the answer."""
    lines = [
        f"⏰ **{plain(c.title)}** ({plain(plan.coalition_name)}) starts {when(c.starts_at)} — "
        f"{describe_offset(c.offset_label)} to go.{_late(plan)}",
        f"Where: {plain(c.location)}" if c.location else "Where: not given yet; ask a coordinator.",
        f"Coming so far: {count(len(c.going), 'city', 'cities')} going, "
        f"{count(len(c.maybe), 'city', 'cities')} maybe.",
        "Plans changed? Change your city's answer with /action rsvp. Turn these DMs off with "
        "/me notifications.",
    ]
    return truncate("\n".join(lines), CONTENT)


def dm_text(plan: Plan, user_id: int | None = None) -> str:
    """The DM to ``user_id``: a participant's reminder when they are one, else the
    coordinators' (None: the coordinators')."""
    c = plan.content
    if isinstance(c, ActionContent) and user_id is not None and user_id in plan.participant_ids:
        return participant_text(plan, c)
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
            f"Signed: {c.signed} of {count(c.total, 'member city', 'member cities')}.",
            f"**Not signed yet ({len(c.missing)}):** {names(c.missing)}",
        ]
        return truncate("\n".join(lines), CONTENT)
    if isinstance(c, ChangeContent):
        return change_text(plan, c)
    if isinstance(c, DigestContent):
        return digest_text(plan, c)
    raise TypeError(f"no DM text for {type(c).__name__}")


def _by_ask(events: Sequence[DigestEvent]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for e in events:
        cities = grouped.setdefault(e.ask_title, [])
        if e.city_name not in cities:
            cities.append(e.city_name)
    return grouped


def digest_text(plan: Plan, c: DigestContent) -> str:
    """Short sections, each left out when there is nothing to say."""
    lines = [f"📰 **Weekly digest — {plain(c.coalition_name)}**{_late(plan)}"]
    if c.waiting_representatives or c.waiting_joins:
        lines += ["", "**Waiting for you**"]
        if c.waiting_representatives:
            n = len(c.waiting_representatives)
            lines.append(
                f"• {count(n, 'representation request', 'representation requests')}: "
                f"{names(c.waiting_representatives, limit=15)}"
            )
        if c.waiting_joins:
            n = len(c.waiting_joins)
            lines.append(
                f"• {count(n, 'join request', 'join requests')}: {names(c.waiting_joins, limit=15)}"
            )
    if c.asks:
        lines += ["", "**Asks closing within 14 days**"]
        for a in c.asks:
            state = (
                "every member city signed"
                if not a.missing
                else f"still missing ({len(a.missing)} of {a.total}): {names(a.missing, limit=15)}"
            )
            lines.append(f"• {plain(a.title)} — closes {format_dt(a.deadline, 'R')}; {state}")
    if c.goals:
        lines += ["", "**Goals**"]
        for g in c.goals:
            said = "reached" if g.kind == "reached" else "no longer met"
            lines.append(f"• {plain(g.ask_title)}: goal {said} {format_dt(g.at, 'R')}")
    if c.actions:
        lines += ["", "**Actions within 14 days**"]
        for x in c.actions:
            lines.append(
                f"• {plain(x.title)} — {format_dt(x.starts_at, 'F')}; going {x.going}/{x.total}; "
                f"no answer: {names(x.no_answer, limit=15)}"
            )
    signed, withdrawn = _by_ask(c.sign_ons), _by_ask(c.withdrawals)
    if signed or withdrawn:
        lines += ["", f"**Since {format_dt(c.since, 'D')}**"]
        for title in dict.fromkeys([*signed, *withdrawn]):
            parts = []
            if title in signed:
                parts.append(f"signed by {names(signed[title], limit=20)}")
            if title in withdrawn:
                parts.append(f"withdrawn by {names(withdrawn[title], limit=20)}")
            lines.append(f"• {plain(title)}: {'; '.join(parts)}")
    if len(lines) == 1:
        lines.append("Nothing waiting, closing or coming up in the next 14 days.")
    return truncate("\n".join(lines), CONTENT)


def fallback_text(plan: Plan, user_id: int) -> str:
    """A refused DM, said in the coalition channel with a mention of that person only."""
    head = (
        f"<@{user_id}> I couldn't send you a direct message (your DMs are closed), so here it is:\n"
    )
    return truncate(head + dm_text(plan), CONTENT)


def nudge_text(data: Mapping[str, Any]) -> str:
    """The nudge DM (bot.services.nudges): the ask, the coordinator's message, the deadline."""
    lines = [
        f"👋 **{plain(str(data['title']))}** ({plain(str(data['coalition_name']))}) is waiting "
        f"for {plain(str(data.get('city_name') or 'your city'))}'s signature.",
    ]
    if data.get("message"):
        if data.get("coordinator_id"):
            lines.append(f"A message from <@{int(data['coordinator_id'])}>:")
        lines.append("> " + plain(str(data["message"])).replace("\n", "\n> "))
    if data.get("deadline"):
        lines.append(f"Deadline: {when(datetime.fromisoformat(str(data['deadline'])))}")
    lines.append(
        "Press **Sign for my city** below to read it and sign. "
        "Turn nudges off with /me notifications."
    )
    return truncate("\n".join(lines), CONTENT)
