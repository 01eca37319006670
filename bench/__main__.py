"""Run every benchmark and print one table: ``python -m bench`` (``--quick`` for a smoke run).

Each figure stands beside a baseline measured in the same run, and the ratio between them:
absolute times on shared machines move from run to run, ratios hold.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from bench import commands, memory
from bench.harness import ms, ratio

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class Row:
    section: str
    figure: str
    value: str
    baseline: str = ""
    ratio: str = ""
    target: str = ""
    verdict: str = ""


def _verdict(ok: bool | None) -> str:
    return "" if ok is None else ("met" if ok else "MISSED")


async def latency_rows(quick: bool) -> list[Row]:
    rounds, members = (10, 20) if quick else (200, 300)
    s = await commands.latency(members, rounds)
    floor50, floor99 = s.p("floor: no-op", 50), s.p("floor: no-op", 99)
    one50, one99 = s.p("floor: one query", 50), s.p("floor: one query", 99)
    rows = [
        Row("latency", "floor: no-op p50 / p99", f"{ms(floor50)} / {ms(floor99)}"),
        Row(
            "latency",
            "floor: one query p50 / p99",
            f"{ms(one50)} / {ms(one99)}",
            "no-op",
            f"{ratio(one50, floor50)} / {ratio(one99, floor99)}",
        ),
    ]
    targets = {
        "/ask show": (1.3, 2.0),
        "/coalition show": (1.3, 2.0),
        "autocomplete (ask)": (1.3, 2.0),
        "/ask sign (prompt)": (1.5, None),
        "/ask sign (Confirm)": (1.5, None),
    }
    for name, (t50, t99) in targets.items():
        if name not in s.values:
            continue
        p50, p99 = s.p(name, 50), s.p(name, 99)
        # The median: a background sweep may add statements to a sample now and then.
        statements = int(statistics.median(s.statements.get(name, [0])))
        ok = p50 <= t50 * one50 and (t99 is None or p99 <= t99 * one99)
        rows.append(
            Row(
                "latency",
                f"{name} p50 / p99 ({statements} SQL)",
                f"{ms(p50)} / {ms(p99)}",
                "one query",
                f"{ratio(p50, one50)} / {ratio(p99, one99)}",
                f"≤ {t50}×" + (f" / ≤ {t99}×" if t99 else ""),
                _verdict(ok),
            )
        )
        rows.append(
            Row(
                "latency",
                f"{name} vs no-op floor",
                "",
                "no-op",
                f"{ratio(p50, floor50)} / {ratio(p99, floor99)}",
            )
        )
    return rows


async def burst_rows(quick: bool) -> list[Row]:
    n = 20 if quick else 500
    rows = []
    for backend in ("sqlite", "postgresql"):
        r = await commands.burst(n, backend)
        ok = r["answered_within_3s"] == n
        rows.append(
            Row(
                "burst",
                f"{n} sign-ons in 1 s on {backend}: answered within 3 s",
                f"{int(r['answered_within_3s'])} of {n}",
                "",
                "",
                "all",
                _verdict(ok),
            )
        )
        rows.append(
            Row(
                "burst",
                f"  completion / throughput / worst answer ({backend})",
                f"{r['completion_s']:.2f} s / {r['throughput_per_s']:.0f} per s / "
                f"{ms(r['worst_latency_s'])}",
            )
        )
    return rows


async def _growth(quick: bool) -> list[Row]:
    sizes = (5, 50) if quick else (10, 1000)
    rounds = 3 if quick else 20
    samples = {n: await commands.latency(n, rounds) for n in sizes}
    a, b = sizes
    rows = []
    for name in (
        "/ask show",
        "/coalition show",
        "autocomplete (ask)",
        "/ask sign (prompt)",
        "/ask sign (Confirm)",
    ):
        if name not in samples[a].values:
            continue
        sa = int(statistics.median(samples[a].statements[name]))
        sb = int(statistics.median(samples[b].statements[name]))
        ta, tb = samples[a].p(name, 50), samples[b].p(name, 50)
        rows.append(
            Row(
                "growth",
                f"{name}: SQL statements / p50 at {a} vs {b} members",
                f"{sa} vs {sb} / {ms(ta)} vs {ms(tb)}",
                f"{a} members",
                ratio(tb, ta),
                "equal SQL",
                _verdict(sa == sb),
            )
        )
    return rows


async def letter_rows(quick: bool) -> list[Row]:
    try:
        from bench import letter_export
    except ImportError:
        return [Row("letter", "letter export", "not available")]
    size = 20 if quick else 1000
    r = await letter_export.arun(size)
    return [
        Row(
            "letter",
            f"export, {size} signing cities x 4,000-char statements",
            f"{r.get('queries')} SQL / {ms(r.get('seconds', float('nan')))} / "
            f"{r.get('peak_mib', float('nan')):.1f} MiB peak",
            "",
            "",
            "≤ 5 SQL, < 1 s",
            _verdict(r.get("queries", 99) <= 5 and r.get("seconds", 9) < 1.0),
        )
    ]


async def reminder_rows(quick: bool) -> list[Row]:
    try:
        from bench import reminders
    except ImportError:
        return [Row("reminders", "reminders", "not available")]
    r = await reminders.run(*((100, 20) if quick else (10_000, 300)))
    rate_ok = r["dispatch_rate"] >= 0.9 * r["limit_per_s"]
    return [
        Row(
            "reminders",
            f"re-arm {r['count']:,} pending at start-up ({r['armed']:,} alarms)",
            f"{r['rearm_s']:.2f} s",
        ),
        Row(
            "reminders",
            "dispatch rate under the 50 req/s global limit",
            f"{r['dispatch_rate']:.1f} per s",
            f"{r['limit_per_s']} per s",
            ratio(r["dispatch_rate"], r["limit_per_s"]),
            "≥ 90 %",
            _verdict(rate_ok),
        ),
        Row(
            "reminders",
            "sent twice",
            str(r["duplicates"]),
            "",
            "",
            "0",
            _verdict(r["duplicates"] == 0),
        ),
    ]


async def memory_rows(quick: bool) -> list[Row]:
    r = await memory.run(
        *((50, 5, 10) if quick else (1000, 100, 100)), settle=0.5 if quick else 3.0
    )
    ok = r["bot_rss"] <= 1.3 * r["bare_rss"]
    return [
        Row(
            "memory",
            f"idle bot RSS, {r['cities']} cities / {r['coalitions']} coalitions / "
            f"{r['signons']:,} sign-ons",
            f"{r['bot_rss'] / 2**20:.1f} MiB",
            f"bare bot {r['bare_rss'] / 2**20:.1f} MiB",
            ratio(r["bot_rss"], r["bare_rss"]),
            "≤ 1.3×",
            _verdict(ok),
        )
    ]


SECTIONS: dict[str, Callable[[bool], Awaitable[list[Row]]]] = {
    "latency": latency_rows,
    "burst": burst_rows,
    "growth": _growth,
    "letter": letter_rows,
    "reminders": reminder_rows,
    "memory": memory_rows,
}


def render(rows: list[Row]) -> str:
    head = ("Section", "Figure", "Value", "Baseline", "Ratio", "Target", "")
    table = [head] + [
        (r.section, r.figure, r.value, r.baseline, r.ratio, r.target, r.verdict) for r in rows
    ]
    lines = ["| " + " | ".join(row) + " |" for row in table]
    lines.insert(1, "|" + "---|" * len(head))
    return "\n".join(lines)


def machine() -> str:
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


async def main(quick: bool, only: list[str]) -> list[Row]:
    rows: list[Row] = []
    for name, section in SECTIONS.items():
        if only and name not in only:
            continue
        started = time.perf_counter()
        rows.extend(await section(quick))
        print(f"# {name} done in {time.perf_counter() - started:.1f} s", flush=True)
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke run)")
    parser.add_argument("--only", nargs="*", default=[], choices=list(SECTIONS))
    args = parser.parse_args()
    started = time.perf_counter()
    result = asyncio.run(main(args.quick, args.only))
    table = render(result)
    print()
    print(f"Machine: {machine()}; total {time.perf_counter() - started:.0f} s")
    print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps([asdict(r) for r in result], indent=1))
