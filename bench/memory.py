"""Resident memory of the idle bot with a populated database, against a bare discord.py bot."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

import psutil

from bench.harness import bot_command, bot_env, process, stage
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
)
from bot.db.uow import UnitOfWorkFactory
from bot.services.common import fold
from tests.databases import sqlite_url

ROOT = Path(__file__).resolve().parents[1]


async def populate(url: str, guild_id: int, cities: int, coalitions: int, per: int) -> int:
    """``cities`` cities, ``coalitions`` coalitions of ``per`` member cities, one ask each,
    every member signed: cities x coalitions x per sign-ons in all."""
    engine = create_engine(url)
    uow = UnitOfWorkFactory(create_session_factory(engine))
    signons = 0
    try:
        async with uow() as u:
            s = u.session
            rows = [
                City(
                    guild_id=guild_id,
                    name=f"City {i}",
                    country="Testland",
                    name_key=f"city {i}",
                    country_key="testland",
                    created_by=1,
                )
                for i in range(cities)
            ]
            s.add_all(rows)
            await s.flush()
            s.add_all(
                Representative(
                    guild_id=guild_id, city_id=c.id, user_id=10_000 + i, status="verified"
                )
                for i, c in enumerate(rows)
            )
            for k in range(coalitions):
                co = Coalition(
                    guild_id=guild_id,
                    name=f"Coalition {k}",
                    name_key=fold(f"Coalition {k}"),
                    kind="peer_group",
                    created_by=1,
                )
                s.add(co)
                await s.flush()
                s.add(Coordinator(coalition_id=co.id, user_id=1, added_by=1))
                members = [rows[(k * per + j) % cities] for j in range(per)]
                s.add_all(
                    Membership(coalition_id=co.id, city_id=c.id, status="active", requested_by=1)
                    for c in members
                )
                ask = Ask(guild_id=guild_id, coalition_id=co.id, created_by=1)
                s.add(ask)
                await s.flush()
                s.add(
                    AskVersion(
                        ask_id=ask.id, version=1, title="Ask", target="T", body="B", created_by=1
                    )
                )
                s.add_all(
                    SignOn(
                        ask_id=ask.id,
                        city_id=c.id,
                        user_id=1,
                        signed_version=1,
                        confirmed_version=1,
                        confirmed_by=1,
                    )
                    for c in members
                )
                signons += len(members)
    finally:
        await engine.dispose()
    return signons


async def _rss_of(cmd: list[str], env: dict[str, str], settle: float) -> int:
    async with process(cmd, env) as proc:
        await asyncio.sleep(settle)
        return int(psutil.Process(proc.pid).memory_info().rss)


async def run(cities: int = 1000, coalitions: int = 100, per: int = 100, settle: float = 3.0):
    st = stage(0)
    await st.emu.start()
    try:
        with tempfile.TemporaryDirectory(prefix="coalition-mem-") as folder:
            url = sqlite_url(Path(folder) / "mem.db")
            await upgrade_to_head(url)
            signons = await populate(url, st.guild.id, cities, coalitions, per)
            env = bot_env(st.emu, url)
            bot_rss = await _rss_of(bot_command(), env | {"LOG_LEVEL": "INFO"}, settle)
            bare_rss = await _rss_of([sys.executable, "-m", "bench.bare_bot"], env, settle)
    finally:
        await st.emu.stop()
    return {
        "bot_rss": bot_rss,
        "bare_rss": bare_rss,
        "signons": signons,
        "cities": cities,
        "coalitions": coalitions,
    }


if __name__ == "__main__":
    print(asyncio.run(run()))
