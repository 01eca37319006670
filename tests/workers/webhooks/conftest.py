"""The webhook worker is tested on the same fixtures as the webhook services."""

from tests.services.webhooks.conftest import *  # noqa: F403
