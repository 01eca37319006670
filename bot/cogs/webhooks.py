"""/webhook: send a coalition's events to other systems, signed (Standard Webhooks).

The cog also owns the delivery runtime (bot.workers.webhook_worker): it starts after the bot is set
up (resuming deliveries left over from before a restart) and stops when the cog unloads, which
``Bot.close`` does before the shared HTTP client is closed.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import _STARTUP_HOOKS
from bot.cogs.common import actor_of, bot_of, coalition_autocomplete, parse_id
from bot.errors import NotFound
from bot.outbound.sender import AttemptResult
from bot.services import webhooks as svc
from bot.services.lookups import parse_choice_id
from bot.text import plain
from bot.ui.limits import FIELD_VALUE, truncate
from bot.workers.webhook_worker import WebhookRuntime

if TYPE_CHECKING:
    from bot.client import AnyBot

log = logging.getLogger("bot.cogs.webhooks")


def runtime_of(bot: commands.Bot) -> WebhookRuntime:
    """The running bot's webhook runtime (tests call ``deliver_due`` on it)."""
    # Duck-typed: discord.py loads an extension as a fresh module object, so the cog's class
    # is not the one an ordinary import of this module sees.
    runtime = getattr(bot.get_cog("WebhooksCog"), "runtime", None)
    if not isinstance(runtime, WebhookRuntime):
        raise RuntimeError("the webhooks extension is not loaded")
    return runtime


def parse_webhook_id(value: str | None) -> int:
    try:
        return parse_choice_id(value, "webhook")
    except NotFound:
        raise NotFound(svc.WEBHOOK_NOT_FOUND) from None


async def events_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    return [
        app_commands.Choice(name=c.label, value=c.value) for c in svc.event_suggestions(current)
    ]


async def webhook_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    if interaction.guild_id is None:
        return []
    try:
        coalition_id: int | None = parse_id(
            getattr(interaction.namespace, "coalition", None), "coalition"
        )
    except NotFound:
        coalition_id = None
    actor = actor_of(interaction)
    async with bot_of(interaction).uow(read_only=True) as uow:
        choices = await svc.webhook_choices(uow, actor, coalition_id, current)
    return [app_commands.Choice(name=c.label, value=c.value) for c in choices]


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


