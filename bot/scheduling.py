"""APScheduler 3 as an alarm clock: it wakes the bot at a time; the database is the record.

Jobs live in the in-memory job store and are re-armed from the database at start-up and by a
periodic sweep, so nothing is lost when the process restarts. ``misfire_grace_time=None``:
APScheduler's default grace of 1 s would silently drop an alarm that fired late (for example
while the event loop was busy), and a reminder must never be dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

log = logging.getLogger("bot.scheduling")


class AlarmClock:
    def __init__(self, scheduler: AsyncIOScheduler) -> None:
        self.scheduler = scheduler

    def arm(
        self,
        job_id: str,
        when: datetime,
        func: Callable[..., Awaitable[Any]],
        *args: Any,
    ) -> None:
        """Ring ``func(*args)`` at ``when`` (UTC). Arming the same id again moves the alarm."""
        if when.tzinfo is None:
            raise ValueError("alarm times must be timezone-aware")
        # A time in the past fires at once: APScheduler runs a date job whose run time has
        # passed as soon as it is added (and with no grace limit, never drops it).
        self.scheduler.add_job(
            func,
            trigger=DateTrigger(run_date=when.astimezone(UTC)),
            args=args,
            id=job_id,
            replace_existing=True,
            misfire_grace_time=None,
            coalesce=True,
            max_instances=1,
        )

    def disarm(self, job_id: str) -> None:
        if self.scheduler.get_job(job_id) is not None:
            self.scheduler.remove_job(job_id)

    def every(self, job_id: str, seconds: float, func: Callable[..., Awaitable[Any]]) -> None:
        """A periodic sweep (re-arm from the database, retry deliveries...)."""
        self.scheduler.add_job(
            func,
            trigger=IntervalTrigger(seconds=seconds),
            id=job_id,
            replace_existing=True,
            misfire_grace_time=None,
            coalesce=True,
            max_instances=1,
        )

    def armed(self, prefix: str = "") -> list[str]:
        return [job.id for job in self.scheduler.get_jobs() if job.id.startswith(prefix)]
