"""Cities and the people who represent them (/city ...).

- ``profiles``: add (from the gazetteer or by hand), list, show, and correct a city's profile
  with its history.
- ``representatives``: who speaks for a city (represent, verify, revoke).
- ``requests``: the Verify and Turn down buttons of a representation request's notice.
- ``results``: the frozen values they return.
"""

from __future__ import annotations

from bot.services.cities.profiles import (
    MAX_POPULATION,
    add_city,
    edit_city,
    list_cities,
    require_profile_editor,
    show_city,
)
from bot.services.cities.representatives import (
    my_verified_cities,
    request_representation,
    revoke_representative,
    verify_representative,
)
from bot.services.cities.requests import (
    REASON_LEN,
    PendingRepresentation,
    pending_representation,
    turn_down_request,
    verify_request,
)
from bot.services.cities.results import (
    CityDetail,
    CityInfo,
    CityMembershipInfo,
    EditResult,
    ProfileEdit,
    RepresentativeInfo,
    RepresentResult,
    RevokeResult,
    VerifyResult,
)

__all__ = [
    "MAX_POPULATION",
    "REASON_LEN",
    "CityDetail",
    "CityInfo",
    "CityMembershipInfo",
    "EditResult",
    "PendingRepresentation",
    "ProfileEdit",
    "RepresentResult",
    "RepresentativeInfo",
    "RevokeResult",
    "VerifyResult",
    "add_city",
    "edit_city",
    "list_cities",
    "my_verified_cities",
    "pending_representation",
    "request_representation",
    "require_profile_editor",
    "revoke_representative",
    "show_city",
    "turn_down_request",
    "verify_representative",
    "verify_request",
]
