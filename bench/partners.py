"""Partner suggestions at scale: /city partners and /coalition suggest among 5,000 cities.

Each city has coordinates, a region and a population; 10 coalitions of 200 members each and
5 asks with 400 signatures each give the shared-kinds and shared-asks parts something to do.
Run ``python -m bench.partners`` (``--database-url`` for an empty PostgreSQL database);
``run(size)`` returns the figures. Time is the best of three, after one warm-up.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, inspect

from bot.db.engine import create_engine, create_session_factory
from bot.db.migrate import upgrade_to_head
from bot.db.models import Ask, AskVersion, City, Coalition, Membership, SignOn
from bot.db.uow import UnitOfWorkFactory
from bot.services import partners
from bot.services.common import Actor

GUILD = 77
USER = 5
NOW = datetime(2026, 12, 1, tzinfo=UTC)
KINDS = ("city_partnership", "peer_group", "metro_area_partnership", "international_network")


async def seed(factory: UnitOfWorkFactory, size: int) -> tuple[int, int]:
    """``size`` cities, 10 coalitions, 5 asks; (a city id, a coalition id) to look from."""
    rnd = random.Random(18)
    async with factory() as uow:
        s = uow.session
        cities = [
            {
                "guild_id": GUILD,
                "name": f"Town {i}",
                "name_key": f"town {i}",
                "country": f"Country {i % 12}",
                "country_key": f"country {i % 12}",
                "region": f"Region {i % 60}",
                "population": rnd.randint(2_000, 2_000_000),
                "latitude": rnd.uniform(36, 60),
                "longitude": rnd.uniform(-9, 30),
                "created_by": USER,
                "created_at": NOW,
            }
            for i in range(size)
        ]
        await s.execute(insert(City), cities)
        city_ids = list((await s.scalars(City.__table__.select().with_only_columns(City.id))).all())
        coalitions = []
        for c in range(10):
            row = Coalition(
                guild_id=GUILD,
                name=f"Pact {c}",
                name_key=f"pact {c}",
                kind=KINDS[c % len(KINDS)],
                created_by=USER,
                created_at=NOW,
            )
            s.add(row)
            await s.flush()
            coalitions.append(row.id)
            members = rnd.sample(city_ids, min(200, len(city_ids)))
            await s.execute(
                insert(Membership),
                [
                    {
                        "coalition_id": row.id,
                        "city_id": m,
                        "status": "active",
                        "requested_by": USER,
                        "requested_at": NOW,
                    }
                    for m in members
                ],
            )
        for a in range(5):
            ask = Ask(guild_id=GUILD, coalition_id=coalitions[a], created_by=USER, created_at=NOW)
            s.add(ask)
            await s.flush()
            s.add(
                AskVersion(
                    ask_id=ask.id,
                    version=1,
                    title=f"Ask {a}",
                    target="T",
                    body="B",
                    created_by=USER,
                    created_at=NOW,
                )
            )
            signers = [city_ids[0], *rnd.sample(city_ids[1:], min(399, len(city_ids) - 1))]
            await s.execute(
                insert(SignOn),
                [
                    {
                        "ask_id": ask.id,
                        "city_id": c,
                        "user_id": USER,
                        "signed_version": 1,
                        "signed_at": NOW,
                        "confirmed_version": 1,
                        "confirmed_at": NOW,
                        "confirmed_by": USER,
                    }
                    for c in signers
                ],
            )
    return city_ids[0], coalitions[0]


async def _best(factory: UnitOfWorkFactory, fn: Any, *args: Any) -> float:
    times = []
    for _ in range(4):  # one warm-up, then the best of three
        started = time.perf_counter()
        async with factory(read_only=True) as uow:
            await fn(uow, Actor(GUILD, USER), *args)
        times.append(time.perf_counter() - started)
    return min(times[1:])


async def arun(size: int = 5000, database_url: str | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="partners-bench-") as folder:
        url = database_url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                if await conn.run_sync(lambda c: inspect(c).get_table_names()):
                    raise SystemExit("--database-url must name an empty database")
            await upgrade_to_head(url)
            factory = UnitOfWorkFactory(create_session_factory(engine))
            city, coalition = await seed(factory, size)
            partners_s = await _best(factory, partners.city_partners, city)
            suggest_s = await _best(factory, partners.coalition_suggestions, coalition)
        finally:
            await engine.dispose()
    return {"cities": size, "partners_s": round(partners_s, 4), "suggest_s": round(suggest_s, 4)}


def run(size: int = 5000, database_url: str | None = None) -> dict[str, Any]:
    return asyncio.run(arun(size, database_url))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.partners")
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--sizes", default="500,5000", help="comma-separated city counts")
    args = parser.parse_args()
    print(f"{'cities':>7} {'/city partners s':>17} {'/coalition suggest s':>21}")
    for size in (int(s) for s in args.sizes.split(",")):
        r = run(size, args.database_url)
        print(f"{r['cities']:>7} {r['partners_s']:>17.4f} {r['suggest_s']:>21.4f}")


if __name__ == "__main__":
    main()
