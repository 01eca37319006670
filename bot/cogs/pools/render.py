"""Pools as Discord messages: /pool show and the answers. (The announcement in the
coalition's channel is the outbox's to render: bot.ui.pool_posts.)"""

from __future__ import annotations

import discord

from bot.services import pools
from bot.text import plain
from bot.ui import limits, render
from bot.ui.pool_posts import amount, cities, status_line


def show_embeds(v: pools.PoolView) -> list[discord.Embed]:
    p = v.pool
    head = [
        f"**Coalition:** {plain(p.coalition_name)}",
        f"**Unit:** {plain(p.unit)}",
        f"**Status:** {status_line(p)}",
        f"**Total:** {amount(v.total, p.unit)} from {cities(v.cities)}",
    ]
    if p.description:
        head.append(f"\n{plain(p.description)}")
    embed = discord.Embed(
        title=limits.truncate(f"Pool: {plain(p.item)}", limits.EMBED_TITLE),
        description=limits.truncate("\n".join(head), limits.EMBED_DESCRIPTION),
        colour=render.COLOUR,
    )
    pledged = [f"{plain(x.city_name)}: {amount(x.quantity, p.unit)}" for x in v.pledges]
    limits.add_list_field(embed, f"Pledges ({len(pledged)})", pledged or ["none yet"])
    if v.not_pledged:
        limits.add_list_field(
            embed,
            f"Member cities not pledged ({len(v.not_pledged)})",
            [plain(n) for n in v.not_pledged],
        )
    return [embed]


def created_text(r: pools.PoolCreated, announced: str) -> str:
    p = r.pool
    lines = [f"Opened the pool **{plain(p.item)}** ({plain(p.unit)}) in {plain(p.coalition_name)}."]
    if p.deadline is not None:
        lines.append(f"Deadline: {render.when(p.deadline)} — {r.deadline_reading}.")
        if r.deadline_note:
            lines.append(r.deadline_note)
        lines.append(
            "It closes by itself then; coordinators are reminded before, and member cities "
            "that have not pledged get a nudge."
        )
    lines.append(announced)
    return "\n".join(lines)


def pledged_text(r: pools.PledgeResult) -> str:
    p = r.pool
    city = plain(r.city_name)
    if r.unchanged:
        head = f"{city} already pledges {amount(r.quantity, p.unit)} to {plain(p.item)}."
    elif r.before is None:
        head = f"Pledged {amount(r.quantity, p.unit)} to {plain(p.item)} for {city}."
    else:
        head = (
            f"Pledged {amount(r.quantity, p.unit)} to {plain(p.item)} for {city} "
            f"(was {r.before:,}; the earlier pledge is kept in the history)."
        )
    return (
        f"{head}\nThe pool now totals {amount(r.total, p.unit)} from {cities(r.cities)}. "
        "Change it until the deadline with /pool pledge, or take it back with /pool withdraw."
    )


def withdrawn_text(r: pools.WithdrawResult) -> str:
    p = r.pool
    return (
        f"{plain(r.city_name)} withdrew its pledge of {amount(r.quantity, p.unit)} from "
        f"{plain(p.item)}. The reason is kept with it.\nThe pool now totals "
        f"{amount(r.total, p.unit)} from {cities(r.cities)}."
    )


def closed_text(r: pools.CloseResult) -> str:
    p = r.pool
    text = (
        f"Closed the pool **{plain(p.item)}**: {amount(r.total, p.unit)} from {cities(r.cities)}. "
        "Export the table with /pool export."
    )
    if p.channel_id is None:
        text += " The coalition has no channel, so nothing was posted."
    else:
        text += f" The result is posted in <#{p.channel_id}>."
    return text


def export_text(e: pools.PoolExport) -> str:
    p = e.pool
    return (
        f"**{plain(p.item)}** ({plain(p.coalition_name)}): {cities(e.rows)}, "
        f"{amount(e.total, p.unit)} in total. {status_line(p)}."
    )
