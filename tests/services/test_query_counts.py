"""Views issue the same number of SQL statements for 10 or 200 member cities."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import event

from bot.db.engine import create_engine, create_session_factory
from bot.db.models import City, Membership, Representative, SignOn
from bot.db.types import utcnow
from bot.db.uow import UnitOfWorkFactory
from bot.services import asks, autocomplete, coalitions
from bot.services.common import Actor, fold
from tests.conftest import both_backends

pytestmark = both_backends

GUILD = 5
COORD = Actor(GUILD, 10)


class Counter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.statements.append(statement)


@pytest.fixture
async def counted(database_url: str) -> AsyncIterator[tuple[UnitOfWorkFactory, Counter]]:
    engine = create_engine(database_url)
    counter = Counter()
    event.listen(engine.sync_engine, "before_cursor_execute", counter)
    try:
        yield UnitOfWorkFactory(create_session_factory(engine)), counter
    finally:
        await engine.dispose()


async def _coalition_with(uow_factory: UnitOfWorkFactory, n: int) -> tuple[int, int]:
    """A coalition with ``n`` active members (half signed, a few withdrawn) and one open ask."""
    async with uow_factory() as uow:
        creator = Actor(GUILD, COORD.user_id, is_admin=True)  # only admins create by default
        c = await coalitions.create_coalition(uow, creator, name=f"Size {n}", kind="peer group")
        ask = await asks.create_ask(uow, COORD, coalition_id=c.id, title="T", target="T", text="x")
        now = utcnow()
        towns = [
            City(
                guild_id=GUILD,
                name=f"Town {n}-{i}",
                country="Testland",
                name_key=fold(f"Town {n}-{i}"),
                country_key="testland",
                created_by=1,
                created_at=now,
            )
            for i in range(n)
        ]
        uow.session.add_all(towns)
        await uow.session.flush()
        uow.session.add_all(
            Membership(
                coalition_id=c.id,
                city_id=t.id,
                status="active",
                requested_by=1,
                requested_at=now,
                approved_at=now,
                approved_by=1,
            )
            for t in towns
        )
        uow.session.add_all(
            Representative(
                guild_id=GUILD,
                city_id=t.id,
                user_id=1000 + i,
                status="verified",
                verified_at=now,
                verified_by=1,
            )
            for i, t in enumerate(towns)
        )
        uow.session.add_all(
            SignOn(
                ask_id=ask.id,
                city_id=t.id,
                user_id=1000 + i,
                signed_version=1,
                confirmed_version=1,
                confirmed_by=1000 + i,
                withdrawn_at=now if i % 5 == 0 else None,
                withdrawn_by=1000 + i if i % 5 == 0 else None,
                withdraw_reason="no" if i % 5 == 0 else None,
            )
            for i, t in enumerate(towns)
            if i % 2 == 0
        )
    return c.id, ask.id


async def _count(uow_factory: UnitOfWorkFactory, counter: Counter, fn: Any, *a: Any, **kw: Any):
    counter.statements.clear()
    async with uow_factory() as uow:
        result = await fn(uow, *a, **kw)
    return len(counter.statements), result


async def test_counts_do_not_grow_with_members(counted) -> None:
    uow_factory, counter = counted
    small = await _coalition_with(uow_factory, 10)
    large = await _coalition_with(uow_factory, 200)
    views = [
        ("ask show", lambda c, a: (asks.show_ask, COORD, a)),
        ("signatories", lambda c, a: (asks.signatories, COORD, a)),
        ("coalition show", lambda c, a: (coalitions.show_coalition, COORD, c)),
        ("ask list", lambda c, a: (asks.list_asks, COORD)),
        ("autocomplete asks", lambda c, a: (autocomplete.asks, COORD, "")),
    ]
    for name, make in views:
        counts = []
        for coalition_id, ask_id in (small, large):
            fn, *args = make(coalition_id, ask_id)
            kw = {"coalition_id": coalition_id} if fn is asks.list_asks else {}
            n, _ = await _count(uow_factory, counter, fn, *args, **kw)
            counts.append(n)
        assert counts[0] == counts[1], f"{name}: {counts}"

    n_small, detail_small = await _count(uow_factory, counter, asks.show_ask, COORD, small[1])
    n_large, detail_large = await _count(uow_factory, counter, asks.show_ask, COORD, large[1])
    assert n_small == n_large
    assert (detail_small.signed, detail_small.total) == (4, 10)
    assert (detail_large.signed, detail_large.total) == (80, 200)
    assert len(detail_large.signatories.withdrawn) == 20
    assert len(detail_large.signatories.missing) == 100

    # Editing notifies every signer, still in a fixed number of statements.
    edits = []
    for _coalition_id, ask_id in (small, large):
        n, result = await _count(
            uow_factory, counter, asks.edit_ask, COORD, ask_id=ask_id, text="new"
        )
        edits.append((n, len(result.to_notify)))
    assert edits[0][0] == edits[1][0] and [e[1] for e in edits] == [4, 80]
