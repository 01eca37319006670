"""/webhook: send a coalition's events to other systems, signed (Standard Webhooks).

Deliveries are sent by the bot's webhook worker (``bot.workers.webhooks``); this cog only
manages the webhooks and sends /webhook test's ping through that worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs.common import call, respond
from bot.cogs.options import CoalitionId, WebhookId
from bot.db.models.enums import WebhookStatus
from bot.outbound.sender import AttemptResult
from bot.services import webhooks
from bot.ui.limits import FIELD_VALUE, truncate

if TYPE_CHECKING:
    from bot.client import AnyBot


async def events_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    return [
        app_commands.Choice(name=c.label, value=c.value)
        for c in webhooks.event_suggestions(current)
    ]


def _ping_report(host: str, webhook_id: int, result: AttemptResult) -> str:
    if result.status_code is not None:
        verdict = "✅ accepted it" if result.ok else f"❌ did not accept it ({result.error})"
        return (
            f"Sent a `ping` to webhook #{webhook_id} ({host}): the receiver answered "
            f"**{result.status_code}** in **{result.elapsed_ms:.0f} ms**, {verdict}."
        )
    return (
        f"Sent a `ping` to webhook #{webhook_id} ({host}), but it failed after "
        f"{result.elapsed_ms:.0f} ms: {result.error}. Check the URL and that the receiver is up."
    )


def _created_text(created: webhooks.WebhookCreated) -> str:
    lines = [
        f"Webhook #{created.id} added to **{created.coalition_name}**: I will POST "
        f"{', '.join(f'`{e}`' for e in created.events)} to {created.host}.",
    ]
    if created.secret_generated:
        lines += [
            "",
            "**Signing secret — shown only this once, copy it now:**",
            f"```\n{created.secret}\n```",
            "Verify each delivery's `webhook-signature` with it (Standard Webhooks). "
            "I will never show it again; to change it, remove the webhook and add it anew.",
        ]
    else:
        lines.append("Deliveries are signed with the secret you gave; I won't show it again.")
    lines.append("Try it now with /webhook test.")
    return "\n".join(lines)


def _list_embed(hooks: list[webhooks.WebhookInfo]) -> discord.Embed:
    embed = discord.Embed(title="Webhooks", colour=discord.Colour.blurple())
    for h in hooks[:25]:
        status = "⏸️ paused" if h.status == WebhookStatus.PAUSED else "✅ active"
        if h.last_status and h.last_delivery_at:
            last = f"{h.last_status} ({discord.utils.format_dt(h.last_delivery_at, 'R')})"
        else:
            last = "no deliveries yet"
        value = "\n".join(
            [
                f"Status: {status}",
                f"Events: {', '.join(h.events)}",
                f"Last delivery: {last}",
                f"Added by <@{h.created_by}> {discord.utils.format_dt(h.created_at, 'R')}",
            ]
        )
        embed.add_field(
            name=truncate(f"#{h.id} · {h.host}", 256),
            value=truncate(value, FIELD_VALUE),
            inline=False,
        )
    if any(h.status == WebhookStatus.PAUSED for h in hooks):
        embed.set_footer(
            text="A paused webhook failed repeatedly. Fix the receiver, check it with "
            "/webhook test, then /webhook resume."
        )
    return embed


class WebhooksCog(commands.Cog):
    webhook = app_commands.Group(
        name="webhook",
        description="Send this coalition's events to other systems (signed HTTP webhooks).",
        guild_only=True,
    )

    def __init__(self, bot: AnyBot) -> None:
        self.bot = bot

    @webhook.command(name="add")
    @app_commands.describe(
        coalition="The coalition whose events to send",
        url="Where to POST events (https://…)",
        events="Events to send, separated by commas, or all",
        secret="Signing secret; leave empty and I generate one (shown once)",
    )
    @app_commands.autocomplete(events=events_autocomplete)
    async def webhook_add(
        self,
        interaction: discord.Interaction,
        coalition: CoalitionId,
        url: app_commands.Range[str, 1, 2000],
        events: app_commands.Range[str, 1, 500],
        secret: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        """Send a coalition's events to a URL, signed (coordinators and admins)."""
        allow_private = self.bot.settings.webhooks_allow_private
        # Who may add first (read-only), then DNS outside any transaction, then the write.
        # Deferred at once: DNS may take seconds.
        draft = await call(
            interaction,
            webhooks.prepare_webhook,
            read_only=True,
            defer_after=0,
            coalition_id=coalition,
            url=url,
            events=events,
            secret=secret,
            allow_private=allow_private,
        )
        draft = await webhooks.check_webhook_host(
            draft, allow_private=allow_private, resolver=self.bot.workers.webhooks.resolver
        )
        created = await call(interaction, webhooks.save_webhook, draft)
        await respond(interaction, content=_created_text(created))

    @webhook.command(name="list")
    @app_commands.describe(coalition="The coalition whose webhooks to list")
    async def webhook_list(self, interaction: discord.Interaction, coalition: CoalitionId) -> None:
        """List a coalition's webhooks: host, events, status, last delivery."""
        hooks = await call(
            interaction, webhooks.list_webhooks, read_only=True, coalition_id=coalition
        )
        if not hooks:
            await respond(
                interaction, content="This coalition has no webhooks. Add one with /webhook add."
            )
            return
        await respond(interaction, embed=_list_embed(hooks))

    @webhook.command(name="remove")
    @app_commands.describe(coalition="The coalition", webhook="The webhook to remove")
    async def webhook_remove(
        self, interaction: discord.Interaction, coalition: CoalitionId, webhook: WebhookId
    ) -> None:
        """Stop sending events to a webhook (coordinators and admins)."""
        removed = await call(
            interaction, webhooks.remove_webhook, coalition_id=coalition, webhook_id=webhook
        )
        text = f"Removed webhook #{removed.id} ({removed.host}) from **{removed.coalition_name}**."
        if removed.dropped:
            text += f" {removed.dropped} waiting deliveries will not be sent."
        await respond(interaction, content=text)

    @webhook.command(name="test")
    @app_commands.describe(coalition="The coalition", webhook="The webhook to send a ping to")
    async def webhook_test(
        self, interaction: discord.Interaction, coalition: CoalitionId, webhook: WebhookId
    ) -> None:
        """Send a signed ping now and show the receiver's answer and time."""
        # Deferred at once: the receiver may take seconds to answer.
        target = await call(
            interaction,
            webhooks.ping_target,
            read_only=True,
            defer_after=0,
            coalition_id=coalition,
            webhook_id=webhook,
        )
        result = await self.bot.workers.webhooks.send_ping(target)
        await respond(interaction, content=_ping_report(target.host, target.webhook_id, result))

    @webhook.command(name="resume")
    @app_commands.describe(coalition="The coalition", webhook="The paused webhook")
    async def webhook_resume(
        self, interaction: discord.Interaction, coalition: CoalitionId, webhook: WebhookId
    ) -> None:
        """Send events again to a webhook paused after failures."""
        resumed = await call(
            interaction, webhooks.resume_webhook, coalition_id=coalition, webhook_id=webhook
        )
        await respond(
            interaction,
            content=f"Webhook #{resumed.id} ({resumed.host}) of **{resumed.coalition_name}** is "
            "active again; new events will be sent to it.",
        )


async def setup(bot: AnyBot) -> None:
    await bot.add_cog(WebhooksCog(bot))
