"""/ask: policy asks, sign-ons, withdrawals, edits with re-confirmation, and their history.

Replies are ephemeral (shows and lists included); the coalition's channel gets short public
announcements of new asks, sign-ons and withdrawals, without pings. The Confirm/Cancel buttons
of /ask sign and the Confirm button of the re-confirmation DM are persistent: they work after
a restart, and the service checks who pressed them.
"""

from __future__ import annotations

import re
from datetime import UTC
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs.common import (
    actor_of,
    ask_autocomplete,
    bot_of,
    call,
    coalition_autocomplete,
    my_city_autocomplete,
    optional_id,
    parse_id,
    respond,
    timezone_autocomplete,
)
from bot.errors import NotFound, PermissionDenied, UserFacingError
from bot.interactions import BaseModal, BaseView, guarded
from bot.services import asks
from bot.services.common import Actor
from bot.text import plain
from bot.ui import limits, render
from bot.ui.progress import progress_bar

NOTE_FIELD = "Your note"
DEADLINE_FORMAT = "%Y-%m-%d %H:%M"
STATUS_CHOICES = [
    app_commands.Choice(name="Open", value="open"),
    app_commands.Choice(name="Closed", value="closed"),
    app_commands.Choice(name="All", value="all"),
]


# --- rendering ---


def _signed_line(s: asks.SignatoryInfo) -> str:
    who = render.user_line(s.user_id) + (f", {plain(s.title)}" if s.title else "")
    return f"**{plain(s.city_name)}** ({plain(s.country)}) — {who} — {render.day(s.signed_at)}"


def _signatory_sections(sig: asks.Signatories) -> list[tuple[str, list[str]]]:
    stale = [
        f"**{plain(s.city_name)}** ({plain(s.country)}) — signed version {s.confirmed_version} "
        f"({render.user_line(s.confirmed_by)})"
        for s in sig.needs_reconfirmation
    ]
    withdrawn = [
        f"**{plain(w.city_name)}** ({plain(w.country)}) — {render.day(w.withdrawn_at)} by "
        f"{render.user_line(w.withdrawn_by)}: {limits.truncate(plain(w.reason), 300)}"
        for w in sig.withdrawn
    ]
    missing = [f"{plain(m.city_name)} ({plain(m.country)})" for m in sig.missing]
    sections = [(f"Signed ({len(sig.signed)})", [_signed_line(s) for s in sig.signed])]
    if stale:
        sections.append((f"Needs re-confirmation ({len(stale)})", stale))
    sections.append((f"Withdrawn ({len(withdrawn)})", withdrawn))
    if sig.left:
        left = [render.left_line(x) for x in sig.left]
        sections.append((f"Left the coalition ({len(left)})", left))
    sections.append((f"Missing ({len(missing)})", missing))
    return sections


def _deadline_text(deadline: Any, note: str | None = None) -> str:
    text = render.when(deadline)
    return f"{text}\n{note}" if note else text


