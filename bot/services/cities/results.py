"""What the cities services return: plain frozen values, no ORM objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.db.models import City


@dataclass(frozen=True, slots=True)
class CityInfo:
    id: int
    name: str
    country: str
    region: str | None
    population: int | None
    latitude: float | None = None
    longitude: float | None = None
    timezone: str | None = None
    geonames_id: int | None = None  # set when the city came from the gazetteer


@dataclass(frozen=True, slots=True)
class RepresentativeInfo:
    user_id: int
    title: str | None
    verified_at: datetime | None


@dataclass(frozen=True, slots=True)
class CityMembershipInfo:
    coalition_id: int
    coalition_name: str
    status: str  # "active" | "pending"
    archived: bool


@dataclass(frozen=True, slots=True)
class ProfileEdit:
    """One corrected field of a city's profile."""

    field: str
    old_value: str | None
    new_value: str | None
    edited_by: int
    edited_at: datetime


@dataclass(frozen=True, slots=True)
class CityDetail:
    city: CityInfo
    representatives: list[RepresentativeInfo]  # verified, by verification time
    pending_user_ids: list[int]  # asked to represent, awaiting verification
    coalitions: list[CityMembershipInfo]  # current memberships, by coalition name
    edits: tuple[ProfileEdit, ...] = ()  # latest first, at most a few
    edit_count: int = 0  # every correction ever made


@dataclass(frozen=True, slots=True)
class EditResult:
    city: CityInfo
    changed: tuple[ProfileEdit, ...]  # empty: nothing differed


@dataclass(frozen=True, slots=True)
class RepresentResult:
    city_id: int
    city_name: str
    status: str  # always "pending": a coordinator still has to verify
    notice_channel_id: int | None = None  # where its notice (Verify / Turn down) is posted


@dataclass(frozen=True, slots=True)
class VerifyResult:
    city_id: int
    city_name: str
    user_id: int
    title: str | None
    # "verified" (they had asked), "verified_directly" (they had not), "title_updated"
    outcome: str


@dataclass(frozen=True, slots=True)
class RevokeResult:
    city_id: int
    city_name: str
    user_id: int
    previous_status: str  # "verified" | "pending"


def info(city: City) -> CityInfo:
    return CityInfo(
        id=city.id,
        name=city.name,
        country=city.country,
        region=city.region,
        population=city.population,
        latitude=city.latitude,
        longitude=city.longitude,
        timezone=city.timezone,
        geonames_id=city.geonames_id,
    )


def label(city: City) -> str:
    return f"{city.name} ({city.country})"
