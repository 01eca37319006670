"""The persistent buttons of /ask: Sign for my city and Read the full text under an ask (its
announcement, /ask show, a nudge DM), the city chooser behind Sign for my city, Confirm/Cancel
under the sign prompt, and Confirm in the DM sent after an edit. They work after a restart
(their custom_ids carry ask, city and version; the formats must never change, old messages
still hold them), and the service judges the presser. Buttons pressed in a DM act in the
ask's server (``guild_of``); the service still requires a verified representative there.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.cogs.asks.render import (
    BASIS_FIELDS,
    NOTE_FIELD,
    full_text_embeds,
    sign_prompt,
    signed_confirmation,
)
from bot.cogs.common import bot_of, call, respond
from bot.db.uow import UnitOfWork
from bot.interactions import BaseModal, guarded
from bot.services import asks
from bot.text import plain
from bot.ui import announcements, outbox_sender, render

log = logging.getLogger("bot.cogs.asks")

_ASK = r"(?P<ask>[0-9]{1,10})"
_IDS = r"(?P<ask>[0-9]{1,10}):(?P<city>[0-9]{1,10}):(?P<version>[0-9]{1,6})"
# A chooser shows at most this many cities (a Discord message holds 25 buttons).
MAX_CHOICES = 25


def _guild_of(ask_id: int) -> Callable[[UnitOfWork], Awaitable[int]]:
    """For a button pressed in a DM (which carries no server): the ask's server."""

    async def guild_of(uow: UnitOfWork) -> int:
        return await asks.guild_of_ask(uow, ask_id)

    return guild_of


def already_signed(e: asks.AlreadySigned) -> str:
    return f"{plain(e.city_name)} already signed on {render.when(e.signed_at)}. Nothing more to do."


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


def _field_of(message: discord.Message | None, name: str) -> str | None:
    for embed in message.embeds if message else []:
        for f in embed.fields:
            if f.name == name and f.value:
                return f.value
    return None


def _note_of(message: discord.Message | None) -> str | None:
    """The note typed in /ask sign, kept in the prompt itself so it survives a restart."""
    return _field_of(message, NOTE_FIELD)


def _basis_of(message: discord.Message | None) -> dict[str, str | None]:
    """The basis given with /ask sign, kept in the prompt like the note (confirm_sign checks
    it again)."""
    keys = ("basis_kind", "basis_reference", "basis_date", "basis_url")
    return {k: _field_of(message, name) for k, name in zip(keys, BASIS_FIELDS, strict=True)}


def sign_view(
    ask_id: int, city_id: int, version: int, *, authority_required: bool = False
) -> discord.ui.View:
    """Confirm and Cancel under the text shown by /ask sign. Where the coalition requires the
    basis and none was given with the command, Confirm is "Give the basis and sign": a form."""
    view = discord.ui.View(timeout=None)
    if authority_required:
        view.add_item(SignBasisButton(ask_id, city_id, version))
    else:
        view.add_item(SignConfirmButton(ask_id, city_id, version))
    view.add_item(SignCancelButton(ask_id, city_id, version))
    return view


def needs_form(p: asks.SignPrompt) -> bool:
    """The coalition requires the basis and the prompt carries none: Confirm opens the form."""
    return p.authority_required and (p.basis is None or p.basis.date is None)


def prompt_message(p: asks.SignPrompt) -> dict[str, Any]:
    """The /ask sign prompt (text to read, Confirm and Cancel) as respond() keywords."""
    intro, embed = sign_prompt(p, None)
    view = sign_view(p.ask_id, p.city_id, p.version, authority_required=needs_form(p))
    return {"content": intro, "embed": embed, "view": view}


class SignForMyCityButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"ask:sign:" + _ASK
):
    """Under an ask: the /ask sign prompt for the presser's city, a chooser when they speak for
    several member cities, or a refusal that says what to do."""

    def __init__(self, ask_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=announcements.SIGN_LABEL,
                style=discord.ButtonStyle.success,
                custom_id=announcements.ask_sign_custom_id(ask_id),
            )
        )
        self.ask_id = ask_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> SignForMyCityButton:
        return cls(int(match["ask"]))

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            choice = await call(
                interaction,
                asks.sign_choices,
                ask_id=self.ask_id,
                read_only=True,
                guild_of=_guild_of(self.ask_id),
            )
        except asks.AlreadySigned as e:
            await respond(interaction, content=already_signed(e))
            return
        if choice.prompt is not None:
            await respond(interaction, **prompt_message(choice.prompt))
            return
        await respond(interaction, content=chooser_text(choice), view=chooser_view(choice))


