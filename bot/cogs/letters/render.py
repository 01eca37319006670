"""What /statement and /letter say: replies, the preview embed, and what is missing."""

from __future__ import annotations

import discord
from discord.utils import format_dt

from bot.documents.model import ORDER_LABELS
from bot.services import letters
from bot.text import plain
from bot.ui.limits import EMBED_TITLE, truncate

PREVIEW_CHARS = 2000  # the start of the letter shown in the preview embed
NAMES_CHARS = 900  # per warning field, so the whole embed stays under 6,000 characters
MISSING_CHARS = 1800  # the list of what is missing, in the message above the embed


def quoted(title: str) -> str:
    return f'"{plain(title)}"'


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def names(items: list[str]) -> str:
    """City names joined until ``NAMES_CHARS``, then "… and 12 more"."""
    shown: list[str] = []
    used = 0
    for i, name in enumerate(items):
        piece = plain(name)
        if used + len(piece) + 2 > NAMES_CHARS:
            return ", ".join(shown) + f" … and {len(items) - i} more"
        shown.append(piece)
        used += len(piece) + 2
    return ", ".join(shown)


def choices_line(info: letters.LetterSettingsInfo) -> str:
    return (
        f"Language: {letters.LANGUAGE_NAMES[info.language]} · paper: {info.paper} · "
        f"city order: {ORDER_LABELS[info.order]}."
    )


def settings_saved(what: str, info: letters.LetterSettingsInfo) -> str:
    return (
        f"Saved {what} of the letter for {quoted(info.ask_title)}. An empty field uses the "
        f"default text, in the letter's language. {choices_line(info)} "
        "See the result with /letter preview."
    )


def _missing_line(m: letters.Missing) -> str:
    lacks = [
        word
        for flag, word in (
            (m.statement, "statement"),
            (m.name, "signatory name (listed by title and city)"),
            (m.title, "signatory title"),
        )
        if flag
    ]
    if m.representatives:
        who = ", ".join(f"<@{user_id}>" for user_id in m.representatives)
        fix = f"{who} can add it with /statement submit"
    else:
        fix = (
            "it has no verified representative: a server admin, or a coordinator of its "
            "coalition, can verify one (/city verify), who then adds it with /statement submit"
        )
    return f"• **{plain(m.city_name)}**: no {', no '.join(lacks)}. {fix}."


def missing_text(missing: list[letters.Missing]) -> str:
    """The message above the preview: what is missing from the letter, and who can fix it."""
    if not missing:
        return "Nothing is missing: every signing city has a statement, a name and a title."
    lines = [
        f"**Missing from the letter** ({plural(len(missing), 'signing city', 'signing cities')}"
        "), before you send it:"
    ]
    used = len(lines[0])
    for i, m in enumerate(missing):
        line = _missing_line(m)
        if used + len(line) + 1 > MISSING_CHARS:
            lines.append(f"… and {len(missing) - i} more.")
            break
        lines.append(line)
        used += len(line) + 1
    return "\n".join(lines)


def preview_embed(result: letters.LetterPreview) -> discord.Embed:
    file = result.file
    embed = discord.Embed(
        title=truncate(f"Letter preview: {plain(file.ask_title)}", EMBED_TITLE),
        description="```md\n" + truncate(file.text, PREVIEW_CHARS) + "\n```",
        colour=discord.Colour.gold(),
    )
    embed.add_field(name="Signatories", value=str(file.signatory_count))
    embed.add_field(name="Order", value=ORDER_LABELS[file.order])
    embed.add_field(name="Language", value=letters.LANGUAGE_NAMES[file.language])
    warnings = [
        ("⚠ Statement but no current signature", result.statement_without_signature),
        ("⚠ Awaiting re-confirmation after an edit", result.awaiting_reconfirmation),
        ("⚠ Member cities that have not signed", result.not_signed),
    ]
    for name, cities in warnings:
        if cities:
            embed.add_field(name=name, value=names(cities), inline=False)
    if not any(cities for _, cities in warnings):
        embed.add_field(
            name="Ready",
            value="Every member city has signed the current version.",
            inline=False,
        )
    embed.set_footer(
        text="The full letter is attached as Markdown; /letter export gives PDF or Word. "
        "/letter finalise freezes it."
    )
    return embed


def exported(file: letters.LetterFile, asked_order: str | None) -> str:
    signatories = plural(file.signatory_count, "signatory", "signatories")
    kind = f"{letters.FORMAT_NAMES[file.format]}, {letters.LANGUAGE_NAMES[file.language]}"
    if file.version is not None and file.created_at is not None:
        text = (
            f"Finalised version {file.version} of the letter for {quoted(file.ask_title)}, "
            f"frozen {format_dt(file.created_at, 'F')}: {signatories}, "
            f"{ORDER_LABELS[file.order]} order ({kind})."
        )
        if asked_order is not None and asked_order != file.order:
            text += " (A finalised version keeps the order it was finalised with.)"
        return text
    return (
        f"The letter for {quoted(file.ask_title)} as it stands now: {signatories}, "
        f"{ORDER_LABELS[file.order]} order ({kind})."
    )


def version_line(v: letters.LetterVersionInfo) -> str:
    formats = "" if v.all_formats else " · Markdown only"
    return (
        f"**v{v.number}** · {format_dt(v.created_at, 'D')} · "
        f"{plural(v.signatory_count, 'signatory', 'signatories')} · "
        f"{ORDER_LABELS.get(v.order, v.order)} · ask version {v.ask_version}{formats}"
    )
