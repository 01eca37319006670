"""Rules of the code's shape that a machine can check (import-linter and mypy run in .ci/run).

- No file in bot/ over 500 lines: a feature that grows becomes a package.
- No import of a bot module hidden inside a function to dodge an import cycle.
- Statuses are StrEnums that fit their columns and round-trip through both databases.
"""

from __future__ import annotations

import ast
from enum import StrEnum
from pathlib import Path

import pytest
from sqlalchemy import String, select

from bot.db import models
from bot.db.models import enums
from bot.db.models.enums import AskStatus, ReminderStatus, RepresentativeStatus, WebhookStatus
from tests.conftest import both_backends

BOT = Path(__file__).resolve().parent.parent / "bot"
MAX_LINES = 500


def _sources() -> list[Path]:
    return sorted(p for p in BOT.rglob("*.py") if "migrations" not in p.parts)


# The command line loads only what the chosen subcommand needs (``check`` stays quick).
DEFERRED_IMPORTS_ALLOWED = {BOT / "__main__.py"}


def _rel(path: Path) -> str:
    return str(path.relative_to(BOT.parent))


def test_no_file_in_bot_is_over_500_lines() -> None:
    long = {_rel(p): n for p in _sources() if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert long == {}, f"split these into packages (at most {MAX_LINES} lines a file): {long}"


def _hidden_imports(path: Path) -> list[str]:
    """``import bot...`` inside a function body, outside ``if TYPE_CHECKING:``."""
    found: list[str] = []
    for func in ast.walk(ast.parse(path.read_text())):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(func):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            elif isinstance(node, ast.ImportFrom):
                names = ["bot (relative)"]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                if name == "bot" or name.startswith("bot"):
                    found.append(f"{_rel(path)}:{node.lineno} {name}")
    return found


def test_no_bot_import_is_hidden_inside_a_function() -> None:
    hidden = [
        line for p in _sources() if p not in DEFERRED_IMPORTS_ALLOWED for line in _hidden_imports(p)
    ]
    assert hidden == [], "import these at the top of the module (break the cycle instead):\n" + (
        "\n".join(hidden)
    )


M = models
STATUS_COLUMNS = [
    (enums.AskStatus, M.Ask.status),
    (enums.AskEventKind, M.AskEvent.kind),
    (enums.SignOnEnd, M.SignOn.end_kind),
    (enums.MembershipStatus, M.Membership.status),
    (enums.MembershipEnd, M.Membership.end_reason),
    (enums.RepresentativeStatus, M.Representative.status),
    (enums.RepresentativeEnd, M.Representative.end_reason),
    (enums.CoalitionKind, M.Coalition.kind),
    (enums.ActionStatus, M.Action.status),
    (enums.ActionKind, M.Action.kind),
    (enums.ActionEventKind, M.ActionEvent.kind),
    (enums.RsvpResponse, M.Rsvp.response),
    (enums.ReminderKind, M.Reminder.kind),
    (enums.ReminderStatus, M.Reminder.status),
    (enums.NotificationOutcome, M.ReminderNotification.outcome),
    (enums.WebhookStatus, M.Webhook.status),
    (enums.DeliveryStatus, M.WebhookDelivery.status),
    (enums.SignOrder, M.LetterVersion.sign_order),
]


@pytest.mark.parametrize(
    ("enum", "column"), STATUS_COLUMNS, ids=lambda v: getattr(v, "__name__", "")
)
def test_every_value_fits_its_column(enum: type[StrEnum], column: object) -> None:
    column_type = column.property.columns[0].type  # type: ignore[attr-defined]
    assert isinstance(column_type, String)
    too_long = [m.value for m in enum if len(m.value) > (column_type.length or 0)]
    assert too_long == []


def test_lease_statuses_are_statuses_of_both_leased_tables() -> None:
    for status in enums.LeaseStatus:
        assert status in set(enums.ReminderStatus) & set(enums.DeliveryStatus)


def test_members_are_their_text() -> None:
    assert AskStatus.OPEN == "open"
    assert f"{ReminderStatus.PENDING}" == "pending"
    assert str(WebhookStatus.PAUSED) == "paused"


@both_backends
async def test_statuses_round_trip_as_plain_text(uow_factory) -> None:
    async with uow_factory() as uow:
        city = models.City(
            guild_id=1, name="Lyon", country="France", name_key="lyon", country_key="france"
        )
        city.created_by = 7
        uow.session.add(city)
        await uow.session.flush()
        uow.session.add(models.Representative(guild_id=1, city_id=city.id, user_id=7))
    async with uow_factory(read_only=True) as uow:
        status = await uow.session.scalar(select(models.Representative.status))
        found = await uow.session.scalar(
            select(models.Representative.id).where(
                models.Representative.status == RepresentativeStatus.PENDING
            )
        )
    assert type(status) is str and status == RepresentativeStatus.PENDING == "pending"
    assert found is not None
