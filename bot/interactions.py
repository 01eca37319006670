"""Answering interactions: ephemeral replies that pick response vs followup, and error reports.

Every error path of the bot (slash commands, buttons, selects, modals) ends in
``report_error``, so the user always gets exactly one ephemeral message and the log one line.
"""

from __future__ import annotations

import functools
import logging
import secrets
import string
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import discord
from discord import app_commands
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.errors import UserFacingError

log = logging.getLogger("bot.interactions")

_REF_ALPHABET = string.ascii_uppercase + string.digits


def new_ref() -> str:
    return "".join(secrets.choice(_REF_ALPHABET) for _ in range(6))


def interaction_path(interaction: discord.Interaction) -> str:
    if interaction.command is not None:
        return "/" + interaction.command.qualified_name
    data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
    if "custom_id" in data:
        return "component:" + str(data["custom_id"]).split(":", 1)[0]
    return str(interaction.type.name)


def log_outcome(interaction: discord.Interaction, outcome: str) -> None:
    started = interaction.extras.get("started")
    ms = (time.monotonic() - started) * 1000 if started else -1.0
    log.info(
        "interaction path=%s guild=%s user=%s duration_ms=%.1f outcome=%s",
        interaction_path(interaction),
        interaction.guild_id,
        interaction.user.id,
        ms,
        outcome,
    )


async def send_ephemeral(interaction: discord.Interaction, content: str, **kwargs: Any) -> None:
    """Reply privately, whether or not the interaction was already answered or deferred."""
    if interaction.response.is_done():
        await interaction.followup.send(content, ephemeral=True, **kwargs)
    else:
        await interaction.response.send_message(content, ephemeral=True, **kwargs)


def _unwrap(error: BaseException) -> BaseException:
    while isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        inner = error.__cause__ if isinstance(error, app_commands.TransformerError) else None
        if isinstance(error, app_commands.CommandInvokeError):
            inner = error.original
        if inner is None:
            break
        error = inner
    return error


DATABASE_DOWN = (
    "I can't reach the database right now, so this was not saved. "
    "Please try again in a minute; if it keeps happening, tell your server admin (ref {ref})."
)


def is_database_outage(error: BaseException) -> bool:
    if isinstance(error, OperationalError | InterfaceError | PoolTimeout):
        return True
    # A DBAPIError with no statement failed while connecting: the server refused or vanished.
    if isinstance(error, DBAPIError) and (error.connection_invalidated or not error.statement):
        return True
    return isinstance(error, ConnectionError | TimeoutError) and not isinstance(
        error, discord.DiscordException
    )


def describe_check_failure(error: app_commands.AppCommandError) -> str | None:
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works only inside a server, not in direct messages."
    if isinstance(error, app_commands.MissingPermissions):
        perms = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"You need the {perms} permission in this server to do that."
    if isinstance(error, app_commands.BotMissingPermissions):
        perms = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"I need the {perms} permission here. Ask a server admin to grant it."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Please wait {error.retry_after:.0f} seconds and try again."
    if isinstance(error, app_commands.TransformerError):
        return (
            f"I couldn't understand {error.value!r}. Pick one of the suggestions as you type, "
            "or check the spelling."
        )
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    return None


async def report_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Tell the user what went wrong, once and privately; log failures with a reference."""
    original = _unwrap(error)
    if isinstance(original, UserFacingError):
        message, outcome = original.message, "user_error"
    elif isinstance(error, app_commands.AppCommandError) and (
        friendly := describe_check_failure(error)
    ):
        message, outcome = friendly, "user_error"
    elif is_database_outage(original):
        ref = new_ref()
        log.error(
            "database unavailable ref=%s path=%s: %s",
            ref,
            interaction_path(interaction),
            type(original).__name__,
        )
        message, outcome = DATABASE_DOWN.format(ref=ref), f"database_down ref={ref}"
    else:
        ref = new_ref()
        log.error(
            "unexpected error ref=%s path=%s guild=%s user=%s",
            ref,
            interaction_path(interaction),
            interaction.guild_id,
            interaction.user.id,
            exc_info=original,
        )
        message = f"Something went wrong (ref {ref}). Please try again; if it keeps happening, "
        message += "give this reference to your server admin."
        outcome = f"failure ref={ref}"
    try:
        await send_ephemeral(interaction, message)
    except discord.HTTPException as exc:
        # The interaction may have expired; nothing more can reach the user.
        log.warning("could not deliver error message (%s): %s", outcome, exc)
    log_outcome(interaction, outcome)


class BaseView(discord.ui.View):
    """A view whose errors reach the user like command errors do."""

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await report_error(interaction, error)


class BaseModal(discord.ui.Modal):
    async def on_error(  # type: ignore[override]  # Modal.on_error takes no item
        self, interaction: discord.Interaction, error: Exception
    ) -> None:
        await report_error(interaction, error)


F = TypeVar("F", bound=Callable[..., Awaitable[None]])


def guarded(callback: F) -> F:
    """For component callbacks outside a BaseView (persistent ``DynamicItem`` buttons):
    time the interaction, report any error to the user, and log the outcome."""

    @functools.wraps(callback)
    async def wrapper(self: Any, interaction: discord.Interaction, *args: Any) -> None:
        interaction.extras.setdefault("started", time.monotonic())
        try:
            await callback(self, interaction, *args)
        except Exception as exc:
            await report_error(interaction, exc)
        else:
            log_outcome(interaction, "ok")

    return wrapper  # type: ignore[return-value]
