"""The webhook worker is tested on the same fixtures as the webhook services (its failure
notices are outbox rows, read back here by ``failure_notices``)."""

import json

from sqlalchemy import select

from bot.db.models import OutboxMessage
from bot.services.webhooks import FailureNotice
from bot.services.webhooks.results import FAILURE_TEMPLATE
from tests.seed import World
from tests.services.webhooks.conftest import *  # noqa: F403


async def failure_rows(world: World) -> list[OutboxMessage]:
    """The failure notices' outbox rows (DMs to coordinators, or a channel post), in order."""
    async with world.uow() as uow:
        rows = await uow.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.template == FAILURE_TEMPLATE)
            .order_by(OutboxMessage.id)
        )
        return list(rows.all())


async def failure_notices(world: World) -> list[FailureNotice]:
    """One notice per failed delivery that told coordinators, whatever the number of its
    readers (one row each), in the order they were queued."""
    found: dict[str, FailureNotice] = {}
    for row in await failure_rows(world):
        assert row.dedupe_key is not None
        delivery = ":".join(row.dedupe_key.split(":")[:2])  # webhook_failure:<delivery>
        found.setdefault(delivery, FailureNotice.from_data(json.loads(row.data)))
    return list(found.values())
