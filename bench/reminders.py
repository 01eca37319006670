"""10,000 pending reminders: re-arming them at start-up, and the dispatch rate under Discord's
global limit of 50 requests per second (enforced by the emulator), with nothing sent twice."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import timedelta
from typing import Any

from sqlalchemy import update

from bench.harness import database, running, stage
from bot.clock import FakeClock
from bot.db.models import Action, Coalition, Coordinator, Reminder
from bot.db.types import utcnow
from bot.services.common import fold

LIMIT_PER_S = 50


async def _seed(uow: Any, guild_id: int, channel_id: int, coordinator: int, count: int) -> None:
    """``count`` actions a day away, each with its "1d" reminder due within the arming horizon."""
    now = utcnow()
    async with uow() as u:
        s = u.session
        co = Coalition(
            guild_id=guild_id,
            name="Bench",
            name_key=fold("Bench"),
            kind="peer_group",
            created_by=coordinator,
            channel_id=channel_id,
        )
        s.add(co)
        await s.flush()
        s.add(Coordinator(coalition_id=co.id, user_id=coordinator, added_by=coordinator))
        actions = [
            Action(
                guild_id=guild_id,
                coalition_id=co.id,
                title=f"Meeting {i}",
                kind="meeting",
                starts_at=now + timedelta(days=1, minutes=5, milliseconds=i * 10),
                timezone="Europe/Paris",
                uid=f"bench-{i}@coalition",
                created_by=coordinator,
            )
            for i in range(count)
        ]
        s.add_all(actions)
        await s.flush()
        s.add_all(
            Reminder(
                guild_id=guild_id,
                coalition_id=co.id,
                kind="action",
                action_id=a.id,
                offset_label="1d",
                dedupe_key=f"action:{a.id}:s0:1d",
                due_at=a.starts_at - timedelta(days=1),
            )
            for a in actions
        )


async def run(count: int = 10_000, dispatch: int = 300) -> dict[str, Any]:
    st = stage(0)
    clock = FakeClock()
    async with database("sqlite") as url:
        from bot.db.engine import create_engine, create_session_factory
        from bot.db.uow import UnitOfWorkFactory

        engine = create_engine(url)
        try:
            await _seed(
                UnitOfWorkFactory(create_session_factory(engine)),
                st.guild.id,
                st.channel.id,
                st.users[0].id,
                count,
            )
        finally:
            await engine.dispose()
        async with running(st, url, clock=clock) as st:
            runtime = st.bot.workers.reminders
            await runtime.wait_idle()  # the start-up sweep
            started = time.perf_counter()
            await runtime.sweep()  # what start-up does: find pending rows and arm alarms
            rearm_s = time.perf_counter() - started
            armed = len(st.bot.alarms.armed("reminder:"))
            # Dispatch: keep ``dispatch`` reminders, make them due, send under the limit.
            async with st.bot.uow() as u:
                keep = (
                    await u.session.scalars(
                        Reminder.__table__.select()
                        .with_only_columns(Reminder.id)
                        .order_by(Reminder.id)
                        .limit(dispatch)
                    )
                ).all()
                await u.session.execute(
                    update(Reminder).where(Reminder.id.not_in(keep)).values(status="cancelled")
                )
            for job in st.bot.alarms.armed("reminder:"):
                st.bot.alarms.disarm(job)
            st.emu.global_rate_limit_per_second = LIMIT_PER_S
            clock.advance(timedelta(minutes=6))
            started = time.perf_counter()
            await runtime.run_due()
            elapsed = time.perf_counter() - started
            posts = st.emu.channel_messages(st.channel)
            dms = st.emu.dms(st.users[0])
            sent = len(posts) + len(dms)
            nonces = Counter(m.nonce for m in [*posts, *dms] if m.nonce)
            st.emu.global_rate_limit_per_second = None
            st.emu.violations.clear()  # the 429s were the point
    return {
        "count": count,
        "armed": armed,
        "rearm_s": rearm_s,
        "dispatched": dispatch,
        "requests_sent": sent,
        "dispatch_rate": sent / elapsed if elapsed else 0.0,
        "limit_per_s": LIMIT_PER_S,
        "duplicates": sum(n - 1 for n in nonces.values() if n > 1) + max(0, len(posts) - dispatch),
        "elapsed_s": elapsed,
    }


if __name__ == "__main__":
    print(asyncio.run(run()))
