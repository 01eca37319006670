"""What the workers send through Discord: reminders (``DiscordSender``, the reminder worker's
``Sender``) and webhook failure notices (``WebhookNotices``, the webhook worker's notifier).

The workers never import discord; the bot builds these and hands them in.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.services.reminders import Plan
from bot.services.webhooks import FailureNotice
from bot.text import plain
from bot.ui import reminder_messages
from bot.ui.limits import truncate
from bot.workers.reminder_worker import DMRefused, Undeliverable

if TYPE_CHECKING:
    pass

log = logging.getLogger("bot.ui.dm_sender")

CANNOT_DM = 50007


class DiscordSender:
    """Renders a reminder's plan (bot.ui.reminder_messages) and sends it: channel posts and DMs
    with a nonce (discord.py 2.7 sets ``enforce_nonce`` whenever a nonce is given, so Discord
    drops a repeat of the same message within a few minutes).

    429s are waited out and retried by discord.py itself; they delay, never drop.
    """

    def __init__(self, bot: discord.Client) -> None:
        self.bot = bot

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
        await self.dm(user_id, reminder_messages.dm_text(plan), nonce=nonce)

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


class WebhookNotices:
    """Tells a coalition's coordinators that deliveries to one of its webhooks fail."""

    def __init__(self, bot: discord.Client) -> None:
        self.bot = bot

    async def __call__(self, notice: FailureNotice) -> None:
        """DM each coordinator; those whose DMs are closed are mentioned in the coalition's
        channel instead (also used when the coalition has no coordinator)."""
        text = notice_text(notice)
        unreachable: list[int] = []
        for user_id in notice.coordinator_ids:
            try:
                user = self.bot.get_user(user_id) or await self.bot.fetch_user(user_id)
                await user.send(text)
            except discord.HTTPException as exc:
                log.info("webhook notice DM to %s refused: %s", user_id, exc.status)
                unreachable.append(user_id)
        if notice.coordinator_ids and not unreachable:
            return
        if notice.channel_id is None:
            log.warning(
                "webhook %s failing; no coordinator reachable and coalition %s has no channel",
                notice.webhook_id,
                notice.coalition_id,
            )
            return
        channel = self.bot.get_channel(notice.channel_id) or await self.bot.fetch_channel(
            notice.channel_id
        )
        mentions = " ".join(f"<@{u}>" for u in unreachable)
        content = truncate(f"{mentions} {text}".strip(), 2000)
        await channel.send(  # type: ignore[union-attr]
            content,
            allowed_mentions=discord.AllowedMentions(
                users=[discord.Object(id=u) for u in unreachable]
            ),
        )


def notice_text(notice: FailureNotice) -> str:
    head = (
        f"⚠️ Webhook #{notice.webhook_id} of **{plain(notice.coalition_name)}** "
        f"({plain(notice.host)}) did "
        f"not receive a `{notice.event_type}` event after {notice.attempts} "
        f"attempt{'s' if notice.attempts != 1 else ''}: "
        f"{plain(notice.error)}."
    )
    if notice.paused:
        tail = (
            f" After {notice.consecutive_failures} failed deliveries in a row I paused it: no "
            "more events go there until a coordinator fixes the receiver, checks it with "
            "/webhook test and runs /webhook resume."
        )
    else:
        tail = (
            " Please check the receiver (/webhook test sends a ping). I'll tell you again only "
            "if it keeps failing."
        )
    return truncate(head + tail, 1900)