def chooser_text(choice: asks.SignChoice) -> str:
    text = f'You represent several cities here. Which one signs "{plain(choice.title)}"?'
    if all(c.signed for c in choice.cities):
        text = f'All your cities already signed "{plain(choice.title)}". Nothing more to do.'
    if len(choice.cities) > MAX_CHOICES:
        text += " (Not all fit here: for another city, use /ask sign with its city option.)"
    return text


def chooser_view(choice: asks.SignChoice) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for c in choice.cities[:MAX_CHOICES]:
        view.add_item(ChooseCityButton(choice.ask_id, c.city_id, c.city_name, signed=c.signed))
    return view


class ChooseCityButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"ask:signas:" + _ASK + r":(?P<city>[0-9]{1,10})",
):
    """One city of the chooser: its sign prompt replaces the chooser."""

    def __init__(self, ask_id: int, city_id: int, name: str = "", *, signed: bool = False) -> None:
        label = f"{name} (signed)" if signed else name or "This city"
        super().__init__(
            discord.ui.Button(
                label=label[:80],
                style=discord.ButtonStyle.secondary if signed else discord.ButtonStyle.primary,
                custom_id=f"ask:signas:{ask_id}:{city_id}",
                disabled=signed,
            )
        )
        self.ask_id, self.city_id = ask_id, city_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ChooseCityButton:
        return cls(int(match["ask"]), int(match["city"]))

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            p = await call(
                interaction,
                asks.prepare_sign,
                edit=True,
                read_only=True,
                guild_of=_guild_of(self.ask_id),
                ask_id=self.ask_id,
                city_id=self.city_id,
            )
        except asks.AlreadySigned as e:
            await respond(interaction, edit=True, content=already_signed(e), view=None)
            return
        await respond(interaction, edit=True, **prompt_message(p))


class ReadFullTextButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"ask:read:" + _ASK
):
    """Under an ask: the whole ask, privately, over as many pages as it needs."""

    def __init__(self, ask_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=announcements.READ_LABEL,
                style=discord.ButtonStyle.secondary,
                custom_id=announcements.ask_read_custom_id(ask_id),
            )
        )
        self.ask_id = ask_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ReadFullTextButton:
        return cls(int(match["ask"]))

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        text = await call(
            interaction,
            asks.full_text,
            self.ask_id,
            read_only=True,
            guild_of=_guild_of(self.ask_id),
        )
        await respond(interaction, embeds=full_text_embeds(text))


class SignConfirmButton(_AskButton, template=r"sign:confirm:" + _IDS):
    prefix, label, style = "sign:confirm", "Confirm", discord.ButtonStyle.success

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        await confirm(interaction, self.ask_id, self.city_id, self.version)


class SignBasisButton(_AskButton, template=r"sign:basis:" + _IDS):
    """Confirm where the coalition requires the basis: a form for the sign-on's proof of
    authority, then the signature."""

    prefix, label, style = "sign:basis", "Give the basis and sign", discord.ButtonStyle.success

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        try:  # refuse before the form whoever may not sign here (or when already signed)
            await call(
                interaction,
                asks.prepare_sign,
                read_only=True,
                opens_form=True,
                guild_of=_guild_of(self.ask_id),
                ask_id=self.ask_id,
                city_id=self.city_id,
            )
        except asks.AlreadySigned as e:
            await respond(interaction, edit=True, content=already_signed(e), embeds=[], view=None)
            return
        note = _note_of(interaction.message)
        await interaction.response.send_modal(
            BasisForm(self.ask_id, self.city_id, self.version, note=note)
        )


