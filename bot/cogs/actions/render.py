"""Actions as Discord embeds and lines: the announcement, the detail view, answers, changes."""

from __future__ import annotations

import discord
from discord.utils import format_dt

from bot.services import actions
from bot.services.actions import ActionDetail, ActionInfo, ChangeResult, RsvpResult
from bot.text import plain
from bot.ui import limits, render

RESPONSE_ICONS = {"going": "✅", "maybe": "❔", "not_going": "❌", None: "…"}


def summary_lines(a: ActionInfo) -> list[str]:
    lines = [f"**When:** {render.when(a.starts_at)}"]
    if a.duration_minutes:
        hours, minutes = divmod(a.duration_minutes, 60)
        length = (f"{hours} h " if hours else "") + (f"{minutes} min" if minutes else "")
        lines.append(f"**Duration:** {length.strip()}")
    lines.append(f"**Kind:** {a.kind_label}")
    if a.location:
        lines.append(f"**Where:** {plain(a.location)}")
    if a.ask_title:
        lines.append(f"**Ask:** {plain(a.ask_title)}")
    if a.cancelled:
        lines.append(f"**Cancelled.** {plain(a.cancel_reason)}".strip())
    return lines


def _headline_embed(a: ActionInfo) -> discord.Embed:
    return discord.Embed(
        title=limits.truncate(f"{plain(a.title)} — {plain(a.coalition_name)}", limits.EMBED_TITLE),
        description=limits.truncate(
            "\n".join(summary_lines(a) + ([f"\n{plain(a.description)}"] if a.description else [])),
            limits.EMBED_DESCRIPTION,
        ),
        colour=render.COLOUR,
    )


def announcement_embed(a: ActionInfo) -> discord.Embed:
    embed = _headline_embed(a)
    embed.set_footer(text="Representatives: answer for your city with the buttons below.")
    return embed


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
        for a in found
    ] or [f"No {which} actions. Coordinators schedule one with /action schedule."]


def detail_embeds(d: ActionDetail) -> list[discord.Embed]:
    a = d.action
    embed = _headline_embed(a)
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
