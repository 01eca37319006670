"""Exporting the shared letter: SQL statements, time and peak memory at 10 and 1,000 cities.

Every signing city has a 4,000-character statement. Run ``python -m bench.letter_export``
(``--database-url`` for PostgreSQL); ``run(size)`` returns the figures for one size.
Statements are counted with SQLAlchemy's ``before_cursor_execute`` event on the engine
(SQLite's ``BEGIN IMMEDIATE`` included); time is the best of three exports; memory is
tracemalloc's peak during a fourth.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, inspect

from bot.db.engine import create_engine, create_session_factory
from bot.db.migrate import upgrade_to_head
from bot.db.models import (
    Ask,
    AskVersion,
    City,
    Coalition,
    Coordinator,
    Membership,
    Representative,
    SignOn,
    Statement,
)
from bot.db.uow import UnitOfWorkFactory
from bot.services import letters
from bot.services.common import Actor, fold

GUILD = 77
COORDINATOR = 7
TODAY = date(2026, 11, 28)
START = datetime(2026, 1, 1, tzinfo=UTC)
STATEMENT = ("Our city supports this ask with concrete measures. " * 80)[:4000]


async def seed_signing_cities(
    uow_factory: UnitOfWorkFactory, coalition_id: int, ask_id: int, n: int, *, first: int = 0
) -> None:
    """``n`` more cities: verified representatives, active members, signed on the ask's current
    version (1), each with a 4,000-character statement. Bulk inserts, a few statements."""
    async with uow_factory() as uow:
        session = uow.session
        guild_id = (await session.get(Coalition, coalition_id)).guild_id  # type: ignore[union-attr]
        towns = [
            City(
                guild_id=guild_id,
                name=f"Town {first + i:05d}",
                country="Benchland",
                population=10_000 + (first + i) * 37 % 90_000,
                name_key=fold(f"Town {first + i:05d}"),
                country_key="benchland",
                created_by=COORDINATOR,
            )
            for i in range(n)
        ]
        session.add_all(towns)
        await session.flush()
        rows: list[Any] = []
        for i, town in enumerate(towns):
            user = 1_000_000 + first + i
            at = START + timedelta(minutes=first + i)
            rows += [
                Representative(
                    guild_id=guild_id,
                    city_id=town.id,
                    user_id=user,
                    status="verified",
                    title="Climate officer",
                    verified_at=at,
                    verified_by=COORDINATOR,
                ),
                Membership(
                    coalition_id=coalition_id, city_id=town.id, status="active", requested_by=user
                ),
                SignOn(
                    ask_id=ask_id,
                    city_id=town.id,
                    user_id=user,
                    signer_title="Climate officer",
                    signed_version=1,
                    signed_at=at,
                    confirmed_version=1,
                    confirmed_at=at,
                    confirmed_by=user,
                ),
                Statement(
                    ask_id=ask_id,
                    city_id=town.id,
                    user_id=user,
                    version=1,
                    body=STATEMENT,
                    signatory_name=f"Representative {first + i}",
                    signatory_title="Climate officer",
                ),
            ]
        session.add_all(rows)


async def _seed_ask(uow_factory: UnitOfWorkFactory) -> tuple[int, int]:
    async with uow_factory() as uow:
        coalition = Coalition(
            guild_id=GUILD,
            name="Bench Coalition",
            name_key="bench coalition",
            kind="peer_group",
            created_by=COORDINATOR,
        )
        uow.session.add(coalition)
        await uow.session.flush()
        uow.session.add(
            Coordinator(coalition_id=coalition.id, user_id=COORDINATOR, added_by=COORDINATOR)
        )
        ask = Ask(
            guild_id=GUILD,
            coalition_id=coalition.id,
            status="open",
            current_version=1,
            created_by=COORDINATOR,
        )
        uow.session.add(ask)
        await uow.session.flush()
        uow.session.add(
            AskVersion(
                ask_id=ask.id,
                version=1,
                title="Car-free centres by 2030",
                target="Ministry of Ecological Transition",
                body="We ask the Ministry to fund car-free city centres by 2030.",
                created_by=COORDINATOR,
            )
        )
        return coalition.id, ask.id


async def arun(size: int = 1000, database_url: str | None = None) -> dict[str, Any]:
    """Seed ``size`` signing cities in a fresh database and export the letter once."""
    with tempfile.TemporaryDirectory(prefix="letter-bench-") as folder:
        url = database_url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                if await conn.run_sync(lambda c: inspect(c).get_table_names()):
                    raise SystemExit("--database-url must name an empty database")
            await upgrade_to_head(url)  # the schema the bot really runs on
            factory = UnitOfWorkFactory(create_session_factory(engine))
            coalition_id, ask_id = await _seed_ask(factory)
            await seed_signing_cities(factory, coalition_id, ask_id, size)
            statements: list[str] = []

            def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
                statements.append(statement)

            async def export() -> letters.LetterFile:
                async with factory() as uow:
                    return await letters.export(
                        uow, Actor(GUILD, COORDINATOR), ask_id=ask_id, today=TODAY
                    )

            event.listen(engine.sync_engine, "before_cursor_execute", count)
            await export()
            event.remove(engine.sync_engine, "before_cursor_execute", count)
            # Time without tracemalloc (it slows allocation-heavy code down several times).
            times = []
            for _ in range(3):
                started = time.perf_counter()
                file = await export()
                times.append(time.perf_counter() - started)
            tracemalloc.start()
            await export()
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        finally:
            await engine.dispose()
    return {
        "cities": size,
        "signatories": file.signatory_count,
        "queries": len(statements),
        "queries_excluding_begin": len([s for s in statements if not s.startswith("BEGIN")]),
        "seconds": round(min(times), 4),
        "peak_mib": round(peak / (1024 * 1024), 2),
        "letter_mib": round(len(file.content) / (1024 * 1024), 2),
    }


def run(size: int = 1000, database_url: str | None = None) -> dict[str, Any]:
    """The figures for one size (call ``arun`` from inside an event loop)."""
    return asyncio.run(arun(size, database_url))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.letter_export")
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--sizes", default="10,1000", help="comma-separated city counts")
    args = parser.parse_args()
    print(
        f"{'cities':>7} {'queries':>8} {'(no BEGIN)':>10} {'seconds':>8} {'peak MiB':>9} "
        f"{'letter MiB':>10}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        r = run(size, args.database_url)
        print(
            f"{r['cities']:>7} {r['queries']:>8} {r['queries_excluding_begin']:>10} "
            f"{r['seconds']:>8.3f} {r['peak_mib']:>9.2f} {r['letter_mib']:>10.2f}"
        )


if __name__ == "__main__":
    main()
