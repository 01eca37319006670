"""What /city shows: one-line cities, a profile, its corrections, partner lists."""

from __future__ import annotations

from bot.services import cities, partners
from bot.text import plain
from bot.ui import render

FIELD_NAMES = {
    "name": "name",
    "country": "country",
    "region": "region",
    "population": "population",
    "latitude": "latitude",
    "longitude": "longitude",
    "timezone": "time zone",
}


def city_line(c: cities.CityInfo) -> str:
    extra = [plain(c.country)]
    if c.region:
        extra.append(plain(c.region))
    if c.population:
        extra.append(f"pop. {c.population:,}")
    return f"**{plain(c.name)}** — {' · '.join(extra)}"


def added_text(c: cities.CityInfo) -> str:
    filled = ""
    if c.geonames_id is not None:
        parts = [f"{c.latitude:.4f}, {c.longitude:.4f}" if c.latitude is not None else ""]
        if c.timezone:
            parts.append(c.timezone)
        filled = f" From the gazetteer: {', '.join(p for p in parts if p)}."
    return (
        f"Added {city_line(c)}.{filled} Its representatives can now ask to speak for it with "
        "/city represent."
    )


def profile_lines(c: cities.CityInfo) -> list[str]:
    details = [f"Country: {plain(c.country)}"]
    if c.region:
        details.append(f"Region: {plain(c.region)}")
    if c.population:
        details.append(f"Population: {c.population:,}")
    if c.latitude is not None and c.longitude is not None:
        details.append(f"Coordinates: {c.latitude:.4f}, {c.longitude:.4f}")
    if c.timezone:
        details.append(f"Time zone: {c.timezone}")
    source = (
        f"GeoNames gazetteer (#{c.geonames_id})" if c.geonames_id is not None else "added by hand"
    )
    details.append(f"Profile: {source}")
    return details


def _value(field: str, value: str | None) -> str:
    if value is None:
        return "(empty)"
    if field == "population" and value.isdigit():
        return f"{int(value):,}"
    return plain(value)


def edit_line(e: cities.ProfileEdit) -> str:
    return (
        f"{render.day(e.edited_at)} {render.user_line(e.edited_by)}: {FIELD_NAMES[e.field]} "
        f"{_value(e.field, e.old_value)} → {_value(e.field, e.new_value)}"
    )


def edited_text(r: cities.EditResult) -> str:
    if not r.changed:
        return f"Nothing changed: {plain(r.city.name)}'s profile already says that."
    changes = "; ".join(
        f"{FIELD_NAMES[e.field]} {_value(e.field, e.old_value)} → {_value(e.field, e.new_value)}"
        for e in r.changed
    )
    return (
        f"Corrected {plain(r.city.name)}'s profile: {changes}. The change is kept in its "
        "history (/city show)."
    )


def partner_line(rank: int, p: partners.Partner) -> str:
    why = ", ".join(p.reasons)
    return f"{rank}. **{plain(p.name)}** ({plain(p.country)}) — {why}"
