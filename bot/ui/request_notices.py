"""The live notice of a request, rendered when the outbox sends it (template
``request_notice``): a representation request with **Verify** and **Turn down**, or a join
request with **Approve** and **Reject**, saying who may decide; once decided, the outcome and
who decided, and no buttons.

The buttons are answered by persistent DynamicItems of the cities and coalitions extensions
(bot.cogs.cities.requests, bot.cogs.coalitions.requests); their custom_id formats are built
here, once, and parsed there. They must never change: posted notices carry them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import discord

from bot.db.uow import UnitOfWork
from bot.services import requests
from bot.services.requests import RequestNotice
from bot.text import plain
from bot.ui import limits, render
from bot.ui.announcements import LinkedButton

VERIFY, TURN_DOWN, APPROVE, REJECT = "Verify", "Turn down", "Approve", "Reject"
PENDING_COLOUR = discord.Colour.gold()
DECIDED_COLOUR = discord.Colour.light_grey()


def verify_custom_id(request_id: int) -> str:
    return f"request:verify:{request_id}"


def turn_down_custom_id(request_id: int) -> str:
    return f"request:turndown:{request_id}"


def approve_custom_id(request_id: int) -> str:
    return f"join:approve:{request_id}"


def reject_custom_id(request_id: int) -> str:
    return f"join:reject:{request_id}"


def postable_system_channel(guild: discord.Guild | None) -> int | None:
    """The server's system channel, if the bot may post a notice there (view, send, embed)."""
    if guild is None or guild.system_channel is None or guild.me is None:
        return None
    perms = guild.system_channel.permissions_for(guild.me)
    if perms.view_channel and perms.send_messages and perms.embed_links:
        return guild.system_channel.id
    return None


def deciders(n: RequestNotice) -> str:
    """Who may decide, as a phrase: "coordinators of X, and server admins"."""
    if n.decider_coalitions:
        names = ", ".join(f"**{plain(c)}**" for c in n.decider_coalitions)
        return f"coordinators of {names}, and server admins"
    if n.verifier_role_id is not None:
        return f"members with <@&{n.verifier_role_id}>, and server admins"
    return "server admins"


def _outcome(n: RequestNotice) -> str:
    by, at = f"<@{n.decided_by}>", render.when(n.decided_at)
    city = plain(n.city_name)
    match n.outcome:
        case "verified":
            return f"✅ **Verified** by {by}, {at}. <@{n.requester_id}> now speaks for {city}."
        case "turned_down":
            why = f' Reason: "{plain(n.reason)}"' if n.reason else ""
            return f"❌ **Turned down** by {by}, {at}.{why}"
        case "revoked":
            return f"Verified, then **revoked** by {by}, {at}."
        case "approved":
            return f"✅ **Approved** by {by}, {at}. {city} is now a member."
        case "rejected":
            return f"❌ **Rejected** by {by}, {at}."
        case "withdrawn":
            return f"**Withdrawn**, {at}: {city} left before a decision."
        case _:  # "left"
            return f"✅ Approved; {city} has since left the coalition ({at})."


def notice(n: RequestNotice) -> tuple[discord.Embed, discord.ui.View | None]:
    city = f"**{plain(n.city_name)}** ({plain(n.country)})"
    if n.kind == requests.JOIN:
        title = f"{n.city_name} asks to join {n.coalition_name}"
        lines = [f"<@{n.requester_id}> asked for {city} to join, {render.when(n.requested_at)}."]
        buttons = [
            (APPROVE, discord.ButtonStyle.success, approve_custom_id(n.request_id)),
            (REJECT, discord.ButtonStyle.danger, reject_custom_id(n.request_id)),
        ]
    else:
        title = f"Request to represent {n.city_name}"
        lines = [f"<@{n.requester_id}> asks to represent {city}, {render.when(n.requested_at)}."]
        buttons = [
            (VERIFY, discord.ButtonStyle.success, verify_custom_id(n.request_id)),
            (TURN_DOWN, discord.ButtonStyle.danger, turn_down_custom_id(n.request_id)),
        ]
    if n.pending:
        lines.append(f"Who can decide: {deciders(n)}. Press a button below.")
    else:
        lines.append(_outcome(n))
    embed = discord.Embed(
        title=limits.truncate(plain(title), limits.EMBED_TITLE),
        description=limits.truncate("\n".join(lines), limits.EMBED_DESCRIPTION),
        colour=PENDING_COLOUR if n.pending else DECIDED_COLOUR,
    )
    if not n.pending:
        return embed, None
    view = discord.ui.View(timeout=None)
    for label, style, custom_id in buttons:
        view.add_item(LinkedButton(label=label, style=style, custom_id=custom_id))
    return embed, view


async def render_notice(
    uow: UnitOfWork, data: Mapping[str, Any]
) -> tuple[discord.Embed, discord.ui.View | None] | None:
    """The notice of an outbox row's ``data`` as it is now; None when the request is gone."""
    state = await requests.notice_state(uow, data)
    return None if state is None else notice(state)
