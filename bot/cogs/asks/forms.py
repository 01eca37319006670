"""The ask form (create and edit) and the two buttons that reopen it: "Fix and resubmit" after
a refused submit (the typed text is kept) and "Reopen on the new text" after an edit that
someone else's edit overtook. Those buttons build the form, so they live beside it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import discord

from bot.cogs.asks.render import deadline_text, edit_summary, stale_edit
from bot.cogs.asks.views import send_reconfirmation_dms
from bot.cogs.common import call, respond
from bot.errors import NotFound, PermissionDenied, UserFacingError
from bot.interactions import BaseModal, BaseView, guarded
from bot.services import asks
from bot.ui import limits, outbox_sender, render


def with_reading(reading: str, note: str | None) -> str | None:
    """The lines under a deadline: how a typed one was read ("(read as …)"), and any note."""
    lines = [f"({reading})" if reading else "", note or ""]
    return "\n".join(line for line in lines if line) or None


class AskForm(BaseModal):
    """Title, target, text, deadline and time zone: five inputs, Discord's maximum."""

    def __init__(
        self,
        *,
        heading: str,
        title: str = "",
        target: str = "",
        text: str = "",
        deadline: str = "",
        tz: str = "",
    ) -> None:
        super().__init__(title=limits.truncate(heading, limits.MODAL_TITLE), timeout=900)
        self.ask_title: discord.ui.TextInput[AskForm] = discord.ui.TextInput(
            label="Title", custom_id="title", max_length=asks.TITLE_LEN, default=title or None
        )
        self.target: discord.ui.TextInput[AskForm] = discord.ui.TextInput(
            label="Target (the decision-maker)",
            custom_id="target",
            max_length=asks.TARGET_LEN,
            default=target or None,
        )
        self.text: discord.ui.TextInput[AskForm] = discord.ui.TextInput(
            label="Ask text",
            custom_id="text",
            style=discord.TextStyle.paragraph,
            max_length=asks.BODY_LEN,
            default=text or None,
        )
        self.deadline: discord.ui.TextInput[AskForm] = discord.ui.TextInput(
            label="Deadline (YYYY-MM-DD HH:MM, optional)",
            custom_id="deadline",
            required=False,
            max_length=40,
            placeholder="2026-05-14 18:00",
            default=deadline or None,
        )
        self.tz: discord.ui.TextInput[AskForm] = discord.ui.TextInput(
            label="Time zone of the deadline",
            custom_id="tz",
            required=False,
            max_length=64,
            placeholder="Europe/Paris",
            default=tz or None,
        )
        for item in (self.ask_title, self.target, self.text, self.deadline, self.tz):
            self.add_item(item)

    def values(self) -> dict[str, str]:
        return {
            "title": self.ask_title.value,
            "target": self.target.value,
            "text": self.text.value,
            "deadline": self.deadline.value,
            "tz": self.tz.value,
        }

    def again(self) -> AskForm:
        raise NotImplementedError

    async def submit(self, interaction: discord.Interaction) -> None:
        raise NotImplementedError

    async def on_submit(self, interaction: discord.Interaction) -> None:
        try:
            await self.submit(interaction)
        except UserFacingError as e:
            # Not theirs to do, or not in this server: no retry can help, so one plain refusal.
            if interaction.response.is_done() or isinstance(e, PermissionDenied | NotFound):
                raise
            # Keep what they typed: one button reopens the form, filled in.
            await respond(
                interaction,
                content=f"{e.message}\nNothing was saved. Press the button to fix it; your text "
                "is kept.",
                view=RetryView(self.again()),
            )


