"""What the reminder worker sends through Discord (``DiscordSender``, its ``Sender``): DMs
directly, channel posts and the fallback mention through the outbox. (Webhook failure notices
are outbox rows: bot.ui.outbox_sender renders them.)

The workers never import discord; the bot builds this and hands it in.
"""

from __future__ import annotations

import discord

from bot.db.uow import UnitOfWorkFactory
from bot.services import outbox
from bot.services.reminders import Plan
from bot.ui import reminder_messages
from bot.workers.delivery_errors import DMRefused, Undeliverable

CANNOT_DM = 50007


class DiscordSender:
    """Renders a reminder's plan (bot.ui.reminder_messages) and sends it: channel posts and DMs
    with a nonce (discord.py 2.7 sets ``enforce_nonce`` whenever a nonce is given, so Discord
    drops a repeat of the same message within a few minutes).

    429s are waited out and retried by discord.py itself; they delay, never drop.
    """

    def __init__(self, bot: discord.Client, uow: UnitOfWorkFactory) -> None:
        self.bot = bot
        self.uow = uow

    async def post_reminder(self, plan: Plan, channel_id: int, *, nonce: str) -> None:
        await self.post(channel_id, reminder_messages.channel_text(plan), nonce=nonce)

    async def post_fallback(self, plan: Plan, channel_id: int, user_id: int, *, nonce: str) -> None:
        await self.post(
            channel_id,
            reminder_messages.fallback_text(plan, user_id),
            nonce=nonce,
            mention_user_id=user_id,
        )

    async def dm_reminder(self, plan: Plan, user_id: int, *, nonce: str) -> None:
        await self.dm(user_id, reminder_messages.dm_text(plan, user_id), nonce=nonce)

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

    async def post(
        self, channel_id: int, content: str, *, nonce: str, mention_user_id: int | None = None
    ) -> None:
        """Channel posts go through the outbox (bot.services.outbox), queued once per nonce:
        in order with everything else said in that channel (a change notice never overtakes
        the announcement it is about), retried across outages and restarts. A channel that
        refuses is the outbox's to record (undeliverable), no longer the reminder's."""
        async with self.uow() as uow:
            await outbox.post(
                uow,
                channel_id=channel_id,
                template="text",
                data={
                    "content": content,
                    "mention_user_ids": [] if mention_user_id is None else [mention_user_id],
                },
                dedupe_key=f"reminder:{nonce}",
            )
