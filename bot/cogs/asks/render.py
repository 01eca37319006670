"""What /ask shows: embeds and lines built from the asks service's results (no Discord calls)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.db.models.enums import AskEventKind, AskStatus
from bot.services import asks
from bot.text import plain
from bot.ui import limits, render
from bot.ui.progress import progress_bar

# The prompt of /ask sign keeps the typed note in a field of this name, so the Confirm button
# finds it again after a restart.
NOTE_FIELD = "Your note"


def _signed_line(s: asks.SignatoryInfo) -> str:
    who = render.user_line(s.user_id) + (f", {plain(s.title)}" if s.title else "")
    return f"**{plain(s.city_name)}** ({plain(s.country)}) — {who} — {render.day(s.signed_at)}"


def signatory_sections(sig: asks.Signatories) -> list[tuple[str, list[str]]]:
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


def deadline_text(deadline: datetime | None, note: str | None = None) -> str:
    text = render.when(deadline)
    return f"{text}\n{note}" if note else text


def ask_embed(
    title: str,
    text: str,
    target: str,
    *,
    version: int,
    deadline: datetime | None,
    coalition: str,
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


def created_embed(a: asks.AskCreated) -> discord.Embed:
    return ask_embed(
        a.title,
        a.text,
        a.target,
        version=a.version,
        deadline=a.deadline,
        coalition=a.coalition_name,
    )


def list_embeds(found: Sequence[asks.AskSummary], wanted: str) -> list[discord.Embed]:
    """/ask list: one line per ask with its progress, 20 a page."""
    lines = []
    for a in found:
        bar = progress_bar(a.signed, a.total)
        line = f"**{plain(a.title)}** — {a.signed} of {a.total} signed `{bar}`"
        if a.deadline:
            line += f" — due {discord.utils.format_dt(a.deadline, 'R')}"
        if a.status != AskStatus.OPEN:
            line += " (closed)"
        lines.append(line)
    title = f"Asks of {plain(found[0].coalition_name)} ({wanted})"
    return limits.paginate_lines(title, lines, per_page=20, colour=render.COLOUR)


def show_embeds(d: asks.AskDetail) -> list[discord.Embed]:
    """/ask show: the ask itself, then its signatories over as many embeds as they need."""
    main = ask_embed(
        d.title,
        d.text,
        d.target,
        version=d.version,
        deadline=d.deadline,
        coalition=d.coalition_name,
    )
    status = "open" if d.status == AskStatus.OPEN else f"closed {render.when(d.closed_at)}"
    main.add_field(name="Status", value=status)
    main.add_field(name="Progress", value=render.progress(d.signed, d.total), inline=False)
    lists = render.sectioned_embeds(
        f"Signatories of {plain(d.title)}", signatory_sections(d.signatories), empty="none"
    )
    return [main, *lists]


def signatories_embeds(sig: asks.Signatories) -> list[discord.Embed]:
    return render.sectioned_embeds(
        f"Signatories of {plain(sig.title)} (version {sig.version})",
        signatory_sections(sig),
        description=render.progress(sig.signed_count, sig.total),
        empty="none",
    )


def sign_prompt(p: asks.SignPrompt, note: str | None) -> tuple[str, discord.Embed]:
    """/ask sign: the text to read before Confirm, and the sentence above it."""
    embed = ask_embed(
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
    return intro, limits.fit_embed(embed)


_HISTORY_VERBS: dict[str, str] = {
    AskEventKind.CREATED: "created the ask",
    AskEventKind.EDITED: "edited it",
    AskEventKind.SIGNED: "signed",
    AskEventKind.RECONFIRMED: "re-confirmed",
    AskEventKind.WITHDRAWN: "withdrew",
    AskEventKind.LEFT: "ended the signature",
    AskEventKind.CLOSED: "closed it",
    AskEventKind.REOPENED: "reopened it",
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


def history_embeds(events: Sequence[asks.AskEventInfo]) -> list[discord.Embed]:
    return limits.paginate_lines(
        "History", [_history_line(e) for e in events], per_page=25, colour=render.COLOUR
    )


def code_block(text: str, limit: int) -> str:
    # A ``` inside the diff would end the block early.
    body = text.replace("```", "ʼʼʼ")
    return f"```diff\n{limits.truncate(body, limit - 12)}\n```"


def stale_edit(e: asks.AskEditedMeanwhile) -> tuple[str, discord.Embed]:
    """The form was opened on an older version: what changed since, and who changed it."""
    embed = discord.Embed(
        title=limits.truncate(
            f"Changed since you opened the form (version {e.opened_version} → {e.current_version})",
            limits.EMBED_TITLE,
        ),
        description=code_block(e.diff or "(title, target and text unchanged)", 1600),
        colour=discord.Colour.orange(),
    )
    content = (
        f"{e.message}\nLast edited by {render.user_line(e.edited_by)} {render.when(e.edited_at)}."
    )
    return limits.truncate(content, limits.CONTENT), embed


def reconfirmation_dm(r: asks.EditResult, rec: asks.Recipient) -> discord.Embed:
    """The DM asking a representative to re-confirm after an edit (with the diff)."""
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
    embed.description = intro + code_block(r.diff, limits.EMBED_DESCRIPTION - len(intro))
    return embed


def edit_summary(r: asks.EditResult, unreachable: Sequence[asks.Recipient]) -> str:
    """What /ask edit changed, and whom the re-confirmation DMs reached."""
    lines = [f'Edited "{r.title}" (changed: {", ".join(r.changed)}).']
    if "deadline" in r.changed:
        lines.append(f"Deadline: {deadline_text(r.deadline, r.deadline_note)}")
    if r.new_version:
        lines.append(
            f"It is now version {r.version}. Cities that signed version {r.old_version} need "
            "to re-confirm before they count as signed again."
        )
        reached = len(r.to_notify) - len(unreachable)
        if reached:
            lines.append(f"I sent {reached} representative(s) a DM with a Confirm button.")
        if unreachable:
            who = ", ".join(f"{render.user_line(x.user_id)} ({x.city_name})" for x in unreachable)
            lines.append(
                f"I could not DM {who}: they don't accept DMs from me. Ask them to run "
                "/ask sign to re-confirm."
            )
    return limits.truncate("\n".join(lines), limits.CONTENT)
