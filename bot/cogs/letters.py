"""/statement and /letter: position statements and the shared letter, exported as Markdown.

Replies are ephemeral: statements are read one city at a time and letter files go to whoever
asked for them. The rules (who may, what is in the letter) live in bot.services.letters and
bot.services.statements.
"""

from __future__ import annotations

import io

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import format_dt

from bot.cogs.common import call, respond
from bot.cogs.options import AskId, CityId, MyCityId
from bot.db.models.enums import SignOrder
from bot.documents import ORDER_LABELS
from bot.interactions import BaseModal
from bot.services import letters, statements
from bot.text import plain
from bot.ui.limits import (
    EMBED_DESCRIPTION,
    EMBED_TITLE,
    FIELD_VALUE,
    MODAL_TITLE,
    TEXT_INPUT,
    truncate,
)

ORDER_CHOICES = [
    app_commands.Choice(name=label, value=value) for value, label in ORDER_LABELS.items()
]
PREVIEW_CHARS = 2000  # the start of the letter shown in the preview embed
NAMES_CHARS = 900  # per warning field, so the whole embed stays under 6,000 characters
# Rendering a letter is CPU work that can hold the event loop past call()'s timer:
# acknowledge these commands at once, as they always have been.
RENDERS = 0.0


def _quoted(title: str) -> str:
    return f'"{plain(title)}"'


def _names(names: list[str]) -> str:
    """City names joined until ``NAMES_CHARS``, then "… and 12 more"."""
    shown: list[str] = []
    used = 0
    for i, name in enumerate(names):
        piece = plain(name)
        if used + len(piece) + 2 > NAMES_CHARS:
            return ", ".join(shown) + f" … and {len(names) - i} more"
        shown.append(piece)
        used += len(piece) + 2
    return ", ".join(shown)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


class StatementModal(BaseModal):
    def __init__(self, prompt: statements.StatementPrompt, *, display_name: str) -> None:
        super().__init__(title=truncate(f"Statement for {prompt.city_name}", MODAL_TITLE))
        self.prompt = prompt
        self.body: discord.ui.TextInput[StatementModal] = discord.ui.TextInput(
            label="Statement",
            custom_id="statement",
            style=discord.TextStyle.paragraph,
            max_length=min(statements.BODY_LEN, TEXT_INPUT),
            default=prompt.current_body,
            placeholder="Your city's position on the ask, in your own words.",
        )
        self.signatory_name: discord.ui.TextInput[StatementModal] = discord.ui.TextInput(
            label="Signatory name",
            custom_id="name",
            max_length=statements.NAME_MAX,
            default=truncate(display_name, statements.NAME_MAX),
        )
        self.signatory_title: discord.ui.TextInput[StatementModal] = discord.ui.TextInput(
            label="Signatory title",
            custom_id="title",
            max_length=statements.TITLE_MAX,
            required=False,
            default=prompt.verified_title,
            placeholder="e.g. Deputy Mayor for Climate",
        )
        for item in (self.body, self.signatory_name, self.signatory_title):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        # call(): a slow database defers the submit in time instead of letting it expire.
        info = await call(
            interaction,
            statements.submit,
            ask_id=self.prompt.ask_id,
            city_id=self.prompt.city_id,
            body=self.body.value,
            signatory_name=self.signatory_name.value,
            signatory_title=self.signatory_title.value,
        )
        city = plain(info.city_name)
        text = f"Saved {city}'s statement on {_quoted(info.ask_title)} (version {info.version})."
        if info.in_letter:
            text += " It is in the letter."
        else:
            text += (
                f" It will appear in the letter once {city} has signed the current version of "
                "the ask (/ask sign)."
            )
        await respond(interaction, content=text)


class LetterSettingsModal(BaseModal):
    def __init__(self, current: letters.LetterSettingsInfo) -> None:
        super().__init__(title="Letter settings")
        self.ask_id = current.ask_id
        self.opening: discord.ui.TextInput[LetterSettingsModal] = discord.ui.TextInput(
            label="Opening paragraph",
            custom_id="opening",
            style=discord.TextStyle.paragraph,
            max_length=letters.OPENING_LEN,
            required=False,
            default=current.opening,
        )
        self.closing: discord.ui.TextInput[LetterSettingsModal] = discord.ui.TextInput(
            label="Closing paragraph",
            custom_id="closing",
            style=discord.TextStyle.paragraph,
            max_length=letters.CLOSING_LEN,
            required=False,
            default=current.closing,
        )
        self.sender: discord.ui.TextInput[LetterSettingsModal] = discord.ui.TextInput(
            label="Sender line",
            custom_id="sender",
            max_length=letters.SENDER_LEN,
            required=False,
            default=current.sender,
        )
        for item in (self.opening, self.closing, self.sender):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        saved = await call(
            interaction,
            letters.save_settings,
            ask_id=self.ask_id,
            opening=self.opening.value,
            closing=self.closing.value,
            sender=self.sender.value,
        )
        await respond(
            interaction,
            content=f"Saved the opening, closing and sender line of the letter for "
            f"{_quoted(saved.ask_title)}. An empty field uses the default text. "
            "See the result with /letter preview.",
        )


