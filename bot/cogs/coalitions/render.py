"""The embeds of /coalition list and /coalition show."""

from __future__ import annotations

import discord

from bot.services import coalitions
from bot.text import plain
from bot.ui import limits, render
from bot.ui.progress import progress_bar


def coalition_list_embeds(found: list[coalitions.CoalitionSummary]) -> list[discord.Embed]:
    lines = []
    for c in found:
        noun = "city" if c.member_count == 1 else "cities"
        bits = [c.kind_label, f"{c.member_count} member {noun}"]
        if c.region:
            bits.insert(1, plain(c.region))
        archived = " (archived)" if c.archived else ""
        lines.append(f"**{plain(c.name)}**{archived} — {' · '.join(bits)}")
    return limits.paginate_lines(f"Coalitions ({len(found)})", lines, colour=render.COLOUR)


def coalition_show_embeds(
    d: coalitions.CoalitionDetail, upcoming: list[str] | None
) -> list[discord.Embed]:
    """The coalition's details and sections, then its member cities (paginated).

    ``upcoming`` None: no "Upcoming actions" section at all (the actions feature is absent).
    """
    details = [f"**Kind:** {d.kind_label}"]
    if d.region:
        details.append(f"**Region:** {plain(d.region)}")
    details.append(f"**Channel:** {f'<#{d.channel_id}>' if d.channel_id else 'none'}")
    details.append(
        "**Joining:** "
        + ("a coordinator approves each city" if d.requires_approval else "open to any city")
    )
    if d.archived:
        details.append(f"**Archived** {render.when(d.archived_at)} — read-only.")
    if d.description:
        details.append("")
        details.append(plain(d.description))
    asks = [
        f"**{plain(a.title)}** — {a.signed} of {a.total} signed "
        f"`{progress_bar(a.signed, a.total)}`"
        + (f" — due {discord.utils.format_dt(a.deadline, 'R')}" if a.deadline else "")
        for a in d.open_asks
    ]
    sections: list[tuple[str, list[str]]] = [
        ("Coordinators", [render.user_line(u) for u in d.coordinator_ids]),
        ("Open asks", asks),
    ]
    if upcoming is not None:
        sections.append(("Upcoming actions", upcoming))
    if d.pending:
        sections.append(
            (
                "Waiting for approval",
                [
                    f"{plain(p.name)} ({plain(p.country)}) — asked by <@{p.requested_by}>"
                    for p in d.pending
                ],
            )
        )
    embeds = render.sectioned_embeds(
        plain(d.name), sections, description="\n".join(details), empty="none"
    )
    member_lines = [
        f"{plain(m.name)} ({plain(m.country)}) — since {render.day(m.since)}" for m in d.members
    ]
    embeds += limits.paginate_lines(
        f"Member cities of {plain(d.name)} ({len(d.members)})",
        member_lines or ["No member cities yet. Representatives join with /coalition join."],
        colour=render.COLOUR,
    )
    return embeds
