"""Proof of authority on sign-ons: the council resolution or mayoral decision a city signs
under, a coalition requiring it, and the letter's Basis column."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.db.models import AskEvent, SignOn, Webhook, WebhookDelivery
from bot.documents.layout import Table, layout
from bot.documents.model import LetterInput, Signatory, from_json, to_json
from bot.errors import InvalidInput, PermissionDenied
from bot.services import asks, events
from bot.services.asks import authority
from bot.services.asks.results import AuthorityRequired
from bot.services.coalitions import settings as coalition_settings
from bot.services.letters import settings as letter_settings
from tests.conftest import both_backends
from tests.seed import sign_on
from tests.services.conftest import (
    ADMIN,
    COORD,
    COORD_B,
    GUILD,
    REP_GRENOBLE,
    REP_LYON,
    STRANGER,
    World,
)

RESOLUTION = {
    "basis_kind": "council resolution",
    "basis_reference": "2026-117",
    "basis_date": "2026-11-20",
    "basis_url": "https://lyon.fr/deliberations/2026-117",
}


async def sign_with(world: World, actor: object, **basis: str | None) -> asks.SignResult:
    """/ask sign's prompt, then the basis form submitted (what the Add the basis button does)."""

    async def both(uow, actor):  # type: ignore[no-untyped-def]
        prompt = await asks.prepare_sign(uow, actor, ask_id=world.ask)
        return await asks.confirm_sign(
            uow, actor, ask_id=world.ask, city_id=prompt.city_id, version=prompt.version, **basis
        )

    return await world(both, actor)


@both_backends
async def test_a_basis_is_kept_shown_in_history_and_sent_in_webhooks(world: World) -> None:
    async with world.uow() as uow:
        uow.session.add(
            Webhook(
                guild_id=GUILD,
                coalition_id=world.rhone,
                url="https://example.org/hook",
                events=",".join(events.EVENT_TYPES),
                secret="s",
                created_by=ADMIN.user_id,
            )
        )
    r = await sign_with(world, REP_LYON, **RESOLUTION)
    assert r.basis is not None
    assert r.basis.describe() == (
        "council resolution 2026-117 of 2026-11-20 (https://lyon.fr/deliberations/2026-117)"
    )
    await world(sign_on, REP_GRENOBLE, ask_id=world.ask)  # no basis: none shown
    sig = await world(authority.signatories_with_basis, STRANGER, world.ask)
    by_city = {s.city_name: s.basis for s in sig.signed}
    assert by_city["Grenoble"] is None
    lyon = by_city["Lyon"]
    assert lyon is not None
    assert (lyon.kind, lyon.reference, lyon.date, lyon.url) == (
        "council_resolution",
        "2026-117",
        date(2026, 11, 20),
        "https://lyon.fr/deliberations/2026-117",
    )
    history = await world(asks.history, STRANGER, world.ask)
    signed = [e for e in history if e.kind == "signed" and e.city_name == "Lyon"]
    assert signed and "Basis: council resolution 2026-117 of 2026-11-20" in (signed[0].detail or "")
    async with world.uow() as uow:
        bodies = [
            json.loads(d.body)["data"]
            for d in await uow.session.scalars(
                select(WebhookDelivery).where(WebhookDelivery.event_type == "sign_on")
            )
        ]
    assert {
        "kind": "council_resolution",
        "reference": "2026-117",
        "date": "2026-11-20",
        "url": "https://lyon.fr/deliberations/2026-117",
    } in [b["basis"] for b in bodies]
    assert None in [b["basis"] for b in bodies]  # Grenoble gave none


@both_backends
async def test_a_coalition_requiring_the_basis_refuses_a_sign_on_without_one(
    world: World,
) -> None:
    for actor in (STRANGER, REP_LYON, COORD_B):
        with pytest.raises(PermissionDenied):
            await world(
                coalition_settings.set_authority, actor, coalition_id=world.rhone, required=True
            )
    r = await world(
        coalition_settings.set_authority, COORD, coalition_id=world.rhone, required=True
    )
    assert r.authority_required
    prompt = await world(asks.prepare_sign, REP_LYON, ask_id=world.ask)
    assert prompt.authority_required
    with pytest.raises(AuthorityRequired, match="requires the basis of every sign-on"):
        await world(sign_on, REP_LYON, ask_id=world.ask)
    without_date = RESOLUTION | {"basis_date": ""}
    with pytest.raises(AuthorityRequired, match="date of the resolution or decision is missing"):
        await sign_with(world, REP_LYON, **without_date)
    async with world.uow() as uow:  # nothing was recorded by the refusals
        assert (await uow.session.scalars(select(SignOn))).all() == []
    done = await sign_with(world, REP_LYON, **RESOLUTION)
    assert done.signed == 1
    await world(coalition_settings.set_authority, ADMIN, coalition_id=world.rhone, required=False)
    assert (await world(sign_on, REP_GRENOBLE, ask_id=world.ask)).signed == 2


