"""The forms: a city's statement, and the two forms of /letter settings.

Discord lets a form hold five inputs, and the letter's settings are eight texts and three
fixed choices. The choices (language, paper, city order) are options of /letter settings, where
Discord offers them as lists and refuses anything else; the texts are split by meaning into
*the letter's words* (subject, place, salutation, opening, closing: five) and *the signature
block* (sender's name, organisation, contact lines: three), chosen with the command's ``form``
option. A form cannot open another form, and a button between two forms would be one more
step that can expire; each form stays editable on its own, pre-filled with what is saved.
"""

from __future__ import annotations

import discord

from bot.cogs.common import call, respond
from bot.cogs.letters.render import quoted, settings_saved
from bot.interactions import BaseModal
from bot.services import letters, statements
from bot.text import plain
from bot.ui.limits import MODAL_TITLE, TEXT_INPUT, truncate

PRINTED = "Printed in the letter under your city's statement and in its signatories table."


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
            label="Your name, as printed in the letter",
            custom_id="name",
            max_length=statements.NAME_MAX,
            default=truncate(prompt.signatory_name or display_name, statements.NAME_MAX),
            placeholder=PRINTED,
        )
        self.signatory_title: discord.ui.TextInput[StatementModal] = discord.ui.TextInput(
            label="Your title, as printed in the letter",
            custom_id="title",
            max_length=statements.TITLE_MAX,
            required=False,
            default=prompt.signatory_title,
            placeholder="e.g. Deputy Mayor for Climate (printed in the letter)",
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
        text = f"Saved {city}'s statement on {quoted(info.ask_title)} (version {info.version})."
        if info.in_letter:
            text += " It is in the letter."
        else:
            text += (
                f" It will appear in the letter once {city} has signed the current version of "
                "the ask (/ask sign)."
            )
        await respond(interaction, content=text)


class _SettingsForm(BaseModal):
    """A settings form; it carries the command's choices, saved with it."""

    def __init__(
        self,
        title: str,
        current: letters.LetterSettingsInfo,
        *,
        language: str | None,
        paper: str | None,
        order: str | None,
    ) -> None:
        super().__init__(title=title)
        self.ask_id = current.ask_id
        self.language, self.paper, self.order = language, paper, order

    def _text(
        self,
        label: str,
        key: str,
        value: str,
        max_length: int,
        *,
        paragraph: bool = False,
        placeholder: str | None = None,
    ) -> discord.ui.TextInput[_SettingsForm]:
        item: discord.ui.TextInput[_SettingsForm] = discord.ui.TextInput(
            label=label,
            custom_id=key,
            style=discord.TextStyle.paragraph if paragraph else discord.TextStyle.short,
            max_length=min(max_length, TEXT_INPUT),
            required=False,
            default=value or None,
            placeholder=placeholder,
        )
        self.add_item(item)
        return item


class LetterSettingsModal(_SettingsForm):
    """The letter's words: subject, place, salutation, opening and closing."""

    def __init__(
        self,
        current: letters.LetterSettingsInfo,
        *,
        language: str | None = None,
        paper: str | None = None,
        order: str | None = None,
    ) -> None:
        super().__init__("Letter: its words", current, language=language, paper=paper, order=order)
        self.subject = self._text(
            "Subject (optional)",
            "subject",
            current.subject,
            letters.SUBJECT_LEN,
            placeholder="e.g. Joint request: car-free city centres by 2030",
        )
        self.place = self._text(
            "Place, before the date (optional)",
            "place",
            current.place,
            letters.PLACE_LEN,
            placeholder="e.g. Lyon",
        )
        self.salutation = self._text(
            "Salutation", "salutation", current.salutation, letters.SALUTATION_LEN
        )
        self.opening = self._text(
            "Opening paragraph", "opening", current.opening, letters.OPENING_LEN, paragraph=True
        )
        self.closing = self._text(
            "Closing paragraph", "closing", current.closing, letters.CLOSING_LEN, paragraph=True
        )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        saved = await call(
            interaction,
            letters.save_settings,
            ask_id=self.ask_id,
            subject=self.subject.value,
            place=self.place.value,
            salutation=self.salutation.value,
            opening=self.opening.value,
            closing=self.closing.value,
            language=self.language,
            paper=self.paper,
            order=self.order,
        )
        await respond(
            interaction,
            content=settings_saved(
                "the opening and closing paragraphs, subject, place and salutation", saved
            ),
        )


class LetterSignatureModal(_SettingsForm):
    """The signature block: the sender's name, the organisation, the contact lines."""

    def __init__(
        self,
        current: letters.LetterSettingsInfo,
        *,
        language: str | None = None,
        paper: str | None = None,
        order: str | None = None,
    ) -> None:
        super().__init__(
            "Letter: signature block", current, language=language, paper=paper, order=order
        )
        self.sender = self._text("Sender's name", "sender", current.sender, letters.SENDER_LEN)
        self.organisation = self._text(
            "Organisation (optional)",
            "organisation",
            current.organisation,
            letters.ORGANISATION_LEN,
            placeholder="e.g. Secretariat of the Clean Air Alliance",
        )
        self.contact = self._text(
            "Contact: e-mail, phone, address (optional)",
            "contact",
            current.contact,
            letters.CONTACT_LEN,
            paragraph=True,
            placeholder="One per line, up to 6 lines",
        )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        saved = await call(
            interaction,
            letters.save_settings,
            ask_id=self.ask_id,
            sender=self.sender.value,
            organisation=self.organisation.value,
            contact=self.contact.value,
            language=self.language,
            paper=self.paper,
            order=self.order,
        )
        await respond(
            interaction,
            content=settings_saved("the signature block (sender, organisation, contact)", saved),
        )
