"""Service tests use the standard world from tests/seed.py."""

from tests.seed import (  # noqa: F401  (fixtures and names the tests import from here)
    ADMIN,
    COORD,
    COORD_B,
    GUILD,
    OTHER_ADMIN,
    OTHER_GUILD,
    PENDING,
    REP_GRENOBLE,
    REP_LYON,
    STRANGER,
    World,
    run,
    world,
)
