"""/coalition archive's Confirm/Cancel prompt: its text and its persistent buttons. What
follows a committed archive (the cancelled actions' notices and announcement edits) was queued
with it, in the outbox and the reminders."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.cogs.common import call, respond
from bot.interactions import guarded
from bot.services import coalitions


def count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def archive_prompt(p: coalitions.ArchivePlan) -> str:
    lines = [f"Archive **{p.coalition_name}**? It becomes read-only for good."]
    if p.open_asks:
        lines.append(
            f"- {count(p.open_asks, 'open ask')} will be closed, as /ask close does "
            "(webhooks are told)."
        )
    if p.upcoming_actions:
        lines.append(
            f"- {count(p.upcoming_actions, 'upcoming action')} will be cancelled, as "
            "/action cancel does: reminders stop and the cities that answered are told."
        )
    if not p.open_asks and not p.upcoming_actions:
        lines.append("It has no open asks and no upcoming actions.")
    lines.append("Confirm to archive it, or Cancel to leave it as it is.")
    return "\n".join(lines)


def archived_text(r: coalitions.ArchiveResult) -> str:
    text = f"{r.coalition_name} is archived and read-only."
    if r.closed_ask_ids:
        n = len(r.closed_ask_ids)
        text += f" {count(n, 'open ask')} {'was' if n == 1 else 'were'} closed."
    if r.cancelled_actions:
        n = len(r.cancelled_actions)
        answered = sorted({c for a in r.cancelled_actions for c in a.answered_cities})
        text += f" {count(n, 'upcoming action')} {'was' if n == 1 else 'were'} cancelled"
        if answered:
            text += "; I'm telling the cities that answered: " + ", ".join(answered) + "."
        else:
            text += "; no city had answered yet."
    return text


_ARCHIVE_ID = r"(?P<coalition>[0-9]{1,10})"


class _ArchiveButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?!)"):
    """The persistent Confirm/Cancel of /coalition archive; the base matches no custom_id."""

    prefix = ""
    label = ""
    style = discord.ButtonStyle.primary

    def __init__(self, coalition_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=self.label, style=self.style, custom_id=f"{self.prefix}:{coalition_id}"
            )
        )
        self.coalition_id = coalition_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> _ArchiveButton:
        return cls(int(match["coalition"]))


class ArchiveConfirmButton(_ArchiveButton, template=r"archive:confirm:" + _ARCHIVE_ID):
    prefix, label, style = "archive:confirm", "Confirm", discord.ButtonStyle.danger

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        # The cancelled actions' notices and announcement edits were queued with the archive
        # (bot.services.outbox, the reminder worker): they go out whatever becomes of the reply.
        r = await call(interaction, coalitions.archive_coalition, self.coalition_id, edit=True)
        await respond(interaction, edit=True, content=archived_text(r), view=None)


class ArchiveCancelButton(_ArchiveButton, template=r"archive:cancel:" + _ARCHIVE_ID):
    prefix, label, style = "archive:cancel", "Cancel", discord.ButtonStyle.secondary

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        await respond(
            interaction,
            edit=True,
            content="Not archived. Nothing changed; run /coalition archive again whenever you "
            "like.",
            view=None,
        )


def archive_view(coalition_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ArchiveConfirmButton(coalition_id))
    view.add_item(ArchiveCancelButton(coalition_id))
    return view
