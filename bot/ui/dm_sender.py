"""Sending reminder messages through Discord (the production ``Sender``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.workers.reminder_worker import DMRefused, Undeliverable

if TYPE_CHECKING:
    from bot.client import AnyBot

CANNOT_DM = 50007


class DiscordSender:
    """Channel posts and DMs with a nonce (discord.py 2.7 sets ``enforce_nonce`` whenever a
    nonce is given, so Discord drops a repeat of the same message within a few minutes).

    429s are waited out and retried by discord.py itself; they delay, never drop.
    """

    def __init__(self, bot: AnyBot) -> None:
        self.bot = bot

    async def post(
        self, channel_id: int, content: str, *, nonce: str, mention_user_id: int | None = None
    ) -> None:
        channel = self.bot.get_partial_messageable(channel_id)
        mentions = (
            discord.AllowedMentions(users=[discord.Object(mention_user_id)])
            if mention_user_id is not None
            else discord.AllowedMentions.none()
        )
        try:
            await channel.send(content, nonce=nonce, allowed_mentions=mentions)
        except (discord.Forbidden, discord.NotFound) as exc:
            raise Undeliverable(f"{exc.status} {exc.code}: {exc.text}") from exc

    async def dm(self, user_id: int, content: str, *, nonce: str) -> None:
        try:
            channel = await self.bot.create_dm(discord.Object(user_id))
            await channel.send(
                content, nonce=nonce, allowed_mentions=discord.AllowedMentions.none()
            )
        except discord.Forbidden as exc:
            if exc.code == CANNOT_DM:
                raise DMRefused(str(user_id)) from exc
            raise Undeliverable(f"{exc.status} {exc.code}: {exc.text}") from exc
        except discord.NotFound as exc:
            raise Undeliverable(f"{exc.status} {exc.code}: {exc.text}") from exc
