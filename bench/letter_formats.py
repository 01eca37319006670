"""Rendering the letter to each format: 1,000 signing cities, each with a 4,000-character
statement (a name, a title and cities with Polish, Greek, Cyrillic and German letters).

Run ``python -m bench.letter_formats`` (``--cities N`` for another size). Markdown is the
baseline measured in the same run; the targets are absolute (PDF ≤ 10 s, DOCX ≤ 5 s at 1,000
cities, the issue's figures for this machine). Each time is the best of ``--rounds`` renders;
the output size and page count are printed beside it.
"""

from __future__ import annotations

import argparse
import io
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pypdf import PdfReader

from bot.documents import Format, LetterInput, Signatory, StatementText, render

TARGETS: dict[Format, float] = {"pdf": 10.0, "docx": 5.0}
CITY_NAMES = ("Łódź", "Zürich", "Göteborg", "Θεσσαλονίκη", "Київ", "Lyon", "Málaga", "Brno")
STATEMENT_UNIT = (
    "Our city supports this ask with concrete measures: car-free streets, safe bike lanes, "
    "cleaner buses. Ŀódź-style ĳ Zürich Göteborg Θεσσαλονίκη Київ. "
)


def statement(i: int, length: int = 4000) -> str:
    text = f"City {i} writes: " + STATEMENT_UNIT * (length // len(STATEMENT_UNIT) + 1)
    cut = text[:length]
    return cut[:1990] + "\n\n" + cut[1992:]  # two paragraphs


def big_letter(cities: int, language: str = "en") -> LetterInput:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    signatories = tuple(
        Signatory(
            city_id=i,
            city=f"{CITY_NAMES[i % len(CITY_NAMES)]} {i:04d}",
            country="Benchland",
            population=10_000 + i * 37 % 90_000,
            signed_at=start + timedelta(minutes=i),
            signer_title="Mayor",
            statement=StatementText(statement(i), f"Representative {i}", "Deputy Mayor"),
            region="Region",
        )
        for i in range(cities)
    )
    return LetterInput(
        title="Car-free city centres by 2030",
        target="Prefect of the Auvergne-Rhône-Alpes region",
        ask_text="We ask the Prefect to:\n- support *car-free* centres\n- fund **bike** lanes",
        coalition="Rhône Climate",
        opening=None,
        closing=None,
        sender=None,
        signatories=signatories,
        subject="Car-free centres",
        place="Lyon",
        language=language,  # type: ignore[arg-type]
        letter_date=date(2026, 12, 2),
    )


def _best(letter: LetterInput, fmt: Format, rounds: int) -> tuple[float, bytes]:
    best = float("inf")
    content = b""
    for _ in range(rounds):
        t0 = time.perf_counter()
        content = render(letter, fmt)
        best = min(best, time.perf_counter() - t0)
    return best, content


def run(cities: int = 1000, rounds: int = 2) -> dict[str, Any]:
    """Seconds, bytes and (PDF) pages for each format; ``met`` per target (scaled to 1,000)."""
    letter = big_letter(cities)
    result: dict[str, Any] = {"cities": cities}
    for fmt in ("md", "pdf", "docx"):
        seconds, content = _best(letter, fmt, rounds)  # type: ignore[arg-type]
        result[fmt] = {"seconds": seconds, "bytes": len(content)}
        if fmt == "pdf":
            result[fmt]["pages"] = len(PdfReader(io.BytesIO(content)).pages)
        if fmt in TARGETS:
            target = TARGETS[fmt] * cities / 1000  # type: ignore[index]
            result[fmt]["target"] = target
            result[fmt]["met"] = seconds <= target
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--cities", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    r = run(args.cities, args.rounds)
    base = r["md"]["seconds"]
    print(f"letter formats: {r['cities']:,} cities x 4,000-character statements")
    print(f"{'format':<6} {'time':>9} {'vs md':>8} {'size':>11} {'pages':>6}  target")
    for fmt in ("md", "pdf", "docx"):
        f = r[fmt]
        target = f"≤ {f['target']:.1f} s {'met' if f['met'] else 'MISSED'}" if "target" in f else ""
        print(
            f"{fmt:<6} {f['seconds']:>7.2f} s {f['seconds'] / base:>7.1f}× "
            f"{f['bytes'] / 1e6:>8.2f} MB {f.get('pages', ''):>6}  {target}"
        )


if __name__ == "__main__":
    main()
