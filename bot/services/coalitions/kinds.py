"""The kinds of coalition: their slugs (stored) and labels (shown)."""

from __future__ import annotations

from bot.db.models.enums import CoalitionKind
from bot.errors import InvalidInput
from bot.services.common import fold

KIND_LABELS: dict[str, str] = {
    CoalitionKind.CITY_PARTNERSHIP: "City partnership",
    CoalitionKind.METRO_AREA_PARTNERSHIP: "Metro-area partnership",
    CoalitionKind.PEER_GROUP: "Peer group",
    CoalitionKind.INTERNATIONAL_NETWORK: "International network",
}


def kind_slug(value: str) -> str:
    """ "metro-area partnership", "Metro-area partnership" or "metro_area_partnership" -> slug."""
    key = fold((value or "").replace("_", " ").replace("-", " "))
    for slug, label in KIND_LABELS.items():
        if key == fold(label.replace("-", " ")):
            return slug
    options = ", ".join(label.lower() for label in KIND_LABELS.values())
    raise InvalidInput(f"Please choose a coalition kind: {options}.")


def kind_label(slug: str) -> str:
    return KIND_LABELS.get(slug, slug.replace("_", " ").capitalize())
