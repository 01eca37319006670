"""The callbacks of ``/ask goal``, ``/ask nudge`` and ``/coalition settings nudges``, and what
``/ask show`` reads in one unit of work (the ask and its goal).

``/ask`` is the asks extension's group and ``/coalition settings`` the coalitions extension's:
they attach these (a one-line method each, see each function's docstring); this module is not
an extension and imports none.
"""

from __future__ import annotations

import discord

from bot.cogs.common import bot_of, call, respond
from bot.db.uow import UnitOfWork
from bot.services import asks, goals, nudges
from bot.services.common import Actor
from bot.text import plain
from bot.ui import outbox_sender
from bot.ui.reminder_messages import count


async def show_with_goal(
    uow: UnitOfWork, actor: Actor, ask_id: int
) -> tuple[asks.AskDetail, goals.GoalProgress | None]:
    """``/ask show``: the ask (scoped to the actor's server) and its goal's progress, read
    together. (The asks service cannot import goals' reader the other way round: signing
    judges goals.)"""
    detail = await asks.show_ask(uow, actor, ask_id)
    return detail, await goals.progress(uow, detail.id)


def goal_text(r: goals.GoalResult) -> str:
    lines = [f'Goal set for "{plain(r.title)}" ({plain(r.coalition_name)}):']
    lines += goals.progress_lines(r.progress)
    if r.announced:
        lines.append("It is already met: I told the coalition's channel and its coordinators.")
    return "\n".join(lines)


async def ask_goal(
    interaction: discord.Interaction,
    ask: int,
    cities: int | None = None,
    regions: int | None = None,
    countries: int | None = None,
    population: int | None = None,
) -> None:
    """``/ask goal ask [cities] [regions] [countries] [population]`` (coordinators)."""
    r = await call(
        interaction,
        goals.set_goal,
        ask_id=ask,
        cities=cities,
        regions=regions,
        countries=countries,
        population=population,
        refresh_post=asks.refresh_announcement,
    )
    await respond(interaction, content=goal_text(r))


def nudge_text(r: nudges.NudgeResult, refused: list[str]) -> str:
    sent = len(r.nudged) - len(refused)
    lines = [
        f'Nudged {count_cities(sent)} about "{plain(r.title)}" ({plain(r.coalition_name)}).'
        if sent
        else f'Nobody could be nudged about "{plain(r.title)}" ({plain(r.coalition_name)}).'
    ]
    if refused:
        lines.append(f"DMs closed: {', '.join(plain(c) for c in refused)}.")
    if r.turned_off:
        lines.append(
            f"Not nudged, the representative has turned reminders off: "
            f"{', '.join(plain(c) for c in r.turned_off)}."
        )
    if r.no_representative:
        lines.append(
            f"No verified representative: {', '.join(plain(c) for c in r.no_representative)}."
        )
    lines.append(f"The next nudge of this ask may go {nudges.when_text(r.next_at)}.")
    return "\n".join(lines)


def count_cities(n: int) -> str:
    return count(n, "city", "cities")


async def ask_nudge(interaction: discord.Interaction, ask: int, message: str | None = None) -> None:
    """``/ask nudge ask [message]`` (coordinators). The answer waits a moment for the DMs and
    lists the cities whose representative has DMs closed."""
    r = await call(interaction, nudges.nudge, ask_id=ask, message=message)
    fate = await outbox_sender.settle(bot_of(interaction).workers.outbox, r.outbox_ids)
    refused = [
        n.city_name for i, n in zip(r.outbox_ids, r.nudged, strict=True) if i in fate.refused
    ]
    await respond(interaction, content=nudge_text(r, refused))


async def coalition_nudges(
    interaction: discord.Interaction, coalition: int, days_before: int
) -> None:
    """``/coalition settings nudges coalition days_before:<0–30>`` (coordinators)."""
    r = await call(
        interaction, nudges.set_auto_nudges, coalition_id=coalition, days_before=days_before
    )
    if r.days_before == 0:
        text = f"Automatic nudges of {plain(r.coalition_name)} are off."
    else:
        text = (
            f"{count(r.days_before, 'day', 'days')} before each ask's deadline, I will nudge the "
            f"member cities of {plain(r.coalition_name)} that have not signed (once per ask)."
        )
    await respond(interaction, content=text)
