"""The Discord side of the outbox: renders a queued row (its template and data; a live post
from the database as it is now) and sends it, and tells a cog how its queued rows fared.

``DiscordOutbox`` is the outbox worker's ``OutboxSender`` (the worker imports no discord). A
post or DM carries the row's nonce; discord.py sets ``enforce_nonce`` whenever a nonce is
given, so Discord drops a repeat. 429s are waited out by discord.py; any other failure is
raised for the worker to retry, except the final ones: ``DMRefused`` (50007, closed DMs) and
``Undeliverable`` (the channel is gone or the bot may not post there).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord

from bot.db.models.enums import AskStatus, OutboxKind, OutboxStatus
from bot.db.uow import UnitOfWork, UnitOfWorkFactory
from bot.services import asks, goals, outbox, pools, requests
from bot.services.actions import announcement_board
from bot.services.webhooks import FailureNotice
from bot.services.webhooks.results import FAILURE_TEMPLATE
from bot.text import plain
from bot.ui import announcements, limits, pool_posts, reminder_messages, render, request_notices
from bot.workers.delivery_errors import DMRefused, Undeliverable

if TYPE_CHECKING:
    from bot.workers.outbox_worker import OutboxRuntime

log = logging.getLogger("bot.ui.outbox_sender")

CANNOT_DM = 50007


@dataclass
class Outgoing:
    """One rendered message. ``view`` None on an edit removes the buttons."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    view: discord.ui.View | None = None
    mention_user_ids: tuple[int, ...] = ()


Renderer = Callable[[UnitOfWork, Mapping[str, Any]], Awaitable[Outgoing | None]]


# --- the templates (the names services queue with bot.services.outbox) ---


async def _text(uow: UnitOfWork, data: Mapping[str, Any]) -> Outgoing:
    return Outgoing(
        content=limits.truncate(str(data["content"]), limits.CONTENT),
        mention_user_ids=tuple(int(u) for u in data.get("mention_user_ids", ())),
    )


async def _ask_created(uow: UnitOfWork, data: Mapping[str, Any]) -> Outgoing:
    deadline = datetime.fromisoformat(data["deadline"]) if data.get("deadline") else None
    embed = announcements.ask_embed(
        data["title"],
        data["text"],
        data["target"],
        version=int(data["version"]),
        deadline=deadline,
        coalition=data["coalition_name"],
    )
    return Outgoing(
        content=f"New ask in {plain(data['coalition_name'])}. Representatives: read it and sign "
        "with /ask sign.",
        embeds=[embed],
    )


async def _ask_announcement(uow: UnitOfWork, data: Mapping[str, Any]) -> Outgoing | None:
    """An ask's live announcement, as the ask is now (its progress, text, open or closed)."""
    post = await asks.announcement_state(uow, int(data["ask_id"]))
    if post is None:
        return None
    goal = await goals.progress(uow, post.ask_id)
    return Outgoing(
        content=announcements.ask_post_content(post),
        embeds=[announcements.ask_post_embed(post, goal)],
        view=announcements.ask_buttons(post.ask_id, open_to_sign=post.status == AskStatus.OPEN),
    )


async def _ask_progress(uow: UnitOfWork, data: Mapping[str, Any]) -> Outgoing:
    return Outgoing(
        content=f'{plain(data["city_name"])} {data["verb"]} "{plain(data["title"])}". '
        f"{render.progress(int(data['signed']), int(data['total']))}"
    )


async def _ask_reconfirm(uow: UnitOfWork, data: Mapping[str, Any]) -> Outgoing:
    embed = announcements.reconfirmation_embed(
        title=data["title"],
        city_name=data["city_name"],
        old_version=int(data["old_version"]),
        version=int(data["version"]),
        diff=data["diff"],
    )
    view = announcements.reconfirm_button(
        int(data["ask_id"]), int(data["city_id"]), int(data["version"])
    )
    return Outgoing(embeds=[embed], view=view)


