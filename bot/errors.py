"""Errors whose message is written for the person who ran the command.

Services raise these; the command tree shows the message ephemerally. Nothing here imports
discord, so services stay Discord-free.
"""

from __future__ import annotations


class UserFacingError(Exception):
    """A refusal the user can act on. ``str(err)`` is shown to them as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(UserFacingError):
    """The thing the user named does not exist in this server."""


class PermissionDenied(UserFacingError):
    """The user may not do this here."""


class InvalidInput(UserFacingError):
    """A value the user typed cannot be used as it is."""


class Conflict(UserFacingError):
    """The action clashes with the current state (already signed, archived, closed...)."""


class ChoiceNeeded(UserFacingError):
    """The user must pick one of several options (for example, which city to act for)."""

    def __init__(self, message: str, choices: list[str] | None = None) -> None:
        super().__init__(message)
        self.choices = choices or []
