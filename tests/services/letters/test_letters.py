"""Statements and letters through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select, update

from bot.db.engine import create_engine, create_session_factory
from bot.db.models import LetterVersion, Statement, Webhook, WebhookDelivery
from bot.db.uow import UnitOfWorkFactory
from bot.errors import ChoiceNeeded, Conflict, InvalidInput, NotFound, PermissionDenied
from bot.services import asks, cities, coalitions, letters, statements
from bot.services.lookups import get_ask, signed_counts
from tests.conftest import both_backends
from tests.seed import COORD_B, OTHER_ADMIN, PENDING, STRANGER, build_world, sign_on
from tests.services.letters.conftest import (
    ADMIN,
    COORD,
    REP_ANNECY,
    REP_GRENOBLE,
    REP_LYON,
    REP_ZURICH,
    TODAY,
    World,
    build_letter_world,
)

pytestmark = both_backends
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


async def submit(w: World, actor: Any, body: str = "We agree.", **kw: Any) -> Any:
    values = {"city_id": None, "signatory_name": "Someone", "signatory_title": None} | kw
    return await w(statements.submit, actor, ask_id=w.ask, body=body, **values)


async def export(w: World, actor: Any = COORD, **kw: Any) -> letters.LetterFile:
    return await w(letters.export, actor, ask_id=w.ask, today=TODAY, **kw)


# --- statements ---


async def test_each_submission_is_a_new_version_and_the_latest_counts(world: World) -> None:
    await w_sign(world, REP_LYON)
    first = await submit(world, REP_LYON, "First words.", signatory_name="Léa")
    second = await submit(world, REP_LYON, "Second\n\nthoughts.", signatory_name="Léa Martin")
    assert (first.version, second.version) == (1, 2)
    assert second.in_letter and second.city_name == "Lyon"
    shown = await world(statements.show, STRANGER, ask_id=world.ask, city_id=world.lyon)
    assert (shown.version, shown.body, shown.signatory_name) == (
        2,
        "Second\n\nthoughts.",
        "Léa Martin",
    )
    text = (await export(world)).text
    assert "Second\n\nthoughts." in text and "First words." not in text
    async with world.uow() as uow:
        history = (await uow.session.scalars(select(Statement.body))).all()
    assert sorted(history) == ["First words.", "Second\n\nthoughts."]


async def w_sign(w: World, actor: Any) -> None:
    await w(sign_on, actor, ask_id=w.ask)


async def test_prepare_prefills_title_and_current_text(world: World) -> None:
    prompt = await world(statements.prepare_submit, REP_LYON, ask_id=world.ask)
    assert (prompt.city_name, prompt.verified_title, prompt.current_body) == (
        "Lyon",
        "Deputy Mayor for Climate",
        None,
    )
    await submit(world, REP_LYON, "Draft")
    prompt = await world(statements.prepare_submit, REP_LYON, ask_id=world.ask)
    assert prompt.current_body == "Draft"


async def test_who_may_submit(world: World) -> None:
    with pytest.raises(PermissionDenied, match="still waiting for verification"):
        await world(statements.prepare_submit, PENDING, ask_id=world.ask)
    with pytest.raises(PermissionDenied, match="don't represent any city"):
        await world(statements.prepare_submit, STRANGER, ask_id=world.ask)
    with pytest.raises(PermissionDenied, match="not Grenoble"):
        await submit(world, REP_LYON, city_id=world.grenoble)
    with pytest.raises(NotFound):
        await world(statements.prepare_submit, REP_LYON, ask_id=world.other_ask)
    # Zürich has a verified representative but is not a member of the coalition.
    async with world.uow() as uow:
        await cities.verify_representative(uow, ADMIN, city_id=world.zurich, user_id=103)
    with pytest.raises(PermissionDenied, match="not a member of Rhône Climate"):
        await submit(world, REP_ZURICH)
    await world(asks.close_ask, COORD, world.ask)
    with pytest.raises(Conflict, match="is closed"):
        await submit(world, REP_LYON)


async def test_statement_text_is_validated(world: World) -> None:
    for kw, message in [
        ({"body": ""}, "statement cannot be empty"),
        ({"body": "x" * 4001}, "4,001 characters long; the limit is 4,000"),
        ({"body": "nul\x00"}, "invisible or control characters"),
        ({"signatory_name": " "}, "signatory name cannot be empty"),
        ({"signatory_name": "n" * 101}, "the limit is 100"),
        ({"signatory_title": "a\nb"}, "must fit on one line"),
    ]:
        with pytest.raises(InvalidInput, match=message):
            await submit(world, REP_LYON, **({"body": "ok"} | kw))
    saved = await submit(world, REP_LYON, "x" * 4000)
    assert len(saved.body) == 4000


async def test_show_defaults_to_own_city_and_explains_missing(world: World) -> None:
    await submit(world, REP_LYON, "Ours.")
    assert (await world(statements.show, REP_LYON, ask_id=world.ask)).body == "Ours."
    with pytest.raises(InvalidInput, match="Choose the city"):
        await world(statements.show, STRANGER, ask_id=world.ask)
    with pytest.raises(NotFound, match="Grenoble has no statement"):
        await world(statements.show, STRANGER, ask_id=world.ask, city_id=world.grenoble)
    with pytest.raises(NotFound):
        await world(statements.show, OTHER_ADMIN, ask_id=world.ask, city_id=world.lyon)


async def test_withdraw_removes_it_from_the_letter_and_keeps_history(world: World) -> None:
    await w_sign(world, REP_LYON)
    await submit(world, REP_LYON, "One.")
    await submit(world, REP_LYON, "Two.")
    gone = await world(statements.withdraw, REP_LYON, ask_id=world.ask)
    assert gone.version == 2
    assert "Two." not in (await export(world)).text
    assert "| Lyon |" in (await export(world)).text  # still a signatory
    with pytest.raises(NotFound, match="Lyon has no statement"):
        await world(statements.show, REP_LYON, ask_id=world.ask)
    with pytest.raises(NotFound, match="nothing to withdraw"):
        await world(statements.withdraw, REP_LYON, ask_id=world.ask)
    again = await submit(world, REP_LYON, "Three.")
    assert again.version == 3
    assert "Three." in (await export(world)).text
    async with world.uow() as uow:
        rows = (await uow.session.scalars(select(Statement).order_by(Statement.version))).all()
    assert [(r.version, r.withdrawn_at is None) for r in rows] == [
        (1, False),
        (2, False),
        (3, True),
    ]


async def test_several_cities_must_choose(world: World) -> None:
    async with world.uow() as uow:
        await cities.verify_representative(uow, ADMIN, city_id=world.grenoble, user_id=100)
    with pytest.raises(ChoiceNeeded):
        await submit(world, REP_LYON)
    saved = await submit(world, REP_LYON, city_id=world.grenoble)
    assert saved.city_name == "Grenoble"


# --- who is in the letter ---


async def test_letter_has_exactly_the_cities_counted_as_signed(letter_world: World) -> None:
    w = letter_world
    await w(asks.withdraw, REP_ANNECY, ask_id=w.ask, reason="later")
    async with w.uow() as uow:
        await coalitions.leave_coalition(uow, REP_GRENOBLE, coalition_id=w.rhone)
    file = await export(w)
    async with w.uow() as uow:
        ask, _, _ = await get_ask(uow.session, COORD, w.ask)
        ids = await letters.counted_city_ids(uow.session, ask)
        count = (await signed_counts(uow.session, [w.ask]))[w.ask]
    status = await w(asks.signatories, COORD, w.ask)
    assert ids == {s.city_id for s in status.signed} == {w.lyon, w.zurich}
    assert file.signatory_count == count == 2
    assert "Grenoble" not in file.text and "Annecy" not in file.text


async def test_statement_without_signature_is_left_out(world: World) -> None:
    await submit(world, REP_LYON, "Unsigned words.")
    file = await export(world)
    assert "Unsigned words." not in file.text and file.signatory_count == 0


# --- settings ---


async def test_settings_defaults_save_and_reset(world: World) -> None:
    current = await world(letters.get_settings, COORD, world.ask)
    assert not current.customised and "Rhône Climate" in current.opening
    saved = await world(
        letters.save_settings,
        ADMIN,
        ask_id=world.ask,
        opening="Dear Prefect,",
        closing="Warm regards,",
        sender="Rhône Climate secretariat",
    )
    assert saved.customised
    text = (await export(world)).text
    assert "Dear Prefect," in text and text.endswith("Warm regards,\n\nRhône Climate secretariat\n")
    await world(letters.save_settings, COORD, ask_id=world.ask, opening="", closing="", sender="")
    assert (await world(letters.get_settings, COORD, world.ask)).opening == current.opening
    for actor in (REP_LYON, STRANGER, COORD_B):
        with pytest.raises(PermissionDenied, match="Only coordinators of Rhône Climate"):
            await world(letters.get_settings, actor, world.ask)
        with pytest.raises(PermissionDenied):
            await world(
                letters.save_settings, actor, ask_id=world.ask, opening="x", closing="", sender=""
            )
    with pytest.raises(InvalidInput, match="sender line must fit on one line"):
        await world(
            letters.save_settings, COORD, ask_id=world.ask, opening="", closing="", sender="a\nb"
        )
    with pytest.raises(InvalidInput, match="the limit is 2,000"):
        await world(
            letters.save_settings,
            COORD,
            ask_id=world.ask,
            opening="o" * 2001,
            closing="",
            sender="",
        )


# --- preview and export ---


async def test_preview_warns_about_what_needs_attention(letter_world: World) -> None:
    w = letter_world
    await w(asks.withdraw, REP_ANNECY, ask_id=w.ask, reason="later")
    await w(asks.edit_ask, COORD, ask_id=w.ask, text="New text.")
    await w(asks.reconfirm, REP_LYON, ask_id=w.ask, city_id=None, version=2)
    result = await w(letters.preview, COORD, ask_id=w.ask, today=TODAY)
    assert result.file.signatory_count == 1
    assert result.statement_without_signature == ["Annecy", "Zürich"]
    assert result.awaiting_reconfirmation == ["Grenoble", "Zürich"]
    assert result.not_signed == ["Annecy"]
    for actor in (REP_LYON, STRANGER):
        with pytest.raises(PermissionDenied):
            await w(letters.preview, actor, ask_id=w.ask, today=TODAY)


async def test_who_may_export(world: World) -> None:
    w = world
    await w_sign(w, REP_LYON)
    for actor in (COORD, ADMIN, REP_LYON, REP_GRENOBLE):
        assert (await export(w, actor)).signatory_count == 1
        assert await w(letters.versions, actor, w.ask) == []
    for actor in (STRANGER, PENDING, COORD_B):
        with pytest.raises(PermissionDenied, match="verified representatives of its member"):
            await export(w, actor)
        with pytest.raises(PermissionDenied):
            await w(letters.versions, actor, w.ask)
    with pytest.raises(NotFound):
        await w(letters.export, OTHER_ADMIN, ask_id=w.ask, today=TODAY)


async def test_export_file_name_order_and_hash(letter_world: World) -> None:
    file = await export(letter_world, order="signing date")
    assert file.filename == "car-free-city-centres-by-2030-2026-11-28.md"
    assert file.order == "signing_date"
    assert file.sha256 == hashlib.sha256(file.content).hexdigest()
    assert file.text.index("| Grenoble |") < file.text.index("| Zürich |")
    with pytest.raises(InvalidInput, match="choose an order"):
        await export(letter_world, order="random")


async def test_too_large_names_the_shell_command(letter_world: World) -> None:
    file = await export(letter_world)
    letters.ensure_uploadable(file, len(file.content))
    with pytest.raises(letters.LetterTooLarge) as refused:
        letters.ensure_uploadable(file, len(file.content) - 1)
    assert f"python -m bot letter export --ask {letter_world.ask} -o letter.md" in str(
        refused.value
    )


# --- finalised versions ---


async def test_finalised_version_is_frozen_whatever_happens_later(letter_world: World) -> None:
    w = letter_world
    v1 = await w(letters.finalise, COORD, ask_id=w.ask, now=NOW)
    assert (v1.version, v1.signatory_count) == (1, 4)
    assert v1.filename == "car-free-city-centres-by-2030-v1-2026-11-28.md"
    assert v1.sha256 == hashlib.sha256(v1.content).hexdigest()

    await w(asks.withdraw, REP_ZURICH, ask_id=w.ask, reason="Council changed its mind")
    await submit(w, REP_LYON, "A completely new statement.")
    async with w.uow() as uow:
        await cities.add_city(uow, ADMIN, name="Lyon 2", country="France")
    later = await w(letters.export, COORD, ask_id=w.ask, version=1, today=TODAY + timedelta(9))
    assert later.content == v1.content and later.filename == v1.filename
    live = await export(w)
    assert live.content != v1.content and "Zürich" not in live.text

    v2 = await w(letters.finalise, COORD, ask_id=w.ask, order="population", now=NOW)
    assert v2.version == 2 and v2.signatory_count == 3
    with pytest.raises(Conflict, match="Version 2 already has exactly this text"):
        await w(letters.finalise, COORD, ask_id=w.ask, order="population", now=NOW)
    listed = await w(letters.versions, REP_LYON, w.ask)
    assert [(v.number, v.signatory_count, v.order, v.sha256) for v in listed] == [
        (1, 4, "alphabetical", v1.sha256),
        (2, 3, "population", v2.sha256),
    ]
    with pytest.raises(NotFound, match="no finalised version 3"):
        await w(letters.export, COORD, ask_id=w.ask, version=3, today=TODAY)


async def test_finalise_rules(world: World) -> None:
    with pytest.raises(Conflict, match="No city has signed"):
        await world(letters.finalise, COORD, ask_id=world.ask, now=NOW)
    await w_sign(world, REP_LYON)
    for actor in (REP_LYON, STRANGER, COORD_B):
        with pytest.raises(PermissionDenied):
            await world(letters.finalise, actor, ask_id=world.ask, now=NOW)
    assert (await world(letters.finalise, ADMIN, ask_id=world.ask, now=NOW)).version == 1


async def test_finalise_emits_the_webhook_event(world: World) -> None:
    await w_sign(world, REP_LYON)
    async with world.uow() as uow:
        uow.session.add(
            Webhook(
                guild_id=1,
                coalition_id=world.rhone,
                url="https://example.org/hook",
                events="sign_on,letter_finalised",
                secret="s",
                created_by=10,
            )
        )
    frozen = await world(letters.finalise, COORD, ask_id=world.ask, now=NOW)
    async with world.uow() as uow:
        rows = (await uow.session.scalars(select(WebhookDelivery))).all()
    assert [r.event_type for r in rows] == ["letter_finalised"]
    data = json.loads(rows[0].body)["data"]
    assert data["letter_version"] == 1 and data["sha256"] == frozen.sha256
    assert data["signatory_count"] == 1 and data["ask_id"] == str(world.ask)


async def test_a_tampered_version_is_refused_not_served(world: World) -> None:
    await w_sign(world, REP_LYON)
    await world(letters.finalise, COORD, ask_id=world.ask, now=NOW)
    async with world.uow() as uow:
        await uow.session.execute(update(LetterVersion).values(content="forged"))
    with pytest.raises(Exception, match="no longer matches its sha256"):
        await world(letters.export, COORD, ask_id=world.ask, version=1, today=TODAY)


async def test_operator_reads_any_server_by_id(world: World) -> None:
    async with world.uow() as uow:
        actor = await letters.operator_actor(uow, world.other_ask)
    assert actor.guild_id == 2 and actor.is_admin
    file = await world(letters.export, actor, ask_id=world.other_ask, today=TODAY)
    assert file.text.startswith("# Other\n")
    with pytest.raises(NotFound, match="no ask with id 999999"):
        async with world.uow() as uow:
            await letters.operator_actor(uow, 999_999)


# --- a fixed number of queries, whatever the number of cities ---


class Counter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.statements.append(statement)


async def test_export_queries_do_not_grow_with_cities(database_url: str) -> None:
    from bench.letter_export import seed_signing_cities

    engine = create_engine(database_url)
    counter = Counter()
    event.listen(engine.sync_engine, "before_cursor_execute", counter)
    try:
        factory = UnitOfWorkFactory(create_session_factory(engine))
        w = await build_letter_world(await build_world(factory))
        counts = []
        for extra in (0, 150):
            await seed_signing_cities(factory, w.rhone, w.ask, extra, first=len(counts) * 1000)
            counter.statements.clear()
            file = await w(letters.export, COORD, ask_id=w.ask, today=TODAY)
            counts.append(len([s for s in counter.statements if not s.startswith("BEGIN")]))
        assert file.signatory_count == 4 + 150
        assert counts[0] == counts[1] <= 5, counter.statements
    finally:
        await engine.dispose()


async def test_an_archived_coalition_letter_is_read_only(letter_world: World) -> None:
    w = letter_world
    async with w.uow() as uow:
        await coalitions.archive_coalition(uow, COORD, w.rhone)
    assert (await export(w)).signatory_count == 4
    with pytest.raises(Conflict, match="archived"):
        await w(letters.get_settings, COORD, w.ask)
    with pytest.raises(Conflict, match="archived"):
        await w(letters.finalise, COORD, ask_id=w.ask, now=NOW)
    with pytest.raises(Conflict, match="archived"):
        await submit(w, REP_LYON)
