"""/statement and /letter: position statements and the shared letter, in Markdown, PDF or Word.

Replies are ephemeral: statements are read one city at a time and letter files go to whoever
asked for them. The rules (who may, what is in the letter) live in bot.services.letters and
bot.services.statements; the documents themselves in bot.documents.

Inside: ``_cog`` (the commands), ``buttons`` (Add our statement, offered after signing an
ask), ``forms`` (the statement form and the two settings forms,
and why there are two), ``render`` (replies, the preview, what is missing).
"""

from __future__ import annotations

from discord.ext import commands

from bot.cogs.letters._cog import LettersCog
from bot.cogs.letters.buttons import AddStatementButton
from bot.cogs.letters.forms import LetterSettingsModal, LetterSignatureModal, StatementModal

__all__ = [
    "AddStatementButton",
    "LetterSettingsModal",
    "LetterSignatureModal",
    "LettersCog",
    "StatementModal",
    "setup",
]


async def setup(bot: commands.Bot) -> None:
    bot.add_dynamic_items(AddStatementButton)  # offered after signing an ask
    await bot.add_cog(LettersCog(bot))
