"""The /statement and /letter commands."""

from __future__ import annotations

import io
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs.common import call, respond
from bot.cogs.letters.forms import LetterSettingsModal, LetterSignatureModal, StatementModal
from bot.cogs.letters.render import (
    exported,
    missing_text,
    plural,
    preview_embed,
    quoted,
    version_line,
)
from bot.cogs.options import AskId, CityId, MyCityId
from bot.documents.model import ORDER_LABELS
from bot.services import letters, statements
from bot.services.letters import settings as letter_settings
from bot.text import plain
from bot.ui.limits import EMBED_DESCRIPTION, EMBED_TITLE, FIELD_VALUE, truncate

ORDER_CHOICES = [
    app_commands.Choice(name=label, value=value) for value, label in ORDER_LABELS.items()
]
FORMAT_CHOICES = [
    app_commands.Choice(name="Markdown (.md)", value="markdown"),
    app_commands.Choice(name="PDF", value="pdf"),
    app_commands.Choice(name="Word (.docx)", value="docx"),
]
LANGUAGE_CHOICES = [
    app_commands.Choice(name=name, value=code) for code, name in letters.LANGUAGE_NAMES.items()
]
PAPER_CHOICES = [
    app_commands.Choice(name="A4", value="A4"),
    app_commands.Choice(name="US Letter", value="Letter"),
]
FORM_CHOICES = [
    app_commands.Choice(name="the letter's words (subject, salutation, paragraphs)", value="words"),
    app_commands.Choice(
        name="the signature block (sender, organisation, contact)", value="signature"
    ),
]
# Rendering a letter is CPU work that can hold the event loop past call()'s timer:
# acknowledge these commands at once, as they always have been.
RENDERS = 0.0


class LettersCog(commands.Cog):
    statement = app_commands.Group(
        name="statement",
        description="Your city's position statement on an ask, for the shared letter",
        guild_only=True,
    )
    letter = app_commands.Group(
        name="letter",
        description="The shared letter of an ask, as Markdown, PDF or Word",
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
            value=f"{info.version} · {discord.utils.format_dt(info.created_at, 'F')} "
            f"by <@{info.user_id}>",
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
            f"{quoted(result.ask_title)}. It is no longer in the letter; earlier versions stay "
            "on record, and you can submit a new one any time with /statement submit.",
        )

    # --- /letter ---

    @letter.command(name="settings")
    @app_commands.describe(
        ask="The ask whose letter to set up",
        form="Which form to open (default: the letter's words)",
        language="The letter's language: its headings, dates, numbers and default texts",
        paper="Paper size of the PDF (default A4)",
        order="Order of the cities in the letter (default alphabetical)",
    )
    @app_commands.choices(
        form=FORM_CHOICES, language=LANGUAGE_CHOICES, paper=PAPER_CHOICES, order=ORDER_CHOICES
    )
    async def letter_settings(
        self,
        interaction: discord.Interaction,
        ask: AskId,
        form: str | None = None,
        language: str | None = None,
        paper: str | None = None,
        order: str | None = None,
    ) -> None:
        """Coordinators: the letter's subject, place, words, signature, language, paper, order."""
        current = await call(
            interaction, letters.get_settings, ask, read_only=True, opens_form=True
        )
        modal = LetterSignatureModal if form == "signature" else LetterSettingsModal
        await interaction.response.send_modal(
            modal(current, language=language, paper=paper, order=order)
        )

    @letter.command(name="authority")
    @app_commands.describe(
        ask="The ask whose letter it is",
        printed="Print each city's resolution or decision in the signatories table?",
    )
    @app_commands.rename(printed="print")
    async def letter_authority(
        self, interaction: discord.Interaction, ask: AskId, printed: Literal["yes", "no"]
    ) -> None:
        """Coordinators: print each city's basis (resolution or decision) in the letter."""
        r = await call(
            interaction, letter_settings.set_print_authority, ask_id=ask, on=printed == "yes"
        )
        if r.print_authority:
            text = (
                f'The letter of "{plain(r.ask_title)}" now prints each city\'s basis (council '
                "resolution or mayoral decision) in its signatories table."
            )
        else:
            text = f'The letter of "{plain(r.ask_title)}" no longer prints the cities\' basis.'
        await respond(interaction, content=text)

    @letter.command(name="preview")
    @app_commands.describe(
        ask="The ask whose letter to preview", order="Order of the cities (default: settings)"
    )
    @app_commands.choices(order=ORDER_CHOICES)
    async def letter_preview(
        self, interaction: discord.Interaction, ask: AskId, order: str | None = None
    ) -> None:
        """Coordinators: what is missing from the letter, then the letter as it stands."""
        result = await call(
            interaction,
            letters.preview,
            ask_id=ask,
            order=order,
            read_only=True,
            defer_after=RENDERS,
        )
        letters.ensure_uploadable(result.file, self.upload_limit(interaction))
        await respond(
            interaction,
            content=missing_text(result.missing),
            embed=preview_embed(result),
            file=self.as_file(result.file),
        )

    @letter.command(name="export")
    @app_commands.describe(
        ask="The ask whose letter to export",
        order="Order of the cities (live letter only; default: settings)",
        version="A finalised version number (see /letter versions): its exact, frozen text",
        format="Markdown (default), PDF or Word",
    )
    @app_commands.choices(order=ORDER_CHOICES, format=FORMAT_CHOICES)
    async def letter_export(
        self,
        interaction: discord.Interaction,
        ask: AskId,
        order: str | None = None,
        version: app_commands.Range[int, 1, 1_000_000] | None = None,
        format: str | None = None,
    ) -> None:
        """Download the shared letter as Markdown, PDF or Word."""
        file = await call(
            interaction,
            letters.export,
            ask_id=ask,
            order=order,
            version=version,
            fmt=format,
            read_only=True,
            defer_after=RENDERS,
        )
        letters.ensure_uploadable(file, self.upload_limit(interaction))
        await respond(interaction, content=exported(file, order), file=self.as_file(file))

    @letter.command(name="finalise")
    @app_commands.describe(
        ask="The ask whose letter to freeze", order="Order of the cities (default: settings)"
    )
    @app_commands.choices(order=ORDER_CHOICES)
    async def letter_finalise(
        self, interaction: discord.Interaction, ask: AskId, order: str | None = None
    ) -> None:
        """Coordinators: freeze the letter as a numbered version that never changes."""
        file = await call(
            interaction, letters.finalise, ask_id=ask, order=order, defer_after=RENDERS
        )
        text = (
            f"Finalised version {file.version} of the letter for {quoted(file.ask_title)}: "
            f"{plural(file.signatory_count, 'signatory', 'signatories')}. "
            f"Exporting version {file.version} gives these exact bytes "
            "forever, whatever changes later, in Markdown, PDF or Word."
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
        lines = [version_line(v) for v in rows]
        embed = discord.Embed(
            title="Finalised letters",
            description="\n".join(lines[-30:]),
            colour=discord.Colour.blue(),
        )
        if len(lines) > 30:
            embed.set_footer(text=f"The latest 30 of {len(lines)} versions.")
        await respond(interaction, embed=embed)