class WebhooksCog(commands.Cog):
    webhook = app_commands.Group(
        name="webhook",
        description="Send this coalition's events to other systems (signed HTTP webhooks).",
        guild_only=True,
    )

    def __init__(self, bot: AnyBot) -> None:
        self.bot = bot
        self.runtime = WebhookRuntime(
            uow=bot.uow,
            client=bot.http_client,
            clock=bot.clock,
            allow_private=bot.settings.webhooks_allow_private,
            lease_seconds=bot.settings.lease_seconds,
            notify=self.tell_coordinators,
            alarms=bot.alarms,
        )

    async def cog_unload(self) -> None:
        await self.runtime.stop()

    # --- commands ---

    @webhook.command(name="add")
    @app_commands.describe(
        coalition="The coalition whose events to send",
        url="Where to POST events (https://…)",
        events="Events to send, separated by commas, or all",
        secret="Signing secret; leave empty and I generate one (shown once)",
    )
    @app_commands.autocomplete(coalition=coalition_autocomplete, events=events_autocomplete)
    async def webhook_add(
        self,
        interaction: discord.Interaction,
        coalition: str,
        url: app_commands.Range[str, 1, 2000],
        events: app_commands.Range[str, 1, 500],
        secret: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        """Send a coalition's events to a URL, signed (coordinators and admins)."""
        actor = actor_of(interaction)
        coalition_id = parse_id(coalition, "coalition")
        await interaction.response.defer(ephemeral=True, thinking=True)
        allow_private = self.bot.settings.webhooks_allow_private
        # Who may add first (read-only), then DNS outside any transaction, then the write.
        async with self.bot.uow(read_only=True) as uow:
            draft = await svc.prepare_webhook(
                uow,
                actor,
                coalition_id=coalition_id,
                url=url,
                events=events,
                secret=secret,
                allow_private=allow_private,
            )
        draft = await svc.check_webhook_host(
            draft, allow_private=allow_private, resolver=self.runtime.resolver
        )
        async with self.bot.uow() as uow:
            created = await svc.save_webhook(uow, actor, draft)
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
        await interaction.followup.send("\n".join(lines), ephemeral=True)

    @webhook.command(name="list")
    @app_commands.describe(coalition="The coalition whose webhooks to list")
    @app_commands.autocomplete(coalition=coalition_autocomplete)
    async def webhook_list(self, interaction: discord.Interaction, coalition: str) -> None:
        """List a coalition's webhooks: host, events, status, last delivery."""
        actor = actor_of(interaction)
        coalition_id = parse_id(coalition, "coalition")
        async with self.bot.uow(read_only=True) as uow:
            hooks = await svc.list_webhooks(uow, actor, coalition_id=coalition_id)
        if not hooks:
            await interaction.response.send_message(
                "This coalition has no webhooks. Add one with /webhook add.", ephemeral=True
            )
            return
        embed = discord.Embed(title="Webhooks", colour=discord.Colour.blurple())
        for h in hooks[:25]:
            status = "⏸️ paused" if h.status == "paused" else "✅ active"
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
        if any(h.status == "paused" for h in hooks):
            embed.set_footer(
                text="A paused webhook failed repeatedly. Fix the receiver, check it with "
                "/webhook test, then /webhook resume."
            )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @webhook.command(name="remove")
    @app_commands.describe(coalition="The coalition", webhook="The webhook to remove")
    @app_commands.autocomplete(coalition=coalition_autocomplete, webhook=webhook_autocomplete)
    async def webhook_remove(
        self, interaction: discord.Interaction, coalition: str, webhook: str
    ) -> None:
        """Stop sending events to a webhook (coordinators and admins)."""
        actor = actor_of(interaction)
        coalition_id = parse_id(coalition, "coalition")
        webhook_id = parse_webhook_id(webhook)
        async with self.bot.uow() as uow:
            removed = await svc.remove_webhook(
                uow, actor, coalition_id=coalition_id, webhook_id=webhook_id
            )
        text = f"Removed webhook #{removed.id} ({removed.host}) from **{removed.coalition_name}**."
        if removed.dropped:
            text += f" {removed.dropped} waiting deliveries will not be sent."
        await interaction.response.send_message(text, ephemeral=True)

    @webhook.command(name="test")
    @app_commands.describe(coalition="The coalition", webhook="The webhook to send a ping to")
    @app_commands.autocomplete(coalition=coalition_autocomplete, webhook=webhook_autocomplete)
    async def webhook_test(
        self, interaction: discord.Interaction, coalition: str, webhook: str
    ) -> None:
        """Send a signed ping now and show the receiver's answer and time."""
        actor = actor_of(interaction)
        coalition_id = parse_id(coalition, "coalition")
        webhook_id = parse_webhook_id(webhook)
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self.bot.uow() as uow:
            target = await svc.ping_target(
                uow, actor, coalition_id=coalition_id, webhook_id=webhook_id
            )
        result = await self.runtime.send_ping(target)
        await interaction.followup.send(
            _ping_report(target.host, target.webhook_id, result), ephemeral=True
        )

    @webhook.command(name="resume")
    @app_commands.describe(coalition="The coalition", webhook="The paused webhook")
    @app_commands.autocomplete(coalition=coalition_autocomplete, webhook=webhook_autocomplete)
    async def webhook_resume(
        self, interaction: discord.Interaction, coalition: str, webhook: str
    ) -> None:
        """Send events again to a webhook paused after failures."""
        actor = actor_of(interaction)
        coalition_id = parse_id(coalition, "coalition")
        webhook_id = parse_webhook_id(webhook)
        async with self.bot.uow() as uow:
            resumed = await svc.resume_webhook(
                uow, actor, coalition_id=coalition_id, webhook_id=webhook_id
            )
        await interaction.response.send_message(
            f"Webhook #{resumed.id} ({resumed.host}) of **{resumed.coalition_name}** is active "
            "again; new events will be sent to it.",
            ephemeral=True,
        )

    # --- failure notices ---

    async def tell_coordinators(self, notice: svc.FailureNotice) -> None:
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


def notice_text(notice: svc.FailureNotice) -> str:
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


async def _start_webhook_runtime(bot: AnyBot) -> None:
    """Start-up hook: resume deliveries left pending (or abandoned) before this start."""
    if bot.get_cog("WebhooksCog") is not None:
        await runtime_of(bot).start()


async def setup(bot: AnyBot) -> None:
    await bot.add_cog(WebhooksCog(bot))
    # Registered once per process, although each load of the extension is a new module.
    if not any(getattr(h, "__name__", "") == "_start_webhook_runtime" for h in _STARTUP_HOOKS):
        _STARTUP_HOOKS.append(_start_webhook_runtime)
