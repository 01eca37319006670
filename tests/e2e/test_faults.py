"""Faults seen from Discord: the database going away and coming back, without a restart."""

from __future__ import annotations

import asyncpg
import pytest

from tests.db import PG_HOST, PG_PORT, PG_USER


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, database="postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_database_lost_while_running_then_back(world, database_url) -> None:
    name = database_url.rsplit("/", 1)[1]
    assert "Coalition Bot" in (await world.slash("about", user=world.sam)).text
    await _admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    try:
        await _admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        )
        down = await world.slash("about", user=world.sam)
        assert down.ephemeral
        assert "can't reach the database" in down.text
        assert "was not saved" in down.text
    finally:
        await _admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    back = await world.slash("about", user=world.sam)
    assert "Coalition Bot" in back.text and "can't reach" not in back.text
