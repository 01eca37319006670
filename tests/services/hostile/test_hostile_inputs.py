"""Hostile text through the services, on SQLite and PostgreSQL side by side.

For every example: both backends make the same decision (accept, or refuse with the same
message), store the same value, and a refusal names the field and what is wrong. Accepted text
that reaches the shared letter renders to the same bytes on both backends.
"""

from __future__ import annotations

import contextlib
import unicodedata
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import select

from bot.db.models import AskVersion, City, Coalition, LetterSettings, SignOn, Statement
from bot.db.models.core import Representative
from bot.services import asks, cities, coalitions, letters, statements
from bot.services.common import _FORBIDDEN
from tests.seed import ADMIN, COORD, REP_LYON, World
from tests.services.hostile.conftest import Backends, Outcome
from tests.support.corpus import CORPUS, hostile_text

TODAY = date(2026, 11, 28)
HYPOTHESIS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


def tag(value: str) -> str:
    """A short name derived from the example (the same on both backends)."""
    return f"{zlib.crc32(value.encode('utf-8', 'surrogatepass')):08x}"


async def scalar(world: World, statement: Any) -> Any:
    async with world.uow() as uow:
        return await uow.session.scalar(statement)


@dataclass(frozen=True)
class Field:
    label: str  # how refusals name it
    limit: int
    required: bool
    write: Callable[[World, str], Awaitable[Any]]
    read: Callable[[World, Any], Awaitable[str | None]]
    letter_ask: Callable[[World, Any], int] | None = None  # the ask whose letter shows it


async def _add_city(w: World, v: str, **kw: str) -> Any:
    async with w.uow() as uow:
        return await cities.add_city(uow, ADMIN, **{"name": v, "country": "France", **kw})


async def _create_coalition(w: World, **kw: Any) -> Any:
    async with w.uow() as uow:
        # Created as COORD with an admin's right to (by default only admins create them).
        creator = type(COORD)(COORD.guild_id, COORD.user_id, is_admin=True)
        return await coalitions.create_coalition(uow, creator, **kw)


async def _create_ask(w: World, **kw: str) -> Any:
    values = {"title": "Title", "target": "Target", "text": "Text", **kw}
    async with w.uow() as uow:
        return await asks.create_ask(uow, COORD, coalition_id=w.rhone, **values)


def _version(column: Any) -> Callable[[World, Any], Awaitable[str | None]]:
    async def read(w: World, r: Any) -> str | None:
        return await scalar(w, select(column).where(AskVersion.ask_id == r.id))

    return read


async def _sign(w: World, note: str | None = None) -> Any:
    async with w.uow() as uow:
        return await asks.confirm_sign(
            uow, REP_LYON, ask_id=w.ask, city_id=w.lyon, version=1, note=note
        )


async def _withdraw(w: World, reason: str) -> Any:
    async with w.uow() as uow:
        return await asks.withdraw(uow, REP_LYON, ask_id=w.ask, reason=reason, city_id=w.lyon)


async def _note_then_withdraw(w: World, r: Any) -> str | None:
    note = await scalar(
        w, select(SignOn.note).where(SignOn.city_id == w.lyon, SignOn.withdrawn_at.is_(None))
    )
    await _withdraw(w, "So the next example can sign again.")
    return note


async def _sign_then_withdraw(w: World, reason: str) -> Any:
    with contextlib.suppress(asks.AlreadySigned):
        await _sign(w)
    return await _withdraw(w, reason)


async def _last_reason(w: World, r: Any) -> str | None:
    return await scalar(
        w,
        select(SignOn.withdraw_reason)
        .where(SignOn.withdrawn_at.is_not(None))
        .order_by(SignOn.id.desc())
        .limit(1),
    )


async def _submit(w: World, **kw: str) -> Any:
    values = {"body": "We support it.", "signatory_name": "Lena", "signatory_title": "", **kw}
    async with w.uow() as uow:
        return await statements.submit(uow, REP_LYON, ask_id=w.ask, city_id=w.lyon, **values)


