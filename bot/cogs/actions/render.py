"""Actions as Discord embeds and lines: the detail view, answers, changes (the announcement
itself is bot.ui.announcements, rendered by the outbox when it is sent)."""

from __future__ import annotations

import discord
from discord.utils import format_dt

from bot.services import actions
from bot.services.actions import ActionDetail, ActionInfo, ChangeResult, RsvpResult
from bot.text import plain
from bot.ui import render
from bot.ui.announcements import announcement_embed, headline_embed, summary_lines

__all__ = [
    "announcement_embed",
    "detail_embeds",
    "list_lines",
    "rsvp_text",
    "summary_lines",
    "told",
]

RESPONSE_ICONS = {"going": "✅", "maybe": "❔", "not_going": "❌", None: "…"}


def rsvp_text(r: RsvpResult) -> str:
    label = actions.RESPONSES[r.response]
    text = f"Recorded for **{plain(r.city_name)}**: **{label}** — {plain(r.action.title)} "
    text += f"({render.when(r.action.starts_at)})."
    if r.previous and r.previous != r.response:
        text += f" (Before: {actions.RESPONSES[r.previous]}.)"
    return text


def told(r: ChangeResult) -> str:
    if not r.answered_cities:
        return "No city had answered yet, so no one was messaged."
    return (
        "I'm telling the representatives of the cities that answered: "
        + ", ".join(plain(c) for c in r.answered_cities)
        + "."
    )


def list_lines(found: list[ActionInfo], which: str) -> list[str]:
    return [
        f"{'~~' if a.cancelled else ''}**{plain(a.title)}** ({a.kind_label}) — "
        f"{format_dt(a.starts_at, 'F')} ({format_dt(a.starts_at, 'R')})"
        f"{'~~ cancelled' if a.cancelled else ''}"
        f"{' — repeats; next occurrence' if a.recurring and which != 'past' else ''}"
        for a in found
    ] or [f"No {which} actions. Coordinators schedule one with /action schedule."]


def detail_embeds(d: ActionDetail) -> list[discord.Embed]:
    a = d.action
    embed = headline_embed(a)
    c = d.counts
    embed.add_field(
        name="Answers",
        value=f"Going {c.going} · Maybe {c.maybe} · Not going {c.not_going} · "
        f"No answer {c.no_answer}",
        inline=False,
    )
    lines = [
        f"{RESPONSE_ICONS[x.response]} **{plain(x.city_name)}** — "
        + (actions.RESPONSES[x.response] if x.response else "no answer")
        + (f" ({plain(x.note)})" if x.note else "")
        for x in d.cities
    ]
    changes = [
        f"{kind} {format_dt(at, 'R')}" + (f": {plain(detail)}" if detail else "")
        for kind, at, detail in d.history
        if kind != "scheduled"
    ]
    sections = [("Member cities", lines or ["No member cities yet."])]
    if changes:
        sections.append(("Changes", changes))
    # The lists get embeds of their own: long notes or many cities never push the first embed
    # over Discord's 6,000-character total.
    return [embed, *render.sectioned_embeds(f"Answers — {plain(a.title)}", sections)]
