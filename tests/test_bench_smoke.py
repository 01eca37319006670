"""Every benchmark still runs (at tiny sizes): they are measured by hand, never timed here."""

from __future__ import annotations

import pytest

from bench.__main__ import SECTIONS, render


@pytest.mark.parametrize("section", list(SECTIONS))
async def test_benchmark_section_runs_and_reports(section: str) -> None:
    rows = await SECTIONS[section](True)
    assert rows, f"{section} reported nothing"
    assert all(r.value or r.ratio for r in rows)
    assert not any(r.value == "not available" for r in rows)
    table = render(rows)
    assert table.count("\n") == len(rows) + 1
