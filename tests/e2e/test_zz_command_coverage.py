"""Every slash command the bot registers is driven by at least one end-to-end test."""

from __future__ import annotations

import pytest

from tests.commands import registered_commands
from tests.e2e.conftest import INVOKED


async def test_every_registered_command_is_exercised(request: pytest.FixtureRequest) -> None:
    config = request.config
    e2e_items = [i for i in request.session.items if "/e2e/" in i.nodeid.replace("::", "/")]
    whole_suite = (
        not config.option.keyword
        and not config.option.markexpr
        and not any("::" in str(arg) or str(arg).endswith(".py") for arg in config.args)
    )
    if not whole_suite or not e2e_items:
        pytest.skip("runs only with the whole end-to-end suite (it needs every test's commands)")
    missing = sorted(set(await registered_commands()) - INVOKED)
    assert not missing, f"no end-to-end test invokes: {missing}"