class LettersCog(commands.Cog):
    statement = app_commands.Group(
        name="statement",
        description="Your city's position statement on an ask, for the shared letter",
        guild_only=True,
    )
    letter = app_commands.Group(
        name="letter",
        description="The shared letter of an ask, exported as Markdown",
        guild_only=True,
    )

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        # Tests set this to trigger the "too large to upload" refusal; None: Discord's limit.
        self.max_upload_bytes: int | None = None

    def upload_limit(self, interaction: discord.Interaction) -> int:
        if self.max_upload_bytes is not None:
            return self.max_upload_bytes
        limit = getattr(interaction, "attachment_size_limit", None) or getattr(
            interaction, "filesize_limit", None
        )
        return int(limit) if limit else letters.DEFAULT_UPLOAD_LIMIT

    @staticmethod
    def as_file(file: letters.LetterFile) -> discord.File:
        return discord.File(io.BytesIO(file.content), filename=file.filename)

    # --- /statement ---

    @statement.command(name="submit")
    @app_commands.describe(
        ask="The ask your statement is about",
        city="The city you speak for (only if you represent several)",
    )
    async def statement_submit(
        self, interaction: discord.Interaction, ask: AskId, city: MyCityId | None = None
    ) -> None:
        """Write or update your city's position statement for the shared letter."""
        prompt = await call(
            interaction,
            statements.prepare_submit,
            ask_id=ask,
            city_id=city,
            read_only=True,
            opens_form=True,
        )
        await interaction.response.send_modal(
            StatementModal(prompt, display_name=interaction.user.display_name)
        )

    @statement.command(name="show")
    @app_commands.describe(ask="The ask", city="Whose statement (default: your own city's)")
    async def statement_show(
        self, interaction: discord.Interaction, ask: AskId, city: CityId | None = None
    ) -> None:
        """Read a city's current position statement on an ask."""
        info = await call(interaction, statements.show, ask_id=ask, city_id=city, read_only=True)
        embed = discord.Embed(
            title=truncate(f"{plain(info.city_name)} on “{plain(info.ask_title)}”", EMBED_TITLE),
            description=truncate(plain(info.body), EMBED_DESCRIPTION),
            colour=discord.Colour.blue(),
        )
        signed_by = info.signatory_name
        if info.signatory_title:
            signed_by += f", {info.signatory_title}"
        embed.add_field(
            name="Signed by", value=truncate(plain(signed_by), FIELD_VALUE), inline=False
        )
        embed.add_field(
            name="Version",
            value=f"{info.version} · {format_dt(info.created_at, 'F')} by <@{info.user_id}>",
        )
        embed.add_field(
            name="In the letter",
            value="Yes"
            if info.in_letter
            else "No: the city has no current signature on this version of the ask",
        )
        await respond(interaction, embed=embed)

    @statement.command(name="withdraw")
    @app_commands.describe(
        ask="The ask", city="The city you speak for (only if you represent several)"
    )
    async def statement_withdraw(
        self, interaction: discord.Interaction, ask: AskId, city: MyCityId | None = None
    ) -> None:
        """Take your city's statement out of the shared letter (its history is kept)."""
        result = await call(interaction, statements.withdraw, ask_id=ask, city_id=city)
        await respond(
            interaction,
            content=f"Withdrew {plain(result.city_name)}'s statement on "
            f"{_quoted(result.ask_title)}. It is no longer in the letter; earlier versions stay "
            "on record, and you can submit a new one any time with /statement submit.",
        )

    # --- /letter ---

    @letter.command(name="settings")
    @app_commands.describe(ask="The ask whose letter to set up")
    async def letter_settings(self, interaction: discord.Interaction, ask: AskId) -> None:
        """Coordinators: set the letter's opening and closing paragraphs and its sender line."""
        current = await call(
            interaction, letters.get_settings, ask, read_only=True, opens_form=True
        )
        await interaction.response.send_modal(LetterSettingsModal(current))

    @letter.command(name="preview")
    @app_commands.describe(ask="The ask whose letter to preview", order="Order of the cities")
    @app_commands.choices(order=ORDER_CHOICES)
    async def letter_preview(
        self, interaction: discord.Interaction, ask: AskId, order: str | None = None
    ) -> None:
        """Coordinators: see the letter as it stands, with what still needs attention."""
        result = await call(
            interaction,
            letters.preview,
            ask_id=ask,
            order=order or SignOrder.ALPHABETICAL,
            read_only=True,
            defer_after=RENDERS,
        )
        file = result.file
        letters.ensure_uploadable(file, self.upload_limit(interaction))
        embed = discord.Embed(
            title=truncate(f"Letter preview: {plain(file.ask_title)}", EMBED_TITLE),
            description="```md\n" + truncate(file.text, PREVIEW_CHARS) + "\n```",
            colour=discord.Colour.gold(),
        )
        embed.add_field(name="Signatories", value=str(file.signatory_count))
        embed.add_field(name="Order", value=ORDER_LABELS[file.order])
        warnings = [
            ("⚠ Statement but no current signature", result.statement_without_signature),
            ("⚠ Awaiting re-confirmation after an edit", result.awaiting_reconfirmation),
            ("⚠ Member cities that have not signed", result.not_signed),
        ]
        for name, names in warnings:
            if names:
                embed.add_field(name=name, value=_names(names), inline=False)
        if not any(names for _, names in warnings):
            embed.add_field(
                name="Ready",
                value="Every member city has signed the current version.",
                inline=False,
            )
        embed.set_footer(text="The full letter is attached. /letter finalise freezes it.")
        await respond(interaction, embed=embed, file=self.as_file(file))

    @letter.command(name="export")
    @app_commands.describe(
        ask="The ask whose letter to export",
        order="Order of the cities (live letter only)",
        version="A finalised version number (see /letter versions): its exact, frozen text",
    )
    @app_commands.choices(order=ORDER_CHOICES)
    async def letter_export(
        self,
        interaction: discord.Interaction,
        ask: AskId,
        order: str | None = None,
        version: app_commands.Range[int, 1, 1_000_000] | None = None,
    ) -> None:
        """Download the shared letter as a Markdown file."""
        file = await call(
            interaction,
            letters.export,
            ask_id=ask,
            order=order,
            version=version,
            read_only=True,
            defer_after=RENDERS,
        )
        letters.ensure_uploadable(file, self.upload_limit(interaction))
        signatories = _plural(file.signatory_count, "signatory", "signatories")
        if file.version is not None and file.created_at is not None:
            text = (
                f"Finalised version {file.version} of the letter for {_quoted(file.ask_title)}, "
                f"frozen {format_dt(file.created_at, 'F')}: {signatories}, "
                f"{ORDER_LABELS[file.order]} order. sha256 `{file.short_hash}`."
            )
            if order is not None and order != file.order:
                text += " (A finalised version keeps the order it was finalised with.)"
        else:
            text = (
                f"The letter for {_quoted(file.ask_title)} as it stands now: {signatories}, "
                f"{ORDER_LABELS[file.order]} order. sha256 `{file.short_hash}`."
            )
        await respond(interaction, content=text, file=self.as_file(file))

    @letter.command(name="finalise")
    @app_commands.describe(ask="The ask whose letter to freeze", order="Order of the cities")
    @app_commands.choices(order=ORDER_CHOICES)
    async def letter_finalise(
        self, interaction: discord.Interaction, ask: AskId, order: str | None = None
    ) -> None:
        """Coordinators: freeze the letter as a numbered version that never changes."""
        file = await call(
            interaction,
            letters.finalise,
            ask_id=ask,
            order=order or SignOrder.ALPHABETICAL,
            defer_after=RENDERS,
        )
        text = (
            f"Finalised version {file.version} of the letter for {_quoted(file.ask_title)}: "
            f"{_plural(file.signatory_count, 'signatory', 'signatories')}, sha256 "
            f"`{file.short_hash}`. Exporting version {file.version} gives these exact bytes "
            "forever, whatever changes later."
        )
        try:
            letters.ensure_uploadable(file, self.upload_limit(interaction))
        except letters.LetterTooLarge as too_large:
            await respond(interaction, content=f"{text}\n{too_large.message}")
            return
        await respond(interaction, content=text, file=self.as_file(file))

    @letter.command(name="versions")
    @app_commands.describe(ask="The ask whose finalised letters to list")
    async def letter_versions(self, interaction: discord.Interaction, ask: AskId) -> None:
        """List the finalised versions of an ask's letter."""
        rows = await call(interaction, letters.versions, ask, read_only=True)
        if not rows:
            await respond(
                interaction,
                content="This letter has no finalised version yet. Coordinators create one with "
                "/letter finalise.",
            )
            return
        lines = [
            f"**v{v.number}** · {format_dt(v.created_at, 'D')} · "
            f"{_plural(v.signatory_count, 'signatory', 'signatories')} · `{v.short_hash}` · "
            f"{ORDER_LABELS.get(v.order, v.order)} · ask version {v.ask_version}"
            for v in rows
        ]
        embed = discord.Embed(
            title="Finalised letters",
            description="\n".join(lines[-30:]),
            colour=discord.Colour.blue(),
        )
        if len(lines) > 30:
            embed.set_footer(text=f"The latest 30 of {len(lines)} versions.")
        await respond(interaction, embed=embed)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(LettersCog(bot))