async def _action_announcement(uow: UnitOfWork, data: Mapping[str, Any]) -> Outgoing | None:
    board = await announcement_board(uow, int(data["action_id"]))
    if board is None:
        return None
    a = board.action
    return Outgoing(
        embeds=[announcements.announcement_embed(a, board=board)],
        view=None if a.cancelled else announcements.rsvp_buttons(a.id),
    )


async def _ask_nudge(uow: UnitOfWork, data: Mapping[str, Any]) -> Outgoing:
    """A nudge to sign (bot.services.nudges), with Sign for my city and Read the full text."""
    return Outgoing(
        content=reminder_messages.nudge_text(data),
        view=announcements.ask_buttons(int(data["ask_id"])),
    )


async def _request_notice(uow: UnitOfWork, data: Mapping[str, Any]) -> Outgoing | None:
    """A request's live notice (bot.ui.request_notices): its buttons while it waits."""
    found = await request_notices.render_notice(uow, data)
    return None if found is None else Outgoing(embeds=[found[0]], view=found[1])


async def _pool_announcement(uow: UnitOfWork, data: Mapping[str, Any]) -> Outgoing | None:
    state = await pools.announcement_state(uow, int(data["pool_id"]))
    if state is None:
        return None
    embed, view = pool_posts.announcement(state)
    return Outgoing(embeds=[embed], view=view)


def notice_text(notice: FailureNotice) -> str:
    """Deliveries to a coalition's webhook fail (its coordinators' DM, or the channel's post)."""
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
    return limits.truncate(head + tail, 1900)


async def _webhook_failure(uow: UnitOfWork, data: Mapping[str, Any]) -> Outgoing:
    return Outgoing(content=notice_text(FailureNotice.from_data(data)))


async def _dm_fallback(uow: UnitOfWork, data: Mapping[str, Any]) -> Outgoing | None:
    """A refused DM, said in the coalition's channel with one mention of its reader."""
    inner = TEMPLATES.get(str(data.get("template")))
    message = await inner(uow, data) if inner is not None else None
    if message is None:
        return None
    user_id = int(data["user_id"])
    note = f"<@{user_id}> I could not DM you (your DMs are closed), so here it is:"
    body = f"{note}\n{message.content}" if message.content else note
    return Outgoing(
        content=limits.truncate(body, limits.CONTENT),
        embeds=message.embeds,
        view=message.view,
        mention_user_ids=(user_id,),
    )


TEMPLATES: Mapping[str, Renderer] = {
    "text": _text,
    "ask_created": _ask_created,  # rows queued before asks had a live post
    "ask_announcement": _ask_announcement,
    "ask_progress": _ask_progress,
    "ask_reconfirm": _ask_reconfirm,
    "ask_nudge": _ask_nudge,  # bot.services.nudges.NUDGE_TEMPLATE
    "action_announcement": _action_announcement,
    pools.ANNOUNCEMENT_TEMPLATE: _pool_announcement,
    requests.NOTICE_TEMPLATE: _request_notice,  # bot.services.requests
    FAILURE_TEMPLATE: _webhook_failure,
    outbox.DM_FALLBACK: _dm_fallback,
}


# --- sending ---


def _problem(exc: discord.HTTPException, where: str) -> str:
    """A sentence for the person who acted (kept as the row's error)."""
    if isinstance(exc, discord.NotFound):
        return (
            f"the channel {where} no longer exists. Pick another with /coalition settings channel."
        )
    return (
        f"I am not allowed to send messages in {where}. Give me Send Messages there, or pick "
        "another channel with /coalition settings channel."
    )