class BasisForm(BaseModal):
    """The basis of a sign-on: kind, reference, date and an optional public URL."""

    def __init__(self, ask_id: int, city_id: int, version: int, *, note: str | None) -> None:
        super().__init__(title="The basis of this signature", timeout=900)
        self.ask_id, self.city_id, self.version, self.note = ask_id, city_id, version, note
        self.kind: discord.ui.TextInput[BasisForm] = discord.ui.TextInput(
            label="Kind: council resolution or mayoral decision",
            custom_id="kind",
            max_length=40,
            placeholder="council resolution",
        )
        self.reference: discord.ui.TextInput[BasisForm] = discord.ui.TextInput(
            label="Reference", custom_id="reference", max_length=200, placeholder="2026-117"
        )
        self.day: discord.ui.TextInput[BasisForm] = discord.ui.TextInput(
            label="Date (YYYY-MM-DD)", custom_id="date", max_length=10, placeholder="2026-11-20"
        )
        self.url: discord.ui.TextInput[BasisForm] = discord.ui.TextInput(
            label="Public URL (optional)",
            custom_id="url",
            required=False,
            max_length=500,
            placeholder="https://",
        )
        for item in (self.kind, self.reference, self.day, self.url):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await confirm(
            interaction,
            self.ask_id,
            self.city_id,
            self.version,
            note=self.note,
            basis_kind=self.kind.value,
            basis_reference=self.reference.value,
            basis_date=self.day.value,
            basis_url=self.url.value,
        )


async def confirm(
    interaction: discord.Interaction,
    ask_id: int,
    city_id: int,
    version: int,
    *,
    note: str | None = None,
    basis_kind: str | None = None,
    basis_reference: str | None = None,
    basis_date: str | None = None,
    basis_url: str | None = None,
) -> None:
    """Confirm (or the basis form): sign, then replace the prompt with the outcome."""
    if note is None:
        note = _note_of(interaction.message)
    if basis_kind is None:
        typed = _basis_of(interaction.message)
        basis_kind, basis_reference = typed["basis_kind"], typed["basis_reference"]
        basis_date, basis_url = typed["basis_date"], typed["basis_url"]
    try:
        r = await call(
            interaction,
            asks.confirm_sign,
            edit=True,
            guild_of=_guild_of(ask_id),
            ask_id=ask_id,
            city_id=city_id,
            version=version,
            note=note,
            basis_kind=basis_kind,
            basis_reference=basis_reference,
            basis_date=basis_date,
            basis_url=basis_url,
        )
    except asks.AlreadySigned as e:
        await respond(interaction, edit=True, content=already_signed(e), embeds=[], view=None)
        return
    except asks.AskChanged as e:
        await respond(
            interaction,
            edit=True,
            content=f"Not signed: the ask was edited since this prompt was shown (it is now "
            f"version {e.current_version}). Run /ask sign again to read the new text.",
            embeds=[],
            view=None,
        )
        return
    # Short: the text was just read above; the next step, if any, is a button.
    in_server = interaction.guild_id is not None
    await respond(
        interaction,
        edit=True,
        content=signed_confirmation(r, in_server=in_server),
        embeds=[],
        view=announcements.statement_button(r.ask_id, r.city_id, again=r.has_statement)
        if r.takes_statements and in_server
        else None,
    )
    done = "re-confirmed" if r.reconfirmed else "signed"
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

    return await call(
        interaction,
        asks.reconfirm,
        edit=True,
        guild_of=_guild_of(ask_id),
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
    """The short public line after a sign-on or a withdrawal was queued with the change
    (bot.services.outbox, rendered from ``r``'s data, so ``what`` is only for the log); tell
    the person who acted when the channel refuses it."""
    if channel_id is None or quiet:
        return
    problem = await outbox_sender.announcement_problem(interaction, r.outbox_ids)
    if problem:
        log.info("progress line %r not posted: %s", what, problem)
    await render.tell_if_failed(interaction, problem)


async def send_reconfirmation_dms(
    interaction: discord.Interaction, r: asks.EditResult
) -> list[asks.Recipient]:
    """The re-confirmation DMs were queued with the edit (one per ``r.to_notify``, in order):
    wait a moment for them and return whom we could not reach (DMs closed). A DM still
    waiting (Discord failing) counts as reached: the outbox keeps retrying it."""
    fate = await outbox_sender.settle(bot_of(interaction).workers.outbox, r.outbox_ids)
    return [rec for rec, row in zip(r.to_notify, r.outbox_ids, strict=False) if row in fate.refused]
