"""A weekly digest on a night the clocks change (bot.services.reminders.next_occurrence)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.services.reminders import next_occurrence

SUNDAY = 6


def test_a_time_in_the_spring_forward_gap_goes_out_when_the_gap_ends() -> None:
    # Paris, Sunday 29 March 2026: 02:00 CET jumps to 03:00 CEST (01:00 UTC). 02:30 does not
    # exist that night: the digest goes at 03:00 local, not at 03:30.
    after = datetime(2026, 3, 27, tzinfo=UTC)
    gap_end = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert next_occurrence(SUNDAY, "02:30", "Europe/Paris", after) == gap_end
    assert next_occurrence(SUNDAY, "02:00", "Europe/Paris", after) == gap_end
    # New York, Sunday 8 March 2026: 02:00 EST jumps to 03:00 EDT (07:00 UTC).
    after = datetime(2026, 3, 6, tzinfo=UTC)
    assert next_occurrence(SUNDAY, "02:15", "America/New_York", after) == datetime(
        2026, 3, 8, 7, 0, tzinfo=UTC
    )


def test_a_time_that_happens_twice_goes_out_the_first_time() -> None:
    # Paris, Sunday 25 October 2026: 03:00 CEST goes back to 02:00 CET; 02:30 happens twice.
    after = datetime(2026, 10, 23, tzinfo=UTC)
    assert next_occurrence(SUNDAY, "02:30", "Europe/Paris", after) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )


def test_the_weeks_around_the_change_keep_their_wall_time() -> None:
    after = datetime(2026, 3, 20, tzinfo=UTC)  # the Sunday before: still CET
    assert next_occurrence(SUNDAY, "02:30", "Europe/Paris", after) == datetime(
        2026, 3, 22, 1, 30, tzinfo=UTC
    )
    after = datetime(2026, 3, 30, tzinfo=UTC)  # the Sunday after: CEST
    assert next_occurrence(SUNDAY, "02:30", "Europe/Paris", after) == datetime(
        2026, 4, 5, 0, 30, tzinfo=UTC
    )
