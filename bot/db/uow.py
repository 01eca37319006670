"""Unit of work: one session per interaction or job, committed once."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.engine import READ_ONLY


class UnitOfWork:
    """``async with uow_factory() as uow:`` opens a session; a clean exit commits it once.

    Any exception (a user error included) rolls everything back, so a refused command never
    leaves half its writes behind. Services use ``uow.session``; cogs only pass the uow along.
    """

    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], *, read_only: bool = False
    ) -> None:
        self._factory = session_factory
        self.read_only = read_only
        self._session: AsyncSession | None = None
        self.committed = False
        # Callbacks run after a successful commit (e.g. wake the webhook sender).
        self._after_commit: list[object] = []

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside 'async with'")
        return self._session

    async def __aenter__(self) -> Self:
        self._session = self._factory()
        self.committed = False
        if self.read_only:
            # Readers take no write lock on SQLite and run READ ONLY on PostgreSQL; a write
            # attempted in one fails instead of slipping through.
            await self._session.connection(
                execution_options={READ_ONLY: True, "postgresql_readonly": True}
            )
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
        if self.committed:
            for callback in self._after_commit:
                callback()  # type: ignore[operator]
            self._after_commit.clear()

    def after_commit(self, callback: object) -> None:
        self._after_commit.append(callback)


class UnitOfWorkFactory:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self.session_factory = session_factory

    def __call__(self, *, read_only: bool = False) -> UnitOfWork:
        return UnitOfWork(self.session_factory, read_only=read_only)
