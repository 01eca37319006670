"""Migration 0003 repairs what leaving a coalition used to leave behind.

Before 0003, a city that left a coalition kept its sign-ons live, so they counted again the
moment it rejoined. Upgrading ends every such sign-on as "left", with a history event, and
leaves the sign-ons of active members alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.db.engine import create_engine
from bot.db.migrate import upgrade_to_head
from tests.databases import sqlite_url
from tests.db.test_data_safety import WHEN, fill_new_tables


async def _world_at_0002(url: str, *, member_active: bool) -> None:
    await upgrade_to_head(url, "0002")
    engine = create_engine(url, migrating=True)
    try:
        async with engine.begin() as conn:

            def fill(sync: sa.Connection) -> None:
                fill_new_tables(sync, {})
                sync.execute(
                    sa.text("UPDATE sign_ons SET withdrawn_at = NULL, withdrawn_by = NULL")
                )
                if member_active:
                    sync.execute(
                        sa.text("UPDATE memberships SET status = 'active', ended_at = NULL")
                    )
                sync.execute(sa.text("DELETE FROM ask_events"))

            await conn.run_sync(fill)
    finally:
        await engine.dispose()


async def _after_head(url: str) -> tuple[sa.Row, list[sa.Row]]:
    await upgrade_to_head(url)
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            sign_on = (
                await conn.execute(
                    sa.text("SELECT withdrawn_at, withdrawn_by, end_kind FROM sign_ons")
                )
            ).one()
            events = (await conn.execute(sa.text("SELECT kind, city_id FROM ask_events"))).all()
    finally:
        await engine.dispose()
    return sign_on, events


async def test_a_live_sign_on_of_a_city_that_left_ends_as_left(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "left.db")
    await _world_at_0002(url, member_active=False)
    sign_on, events = await _after_head(url)
    assert sign_on.end_kind == "left"
    assert sign_on.withdrawn_at is not None
    assert str(WHEN.date()) in str(sign_on.withdrawn_at)  # when the membership ended
    assert [e.kind for e in events] == ["left"]


async def test_a_live_sign_on_of_an_active_member_stays_live(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "member.db")
    await _world_at_0002(url, member_active=True)
    sign_on, events = await _after_head(url)
    assert sign_on.end_kind is None
    assert sign_on.withdrawn_at is None
    assert events == []


@pytest.mark.postgres
async def test_the_repair_runs_on_postgresql(postgres_database) -> None:
    from tests.databases import create_pg_database, drop_pg_database

    await postgres_database.ensure()
    if postgres_database.error:
        pytest.skip(postgres_database.error)
    name = "coalition_m3_" + postgres_database.name.rsplit("_", 1)[1]
    url = await create_pg_database(name)
    try:
        await _world_at_0002(url, member_active=False)
        sign_on, events = await _after_head(url)
        assert sign_on.end_kind == "left"
        assert [e.kind for e in events] == ["left"]
    finally:
        await drop_pg_database(name)