def _ask_embed(
    title: str, text: str, target: str, *, version: int, deadline: Any, coalition: str
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


_HISTORY_VERBS = {
    "created": "created the ask",
    "edited": "edited it",
    "signed": "signed",
    "reconfirmed": "re-confirmed",
    "withdrawn": "withdrew",
    "left": "ended the signature",
    "closed": "closed it",
    "reopened": "reopened it",
}


def _history_line(e: asks.AskEventInfo) -> str:
    verb = _HISTORY_VERBS.get(e.kind, e.kind)
    line = f"{discord.utils.format_dt(e.at, 'f')} — {render.user_line(e.user_id)} {verb}"
    if e.city_name:
        line += f" for {plain(e.city_name)}"
    if e.version:
        line += f" (version {e.version})"
    if e.detail:
        line += f": {limits.truncate(plain(' '.join(e.detail.split())), 200)}"
    return line


def _code_block(text: str, limit: int) -> str:
    # A ``` inside the diff would end the block early.
    body = text.replace("```", "ʼʼʼ")
    return f"```diff\n{limits.truncate(body, limit - 12)}\n```"


# --- persistent buttons ---

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


class SignConfirmButton(_AskButton, template=r"sign:confirm:" + _IDS):
    prefix, label, style = "sign:confirm", "Confirm", discord.ButtonStyle.success

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            # call(): a slow database defers the click in time instead of letting it expire.
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
        await _announce_progress(interaction, r.channel_id, f"{plain(r.city_name)} {done}", r)


class SignCancelButton(_AskButton, template=r"sign:cancel:" + _IDS):
    prefix, label, style = "sign:cancel", "Cancel", discord.ButtonStyle.secondary

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.edit_message(
            content="Not signed. Nothing was recorded; run /ask sign again whenever you like.",
            view=None,
        )


class ReconfirmButton(_AskButton, template=r"reconfirm:" + _IDS):
    prefix, label, style = "reconfirm", "Confirm", discord.ButtonStyle.success

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        async with bot.uow() as uow:
            if interaction.guild_id is None:
                # Pressed in a DM: act in the ask's server as an ordinary member; the service
                # still requires a verified representative of the city there.
                guild_id = await asks.guild_of_ask(uow, self.ask_id)
                actor = Actor(guild_id=guild_id, user_id=interaction.user.id)
            else:
                actor = actor_of(interaction)
            refusal: asks.AskChanged | asks.AlreadyConfirmed | None = None
            try:
                r = await asks.reconfirm(
                    uow, actor, ask_id=self.ask_id, city_id=self.city_id, version=self.version
                )
            except (asks.AskChanged, asks.AlreadyConfirmed) as e:
                refusal = e
        if isinstance(refusal, asks.AlreadyConfirmed):
            # Pressed twice, or by two representatives at once: one re-confirmation counts.
            await interaction.response.edit_message(
                content=f"{plain(refusal.city_name)} already re-confirmed version "
                f"{refusal.version} {render.when(refusal.confirmed_at)}. Nothing more to do.",
                view=None,
            )
            return
        if isinstance(refusal, asks.AskChanged):
            await interaction.response.edit_message(
                content=f"The ask was edited again (it is now version {refusal.current_version})."
                " Run /ask sign in the server to read the new text and re-confirm.",
                view=None,
            )
            return
        await interaction.response.edit_message(
            content=f"Re-confirmed: {plain(r.city_name)} stands behind version {r.version} of "
            f'"{plain(r.title)}" ({render.when(r.confirmed_at)}).\n'
            f"{render.progress(r.signed, r.total)}",
            view=None,
        )
        await _announce_progress(
            interaction, r.channel_id, f"{plain(r.city_name)} re-confirmed", r, quiet=True
        )


async def _announce_progress(
    interaction: discord.Interaction,
    channel_id: int | None,
    what: str,
    r: asks.SignResult | asks.WithdrawResult,
    *,
    quiet: bool = False,
) -> None:
    problem = await render.announce(
        interaction,
        channel_id,
        content=f'{what} "{plain(r.title)}". {render.progress(r.signed, r.total)}',
    )
    if not quiet:
        await render.tell_if_failed(interaction, problem)


# --- the ask form (create and edit) ---


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
        self.ask_title = discord.ui.TextInput(
            label="Title", custom_id="title", max_length=asks.TITLE_LEN, default=title or None
        )
        self.target = discord.ui.TextInput(
            label="Target (the decision-maker)",
            custom_id="target",
            max_length=asks.TARGET_LEN,
            default=target or None,
        )
        self.text = discord.ui.TextInput(
            label="Ask text",
            custom_id="text",
            style=discord.TextStyle.paragraph,
            max_length=asks.BODY_LEN,
            default=text or None,
        )
        self.deadline = discord.ui.TextInput(
            label="Deadline (YYYY-MM-DD HH:MM, optional)",
            custom_id="deadline",
            required=False,
            max_length=40,
            placeholder="2026-05-14 18:00",
            default=deadline or None,
        )
        self.tz = discord.ui.TextInput(
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
            await interaction.response.send_message(
                f"{e.message}\nNothing was saved. Press the button to fix it; your text is kept.",
                view=RetryView(self.again()),
                ephemeral=True,
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
        bot = bot_of(interaction)
        v = self.values()
        async with bot.uow() as uow:
            a = await asks.create_ask(
                uow,
                actor_of(interaction),
                coalition_id=self.coalition_id,
                title=v["title"],
                target=v["target"],
                text=v["text"],
                deadline_text=v["deadline"] or None,
                tz_name=v["tz"] or None,
                now=bot.clock.now(),
            )
        deadline = _deadline_text(a.deadline, a.deadline_note)
        await interaction.response.send_message(
            f'Created "{a.title}" in {a.coalition_name}. Deadline: {deadline}\n'
            "Representatives of member cities sign it with /ask sign.",
            ephemeral=True,
        )
        embed = _ask_embed(
            a.title,
            a.text,
            a.target,
            version=a.version,
            deadline=a.deadline,
            coalition=a.coalition_name,
        )
        problem = await render.announce(
            interaction,
            a.channel_id,
            content=f"New ask in {plain(a.coalition_name)}. Representatives: read it and sign with "
            "/ask sign.",
            embed=embed,
        )
        await render.tell_if_failed(interaction, problem)


class EditAskForm(AskForm):
    def __init__(self, form: asks.EditForm, **values: str) -> None:
        self.form = form
        self.prefilled_deadline = (
            form.deadline.astimezone(UTC).strftime(DEADLINE_FORMAT) if form.deadline else ""
        )
        defaults = {
            "title": form.title,
            "target": form.target,
            "text": form.text,
            "deadline": self.prefilled_deadline,
            "tz": "UTC" if form.deadline else "",
        }
        super().__init__(heading=f"Edit ask: {form.title}", **{**defaults, **values})

    def again(self) -> AskForm:
        return EditAskForm(self.form, **self.values())

    async def submit(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        v = self.values()
        deadline_text: str | None = None
        tz: str | None = None
        clear = False
        typed = v["deadline"].strip()
        if not typed:
            clear = self.form.deadline is not None
        elif not (typed == self.prefilled_deadline and v["tz"].strip() == "UTC"):
            deadline_text, tz = typed, v["tz"] or None
        try:
            async with bot.uow() as uow:
                r = await asks.edit_ask(
                    uow,
                    actor_of(interaction),
                    ask_id=self.form.ask_id,
                    title=v["title"],
                    target=v["target"],
                    text=v["text"],
                    deadline_text=deadline_text,
                    tz_name=tz,
                    clear_deadline=clear,
                    expected_version=self.form.version,
                    now=bot.clock.now(),
                )
        except asks.AskEditedMeanwhile as e:
            await _refuse_stale_edit(interaction, e)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        unreachable = await _send_reconfirmation_dms(bot, r) if r.to_notify else []
        lines = [f'Edited "{r.title}" (changed: {", ".join(r.changed)}).']
        if "deadline" in r.changed:
            lines.append(f"Deadline: {_deadline_text(r.deadline, r.deadline_note)}")
        if r.new_version:
            lines.append(
                f"It is now version {r.version}. Cities that signed version {r.old_version} need "
                "to re-confirm before they count as signed again."
            )
            reached = len(r.to_notify) - len(unreachable)
            if reached:
                lines.append(f"I sent {reached} representative(s) a DM with a Confirm button.")
            if unreachable:
                who = ", ".join(
                    f"{render.user_line(x.user_id)} ({x.city_name})" for x in unreachable
                )
                lines.append(
                    f"I could not DM {who}: they don't accept DMs from me. Ask them to run "
                    "/ask sign to re-confirm."
                )
        await interaction.followup.send(
            limits.truncate("\n".join(lines), limits.CONTENT), ephemeral=True
        )


async def _refuse_stale_edit(interaction: discord.Interaction, e: asks.AskEditedMeanwhile) -> None:
    """The form was opened on an older version: show what changed since, and offer to reopen
    the form on the current text (their own typing would overwrite the other edit)."""
    embed = discord.Embed(
        title=limits.truncate(
            f"Changed since you opened the form (version {e.opened_version} → {e.current_version})",
            limits.EMBED_TITLE,
        ),
        description=_code_block(e.diff or "(title, target and text unchanged)", 1600),
        colour=discord.Colour.orange(),
    )
    content = (
        f"{e.message}\nLast edited by {render.user_line(e.edited_by)} {render.when(e.edited_at)}."
    )
    view = discord.ui.View(timeout=None)
    view.add_item(ReopenEditButton(e.ask_id))
    await interaction.response.send_message(
        limits.truncate(content, limits.CONTENT), embed=embed, view=view, ephemeral=True
    )


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
        async with bot_of(interaction).uow(read_only=True) as uow:
            form = await asks.edit_form(uow, actor_of(interaction), self.ask_id)
        await interaction.response.send_modal(EditAskForm(form))


async def _send_reconfirmation_dms(bot: Any, r: asks.EditResult) -> list[asks.Recipient]:
    """DM each representative the change and a Confirm button; return whom we could not reach."""
    unreachable: list[asks.Recipient] = []
    for rec in r.to_notify:
        embed = discord.Embed(
            title=limits.truncate(f"Please re-confirm: {plain(r.title)}", limits.EMBED_TITLE),
            colour=discord.Colour.orange(),
        )
        intro = (
            f"The ask was edited (version {r.old_version} → {r.version}). {plain(rec.city_name)} "
            "signed the earlier text, so its signature no longer counts until you re-confirm.\n"
            "Press Confirm to stand behind the new text, or run /ask sign in the server to read "
            "it in full.\n\n"
        )
        embed.description = intro + _code_block(r.diff, limits.EMBED_DESCRIPTION - len(intro))
        view = discord.ui.View(timeout=None)
        view.add_item(ReconfirmButton(r.ask_id, rec.city_id, r.version))
        try:
            channel = await bot.create_dm(discord.Object(id=rec.user_id))
            await channel.send(embed=embed, view=view)
        except discord.HTTPException:
            # 50007: the user closed their DMs. Reported to the coordinator, not swallowed.
            unreachable.append(rec)
    return unreachable


# --- the commands ---


@app_commands.guild_only()
class AsksCog(commands.GroupCog, group_name="ask", group_description="Policy asks and sign-ons"):
    @app_commands.command(name="create")
    @app_commands.describe(
        coalition="The coalition making the ask",
        timezone="Time zone for the deadline (fills in the form)",
    )
    @app_commands.autocomplete(coalition=coalition_autocomplete, timezone=timezone_autocomplete)
    async def ask_create(
        self, interaction: discord.Interaction, coalition: str, timezone: str | None = None
    ) -> None:
        """Write a new policy ask for a coalition (coordinators)."""
        coalition_id = parse_id(coalition, "coalition")
        async with bot_of(interaction).uow(read_only=True) as uow:
            name = await asks.coalition_for_new_ask(uow, actor_of(interaction), coalition_id)
        await interaction.response.send_modal(
            CreateAskForm(coalition_id, name, tz=(timezone or "")[:64])
        )

    @app_commands.command(name="list")
    @app_commands.describe(coalition="The coalition", status="Open (default), closed or all")
    @app_commands.autocomplete(coalition=coalition_autocomplete)
    @app_commands.choices(status=STATUS_CHOICES)
    async def ask_list(
        self,
        interaction: discord.Interaction,
        coalition: str,
        status: app_commands.Choice[str] | None = None,
    ) -> None:
        """List a coalition's asks with their progress."""
        wanted = status.value if status else "open"
        async with bot_of(interaction).uow(read_only=True) as uow:
            found = await asks.list_asks(
                uow,
                actor_of(interaction),
                coalition_id=parse_id(coalition, "coalition"),
                status=wanted,
            )
        if not found:
            which = "" if wanted == "all" else f"{wanted} "
            await interaction.response.send_message(
                f"There are no {which}asks in this coalition.", ephemeral=True
            )
            return
        lines = []
        for a in found:
            bar = progress_bar(a.signed, a.total)
            line = f"**{plain(a.title)}** — {a.signed} of {a.total} signed `{bar}`"
            if a.deadline:
                line += f" — due {discord.utils.format_dt(a.deadline, 'R')}"
            if a.status != "open":
                line += " (closed)"
            lines.append(line)
        title = f"Asks of {plain(found[0].coalition_name)} ({wanted})"
        await render.send_embeds(
            interaction, limits.paginate_lines(title, lines, per_page=20, colour=render.COLOUR)
        )

    @app_commands.command(name="show")
    @app_commands.describe(ask="The ask to show")
    @app_commands.autocomplete(ask=ask_autocomplete)
    async def ask_show(self, interaction: discord.Interaction, ask: str) -> None:
        """Show an ask: text, target, deadline, progress and who signed."""
        async with bot_of(interaction).uow(read_only=True) as uow:
            d = await asks.show_ask(uow, actor_of(interaction), parse_id(ask, "ask"))
        main = _ask_embed(
            d.title,
            d.text,
            d.target,
            version=d.version,
            deadline=d.deadline,
            coalition=d.coalition_name,
        )
        status = "open" if d.status == "open" else f"closed {render.when(d.closed_at)}"
        main.add_field(name="Status", value=status)
        main.add_field(name="Progress", value=render.progress(d.signed, d.total), inline=False)
        lists = render.sectioned_embeds(
            f"Signatories of {plain(d.title)}", _signatory_sections(d.signatories), empty="none"
        )
        await render.send_embeds(interaction, [main, *lists])

    @app_commands.command(name="sign")
    @app_commands.describe(
        ask="The ask to sign",
        city="Your city (if you represent several)",
        note="A short note kept with your signature (optional)",
    )
    @app_commands.autocomplete(ask=ask_autocomplete, city=my_city_autocomplete)
    async def ask_sign(
        self,
        interaction: discord.Interaction,
        ask: str,
        city: str | None = None,
        note: app_commands.Range[str, 1, asks.NOTE_LEN] | None = None,
    ) -> None:
        """Sign an ask for your city (you confirm after reading it)."""
        try:
            p = await call(
                interaction,
                asks.prepare_sign,
                ask_id=parse_id(ask, "ask"),
                city_id=optional_id(city, "city"),
                read_only=True,
            )
        except asks.AlreadySigned as e:
            await respond(
                interaction, content=f"{e.city_name} already signed on {render.when(e.signed_at)}."
            )
            return
        embed = _ask_embed(
            p.title,
            p.text,
            p.target,
            version=p.version,
            deadline=p.deadline,
            coalition=p.coalition_name,
        )
        signer = plain(p.city_name) + (f" — as {plain(p.signer_title)}" if p.signer_title else "")
        embed.add_field(name="Signing for", value=limits.truncate(signer, limits.FIELD_VALUE))
        if note:
            embed.add_field(
                name=NOTE_FIELD, value=limits.truncate(note, limits.FIELD_VALUE), inline=False
            )
        if p.needs_reconfirmation:
            intro = (
                f"{p.city_name} signed an earlier version. Read the new text below; Confirm to "
                "re-confirm the signature."
            )
        else:
            intro = f"Read the ask below. Confirm to sign it for {p.city_name}."
        view = discord.ui.View(timeout=None)
        view.add_item(SignConfirmButton(p.ask_id, p.city_id, p.version))
        view.add_item(SignCancelButton(p.ask_id, p.city_id, p.version))
        await respond(interaction, content=intro, embed=limits.fit_embed(embed), view=view)

    @app_commands.command(name="withdraw")
    @app_commands.describe(
        ask="The ask to withdraw from",
        reason="Why your city withdraws (kept in the history)",
        city="Your city (if you represent several)",
    )
    @app_commands.autocomplete(ask=ask_autocomplete, city=my_city_autocomplete)
    async def ask_withdraw(
        self,
        interaction: discord.Interaction,
        ask: str,
        reason: app_commands.Range[str, 1, asks.REASON_LEN],
        city: str | None = None,
    ) -> None:
        """Withdraw your city's signature from an ask."""
        r = await call(
            interaction,
            asks.withdraw,
            ask_id=parse_id(ask, "ask"),
            reason=reason,
            city_id=optional_id(city, "city"),
        )
        await respond(
            interaction,
            content=f'{plain(r.city_name)} withdrew from "{plain(r.title)}" '
            f"{render.when(r.withdrawn_at)}. The reason is kept in /ask history.\n"
            f"{render.progress(r.signed, r.total)}",
        )
        await _announce_progress(
            interaction, r.channel_id, f"{plain(r.city_name)} withdrew from", r
        )

    @app_commands.command(name="signatories")
    @app_commands.describe(ask="The ask")
    @app_commands.autocomplete(ask=ask_autocomplete)
    async def ask_signatories(self, interaction: discord.Interaction, ask: str) -> None:
        """Who signed an ask, who withdrew, and which member cities are missing."""
        async with bot_of(interaction).uow(read_only=True) as uow:
            sig = await asks.signatories(uow, actor_of(interaction), parse_id(ask, "ask"))
        embeds = render.sectioned_embeds(
            f"Signatories of {plain(sig.title)} (version {sig.version})",
            _signatory_sections(sig),
            description=render.progress(sig.signed_count, sig.total),
            empty="none",
        )
        await render.send_embeds(interaction, embeds)

    @app_commands.command(name="edit")
    @app_commands.describe(ask="The ask to edit")
    @app_commands.autocomplete(ask=ask_autocomplete)
    async def ask_edit(self, interaction: discord.Interaction, ask: str) -> None:
        """Edit an ask; signatories are asked to re-confirm (coordinators)."""
        async with bot_of(interaction).uow(read_only=True) as uow:
            form = await asks.edit_form(uow, actor_of(interaction), parse_id(ask, "ask"))
        await interaction.response.send_modal(EditAskForm(form))

    @app_commands.command(name="close")
    @app_commands.describe(ask="The ask to close")
    @app_commands.autocomplete(ask=ask_autocomplete)
    async def ask_close(self, interaction: discord.Interaction, ask: str) -> None:
        """Close an ask to further sign-ons (coordinators)."""
        async with bot_of(interaction).uow() as uow:
            r = await asks.close_ask(uow, actor_of(interaction), parse_id(ask, "ask"))
        await interaction.response.send_message(
            f'"{plain(r.title)}" is closed: no more sign-ons or withdrawals. Reopen it with '
            "/ask reopen.",
            ephemeral=True,
        )

    @app_commands.command(name="reopen")
    @app_commands.describe(ask="The ask to reopen")
    @app_commands.autocomplete(ask=ask_autocomplete)
    async def ask_reopen(self, interaction: discord.Interaction, ask: str) -> None:
        """Reopen a closed ask (coordinators)."""
        async with bot_of(interaction).uow() as uow:
            r = await asks.reopen_ask(uow, actor_of(interaction), parse_id(ask, "ask"))
        await interaction.response.send_message(
            f'"{plain(r.title)}" is open again for sign-ons.', ephemeral=True
        )

    @app_commands.command(name="history")
    @app_commands.describe(ask="The ask")
    @app_commands.autocomplete(ask=ask_autocomplete)
    async def ask_history(self, interaction: discord.Interaction, ask: str) -> None:
        """Every event of an ask: who did what, and when."""
        async with bot_of(interaction).uow(read_only=True) as uow:
            events = await asks.history(uow, actor_of(interaction), parse_id(ask, "ask"))
        embeds = limits.paginate_lines(
            "History", [_history_line(e) for e in events], per_page=25, colour=render.COLOUR
        )
        await render.send_embeds(interaction, embeds)


async def setup(bot: commands.Bot) -> None:
    bot.add_dynamic_items(SignConfirmButton, SignCancelButton, ReconfirmButton, ReopenEditButton)
    await bot.add_cog(AsksCog())
