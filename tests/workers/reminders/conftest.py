"""The reminder worker is tested on the same fixtures as the action services."""

from tests.services.actions.conftest import *  # noqa: F403