def _statement(column: Any) -> Callable[[World, Any], Awaitable[str | None]]:
    async def read(w: World, r: Any) -> str | None:
        return await scalar(
            w, select(column).where(Statement.city_id == w.lyon).order_by(Statement.id.desc())
        )

    return read


async def _settings(w: World, **kw: str) -> Any:
    values = {"opening": "", "closing": "", "sender": "", **kw}
    async with w.uow() as uow:
        return await letters.save_settings(uow, COORD, ask_id=w.ask, **values)


def _settings_read(column: Any) -> Callable[[World, Any], Awaitable[str | None]]:
    async def read(w: World, r: Any) -> str | None:
        return await scalar(w, select(column).where(LetterSettings.ask_id == w.ask))

    return read


async def _verify(w: World, v: str) -> Any:
    async with w.uow() as uow:
        return await cities.verify_representative(
            uow, ADMIN, city_id=w.annecy, user_id=102, title=v
        )


async def _rep_title(w: World, r: Any) -> str | None:
    return await scalar(
        w,
        select(Representative.title).where(
            Representative.city_id == w.annecy, Representative.ended_at.is_(None)
        ),
    )


def _by_id(column: Any, key: Any) -> Callable[[World, Any], Awaitable[str | None]]:
    async def read(w: World, r: Any) -> str | None:
        return await scalar(w, select(column).where(key == r.id))

    return read


def _new_ask(w: World, r: Any) -> int:
    return int(r.id)


def _world_ask(w: World, r: Any) -> int:
    return w.ask


FIELDS = {
    "city name": Field("city name", 100, True, _add_city, _by_id(City.name, City.id)),
    "country": Field(
        "country",
        100,
        True,
        lambda w, v: _add_city(w, f"Town {tag(v)}", country=v),
        _by_id(City.country, City.id),
    ),
    "region": Field(
        "region",
        100,
        False,
        lambda w, v: _add_city(w, f"Town {tag(v)}", region=v),
        _by_id(City.region, City.id),
    ),
    "coalition name": Field(
        "coalition name",
        100,
        True,
        lambda w, v: _create_coalition(w, name=v, kind="peer group"),
        _by_id(Coalition.name, Coalition.id),
    ),
    "coalition description": Field(
        "description",
        1000,
        False,
        lambda w, v: _create_coalition(w, name=f"C {tag(v)}", kind="peer group", description=v),
        _by_id(Coalition.description, Coalition.id),
    ),
    "ask title": Field(
        "title",
        100,
        True,
        lambda w, v: _create_ask(w, title=v),
        _version(AskVersion.title),
        _new_ask,
    ),
    "ask target": Field(
        "target",
        200,
        True,
        lambda w, v: _create_ask(w, target=v),
        _version(AskVersion.target),
        _new_ask,
    ),
    "ask text": Field(
        "ask text",
        4000,
        True,
        lambda w, v: _create_ask(w, text=v),
        _version(AskVersion.body),
        _new_ask,
    ),
    "sign-on note": Field("note", 1000, False, _sign, _note_then_withdraw),
    "withdraw reason": Field("reason", 1000, True, _sign_then_withdraw, _last_reason),
    "representative title": Field("title", 100, False, _verify, _rep_title),
    "statement": Field(
        "statement",
        4000,
        True,
        lambda w, v: _submit(w, body=v),
        _statement(Statement.body),
        _world_ask,
    ),
    "signatory name": Field(
        "signatory name",
        100,
        True,
        lambda w, v: _submit(w, signatory_name=v),
        _statement(Statement.signatory_name),
        _world_ask,
    ),
    "signatory title": Field(
        "signatory title",
        100,
        False,
        lambda w, v: _submit(w, signatory_title=v),
        _statement(Statement.signatory_title),
        _world_ask,
    ),
    "letter opening": Field(
        "opening",
        2000,
        False,
        lambda w, v: _settings(w, opening=v),
        _settings_read(LetterSettings.opening),
        _world_ask,
    ),
    "letter closing": Field(
        "closing",
        2000,
        False,
        lambda w, v: _settings(w, closing=v),
        _settings_read(LetterSettings.closing),
        _world_ask,
    ),
    "letter sender": Field(
        "sender line",
        200,
        False,
        lambda w, v: _settings(w, sender=v),
        _settings_read(LetterSettings.sender),
        _world_ask,
    ),
}


