"""What the emulator raises: test mistakes, unanswered interactions, and Discord's errors."""

from __future__ import annotations

from typing import Any

from . import rules
from .models import Interaction
from .state import ACK_TIMEOUT


class EmulatorUsageError(Exception):
    """The test asked for something a Discord user could not do (a test bug)."""


class InteractionNotAcknowledged(AssertionError):
    """The bot did not answer an interaction within 3 seconds; Discord would show a failure."""

    def __init__(self, interaction: Interaction) -> None:
        rejected = "; ".join(interaction.rejections)
        super().__init__(
            f"interaction {interaction.id} ({interaction.command_path or interaction.type}) "
            f"was not acknowledged within {ACK_TIMEOUT:g} s"
            + (f" (responses rejected: {rejected})" if rejected else "")
        )
        self.interaction = interaction


class ApiError(Exception):
    """An error response, shaped like Discord's."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        errors: list[rules.FieldError] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors or []

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors:
            body["errors"] = rules.errors_tree(self.errors)
        return body

    def detail(self) -> str:
        if not self.errors:
            return self.message
        return f"{self.message}: " + "; ".join(str(e) for e in self.errors)


def invalid_form(errors: list[rules.FieldError]) -> ApiError:
    return ApiError(400, 50035, "Invalid Form Body", errors)
