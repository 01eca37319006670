"""/pool export: the table a procurement officer needs (city, country, quantity, note,
representative, date) as CSV that a spreadsheet opens, or as Markdown. Pure functions of a
``PoolView`` and the representatives' names (which only Discord knows).

CSV: UTF-8 with a byte-order mark (so Excel reads accents right), every field quoted when it
needs it, CRLF line ends, and cells starting with ``= + - @`` (or a tab or carriage return)
prefixed with ``'`` so that no cell becomes a formula.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime

from bot.documents.markdown import cell
from bot.services.pools.results import PledgeLine, PoolExport, PoolView

FORMATS = ("csv", "markdown")
COLUMNS = ("City", "Country", "Quantity", "Note", "Representative", "Date")
BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading '."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def representative(line: PledgeLine, names: Mapping[int, str]) -> str:
    name = names.get(line.user_id) or f"user {line.user_id}"
    return f"{name} ({line.title})" if line.title else name


def date_text(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def rows(view: PoolView, names: Mapping[int, str]) -> list[tuple[str, str, int, str, str, str]]:
    return [
        (
            p.city_name,
            p.country,
            p.quantity,
            p.note or "",
            representative(p, names),
            date_text(p.pledged_at),
        )
        for p in view.pledges
    ]


def to_csv(view: PoolView, names: Mapping[int, str]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows(view, names):
        writer.writerow([safe_cell(v) if isinstance(v, str) else v for v in row])
    return (BOM + out.getvalue()).encode("utf-8")


def to_markdown(view: PoolView, names: Mapping[int, str]) -> bytes:
    p = view.pool
    lines = [
        f"# {cell(p.item)} — {cell(p.coalition_name)}",
        "",
        f"Unit: {cell(p.unit)}  ",
        f"Status: {p.status}"
        + (f", deadline {date_text(p.deadline)}" if p.deadline else "")
        + "  ",
        f"Total: {view.total:,} {cell(p.unit)} from {view.cities} "
        f"{'city' if view.cities == 1 else 'cities'}",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    for row in rows(view, names):
        lines.append(
            "| " + " | ".join(str(v) if isinstance(v, int) else cell(v) for v in row) + " |"
        )
    if view.not_pledged:
        lines += ["", "Not pledged: " + ", ".join(cell(n) for n in view.not_pledged)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].rstrip("-") or "pool"


def build_export(
    view: PoolView, names: Mapping[int, str], *, fmt: str, day: datetime
) -> PoolExport:
    """The file: ``<item>-<date>.csv`` (or ``.md``)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    content = to_csv(view, names) if fmt == "csv" else to_markdown(view, names)
    suffix = "csv" if fmt == "csv" else "md"
    name = f"{_slug(view.pool.item)}-{day.astimezone(UTC).date().isoformat()}.{suffix}"
    return PoolExport(name, content, len(view.pledges), view.total, view.pool)
