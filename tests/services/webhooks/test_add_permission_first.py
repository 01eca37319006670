"""/webhook add checks who is asking before it looks up the URL's host (issue 13, item 2).

Resolving first let any member probe internal DNS names: "resolves to 10.20.30.40, a
private-network address" for a name that exists, "couldn't look up" for one that does not.
"""

from __future__ import annotations

import pytest

from bot.errors import PermissionDenied
from bot.outbound.urls import HostNotFound, URLRefused
from bot.services import webhooks as svc
from tests.conftest import both_backends
from tests.seed import COORD, REP_LYON, STRANGER, World

pytestmark = both_backends

INTERNAL = "https://grafana.corp.example.org/hook"


class RecordingResolver:
    """A resolver that remembers every lookup; ``answer`` None means the name does not exist."""

    def __init__(self, answer: list[str] | None) -> None:
        self.answer = answer
        self.calls: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        if self.answer is None:
            raise OSError("Name or service not known")
        return self.answer


async def _add(world: World, actor, resolver: RecordingResolver):  # type: ignore[no-untyped-def]
    return await world(
        svc.add_webhook,
        actor,
        coalition_id=world.rhone,
        url=INTERNAL,
        events="all",
        resolver=resolver,
    )


@pytest.mark.parametrize("actor", [REP_LYON, STRANGER], ids=["member", "stranger"])
async def test_a_member_is_refused_before_any_lookup_whatever_the_name(world, actor) -> None:
    refusals = []
    for answer in (["10.20.30.40"], None):  # the name exists (privately), or does not
        resolver = RecordingResolver(answer)
        with pytest.raises(PermissionDenied) as refused:
            await _add(world, actor, resolver)
        assert resolver.calls == [], "the host was looked up for someone who may not add"
        refusals.append(refused.value.message)
    assert refusals[0] == refusals[1], "the answer must not depend on the name"
    assert "Only coordinators" in refusals[0]
    assert "10.20.30.40" not in refusals[0] and "look up" not in refusals[0]


async def test_a_coordinator_still_gets_the_address_checks(world: World) -> None:
    private = RecordingResolver(["10.20.30.40"])
    with pytest.raises(URLRefused, match="private-network address"):
        await _add(world, COORD, private)
    assert private.calls == ["grafana.corp.example.org"]
    missing = RecordingResolver(None)
    with pytest.raises(HostNotFound, match="couldn't look up"):
        await _add(world, COORD, missing)
    assert missing.calls == ["grafana.corp.example.org"]