class DiscordOutbox:
    """Renders and sends one outbox row (the outbox worker's ``OutboxSender``)."""

    def __init__(self, bot: discord.Client, uow: UnitOfWorkFactory) -> None:
        self.bot = bot
        self.uow = uow

    async def render(self, envelope: outbox.Envelope) -> Outgoing | None:
        renderer = TEMPLATES.get(envelope.template)
        if renderer is None:
            raise Undeliverable(f"unknown template {envelope.template!r}")
        async with self.uow(read_only=True) as uow:
            return await renderer(uow, envelope.data)

    async def send(self, envelope: outbox.Envelope) -> int | None:
        message = await self.render(envelope)
        if message is None:
            return None  # nothing to say any more (the action is gone)
        mentions = (
            discord.AllowedMentions(users=[discord.Object(u) for u in message.mention_user_ids])
            if message.mention_user_ids
            else discord.AllowedMentions.none()
        )
        if envelope.kind == OutboxKind.DM:
            assert envelope.user_id is not None
            return await self._dm(envelope, message, mentions)
        assert envelope.channel_id is not None
        channel = self.bot.get_partial_messageable(envelope.channel_id)
        where = f"<#{envelope.channel_id}>"
        try:
            if envelope.kind == OutboxKind.EDIT:
                assert envelope.message_id is not None
                await channel.get_partial_message(envelope.message_id).edit(
                    content=message.content,
                    embeds=message.embeds,
                    view=message.view,
                    allowed_mentions=mentions,
                )
                return None
            sent = await channel.send(
                message.content,
                embeds=message.embeds,
                view=message.view or discord.utils.MISSING,
                nonce=envelope.nonce,
                allowed_mentions=mentions,
            )
        except (discord.Forbidden, discord.NotFound) as exc:
            raise Undeliverable(_problem(exc, where)) from exc
        return sent.id

    async def _dm(
        self, envelope: outbox.Envelope, message: Outgoing, mentions: discord.AllowedMentions
    ) -> int:
        assert envelope.user_id is not None
        try:
            channel = await self.bot.create_dm(discord.Object(envelope.user_id))
            sent = await channel.send(
                message.content,
                embeds=message.embeds,
                view=message.view or discord.utils.MISSING,
                nonce=envelope.nonce,
                allowed_mentions=mentions,
            )
        except discord.Forbidden as exc:
            if exc.code == CANNOT_DM:
                raise DMRefused(f"<@{envelope.user_id}> does not accept DMs from me") from exc
            raise Undeliverable(f"{exc.status} {exc.code}: {exc.text}") from exc
        except discord.NotFound as exc:
            raise Undeliverable(f"{exc.status} {exc.code}: {exc.text}") from exc
        return sent.id


# --- what a cog tells the person who acted ---

# How long a command waits, after answering, for its messages to go out before it reports on
# them. Longer waits only delay that report: the messages are queued either way.
SETTLE_SECONDS = 3.0


@dataclass(frozen=True, slots=True)
class Fate:
    """How the rows a command queued fared within the wait."""

    sent: tuple[int, ...]
    waiting: tuple[int, ...]  # still queued: Discord failing; retried until it accepts
    refused: dict[int, str]  # undeliverable (closed DMs, channel gone or forbidden): why
    gave_up: tuple[int, ...]


async def settle(
    worker: OutboxRuntime, ids: tuple[int, ...], *, within: float = SETTLE_SECONDS
) -> Fate:
    found = await worker.wait_settled(ids, within) if ids else {}
    sent, waiting, gave_up = [], [], []
    refused: dict[int, str] = {}
    for row_id in ids:
        status, error = found.get(row_id, (OutboxStatus.SENT, None))
        if status == OutboxStatus.SENT:
            sent.append(row_id)
        elif status == OutboxStatus.UNDELIVERABLE:
            refused[row_id] = error or "refused"
        elif status == OutboxStatus.GAVE_UP:
            gave_up.append(row_id)
        else:
            waiting.append(row_id)
    return Fate(tuple(sent), tuple(waiting), refused, tuple(gave_up))


async def announcement_problem(
    interaction: discord.Interaction, outbox_ids: tuple[int, ...]
) -> str | None:
    """After the reply: wait a moment for the announcement the command queued to go out.

    None when it went out or is still on its way (Discord failing: the outbox retries it),
    else a sentence for the person who acted saying why it could not be posted, so they can
    fix the channel setting.
    """
    if not outbox_ids:
        return None
    fate = await settle(interaction.client.workers.outbox, outbox_ids)  # type: ignore[attr-defined]
    for error in fate.refused.values():
        return f"I could not post the announcement: {error}"
    if fate.waiting:
        log.info("announcement %s queued while Discord fails; it is retried", outbox_ids)
    return None
