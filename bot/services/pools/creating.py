"""/pool create: a coordinator opens a demand pool in a coalition.

A pool with a deadline gets its reminder rows at once (bot.db.models.Reminder, planned by
bot.services.reminders._pool_kind): ``pool_deadline`` 7 days and 1 day before (coordinators,
and a nudge to member cities that have not pledged), and ``pool_close`` at the deadline,
whose claim by one process closes the pool exactly once. Their dedupe keys name the pool:
``pool:<id>:<deadline epoch>:<7d|1d|close>``.

Its announcement (with the Pledge button) in the coalition's channel is queued in the outbox
in the same transaction (``_announcing``): a pool that was not opened announces nothing, and
an announcement Discord did not take is retried until it does.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.db.models import Coalition, Pool, Reminder
from bot.db.models.enums import PoolStatus, ReminderKind, ReminderStatus
from bot.db.uow import RemindersChanged, UnitOfWork
from bot.errors import InvalidInput
from bot.services.common import Actor
from bot.services.guards import managed_coalition
from bot.services.pools._announcing import post_announcement
from bot.services.pools._records import info
from bot.services.pools._text import clean_description, clean_item, clean_unit
from bot.services.pools.results import PoolCreated
from bot.services.timeparse import parse_local_datetime

# Reminders before a pool's deadline (as for asks' deadlines).
POOL_OFFSETS: tuple[tuple[str, timedelta], ...] = (
    ("7d", timedelta(days=7)),
    ("1d", timedelta(days=1)),
)
CLOSE_LABEL = "close"


def reminder_key(pool_id: int, deadline: datetime, label: str) -> str:
    return f"pool:{pool_id}:{int(deadline.timestamp())}:{label}"


def pool_key_prefix(pool_id: int) -> str:
    return f"pool:{pool_id}:"


def parse_reminder_key(key: str) -> tuple[int, int, str]:
    """(pool id, deadline epoch, label) of a pool reminder's dedupe key."""
    _, pool_id, epoch, label = key.split(":")
    return int(pool_id), int(epoch), label


async def create_pool(
    uow: UnitOfWork,
    actor: Actor,
    *,
    coalition_id: int,
    item: str,
    unit: str,
    description: str | None = None,
    deadline_text: str | None = None,
    tz_name: str | None = None,
    locale: str | None = None,
) -> PoolCreated:
    """Coordinators of the coalition and admins. The deadline is read in ``tz_name`` (UTC
    when none is given) and must be in the future."""
    now, session = uow.now, uow.session
    item_, unit_ = clean_item(item), clean_unit(unit)
    description_ = clean_description(description)
    coalition = await managed_coalition(session, actor, coalition_id, "open pools in it")
    deadline = reading = note = None
    if deadline_text is not None and deadline_text.strip():
        parsed = parse_local_datetime(deadline_text, tz_name or "UTC", now, locale=locale)
        deadline, reading, note = parsed.when, parsed.reading, parsed.note
    elif tz_name:
        raise InvalidInput("A time zone without a deadline means nothing. Add the deadline.")
    pool = Pool(
        guild_id=actor.guild_id,
        coalition_id=coalition.id,
        item=item_,
        unit=unit_,
        description=description_,
        deadline=deadline,
        status=PoolStatus.OPEN,
        created_by=actor.user_id,
        created_at=now,
    )
    session.add(pool)
    await session.flush()
    reminders = await _add_reminders(uow, pool, coalition)
    announced = await post_announcement(uow, pool, coalition)
    return PoolCreated(info(pool, coalition), reading, note, reminders, announced)


async def _add_reminders(uow: UnitOfWork, pool: Pool, coalition: Coalition) -> list[datetime]:
    if pool.deadline is None:
        return []
    before: list[datetime] = []
    rows = [(CLOSE_LABEL, pool.deadline, ReminderKind.POOL_CLOSE)]
    for label, delta in POOL_OFFSETS:
        due = pool.deadline - delta
        if due > uow.now:  # one already past when the pool opened would only be noise
            rows.append((label, due, ReminderKind.POOL_DEADLINE))
            before.append(due)
    for label, due, kind in rows:
        uow.session.add(
            Reminder(
                guild_id=pool.guild_id,
                coalition_id=coalition.id,
                kind=kind,
                offset_label=label,
                dedupe_key=reminder_key(pool.id, pool.deadline, label),
                due_at=due,
                status=ReminderStatus.PENDING,
                attempts=0,
                late=False,
                created_at=uow.now,
            )
        )
    await uow.session.flush()
    uow.wake(RemindersChanged())
    return sorted(before)
