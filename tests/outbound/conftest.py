"""Outbound HTTP is tested against the same local receiver as webhook deliveries."""

from tests.services.webhooks.conftest import *  # noqa: F403