@both_backends
async def test_the_basis_is_checked_strictly(world: World) -> None:
    future = (datetime.now(UTC) + timedelta(days=400)).date().isoformat()
    for change, message in [
        ({"basis_kind": "petition"}, "not a kind of basis"),
        ({"basis_reference": ""}, "Give the reference"),
        ({"basis_date": "20/11/2026"}, "not a date"),
        ({"basis_date": "2026-13-01"}, "not a date"),
        ({"basis_date": "yesterday"}, "not a date"),
        ({"basis_date": future}, "is in the future"),
        ({"basis_url": "ftp://lyon.fr/x"}, "starting with http:// or https://"),
        ({"basis_url": "javascript:alert(1)"}, "starting with http:// or https://"),
        ({"basis_url": "https://lyon.fr/" + "a" * 490}, "the limit is 500"),
        ({"basis_reference": "r\x00"}, "invisible or control characters"),
        ({"basis_kind": "", "basis_reference": "", "basis_date": "2026-11-20"}, "Say what"),
    ]:
        with pytest.raises(InvalidInput, match=message):
            await sign_with(world, REP_LYON, **(RESOLUTION | change))
    async with world.uow() as uow:
        assert (await uow.session.scalars(select(SignOn))).all() == []
        assert [
            e.kind for e in await uow.session.scalars(select(AskEvent)) if e.kind == "signed"
        ] == []
    r = await sign_with(
        world, REP_LYON, basis_kind="Mayoral decision", basis_reference="A-12", basis_date=""
    )
    assert r.basis is not None and (r.basis.kind, r.basis.date) == ("mayoral_decision", None)


@both_backends
async def test_re_confirming_with_a_basis_records_it(world: World) -> None:
    await world(sign_on, REP_LYON, ask_id=world.ask)
    await world(asks.edit_ask, COORD, ask_id=world.ask, text="New text")
    r = await sign_with(world, REP_LYON, **RESOLUTION)
    assert r.reconfirmed and r.basis is not None and r.basis.reference == "2026-117"
    sig = await world(authority.signatories_with_basis, STRANGER, world.ask)
    assert [s.basis.reference if s.basis else None for s in sig.signed] == ["2026-117"]


@both_backends
async def test_the_letter_setting_is_for_coordinators(world: World) -> None:
    for actor in (STRANGER, REP_LYON, COORD_B):
        with pytest.raises(PermissionDenied):
            await world(letter_settings.set_print_authority, actor, ask_id=world.ask, on=True)
    r = await world(letter_settings.set_print_authority, COORD, ask_id=world.ask, on=True)
    assert r.print_authority

    async def chosen(uow, _actor):  # type: ignore[no-untyped-def]
        return letter_settings.choices(await letter_settings.settings_row(uow.session, world.ask))

    assert (await world(chosen, COORD)).print_authority
    await world(letter_settings.set_print_authority, COORD, ask_id=world.ask, on=False)
    assert not (await world(chosen, COORD)).print_authority


def _letter(*, print_authority: bool) -> LetterInput:
    when = datetime(2026, 11, 28, 12, tzinfo=UTC)
    return LetterInput(
        title="Trees",
        target="Prefect",
        ask_text="Plant trees.",
        coalition="Rhône Climate",
        opening=None,
        closing=None,
        sender=None,
        signatories=(
            Signatory(
                city_id=1,
                city="Lyon",
                country="France",
                population=None,
                signed_at=when,
                signer_title="Mayor",
                statement=None,
                basis_kind="council_resolution",
                basis_reference="2026-117",
                basis_date=date(2026, 11, 20),
            ),
            Signatory(2, "Grenoble", "France", None, when, None, None),
        ),
        language="fr",
        letter_date=date(2026, 12, 1),
        print_authority=print_authority,
    )


def test_the_basis_column_is_printed_only_when_the_setting_is_on() -> None:
    on = next(p for p in layout(_letter(print_authority=True)) if isinstance(p, Table))
    assert on.header[-1] == "Fondement"
    assert [row[-1] for row in on.rows] == [
        "—",  # Grenoble gave none (alphabetical order)
        "Délibération du conseil municipal 2026-117, 20 nov. 2026",
    ]
    off = next(p for p in layout(_letter(print_authority=False)) if isinstance(p, Table))
    assert len(off.header) == 5 and all(len(row) == 5 for row in off.rows)
    assert "2026-117" not in json.dumps(off.rows)


def test_a_frozen_letter_keeps_its_basis_and_old_letters_their_text() -> None:
    letter = _letter(print_authority=True)
    assert from_json(to_json(letter)) == letter
    plain = _letter(print_authority=False)
    text = to_json(dataclasses.replace(plain, signatories=plain.signatories[1:]))
    # A letter without any basis is written exactly as before this setting existed.
    assert "basis" not in text and "print_authority" not in text