async def _letter(w: World, ask_id: int) -> bytes:
    async with w.uow() as uow:
        file = await letters.export(
            uow, COORD, ask_id=ask_id, order="alphabetical", version=None, today=TODAY
        )
    return file.content


def check(backends: Backends, field: Field, value: str) -> Outcome:
    write_results: dict[str, Any] = {}

    async def write(w: World) -> Any:
        result = await field.write(w, value)
        write_results[w.uow.session_factory.kw["bind"].dialect.name] = result
        return result

    outcomes = backends.run(write, field.read)
    lite, pg = outcomes["sqlite"], outcomes["postgresql"]
    assert lite == pg, f"SQLite and PostgreSQL differ on {value!r}: {lite} / {pg}"
    if lite.accepted:
        stored = lite.value
        if stored is not None:
            assert isinstance(stored, str)
            assert stored == stored.strip() and stored, "stored trimmed, never blank"
            assert len(stored) <= field.limit
            assert unicodedata.is_normalized("NFC", stored)
            assert not _FORBIDDEN.search(stored), f"invisible characters stored: {stored!r}"
        else:
            assert not field.required
        if field.letter_ask is not None:
            letters_ = {
                name: backends.call(
                    name, lambda w, n=name: _letter(w, field.letter_ask(w, write_results[n]))
                )
                for name in ("sqlite", "postgresql")
            }
            assert letters_["sqlite"] == letters_["postgresql"], "the letters differ"
            text = letters_["sqlite"].decode("utf-8")
            assert not _FORBIDDEN.search(text) and "\r" not in text
    else:
        assert lite.refusal and len(lite.refusal) < 400
        assert lite.refusal_type in ("InvalidInput", "Conflict", "AlreadySigned"), lite
        if lite.refusal_type == "InvalidInput":
            assert f"The {field.label} " in lite.refusal, lite.refusal
    return lite


@pytest.mark.parametrize("name", list(FIELDS))
def test_hostile_text_is_stored_or_refused_alike_on_both_backends(
    backends: Backends, name: str
) -> None:
    field = FIELDS[name]

    @HYPOTHESIS
    @given(value=hostile_text(max_size=field.limit + 200))
    def run(value: str) -> None:
        check(backends, field, value)

    run()


EXPECTED_REFUSALS = {
    "nul": "invisible or control characters",
    "zero width": "invisible or control characters",
    "bidi override": "invisible or control characters",
    "bidi isolate": "invisible or control characters",
    "bom": "invisible or control characters",
}


@pytest.mark.parametrize("name", ["city name", "ask text", "statement", "letter opening"])
def test_the_corpus_gets_a_clear_answer(backends: Backends, name: str) -> None:
    field = FIELDS[name]
    for sample, value in CORPUS.items():
        outcome = check(backends, field, value)
        if sample in EXPECTED_REFUSALS:
            assert not outcome.accepted, sample
            assert EXPECTED_REFUSALS[sample] in (outcome.refusal or ""), sample
        elif sample in ("empty", "whitespace only"):
            if field.required:
                assert outcome.refusal == (
                    f"The {field.label} cannot be empty. Please type some text."
                )
            else:
                assert outcome.accepted and outcome.value is None
        elif len(value) > field.limit:
            assert outcome.refusal is not None, sample
            assert f"the limit is {field.limit:,}" in outcome.refusal
        elif "\n" in value and field.limit <= 200:
            assert outcome.refusal == f"The {field.label} must fit on one line."
        else:
            assert outcome.accepted, (sample, outcome)
            assert outcome.value == unicodedata.normalize("NFC", value).strip()


def test_a_lone_surrogate_is_refused_clearly(backends: Backends) -> None:
    """JSON may carry an unpaired surrogate escape; neither driver can store it as UTF-8."""
    outcome = check(backends, FIELDS["statement"], "Lyon \ud800 supports")
    assert not outcome.accepted
    assert isinstance(outcome.refusal, str) and "The statement " in outcome.refusal
