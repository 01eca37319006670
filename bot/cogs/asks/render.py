"""What /ask shows: embeds and lines built from the asks service's results (no Discord calls)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.db.models.enums import AskEventKind, AskStatus
from bot.services import asks, goals
from bot.services.asks.results import Basis
from bot.text import plain
from bot.ui import limits, render
from bot.ui.announcements import ask_embed, code_block
from bot.ui.progress import progress_bar

# The prompt of /ask sign keeps the typed note in a field of this name, so the Confirm button
# finds it again after a restart.
NOTE_FIELD = "Your note"
# Likewise the basis given with /ask sign (kind, reference, date, URL), read back by Confirm.
BASIS_FIELDS = ("Basis", "Reference", "Date of the basis", "Basis URL")


def basis_text(basis: Basis) -> str:
    """A sign-on's proof of authority in one line (the URL left as a link)."""
    text = f"{basis.kind_words} {plain(basis.reference)}"
    if basis.date is not None:
        text += f" of {basis.date.isoformat()}"
    return f"{text} (<{basis.url}>)" if basis.url else text


def _signed_line(s: asks.SignatoryInfo) -> str:
    who = render.user_line(s.user_id) + (f", {plain(s.title)}" if s.title else "")
    line = f"**{plain(s.city_name)}** ({plain(s.country)}) — {who} — {render.day(s.signed_at)}"
    if s.basis is not None:
        line += f" — basis: {basis_text(s.basis)}"
    return line


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


def _pieces(text: str, size: int) -> list[str]:
    """``text`` in pieces of at most ``size`` characters, cut at line ends where possible."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > size:  # one very long line: cut it at a space if there is one
            cut = line.rfind(" ", 0, size)
            cut = cut if cut > size // 2 else size
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:cut])
            line = line[cut:].lstrip(" ")
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > size:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current or not pieces:
        pieces.append(current)
    return pieces


def full_text_embeds(t: asks.AskText) -> list[discord.Embed]:
    """Read the full text: the whole ask, paged when long (each page within Discord's limits;
    respond() spreads them over as many messages as they need)."""
    pages = _pieces(plain(t.text), limits.EMBED_DESCRIPTION - 96)
    embeds = []
    for i, page in enumerate(pages, start=1):
        embed = discord.Embed(
            title=limits.truncate(plain(t.title), limits.EMBED_TITLE),
            description=page or "—",
            colour=render.COLOUR,
        )
        if i == 1:
            embed.add_field(name="Coalition", value=limits.truncate(plain(t.coalition_name), 1024))
            embed.add_field(name="Target", value=limits.truncate(plain(t.target), 1024))
            embed.add_field(name="Deadline", value=render.when(t.deadline), inline=False)
            if t.edited_at is not None:
                embed.add_field(name="Edited", value=render.when(t.edited_at), inline=False)
            if t.status != AskStatus.OPEN:
                embed.add_field(name="Status", value="closed", inline=False)
        if len(pages) > 1:
            embed.set_footer(text=f"Page {i} of {len(pages)}")
        embeds.append(embed)
    return embeds


def signed_confirmation(r: asks.SignResult, *, in_server: bool) -> str:
    """After Confirm: one short line (the text was read just above), the progress, and the
    next step."""
    verb = "re-confirmed" if r.reconfirmed else "signed"
    when = r.confirmed_at if r.reconfirmed else r.signed_at
    lines = [
        f'Done: {plain(r.city_name)} {verb} "{plain(r.title)}" {render.when(when)}.',
        render.progress(r.signed, r.total),
    ]
    if r.basis is not None:
        lines.insert(1, f"Basis: {basis_text(r.basis)}.")
    if r.takes_statements and not in_server:
        lines.append(
            "Add your city's own words to the letter with /statement submit in the server."
        )
    elif r.takes_statements and not r.has_statement:
        lines.append("Next: add your city's own words to the letter.")
    return limits.truncate("\n".join(lines), limits.CONTENT)


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


def show_embeds(d: asks.AskDetail, goal: goals.GoalProgress | None = None) -> list[discord.Embed]:
    """/ask show: the ask itself (with its goal's progress, if it has one), then its
    signatories over as many embeds as they need."""
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
    if goal is not None:
        main.add_field(
            name="Goal",
            value=limits.truncate("\n".join(goals.progress_lines(goal)), limits.FIELD_VALUE),
            inline=False,
        )
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
    if p.basis is not None:
        b = p.basis
        values = (b.kind_words, b.reference, b.date.isoformat() if b.date else "", b.url or "")
        for name, value in zip(BASIS_FIELDS, values, strict=True):
            if value:  # at most 500 characters (the URL): well within a field
                embed.add_field(name=name, value=value, inline=False)
    if p.needs_reconfirmation:
        intro = (
            f"{p.city_name} signed an earlier version. Read the new text below; Confirm to "
            "re-confirm the signature."
        )
    else:
        intro = f"Read the ask below. Confirm to sign it for {p.city_name}."
    if p.authority_required and p.basis is None:
        intro += (
            f" {p.coalition_name} requires the basis of every signature: press "
            '"Give the basis and sign" and give the council resolution or mayoral decision '
            "(its reference and date, and its URL if it is published)."
        )
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
    AskEventKind.GOAL_SET: "set the goal",
    AskEventKind.NUDGED: "nudged the cities that had not signed",
}


def _history_line(e: asks.AskEventInfo) -> str:
    verb = _HISTORY_VERBS.get(e.kind, e.kind)
    who = render.user_line(e.user_id) if e.user_id else "The bot"  # 0: an automatic nudge
    line = f"{discord.utils.format_dt(e.at, 'f')} — {who} {verb}"
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
            who = "representative" if reached == 1 else "representatives"
            lines.append(f"I sent {reached} {who} a DM with a Confirm button.")
        if unreachable:
            who = ", ".join(f"{render.user_line(x.user_id)} ({x.city_name})" for x in unreachable)
            lines.append(
                f"I could not DM {who}: they don't accept DMs from me. Ask them to run "
                "/ask sign to re-confirm."
            )
    return limits.truncate("\n".join(lines), limits.CONTENT)
