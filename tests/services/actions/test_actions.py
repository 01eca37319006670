"""Actions as services: scheduling, time zones, RSVPs, reschedule/cancel history, .ics files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.clock import FakeClock
from bot.db.models import ActionEvent, Reminder, Rsvp
from bot.errors import ChoiceNeeded, Conflict, InvalidInput, NotFound, PermissionDenied
from bot.services import actions, cities, coalitions
from bot.services.actions import ics_text
from tests.conftest import both_backends
from tests.services.actions.conftest import COORD, REP_GRENOBLE, REP_LYON, STRANGER, World

pytestmark = both_backends

NOW = datetime(2026, 3, 1, 11, 0, tzinfo=UTC)  # a Sunday


@pytest.fixture
def clock() -> FakeClock:
    """The world's units of work read the time from this clock (see this folder's conftest)."""
    return FakeClock(NOW)


async def schedule(
    world: World, when: str = "2026-03-20 18:00", tz: str | None = "Europe/Paris", **kw
):  # type: ignore[no-untyped-def]
    return await world(
        actions.schedule_action,
        kw.pop("actor", COORD),
        coalition_id=kw.pop("coalition_id", world.rhone),
        title=kw.pop("title", "Meet the Prefect"),
        when=when,
        timezone=tz,
        kind=kw.pop("kind", "meeting"),
        **kw,
    )


async def reminders_of(world: World, action_id: int) -> list[Reminder]:
    async with world.uow() as uow:
        return list(
            (
                await uow.session.scalars(
                    select(Reminder)
                    .where(Reminder.action_id == action_id, Reminder.kind == "action")
                    .order_by(Reminder.due_at)
                )
            ).all()
        )


async def test_schedule_reads_the_zone_and_arms_the_default_offsets(world: World) -> None:
    result = await schedule(world, "2026-03-20 18:00", "Europe/Paris", duration="1h30")
    assert result.action.starts_at == datetime(2026, 3, 20, 17, 0, tzinfo=UTC)
    assert result.action.duration_minutes == 90
    start = result.action.starts_at
    assert result.reminders_at == [
        start - timedelta(days=7),
        start - timedelta(days=1),
        start - timedelta(hours=2),
    ]
    rows = await reminders_of(world, result.action.id)
    assert [r.offset_label for r in rows] == ["7d", "1d", "2h"]
    assert all(r.status == "pending" for r in rows)


async def test_offsets_already_past_are_not_armed(world: World) -> None:
    result = await schedule(world, "2026-03-03 18:00")  # 2 days ahead: no 7-day reminder
    assert [r.offset_label for r in await reminders_of(world, result.action.id)] == ["1d", "2h"]


async def test_everyday_phrase_and_remembered_zone(world: World) -> None:
    first = await schedule(world, "next tuesday 3pm", "America/New_York")
    assert first.action.starts_at == datetime(2026, 3, 3, 20, 0, tzinfo=UTC)
    # No zone given: the one used last time (stored per user) applies.
    second = await schedule(world, "in 2 days at 09:00", None)
    assert second.action.timezone == "America/New_York"
    assert second.action.starts_at == datetime(2026, 3, 3, 14, 0, tzinfo=UTC)


async def test_no_zone_ever_given_is_refused_with_what_to_do(world: World) -> None:
    with pytest.raises(InvalidInput, match="timezone option"):
        await schedule(world, "2026-03-20 18:00", None)


@pytest.mark.parametrize(
    ("when", "zone"),
    [("2026-03-29 02:30", "Europe/Paris"), ("2026-03-08 02:30", "America/New_York")],
)
async def test_dst_gap_is_refused(world: World, when: str, zone: str) -> None:
    with pytest.raises(InvalidInput, match="does not exist"):
        await schedule(world, when, zone)


@pytest.mark.parametrize(
    ("when", "zone", "utc"),
    [
        ("2026-10-25 02:30", "Europe/Paris", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        ("2026-11-01 01:30", "America/New_York", datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),
    ],
)
async def test_fall_back_takes_first_occurrence_and_says_so(
    world: World, when: str, zone: str, utc: datetime
) -> None:
    result = await schedule(world, when, zone)
    assert result.action.starts_at == utc
    assert result.note and "first" in result.note


async def test_past_is_refused(world: World) -> None:
    with pytest.raises(InvalidInput, match="in the past"):
        await schedule(world, "2026-02-27 10:00")


async def test_only_coordinators_schedule(world: World) -> None:
    with pytest.raises(PermissionDenied, match="Only coordinators of Rhône Climate"):
        await schedule(world, actor=REP_LYON)


async def test_ask_must_belong_to_the_coalition(world: World) -> None:
    with pytest.raises(NotFound):
        await schedule(world, ask_id=world.other_ask)  # another server's ask
    ok = await schedule(world, ask_id=world.ask)
    assert ok.action.ask_title == "Car-free city centres by 2030"


async def test_rsvp_supersedes_and_show_lists_no_answer(world: World) -> None:
    action = (await schedule(world)).action
    await world(actions.rsvp, REP_LYON, action_id=action.id, response="going")
    again = await world(
        actions.rsvp, REP_LYON, action_id=action.id, response="maybe", note="bus strike"
    )
    assert again.previous == "going" and again.response == "maybe"
    detail = await world(actions.show_action, REP_GRENOBLE, action.id)
    by_city = {c.city_name: c for c in detail.cities}
    assert by_city["Lyon"].response == "maybe" and by_city["Lyon"].note == "bus strike"
    assert by_city["Grenoble"].response is None
    assert (detail.counts.maybe, detail.counts.no_answer) == (1, 1)
    async with world.uow() as uow:
        rows = (await uow.session.scalars(select(Rsvp).order_by(Rsvp.id))).all()
    assert [(r.response, r.superseded_at is None) for r in rows] == [
        ("going", False),
        ("maybe", True),
    ]


async def test_rsvp_needs_a_verified_member_city(world: World) -> None:
    action = (await schedule(world)).action
    with pytest.raises(PermissionDenied):
        await world(actions.rsvp, STRANGER, action_id=action.id, response="going")
    with pytest.raises(PermissionDenied, match="not Grenoble"):
        await world(
            actions.rsvp,
            REP_LYON,
            action_id=action.id,
            response="going",
            city_id=world.grenoble,
        )


async def test_button_with_several_cities_points_to_the_command(world: World) -> None:
    from tests.services.actions.conftest import ADMIN

    action = (await schedule(world)).action
    await world(
        cities.verify_representative, ADMIN, city_id=world.grenoble, user_id=REP_LYON.user_id
    )
    with pytest.raises(ChoiceNeeded, match="/action rsvp"):
        await world(
            actions.rsvp,
            REP_LYON,
            action_id=action.id,
            response="going",
            via_button=True,
        )
    ok = await world(
        actions.rsvp,
        REP_LYON,
        action_id=action.id,
        response="going",
        city_id=world.grenoble,
    )
    assert ok.city_name == "Grenoble"


async def test_reschedule_moves_reminders_and_keeps_history(world: World) -> None:
    action = (await schedule(world)).action
    await world(actions.rsvp, REP_LYON, action_id=action.id, response="going")
    changed = await world(
        actions.reschedule_action, COORD, action_id=action.id, when="2026-03-22 10:00"
    )
    assert changed.action.sequence == 1
    assert changed.old_starts_at == action.starts_at
    assert changed.answered_cities == ["Lyon"]
    rows = await reminders_of(world, action.id)
    pending = [r for r in rows if r.status == "pending"]
    assert {r.due_at for r in pending} == {
        changed.action.starts_at - timedelta(days=7),
        changed.action.starts_at - timedelta(days=1),
        changed.action.starts_at - timedelta(hours=2),
    }
    assert sum(r.status == "cancelled" for r in rows) == 3
    async with world.uow() as uow:
        history = (
            await uow.session.scalars(select(ActionEvent.kind).order_by(ActionEvent.id))
        ).all()
        notice = await uow.session.get(Reminder, changed.notice_id)
    assert history == ["scheduled", "rescheduled"]
    assert notice is not None and notice.kind == "action_change"
    assert "SEQUENCE:1" in ics_text(changed.action, now=NOW)


async def test_cancel_stops_reminders_and_refuses_answers(world: World) -> None:
    action = (await schedule(world)).action
    cancelled = await world(
        actions.cancel_action, COORD, action_id=action.id, reason="Prefect unavailable"
    )
    assert cancelled.action.cancelled
    assert all(r.status == "cancelled" for r in await reminders_of(world, action.id))
    with pytest.raises(Conflict, match="cancelled"):
        await world(actions.rsvp, REP_LYON, action_id=action.id, response="going")
    with pytest.raises(Conflict, match="already cancelled"):
        await world(actions.cancel_action, COORD, action_id=action.id, reason="x")
    text = ics_text(cancelled.action, now=NOW)
    assert "STATUS:CANCELLED" in text


async def test_only_coordinators_change_actions(world: World) -> None:
    action = (await schedule(world)).action
    with pytest.raises(PermissionDenied):
        await world(
            actions.reschedule_action,
            REP_LYON,
            action_id=action.id,
            when="2026-03-22 10:00",
        )
    with pytest.raises(PermissionDenied):
        await world(actions.cancel_action, REP_LYON, action_id=action.id, reason="no")


async def test_other_servers_actions_are_not_found(world: World) -> None:
    from tests.seed import OTHER_ADMIN

    action = (await schedule(world)).action
    with pytest.raises(NotFound):
        await world(actions.show_action, OTHER_ADMIN, action.id)


async def test_list_and_autocomplete_put_upcoming_first(world: World, clock: FakeClock) -> None:
    early = (await schedule(world, "2026-03-05 10:00", title="Early")).action
    late = (await schedule(world, "2026-04-05 10:00", title="Late")).action
    clock.set(NOW + timedelta(days=10))  # Early is now past
    name, upcoming = await world(
        actions.list_actions, COORD, coalition_id=world.rhone, when="upcoming"
    )
    _, past = await world(actions.list_actions, COORD, coalition_id=world.rhone, when="past")
    assert name == "Rhône Climate"
    assert [a.id for a in upcoming] == [late.id] and [a.id for a in past] == [early.id]
    choices = await world(actions.action_choices, COORD, "")
    assert [c.value for c in choices] == [str(late.id), str(early.id)]
    assert "2026-04-05 10:00 Europe/Paris" in choices[0].label
    assert [c.value for c in await world(actions.action_choices, COORD, "earl")] == [str(early.id)]
    soon = await world(actions.upcoming_actions, COORD, world.rhone)
    assert [a.title for a in soon] == ["Late"]


async def test_ics_is_utc_escaped_and_folded(world: World) -> None:
    action = (
        await schedule(
            world,
            title="Hearing; budget, climate \\ mobility",
            location="Hôtel de Ville, salle 2",
            description="Line one\nLine two " + "é" * 80,
            duration="45",
        )
    ).action
    name, data = await world(actions.ics, COORD, action.id)
    assert name.endswith(".ics")
    text = data.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "DTSTART:20260320T170000Z" in text and "DTEND:20260320T174500Z" in text
    assert f"UID:{action.uid}" in text and "SEQUENCE:0" in text
    assert "SUMMARY:Hearing\\; budget\\, climate \\\\ mobility" in text
    assert "DESCRIPTION:Line one\\nLine two" in text
    for line in text.split("\r\n"):
        assert len(line.encode()) <= 75
    unfolded = text.replace("\r\n ", "")
    assert "é" * 80 in unfolded


async def test_member_cities_that_left_are_not_listed(world: World) -> None:
    action = (await schedule(world)).action
    await world(coalitions.leave_coalition, REP_GRENOBLE, coalition_id=world.rhone)
    detail = await world(actions.show_action, COORD, action.id)
    assert [c.city_name for c in detail.cities] == ["Lyon"]
