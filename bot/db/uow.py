"""Unit of work: one session per interaction or job, committed once."""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.db.engine import READ_ONLY

log = logging.getLogger("bot.db.uow")


# --- what a commit may wake: one typed signal per kind of background work ---


@dataclass(frozen=True, slots=True)
class WebhooksQueued:
    """The commit queued webhook deliveries: the webhook worker sends them now."""


@dataclass(frozen=True, slots=True)
class RemindersChanged:
    """The commit added, moved or cancelled reminders: the reminder worker re-arms its alarms."""


@dataclass(frozen=True, slots=True)
class ReminderQueued:
    """The commit queued a reminder to send at once (a change notice): send it now."""

    reminder_id: int


@dataclass(frozen=True, slots=True)
class OutboxQueued:
    """The commit queued Discord messages (bot.services.outbox): the outbox worker sends them."""


Wake = WebhooksQueued | RemindersChanged | ReminderQueued | OutboxQueued
# Called once after each commit that raised signals, with them in the order raised (repeats
# dropped). The composition root subscribes the bot's workers; tests leave it unset.
OnCommit = Callable[[tuple[Wake, ...]], Awaitable[None]]


# Set while this task holds its factory's SQLite write lock, so a nested write unit of work
# in the same task does not wait for itself (it falls back on SQLite's busy_timeout).
_holding_write_lock: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "holding_write_lock", default=False
)


class UnitOfWork:
    """``async with uow_factory() as uow:`` opens a session; a clean exit commits it once.

    Any exception (a user error included) rolls everything back, so a refused command never
    leaves half its writes behind. Services use ``uow.session``; cogs only pass the uow along.

    ``uow.now`` is the bot's clock read once when the unit of work opens: the one "now" every
    service uses (never the wall clock), so all rows one command writes share one time and
    tests move time by moving the clock.
    """

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        read_only: bool = False,
        write_lock: asyncio.Lock | None = None,
        clock: Clock | None = None,
        on_commit: OnCommit | None = None,
    ) -> None:
        self._factory = session_factory
        self.clock = clock or Clock()
        self._now: datetime | None = None
        self.read_only = read_only
        self._write_lock = None if read_only else write_lock
        self._lock_token: contextvars.Token[bool] | None = None
        self._session: AsyncSession | None = None
        self.committed = False
        self._on_commit = on_commit
        self._wakes: dict[Wake, None] = {}  # an ordered set

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside 'async with'")
        return self._session

    @property
    def now(self) -> datetime:
        """The time of this unit of work (UTC, from the bot's clock)."""
        if self._now is None:
            self._now = self.clock.now()
        return self._now

    async def __aenter__(self) -> Self:
        if self._write_lock is not None and not _holding_write_lock.get():
            await self._write_lock.acquire()
            self._lock_token = _holding_write_lock.set(True)
        self._session = self._factory()
        self._now = self.clock.now()
        self.committed = False
        self._wakes.clear()
        if self.read_only:
            # Readers take no write lock on SQLite and run READ ONLY on PostgreSQL; a write
            # attempted in one fails instead of slipping through.
            try:
                await self._session.connection(
                    execution_options={READ_ONLY: True, "postgresql_readonly": True}
                )
            except BaseException:
                await self._session.close()
                self._session = None
                raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            if exc_type is None:
                await session.commit()
                self.committed = True
            else:
                await session.rollback()
        finally:
            await session.close()
            self._session = None
            if self._lock_token is not None:
                _holding_write_lock.reset(self._lock_token)
                self._lock_token = None
                assert self._write_lock is not None
                self._write_lock.release()
        wakes, self._wakes = tuple(self._wakes), {}
        if self.committed and wakes and self._on_commit is not None:
            try:
                await self._on_commit(wakes)
            except Exception:
                # The change is committed: the command succeeded. The workers' periodic
                # sweeps pick up what this wake-up missed.
                log.exception("waking the workers after a commit failed")

    def wake(self, signal: Wake) -> None:
        """Wake a worker once this unit of work commits (nothing happens on a rollback)."""
        self._wakes[signal] = None


class UnitOfWorkFactory:
    """Makes units of work on one engine.

    On SQLite, writers of this process queue on an asyncio lock before BEGIN IMMEDIATE.
    Left to SQLite, hundreds of concurrent writers poll its busy handler, which sleeps in
    growing steps instead of waking when the lock frees, so a burst of sign-ons crawls
    (``bench/commands.py`` measures it). Other processes on the same file still wait
    through busy_timeout.
    """

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        clock: Clock | None = None,
        on_commit: OnCommit | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.clock = clock or Clock()
        # Who hears the wake signals of committed units of work (the composition root sets
        # it to the bot's workers).
        self.on_commit = on_commit
        bind = session_factory.kw.get("bind")
        is_sqlite = bind is not None and bind.dialect.name == "sqlite"
        self._write_lock = asyncio.Lock() if is_sqlite else None

    def __call__(self, *, read_only: bool = False) -> UnitOfWork:
        return UnitOfWork(
            self.session_factory,
            read_only=read_only,
            write_lock=self._write_lock,
            clock=self.clock,
            on_commit=self.on_commit,
        )
