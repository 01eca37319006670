"""Building coalitions: partner cities for a city, cities that would strengthen a coalition,
and the invitation a coordinator sends them.

- ``scoring``: the partner score, pure and documented (docs/guide.md).
- ``ranking``: /city partners.
- ``suggestions``: /coalition suggest.
- ``invites``: its Invite button (a DM through the outbox, at most once a week per city and
  coalition).
"""

from __future__ import annotations

from bot.services.partners.invites import INVITE_EVERY, InviteResult, invite_city
from bot.services.partners.ranking import MAX_LIMIT, Partner, Partners, city_partners
from bot.services.partners.scoring import distance_km
from bot.services.partners.suggestions import (
    NO_REPRESENTATIVE,
    Suggestion,
    Suggestions,
    coalition_suggestions,
)

__all__ = [
    "INVITE_EVERY",
    "MAX_LIMIT",
    "NO_REPRESENTATIVE",
    "InviteResult",
    "Partner",
    "Partners",
    "Suggestion",
    "Suggestions",
    "city_partners",
    "coalition_suggestions",
    "distance_km",
    "invite_city",
]