class RetryView(BaseView):
    def __init__(self, form: AskForm) -> None:
        super().__init__(timeout=900)
        self.form = form

    @discord.ui.button(label="Fix and resubmit", style=discord.ButtonStyle.primary)
    async def retry(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await interaction.response.send_modal(self.form)


class CreateAskForm(AskForm):
    def __init__(self, coalition_id: int, coalition_name: str, **values: str) -> None:
        super().__init__(heading=f"New ask: {coalition_name}", **values)
        self.coalition_id, self.coalition_name = coalition_id, coalition_name

    def again(self) -> AskForm:
        return CreateAskForm(self.coalition_id, self.coalition_name, **self.values())

    async def submit(self, interaction: discord.Interaction) -> None:
        v = self.values()
        a = await call(
            interaction,
            asks.create_ask,
            coalition_id=self.coalition_id,
            title=v["title"],
            target=v["target"],
            text=v["text"],
            deadline_text=v["deadline"] or None,
            tz_name=v["tz"] or None,
            locale=str(interaction.locale),
        )
        deadline = deadline_text(a.deadline, with_reading(a.deadline_reading, a.deadline_note))
        await respond(
            interaction,
            content=f'Created "{a.title}" in {a.coalition_name}. Deadline: {deadline}\n'
            "Representatives of member cities sign it with /ask sign.",
        )
        # The announcement was queued with the ask (bot.services.outbox).
        problem = await outbox_sender.announcement_problem(interaction, a.outbox_ids)
        await render.tell_if_failed(interaction, problem)


class EditAskForm(AskForm):
    def __init__(self, form: asks.EditForm, **values: str) -> None:
        self.form = form
        # The deadline on the wall clock of the zone it was set in, and that zone: changing
        # only the date keeps its time of day.
        self.prefilled_deadline, self.prefilled_zone = form.deadline_boxes
        defaults = {
            "title": form.title,
            "target": form.target,
            "text": form.text,
            "deadline": self.prefilled_deadline,
            "tz": self.prefilled_zone,
        }
        super().__init__(heading=f"Edit ask: {form.title}", **{**defaults, **values})

    def again(self) -> AskForm:
        return EditAskForm(self.form, **self.values())

    async def submit(self, interaction: discord.Interaction) -> None:
        v = self.values()
        new_deadline: str | None = None
        tz: str | None = None
        clear = False
        typed = v["deadline"].strip()
        if not typed:
            clear = self.form.deadline is not None
        elif not (typed == self.prefilled_deadline and v["tz"].strip() == self.prefilled_zone):
            new_deadline, tz = typed, v["tz"] or None
        try:
            r = await call(
                interaction,
                asks.edit_ask,
                ask_id=self.form.ask_id,
                title=v["title"],
                target=v["target"],
                text=v["text"],
                deadline_text=new_deadline,
                tz_name=tz,
                clear_deadline=clear,
                expected_version=self.form.version,
                locale=str(interaction.locale),
            )
        except asks.AskEditedMeanwhile as e:
            # Their own typing would overwrite the other edit: show what changed since, and
            # offer to reopen the form on the current text.
            content, embed = stale_edit(e)
            view = discord.ui.View(timeout=None)
            view.add_item(ReopenEditButton(e.ask_id))
            await respond(interaction, content=content, embed=embed, view=view)
            return
        if r.to_notify and not interaction.response.is_done():
            # One DM per representative may outlast Discord's 3 s: acknowledge before sending.
            await interaction.response.defer(ephemeral=True, thinking=True)
        unreachable = await send_reconfirmation_dms(interaction, r) if r.to_notify else []
        shown = replace(r, deadline_note=with_reading(r.deadline_reading, r.deadline_note))
        await respond(interaction, content=edit_summary(shown, unreachable))


class ReopenEditButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"askedit:reopen:(?P<ask>[0-9]{1,10})"
):
    """Opens /ask edit again on the ask's current text and version (checked as /ask edit is)."""

    def __init__(self, ask_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Reopen on the new text",
                style=discord.ButtonStyle.primary,
                custom_id=f"askedit:reopen:{ask_id}",
            )
        )
        self.ask_id = ask_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ReopenEditButton:
        return cls(int(match["ask"]))

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        form = await call(interaction, asks.edit_form, self.ask_id, read_only=True, opens_form=True)
        await interaction.response.send_modal(EditAskForm(form))
