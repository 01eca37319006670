"""The persistent buttons of /ask: Confirm/Cancel under /ask sign, and Confirm in the DM sent
after an edit. They work after a restart (their custom_ids carry ask, city and version; the
formats must never change, old messages still hold them), and the service judges the presser.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.cogs.asks.render import NOTE_FIELD, reconfirmation_dm
from bot.cogs.common import bot_of, call, respond
from bot.db.uow import UnitOfWork
from bot.interactions import guarded
from bot.services import asks
from bot.text import plain
from bot.ui import render

_IDS = r"(?P<ask>[0-9]{1,10}):(?P<city>[0-9]{1,10}):(?P<version>[0-9]{1,6})"


class _AskButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?!)"):
    """Shared by the three persistent buttons; the base itself matches no custom_id."""

    prefix = ""
    label = ""
    style = discord.ButtonStyle.primary

    def __init__(self, ask_id: int, city_id: int, version: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=self.label,
                style=self.style,
                custom_id=f"{self.prefix}:{ask_id}:{city_id}:{version}",
            )
        )
        self.ask_id, self.city_id, self.version = ask_id, city_id, version

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> _AskButton:
        return cls(int(match["ask"]), int(match["city"]), int(match["version"]))


def _note_of(message: discord.Message | None) -> str | None:
    """The note typed in /ask sign, kept in the prompt itself so it survives a restart."""
    for embed in message.embeds if message else []:
        for f in embed.fields:
            if f.name == NOTE_FIELD and f.value:
                return f.value
    return None


def sign_view(ask_id: int, city_id: int, version: int) -> discord.ui.View:
    """Confirm and Cancel under the text shown by /ask sign."""
    view = discord.ui.View(timeout=None)
    view.add_item(SignConfirmButton(ask_id, city_id, version))
    view.add_item(SignCancelButton(ask_id, city_id, version))
    return view


class SignConfirmButton(_AskButton, template=r"sign:confirm:" + _IDS):
    prefix, label, style = "sign:confirm", "Confirm", discord.ButtonStyle.success

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            r = await call(
                interaction,
                asks.confirm_sign,
                edit=True,
                ask_id=self.ask_id,
                city_id=self.city_id,
                version=self.version,
                note=_note_of(interaction.message),
            )
        except asks.AlreadySigned as e:
            await respond(
                interaction,
                edit=True,
                content=f"{e.city_name} already signed on {render.when(e.signed_at)}. "
                "Nothing more to do.",
                view=None,
            )
            return
        except asks.AskChanged as e:
            await respond(
                interaction,
                edit=True,
                content=f"Not signed: the ask was edited since this prompt was shown (it is now "
                f"version {e.current_version}). Run /ask sign again to read the new text.",
                view=None,
            )
            return
        done = "re-confirmed" if r.reconfirmed else "signed"
        await respond(
            interaction,
            edit=True,
            content=f'Done: {plain(r.city_name)} {done} "{plain(r.title)}" (version {r.version}), '
            f"signed {render.when(r.signed_at)}.\n{render.progress(r.signed, r.total)}",
            view=None,
        )
        await announce_progress(interaction, r.channel_id, f"{plain(r.city_name)} {done}", r)


class SignCancelButton(_AskButton, template=r"sign:cancel:" + _IDS):
    prefix, label, style = "sign:cancel", "Cancel", discord.ButtonStyle.secondary

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        await respond(
            interaction,
            edit=True,
            content="Not signed. Nothing was recorded; run /ask sign again whenever you like.",
            view=None,
        )


class ReconfirmButton(_AskButton, template=r"reconfirm:" + _IDS):
    prefix, label, style = "reconfirm", "Confirm", discord.ButtonStyle.success

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            r = await _reconfirm(interaction, self.ask_id, self.city_id, self.version)
        except asks.AlreadyConfirmed as e:
            # Pressed twice, or by two representatives at once: one re-confirmation counts.
            await respond(
                interaction,
                edit=True,
                content=f"{plain(e.city_name)} already re-confirmed version "
                f"{e.version} {render.when(e.confirmed_at)}. Nothing more to do.",
                view=None,
            )
            return
        except asks.AskChanged as e:
            await respond(
                interaction,
                edit=True,
                content=f"The ask was edited again (it is now version {e.current_version})."
                " Run /ask sign in the server to read the new text and re-confirm.",
                view=None,
            )
            return
        await respond(
            interaction,
            edit=True,
            content=f"Re-confirmed: {plain(r.city_name)} stands behind version {r.version} of "
            f'"{plain(r.title)}" ({render.when(r.confirmed_at)}).\n'
            f"{render.progress(r.signed, r.total)}",
            view=None,
        )
        await announce_progress(
            interaction, r.channel_id, f"{plain(r.city_name)} re-confirmed", r, quiet=True
        )


async def _reconfirm(
    interaction: discord.Interaction, ask_id: int, city_id: int, version: int
) -> asks.SignResult:
    """Re-confirm as the presser. Pressed in a DM (where the prompt is sent), the interaction
    carries no server: act in the ask's server; the service still requires a verified
    representative there."""

    async def guild_of(uow: UnitOfWork) -> int:
        return await asks.guild_of_ask(uow, ask_id)

    return await call(
        interaction,
        asks.reconfirm,
        edit=True,
        guild_of=guild_of,
        ask_id=ask_id,
        city_id=city_id,
        version=version,
    )


async def announce_progress(
    interaction: discord.Interaction,
    channel_id: int | None,
    what: str,
    r: asks.SignResult | asks.WithdrawResult,
    *,
    quiet: bool = False,
) -> None:
    """A short public line in the coalition's channel after a sign-on or a withdrawal."""
    problem = await render.announce(
        interaction,
        channel_id,
        content=f'{what} "{plain(r.title)}". {render.progress(r.signed, r.total)}',
    )
    if not quiet:
        await render.tell_if_failed(interaction, problem)


async def send_reconfirmation_dms(
    interaction: discord.Interaction, r: asks.EditResult
) -> list[asks.Recipient]:
    """DM each representative the change and a Confirm button; return whom we could not reach."""
    bot = bot_of(interaction)
    unreachable: list[asks.Recipient] = []
    for rec in r.to_notify:
        view = discord.ui.View(timeout=None)
        view.add_item(ReconfirmButton(r.ask_id, rec.city_id, r.version))
        try:
            channel = await bot.create_dm(discord.Object(id=rec.user_id))
            await channel.send(embed=reconfirmation_dm(r, rec), view=view)
        except discord.HTTPException:
            # 50007: the user closed their DMs. Reported to the coordinator, not swallowed.
            unreachable.append(rec)
    return unreachable
