"""Reminder runtime: arming, sweeping, claiming and sending reminders through Discord.

Public API (what the bot and tests use):

- ``install(bot)`` — called by the actions extension's ``setup``: builds the runtime
  (``bot.uow``, ``bot.clock``, ``bot.alarms``, lease from ``LEASE_SECONDS``) and registers the
  start-up hook that starts it once the bot is set up.
- ``runtime_of(bot)`` — the bot's ``ReminderRuntime``.
- ``await run_due(bot)`` / ``await sweep(bot)`` — send what is due now per ``bot.clock``
  (tests advance a FakeClock, then call these instead of waiting for APScheduler).
- ``runtime_of(bot).kick(reminder_id)`` — deliver a just-queued change notice now.
- ``await runtime_of(bot).wait_idle()`` — wait for background sends (start-up sweep, kicks).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.workers.reminder_worker import (
    DMRefused,
    Outcome,
    ReminderRuntime,
    Sender,
    Undeliverable,
    nonce_for,
)

if TYPE_CHECKING:
    from bot.client import AnyBot

_ATTR = "_coalition_reminder_runtime"


def install(bot: AnyBot) -> ReminderRuntime:
    from bot.client import _STARTUP_HOOKS
    from bot.ui.dm_sender import DiscordSender

    runtime = ReminderRuntime(
        bot.uow,
        bot.clock,
        DiscordSender(bot),
        alarms=bot.alarms,
        lease=timedelta(seconds=bot.settings.lease_seconds),
    )
    setattr(bot, _ATTR, runtime)
    if _start not in _STARTUP_HOOKS:
        _STARTUP_HOOKS.append(_start)
    return runtime


async def uninstall(bot: AnyBot) -> None:
    runtime: ReminderRuntime | None = getattr(bot, _ATTR, None)
    if runtime is not None:
        await runtime.stop()
        delattr(bot, _ATTR)


async def _start(bot: Any) -> None:
    runtime: ReminderRuntime | None = getattr(bot, _ATTR, None)
    if runtime is not None:
        await runtime.start()


def runtime_of(bot: AnyBot) -> ReminderRuntime:
    runtime: ReminderRuntime | None = getattr(bot, _ATTR, None)
    if runtime is None:
        raise RuntimeError("the reminder runtime is not installed (bot.cogs.actions not loaded)")
    return runtime


async def run_due(bot: AnyBot) -> list[Outcome]:
    return await runtime_of(bot).run_due()


async def sweep(bot: AnyBot) -> list[Outcome]:
    return await runtime_of(bot).sweep()


__all__ = [
    "DMRefused",
    "Outcome",
    "ReminderRuntime",
    "Sender",
    "Undeliverable",
    "install",
    "nonce_for",
    "run_due",
    "runtime_of",
    "sweep",
    "uninstall",
]
