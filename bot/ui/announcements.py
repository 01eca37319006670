"""Messages the outbox posts in a coalition's channel and sends by DM, rendered when they are
sent: an action's live announcement (with its RSVP buttons and the answers by city), an ask's
live announcement (with Sign for my city and Read the full text, and its progress), and the
re-confirmation DM after an edit.

Buttons here are answered by persistent DynamicItems that the cogs register (their custom_id
formats are built here, once, and parsed there); they are ``LinkedButton``s, which discord.py
does not keep in its view store.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import discord

from bot.db.models.enums import AskStatus
from bot.services import actions, asks, goals
from bot.services.actions import ActionInfo, AnnouncementBoard, RsvpCounts
from bot.text import plain
from bot.ui import limits, render


class LinkedButton(discord.ui.Button[Any]):
    """A button whose clicks a cog's DynamicItem answers (matched by its custom_id)."""

    def is_dispatchable(self) -> bool:
        return False


# --- actions ---

RSVP_STYLES = {
    "going": discord.ButtonStyle.success,
    "maybe": discord.ButtonStyle.secondary,
    "not_going": discord.ButtonStyle.danger,
}


def rsvp_custom_id(action_id: int, response: str) -> str:
    return f"action:rsvp:{action_id}:{response}"


def rsvp_buttons(action_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for response, label in actions.RESPONSES.items():
        view.add_item(
            LinkedButton(
                label=label,
                style=RSVP_STYLES[response],
                custom_id=rsvp_custom_id(action_id, response),
            )
        )
    return view


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


def headline_embed(a: ActionInfo) -> discord.Embed:
    return discord.Embed(
        title=limits.truncate(f"{plain(a.title)} — {plain(a.coalition_name)}", limits.EMBED_TITLE),
        description=limits.truncate(
            "\n".join(summary_lines(a) + ([f"\n{plain(a.description)}"] if a.description else [])),
            limits.EMBED_DESCRIPTION,
        ),
        colour=render.COLOUR,
    )


def answers_line(c: RsvpCounts) -> str:
    return f"Going {c.going} · Maybe {c.maybe} · Not going {c.not_going} · No answer {c.no_answer}"


ANSWER_FOOTER = "Representatives: answer for your city with the buttons below."
# Each answer's cities as one field; a long list ends "… and N more".
ANSWER_GROUPS = (
    ("Going", "going"),
    ("Maybe", "maybe"),
    ("Not going", "not_going"),
    ("No answer yet", "no_answer"),
)


def name_list(names: tuple[str, ...], limit: int = limits.FIELD_VALUE) -> str:
    """ "Grenoble, Lyon" within ``limit`` characters ("… and 12 more" when cut); "—" for none."""
    escaped = [plain(n) for n in names]
    if not escaped:
        return "—"
    shown, size = 0, 0
    for name in escaped:
        more = len(escaped) - shown - 1
        tail = len(f" … and {more} more") if more else 0
        if size + len(name) + (2 if shown else 0) + tail > limit:
            break
        size += len(name) + (2 if shown else 0)
        shown += 1
    if shown == 0:
        return limits.truncate(escaped[0], limit)
    rest = len(escaped) - shown
    return ", ".join(escaped[:shown]) + (f" … and {rest} more" if rest else "")


def announcement_embed(
    a: ActionInfo, counts: RsvpCounts | None = None, *, board: AnnouncementBoard | None = None
) -> discord.Embed:
    """The action's announcement: what, when, where; the count of each answer and (with
    ``board``) the cities under each. Cancelled: marked so, without the footer that points
    at the buttons (they are gone too)."""
    embed = headline_embed(a)
    counts = board.counts if board is not None else counts
    if a.cancelled:
        embed.title = limits.truncate(f"Cancelled: {embed.title}", limits.EMBED_TITLE)
        embed.colour = discord.Colour.dark_grey()
    if counts is not None:
        embed.add_field(name="Answers", value=answers_line(counts), inline=False)
    if board is not None:
        for label, attr in ANSWER_GROUPS:
            names: tuple[str, ...] = getattr(board, attr)
            embed.add_field(name=f"{label} ({len(names)})", value=name_list(names), inline=False)
    if not a.cancelled:
        embed.set_footer(text=ANSWER_FOOTER)
    return limits.fit_embed(embed)


# --- asks ---


def ask_embed(
    title: str,
    text: str,
    target: str,
    *,
    version: int,
    deadline: datetime | None,
    coalition: str,
) -> discord.Embed:
    embed = discord.Embed(
        title=limits.truncate(plain(title), limits.EMBED_TITLE),
        description=limits.truncate(plain(text), limits.EMBED_DESCRIPTION),
        colour=render.COLOUR,
    )
    embed.add_field(name="Coalition", value=limits.truncate(plain(coalition), limits.FIELD_VALUE))
    embed.add_field(name="Target", value=limits.truncate(plain(target), limits.FIELD_VALUE))
    embed.add_field(name="Version", value=str(version))
    embed.add_field(name="Deadline", value=render.when(deadline), inline=False)
    return embed


SIGN_LABEL = "Sign for my city"
READ_LABEL = "Read the full text"
STATEMENT_LABEL = "Add our statement"
STATEMENT_AGAIN_LABEL = "Edit our statement"
# The announcement shows the start of a long text; Read the full text shows all of it.
EXCERPT = 1500


def ask_sign_custom_id(ask_id: int) -> str:
    """Sign for my city: the presser's city comes from who pressed (the nudge DM reuses it)."""
    return f"ask:sign:{ask_id}"


def ask_read_custom_id(ask_id: int) -> str:
    return f"ask:read:{ask_id}"


def statement_custom_id(ask_id: int, city_id: int) -> str:
    """Add our statement (after signing): opens the statement form for that city."""
    return f"statement:add:{ask_id}:{city_id}"


def ask_buttons(ask_id: int, *, open_to_sign: bool = True) -> discord.ui.View:
    """Sign for my city (while the ask is open) and Read the full text."""
    view = discord.ui.View(timeout=None)
    if open_to_sign:
        view.add_item(
            LinkedButton(
                label=SIGN_LABEL,
                style=discord.ButtonStyle.success,
                custom_id=ask_sign_custom_id(ask_id),
            )
        )
    view.add_item(
        LinkedButton(
            label=READ_LABEL,
            style=discord.ButtonStyle.secondary,
            custom_id=ask_read_custom_id(ask_id),
        )
    )
    return view


def statement_button(ask_id: int, city_id: int, *, again: bool = False) -> discord.ui.View:
    """Add our statement (``again``: the city has one; the form opens on it to edit)."""
    view = discord.ui.View(timeout=None)
    view.add_item(
        LinkedButton(
            label=STATEMENT_AGAIN_LABEL if again else STATEMENT_LABEL,
            style=discord.ButtonStyle.primary,
            custom_id=statement_custom_id(ask_id, city_id),
        )
    )
    return view


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """The start of the text; a cut one says where the rest is."""
    if len(text) <= limit:
        return text
    return limits.truncate(text, limit) + f"\n*(Cut here: press {READ_LABEL} for all of it.)*"


def ask_post_content(p: asks.AskPost) -> str:
    if p.status != AskStatus.OPEN:
        return f"Ask of {plain(p.coalition_name)} (closed to sign-ons)."
    return (
        f"New ask in {plain(p.coalition_name)}. Representatives: read it and press "
        f"**{SIGN_LABEL}** below."
    )


def ask_post_embed(p: asks.AskPost, goal: goals.GoalProgress | None = None) -> discord.Embed:
    """The ask's live announcement: its text (the start of a long one), target, deadline,
    progress and goal (if it has one), kept true as cities sign and withdraw."""
    embed = discord.Embed(
        title=limits.truncate(plain(p.title), limits.EMBED_TITLE),
        description=excerpt(plain(p.text)),
        colour=render.COLOUR if p.status == AskStatus.OPEN else discord.Colour.dark_grey(),
    )
    embed.add_field(name="Coalition", value=limits.truncate(plain(p.coalition_name), 1024))
    embed.add_field(name="Target", value=limits.truncate(plain(p.target), limits.FIELD_VALUE))
    embed.add_field(name="Deadline", value=render.when(p.deadline), inline=False)
    embed.add_field(name="Progress", value=render.progress(p.signed, p.total), inline=False)
    if goal is not None:
        embed.add_field(
            name="Goal",
            value=limits.truncate("\n".join(goals.progress_lines(goal)), limits.FIELD_VALUE),
            inline=False,
        )
    if p.status != AskStatus.OPEN:
        embed.add_field(name="Status", value="Closed: no more sign-ons.", inline=False)
    if p.edited_at is not None:
        embed.set_footer(text="Edited since it was first posted.")
        embed.timestamp = p.edited_at
    return limits.fit_embed(embed)


def reconfirm_custom_id(ask_id: int, city_id: int, version: int) -> str:
    return f"reconfirm:{ask_id}:{city_id}:{version}"


def reconfirm_button(ask_id: int, city_id: int, version: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(
        LinkedButton(
            label="Confirm",
            style=discord.ButtonStyle.success,
            custom_id=reconfirm_custom_id(ask_id, city_id, version),
        )
    )
    return view


def changed_lines(diff: str) -> str:
    """A unified diff as its reader needs it: the removed (-) and added (+) lines and the few
    around them, without the file and hunk headers (``--- version 1``, ``@@ -5,3 +5,3 @@``)."""
    lines = diff.split("\n")
    if len(lines) >= 2 and lines[0].startswith("---") and lines[1].startswith("+++"):
        lines = lines[2:]  # the file headers; a removed line "-- x" elsewhere is kept
    # Every other line starts with " ", "-", "+" or "…": "@@" opens only a hunk header. A
    # second hunk is set apart by "…" (the unchanged lines between are left out).
    out: list[str] = []
    for line in lines:
        if not line.startswith("@@"):
            out.append(line)
        elif out:
            out.append("…")
    return "\n".join(out)


DIFF_KEY = "Lines starting with - were removed, lines starting with + were added."


def code_block(text: str, limit: int) -> str:
    """A diff in a coloured block, its headers left out."""
    # A ``` inside the diff would end the block early.
    body = changed_lines(text).replace("```", "ʼʼʼ")
    return f"```diff\n{limits.truncate(body, limit - 12)}\n```"


def reconfirmation_embed(
    *, title: str, city_name: str, old_version: int, version: int, diff: str
) -> discord.Embed:
    """The DM asking a representative to re-confirm after an edit (with the diff)."""
    embed = discord.Embed(
        title=limits.truncate(f"Please re-confirm: {plain(title)}", limits.EMBED_TITLE),
        colour=discord.Colour.orange(),
    )
    intro = (
        f"The ask was edited. {plain(city_name)} signed the earlier text, so its signature "
        "no longer counts until you re-confirm.\n"
        "Press Confirm to stand behind the new text, or run /ask sign in the server to read "
        f"it in full.\n\n{DIFF_KEY}\n"
    )
    embed.description = intro + code_block(diff, limits.EMBED_DESCRIPTION - len(intro))
    return embed
