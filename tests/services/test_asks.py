"""Policy asks and sign-ons."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import ChoiceNeeded, Conflict, InvalidInput, NotFound, PermissionDenied
from bot.services import asks, cities, coalitions
from bot.services.asks import AlreadySigned, AskChanged, AskClosed
from bot.services.common import Actor
from tests.conftest import both_backends
from tests.seed import sign_on
from tests.services.conftest import (
    ADMIN,
    COORD,
    COORD_B,
    GUILD,
    OTHER_ADMIN,
    PENDING,
    REP_GRENOBLE,
    REP_LYON,
    STRANGER,
    World,
    run,
)

pytestmark = both_backends


async def test_create_records_version_one_and_event(world: World) -> None:
    created = await world(
        asks.create_ask,
        ADMIN,
        coalition_id=world.rhone,
        title="Heat plans",
        target="Minister for Ecology",
        text="Publish heat plans.",
        deadline_text="2099-07-01 12:00",
        tz_name="Europe/Paris",
    )
    assert created.version == 1 and created.deadline == datetime(2099, 7, 1, 10, 0, tzinfo=UTC)
    detail = await world(asks.show_ask, STRANGER, created.id)
    assert (detail.title, detail.target, detail.text) == (
        "Heat plans",
        "Minister for Ecology",
        "Publish heat plans.",
    )
    assert (detail.signed, detail.total, detail.status) == (0, 2, "open")
    assert [e.kind for e in await world(asks.history, STRANGER, created.id)] == ["created"]


async def test_only_coordinators_of_the_coalition_or_admins_create(world: World) -> None:
    for actor in (STRANGER, REP_LYON, PENDING, COORD_B):
        with pytest.raises(PermissionDenied, match="Only coordinators of Rhône Climate"):
            await world(
                asks.create_ask, actor, coalition_id=world.rhone, title="T", target="T", text="x"
            )
    assert len(await world(asks.list_asks, ADMIN, coalition_id=world.rhone)) == 1


async def test_text_validation_same_on_both_backends(world: World) -> None:
    for field, value, message in [
        ("text", "", "The ask text cannot be empty"),
        ("text", "a" * 4001, "4,001 characters long; the limit is 4,000"),
        ("text", "line\x07bell", "invisible or control characters"),
        ("text", "nul\x00byte", "invisible or control characters"),
        ("title", "t" * 101, "the limit is 100"),
        ("target", "t" * 201, "the limit is 200"),
        ("title", "two\nlines", "must fit on one line"),
    ]:
        values = {"title": "T", "target": "Mayor", "text": "Body"} | {field: value}
        with pytest.raises(InvalidInput, match=message):
            await world(asks.create_ask, COORD, coalition_id=world.rhone, **values)
        with pytest.raises(InvalidInput, match=message):
            await world(asks.edit_ask, COORD, ask_id=world.ask, **{field: value})
    with pytest.raises(InvalidInput, match="note contains invisible"):
        await world(sign_on, REP_LYON, ask_id=world.ask, note="\x00")
    detail = await world(asks.show_ask, ADMIN, world.ask)
    assert detail.version == 1 and detail.signed == 0


async def test_text_at_the_limit_round_trips(world: World) -> None:
    body = "é" * 3999 + "\n"  # trimmed to 3,999; NFC keeps é one character
    created = await world(
        asks.create_ask,
        COORD,
        coalition_id=world.rhone,
        title="x" * 100,
        target="y" * 200,
        text=body,
    )
    detail = await world(asks.show_ask, COORD, created.id)
    assert detail.text == "é" * 3999 and len(detail.title) == 100


async def test_deadline_in_the_past_or_dst_gap_refused(world: World) -> None:
    base = {"coalition_id": world.rhone, "title": "T", "target": "T", "text": "x"}
    with pytest.raises(InvalidInput, match="in the past"):
        await world(asks.create_ask, COORD, **base, deadline_text="2001-01-01", tz_name="UTC")
    with pytest.raises(InvalidInput, match="does not exist"):
        await world(
            asks.create_ask, COORD, **base, deadline_text="2099-03-29 02:30", tz_name="Europe/Paris"
        )
    with pytest.raises(InvalidInput, match="Europe/Paris"):
        await world(
            asks.create_ask, COORD, **base, deadline_text="2099-03-01", tz_name="Mars/Olympus"
        )
    with pytest.raises(InvalidInput, match="in the past"):
        await world(
            asks.create_ask, COORD, **base, deadline=datetime.now(UTC) - timedelta(minutes=1)
        )


async def test_sign_two_steps_records_who_title_version(world: World) -> None:
    prompt = await world(asks.prepare_sign, REP_LYON, ask_id=world.ask)
    assert (prompt.city_name, prompt.version, prompt.title) == (
        "Lyon",
        1,
        "Car-free city centres by 2030",
    )
    assert "bike lanes" in prompt.text and not prompt.needs_reconfirmation
    result = await world(
        asks.confirm_sign,
        REP_LYON,
        ask_id=world.ask,
        city_id=prompt.city_id,
        version=prompt.version,
        note="Voted by council",
    )
    assert (result.signed, result.total, result.signer_title) == (1, 2, "Deputy Mayor for Climate")
    sig = await world(asks.signatories, STRANGER, world.ask)
    assert [(s.city_name, s.user_id, s.title, s.signed_version, s.note) for s in sig.signed] == [
        ("Lyon", 100, "Deputy Mayor for Climate", 1, "Voted by council")
    ]
    assert [m.city_name for m in sig.missing] == ["Grenoble"]
    with pytest.raises(AlreadySigned, match="Lyon already signed on") as err:
        await world(asks.prepare_sign, REP_LYON, ask_id=world.ask)
    assert err.value.signed_at == result.signed_at
    with pytest.raises(AlreadySigned):
        await world(asks.confirm_sign, REP_LYON, ask_id=world.ask, city_id=world.lyon, version=1)


async def test_only_verified_representatives_sign(world: World) -> None:
    cases = [
        (STRANGER, None, "You don't represent any city yet"),
        (PENDING, None, "still waiting for verification"),
        (REP_LYON, world.grenoble, "You represent Lyon, not Grenoble. Ask a coordinator of Rhône"),
        (COORD, None, "You don't represent any city yet"),
        (ADMIN, world.lyon, "You don't represent Lyon"),
    ]
    for actor, city_id, message in cases:
        with pytest.raises(PermissionDenied, match=message):
            await world(asks.prepare_sign, actor, ask_id=world.ask, city_id=city_id)
        with pytest.raises(PermissionDenied, match=message):
            await world(asks.confirm_sign, actor, ask_id=world.ask, city_id=city_id, version=1)
    assert (await world(asks.signatories, ADMIN, world.ask)).signed == []


async def test_city_must_be_active_member(world: World) -> None:
    await world(cities.verify_representative, ADMIN, city_id=world.zurich, user_id=100)
    with pytest.raises(ChoiceNeeded) as err:
        await world(asks.prepare_sign, REP_LYON, ask_id=world.ask)
    assert err.value.choices == ["Lyon", "Zürich"]
    with pytest.raises(PermissionDenied, match="Zürich is not a member of Rhône Climate"):
        await world(asks.prepare_sign, REP_LYON, ask_id=world.ask, city_id=world.zurich)
    await world(coalitions.set_approval, COORD, coalition_id=world.rhone, required=True)
    await world(coalitions.join_coalition, REP_LYON, coalition_id=world.rhone, city_id=world.zurich)
    with pytest.raises(PermissionDenied, match="still waiting for approval"):
        await world(asks.prepare_sign, REP_LYON, ask_id=world.ask, city_id=world.zurich)


async def test_prompt_then_edit_refuses_stale_confirm(world: World) -> None:
    prompt = await world(asks.prepare_sign, REP_LYON, ask_id=world.ask)
    await world(asks.edit_ask, COORD, ask_id=world.ask, text="New text")
    with pytest.raises(AskChanged, match="changed since you opened it; run /ask sign again"):
        await world(
            asks.confirm_sign,
            REP_LYON,
            ask_id=world.ask,
            city_id=world.lyon,
            version=prompt.version,
        )


async def test_withdraw_then_resign_creates_new_row(world: World) -> None:
    with pytest.raises(NotFound, match="nothing to withdraw"):
        await world(asks.withdraw, REP_LYON, ask_id=world.ask, reason="Changed our mind")
    await world(sign_on, REP_LYON, ask_id=world.ask)
    with pytest.raises(InvalidInput, match="reason cannot be empty"):
        await world(asks.withdraw, REP_LYON, ask_id=world.ask, reason="  ")
    with pytest.raises(InvalidInput, match="limit is 1,000"):
        await world(asks.withdraw, REP_LYON, ask_id=world.ask, reason="r" * 1001)
    with pytest.raises(PermissionDenied):
        await world(asks.withdraw, REP_GRENOBLE, ask_id=world.ask, city_id=world.lyon, reason="x")
    result = await world(asks.withdraw, REP_LYON, ask_id=world.ask, reason="Council vote failed")
    assert (result.signed, result.total) == (0, 2)
    sig = await world(asks.signatories, ADMIN, world.ask)
    assert [(w.city_name, w.reason, w.withdrawn_by) for w in sig.withdrawn] == [
        ("Lyon", "Council vote failed", 100)
    ]
    assert sig.signed == [] and [m.city_name for m in sig.missing] == ["Grenoble"]
    again = await world(sign_on, REP_LYON, ask_id=world.ask)
    assert again.signed == 1 and again.signed_at > result.withdrawn_at
    sig = await world(asks.signatories, ADMIN, world.ask)
    assert [s.city_name for s in sig.signed] == ["Lyon"] and sig.withdrawn == []
    kinds = [e.kind for e in await world(asks.history, ADMIN, world.ask)]
    assert kinds == ["created", "signed", "withdrawn", "signed"]


async def test_edit_needs_reconfirmation_then_counts(world: World) -> None:
    await world(sign_on, REP_LYON, ask_id=world.ask)
    await world(sign_on, REP_GRENOBLE, ask_id=world.ask)
    with pytest.raises(PermissionDenied):
        await world(asks.edit_ask, COORD_B, ask_id=world.ask, text="Hijack")
    with pytest.raises(InvalidInput, match="nothing was changed"):
        await world(asks.edit_ask, COORD, ask_id=world.ask, title="Car-free city centres by 2030")
    edit = await world(
        asks.edit_ask,
        COORD,
        ask_id=world.ask,
        text="We ask the Prefect to:\n- support car-free centres\n- fund safe bike lanes",
    )
    assert (edit.old_version, edit.version, edit.new_version, edit.changed) == (
        1,
        2,
        True,
        ["text"],
    )
    assert "-- fund bike lanes" in edit.diff and "+- fund safe bike lanes" in edit.diff
    assert sorted((r.user_id, r.city_name) for r in edit.to_notify) == [
        (100, "Lyon"),
        (101, "Grenoble"),
    ]
    detail = await world(asks.show_ask, ADMIN, world.ask)
    assert (detail.signed, detail.total, detail.version) == (0, 2, 2)
    assert [s.city_name for s in detail.signatories.needs_reconfirmation] == ["Lyon", "Grenoble"]
    with pytest.raises(AskChanged):
        await world(asks.reconfirm, REP_LYON, ask_id=world.ask, city_id=world.lyon, version=1)
    result = await world(asks.reconfirm, REP_LYON, ask_id=world.ask, city_id=world.lyon, version=2)
    assert result.reconfirmed and (result.signed, result.total) == (1, 2)
    with pytest.raises(Conflict, match="already confirmed version 2"):
        await world(asks.reconfirm, REP_LYON, ask_id=world.ask, city_id=world.lyon, version=2)
    # Going through /ask sign again re-confirms too.
    prompt = await world(asks.prepare_sign, REP_GRENOBLE, ask_id=world.ask)
    assert prompt.needs_reconfirmation
    result = await world(
        asks.confirm_sign, REP_GRENOBLE, ask_id=world.ask, city_id=world.grenoble, version=2
    )
    assert result.reconfirmed and result.signed == 2
    sig = await world(asks.signatories, ADMIN, world.ask)
    assert [(s.city_name, s.signed_version, s.confirmed_version) for s in sig.signed] == [
        ("Lyon", 1, 2),
        ("Grenoble", 1, 2),
    ]
    kinds = [(e.kind, e.version) for e in await world(asks.history, ADMIN, world.ask)]
    assert kinds == [
        ("created", 1),
        ("signed", 1),
        ("signed", 1),
        ("edited", 2),
        ("reconfirmed", 2),
        ("reconfirmed", 2),
    ]


async def test_edit_notifies_other_rep_when_signer_was_revoked(world: World) -> None:
    await world(sign_on, REP_LYON, ask_id=world.ask)
    await world(cities.verify_representative, ADMIN, city_id=world.lyon, user_id=200)
    await world(cities.revoke_representative, ADMIN, city_id=world.lyon, user_id=100)
    edit = await world(asks.edit_ask, ADMIN, ask_id=world.ask, title="Car-free centres")
    assert [(r.user_id, r.city_name) for r in edit.to_notify] == [(200, "Lyon")]
    assert edit.diff.count("Title:") == 2


async def test_deadline_only_edit_keeps_version(world: World) -> None:
    await world(sign_on, REP_LYON, ask_id=world.ask)
    when = datetime(2099, 1, 1, tzinfo=UTC)
    edit = await world(asks.edit_ask, COORD, ask_id=world.ask, deadline=when)
    assert (edit.new_version, edit.changed, edit.deadline, edit.to_notify) == (
        False,
        ["deadline"],
        when,
        [],
    )
    assert (await world(asks.show_ask, ADMIN, world.ask)).signed == 1
    cleared = await world(asks.edit_ask, COORD, ask_id=world.ask, clear_deadline=True)
    assert cleared.deadline is None


async def test_long_diff_is_trimmed(world: World) -> None:
    old = "\n".join(f"line {i} old" for i in range(150))
    new = "\n".join(f"line {i} new" for i in range(150))
    await world(asks.edit_ask, COORD, ask_id=world.ask, text=old)
    edit = await world(asks.edit_ask, COORD, ask_id=world.ask, text=new)
    assert len(edit.diff) <= 1500 and edit.diff.endswith("(diff shortened)")


async def test_close_blocks_sign_reconfirm_withdraw_until_reopened(world: World) -> None:
    await world(sign_on, REP_GRENOBLE, ask_id=world.ask)
    with pytest.raises(PermissionDenied):
        await world(asks.close_ask, REP_LYON, world.ask)
    await world(asks.close_ask, COORD, world.ask)
    closed = '"Car-free city centres by 2030" is closed; ask a coordinator of Rhône Climate'
    with pytest.raises(AskClosed, match=closed):
        await world(asks.prepare_sign, REP_LYON, ask_id=world.ask)
    with pytest.raises(AskClosed):
        await world(asks.confirm_sign, REP_LYON, ask_id=world.ask, city_id=None, version=1)
    with pytest.raises(AskClosed):
        await world(asks.withdraw, REP_GRENOBLE, ask_id=world.ask, reason="x")
    with pytest.raises(AskClosed):
        await world(asks.reconfirm, REP_GRENOBLE, ask_id=world.ask, city_id=None, version=1)
    with pytest.raises(Conflict, match="already closed"):
        await world(asks.close_ask, ADMIN, world.ask)
    assert [a.id for a in await world(asks.list_asks, ADMIN, coalition_id=world.rhone)] == []
    listed = await world(asks.list_asks, ADMIN, coalition_id=world.rhone, status="closed")
    assert [(a.id, a.signed, a.total) for a in listed] == [(world.ask, 1, 2)]
    await world(asks.reopen_ask, ADMIN, world.ask)
    assert (await world(sign_on, REP_LYON, ask_id=world.ask)).signed == 2
    kinds = [e.kind for e in await world(asks.history, ADMIN, world.ask)]
    assert kinds == ["created", "signed", "closed", "reopened", "signed"]


async def test_leaving_city_no_longer_counts(world: World) -> None:
    await world(sign_on, REP_LYON, ask_id=world.ask)
    await world(sign_on, REP_GRENOBLE, ask_id=world.ask)
    await world(coalitions.leave_coalition, REP_LYON, coalition_id=world.rhone)
    detail = await world(asks.show_ask, ADMIN, world.ask)
    assert (detail.signed, detail.total) == (1, 1)
    assert [s.city_name for s in detail.signatories.signed] == ["Grenoble"]
    summary = (await world(coalitions.show_coalition, ADMIN, world.rhone)).open_asks[0]
    listed = (await world(asks.list_asks, ADMIN, coalition_id=world.rhone))[0]
    assert (summary.signed, summary.total) == (listed.signed, listed.total) == (1, 1)
    with pytest.raises(PermissionDenied, match="Lyon is not a member"):
        await world(asks.withdraw, REP_LYON, ask_id=world.ask, reason="gone")
    # The sign-on stayed on record as "left": rejoining does not count it again.
    await world(coalitions.join_coalition, REP_LYON, coalition_id=world.rhone)
    assert (await world(asks.show_ask, ADMIN, world.ask)).signed == 1


async def test_concurrent_confirms_make_one_sign_on(world: World) -> None:
    await world(cities.verify_representative, ADMIN, city_id=world.lyon, user_id=200, title="Mayor")
    second = Actor(GUILD, 200)

    async def confirm(actor: Actor):
        try:
            return await run(
                world.uow, asks.confirm_sign, actor, ask_id=world.ask, city_id=world.lyon, version=1
            )
        except AlreadySigned as exc:
            return exc

    results = await asyncio.gather(confirm(REP_LYON), confirm(second))
    wins = [r for r in results if isinstance(r, asks.SignResult)]
    losses = [r for r in results if isinstance(r, AlreadySigned)]
    assert len(wins) == 1 and len(losses) == 1
    assert losses[0].signed_at == wins[0].signed_at
    assert "Lyon already signed on" in str(losses[0])
    sig = await world(asks.signatories, ADMIN, world.ask)
    assert len(sig.signed) == 1
    assert [e.kind for e in await world(asks.history, ADMIN, world.ask)] == ["created", "signed"]


async def test_history_in_order_with_names(world: World) -> None:
    await world(sign_on, REP_LYON, ask_id=world.ask, note="Yes")
    await world(asks.edit_ask, COORD, ask_id=world.ask, target="Minister")
    await world(asks.reconfirm, REP_LYON, ask_id=world.ask, city_id=world.lyon, version=2)
    await world(asks.withdraw, REP_LYON, ask_id=world.ask, reason="No longer")
    await world(asks.close_ask, COORD, world.ask)
    await world(asks.reopen_ask, ADMIN, world.ask)
    events = await world(asks.history, STRANGER, world.ask)
    assert [(e.kind, e.user_id, e.city_name, e.detail) for e in events] == [
        ("created", 10, None, None),
        ("signed", 100, "Lyon", "Yes"),
        ("edited", 10, None, "target"),
        ("reconfirmed", 100, "Lyon", None),
        ("withdrawn", 100, "Lyon", "No longer"),
        ("closed", 10, None, None),
        ("reopened", 1, None, None),
    ]
    assert [e.at for e in events] == sorted(e.at for e in events)


async def test_other_guild_asks_invisible_and_unchanged(world: World) -> None:
    for fn, kw in [
        (asks.show_ask, {"ask_id": world.other_ask}),
        (asks.signatories, {"ask_id": world.other_ask}),
        (asks.history, {"ask_id": world.other_ask}),
        (asks.close_ask, {"ask_id": world.other_ask}),
        (asks.edit_ask, {"ask_id": world.other_ask, "text": "mine now"}),
        (asks.prepare_sign, {"ask_id": world.other_ask}),
        (asks.list_asks, {"coalition_id": world.other_coalition}),
        (
            asks.create_ask,
            {"coalition_id": world.other_coalition, "title": "T", "target": "T", "text": "x"},
        ),
    ]:
        with pytest.raises(NotFound, match="in this server"):
            await world(fn, ADMIN, **kw)
    other = await world(asks.show_ask, OTHER_ADMIN, world.other_ask)
    assert (other.text, other.status, other.version) == ("Body", "open", 1)
    assert [
        a.id for a in await world(asks.list_asks, OTHER_ADMIN, coalition_id=world.other_coalition)
    ] == [world.other_ask]
