"""Time zones by the names people use: IANA names, cities and countries, in several languages.

``resolve_zone("Lisboa")`` is Europe/Lisbon, ``resolve_zone("Ireland")`` Europe/Dublin;
``resolve_zone("Portland")`` asks which one (Oregon or Maine). ``zone_choices`` is the
autocomplete of every zone option. All data ships with the installed packages (tzdata, Babel).
"""

from __future__ import annotations

from bot.services.zones._resolve import TZ_EXAMPLE, ZoneChoice, resolve_zone, zone_choices

__all__ = ["TZ_EXAMPLE", "ZoneChoice", "resolve_zone", "zone_choices"]
