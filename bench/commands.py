"""Command latency against floors, SQL statements per command as coalitions grow, and a
burst of sign-ons inside Discord's 3-second window."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from bench.harness import (
    StatementCounter,
    bot_command,
    bot_env,
    database,
    percentile,
    process,
    running,
    stage,
)
from bench.seed import seed_coalition
from bot.db.engine import create_engine, create_session_factory
from bot.db.uow import UnitOfWorkFactory

WINDOW = 3.0  # Discord drops an interaction not answered within 3 s


@dataclass
class Samples:
    values: dict[str, list[float]] = field(default_factory=dict)
    statements: dict[str, list[int]] = field(default_factory=dict)

    def add(self, name: str, seconds: float, statements: int | None = None) -> None:
        self.values.setdefault(name, []).append(seconds)
        if statements is not None:
            self.statements.setdefault(name, []).append(statements)

    def p(self, name: str, q: float) -> float:
        return percentile(self.values[name], q)


def _latency(inter: Any) -> float:
    if inter.latency is None:
        raise RuntimeError(f"no response recorded for {inter.command_path}")
    return float(inter.latency)


def _last_interaction(emu: Any) -> Any:
    return emu.interactions[max(emu.interactions)]


async def _measure_once(st: Any, seeded: Any, name: str, user: Any, samples: Samples) -> None:
    emu, guild, bot = st.emu, st.guild, st.bot
    with StatementCounter(bot.engine) as counter:
        if name == "floor: no-op":
            inter = await emu.slash("bench-noop", user=user, guild=guild)
        elif name == "floor: one query":
            inter = await emu.slash("bench-onequery", user=user, guild=guild)
        elif name == "/ask show":
            inter = await emu.slash("ask show", user=user, guild=guild, ask=str(seeded.ask_id))
        elif name == "/coalition show":
            inter = await emu.slash(
                "coalition show", user=user, guild=guild, coalition=str(seeded.coalition_id)
            )
        elif name == "autocomplete (ask)":
            await emu.autocomplete("ask show", focused="ask", value="car", user=user, guild=guild)
            inter = _last_interaction(emu)
        else:
            raise ValueError(name)
    samples.add(name, _latency(inter), counter.count)


async def _sign(st: Any, seeded: Any, user: Any, samples: Samples | None) -> tuple[float, float]:
    """Prompt, then Confirm, as a person would: waiting for a deferred answer before clicking.
    Returns the two acknowledgement latencies (what Discord's 3-second window judges)."""
    emu, guild, bot = st.emu, st.guild, st.bot
    with StatementCounter(bot.engine if bot else None) as counter:
        prompt = await emu.slash("ask sign", user=user, guild=guild, ask=str(seeded.ask_id))
        if prompt.response_type == 5:
            await prompt.wait_original(timeout=120)
    prompt_statements = counter.count
    message = prompt.message
    with StatementCounter(bot.engine if bot else None) as counter:
        confirm = await emu.click(message, label="Confirm", user=user)
        if confirm.response_type == 6:  # deferred: the prompt is edited when it is done
            await emu.wait_for(lambda: "signed" in message.text.lower(), timeout=120)
    text = confirm.text if confirm.response_type != 6 else message.text
    if "signed" not in text.lower():
        raise RuntimeError(f"sign-on not confirmed: {text[:200]}")
    if samples is not None:
        samples.add("/ask sign (prompt)", _latency(prompt), prompt_statements)
        samples.add("/ask sign (Confirm)", _latency(confirm), counter.count)
    return _latency(prompt), _latency(confirm)


READS = ("floor: no-op", "floor: one query", "/ask show", "/coalition show", "autocomplete (ask)")


async def latency(members: int, rounds: int, backend: str = "sqlite") -> Samples:
    """Interleave every command round by round, so drift on a noisy machine hits all alike."""
    samples = Samples()
    st = stage(members + rounds)
    async with database(backend) as url, running(st, url) as st:
        reps = [u.id for u in st.users[1:]]
        seeded = await seed_coalition(st.bot.uow, st.guild.id, reps, coordinator_id=st.users[0].id)
        signers = st.users[1 + members - rounds : 1 + members] if rounds <= members else []
        for _ in range(3):  # warm-up: first calls pay imports and statement caches
            for name in READS:
                await _measure_once(st, seeded, name, st.users[0], Samples())
        for i in range(rounds):
            for name in READS:
                await _measure_once(st, seeded, name, st.users[1 + (i % members)], samples)
            if i < len(signers):
                await _sign(st, seeded, signers[i], samples)
    return samples


async def burst(signers: int, backend: str, spread: float = 1.0) -> dict[str, float]:
    """``signers`` representatives of as many member cities sign one ask within ``spread`` s.

    The bot runs as its own ``python -m bot`` process, as in production: Discord (here the
    emulator and the 500 simulated users) does not share its interpreter or its core.
    """
    st = stage(signers)
    async with database(backend) as url:
        engine = create_engine(url)
        try:
            seeded = await seed_coalition(
                UnitOfWorkFactory(create_session_factory(engine)),
                st.guild.id,
                [u.id for u in st.users[1:]],
                coordinator_id=st.users[0].id,
            )
        finally:
            await engine.dispose()
        await st.emu.start()
        try:
            env = bot_env(st.emu, url, LOG_LEVEL="INFO")
            async with process(bot_command(), env):
                results: list[tuple[float, float] | BaseException] = []

                async def one(i: int, user: Any) -> None:
                    await asyncio.sleep(spread * i / signers)
                    try:
                        results.append(await _sign(st, seeded, user, None))
                    except BaseException as exc:  # an expired interaction is a figure
                        results.append(exc)

                started = time.perf_counter()
                await asyncio.gather(*(one(i, u) for i, u in enumerate(st.users[1:])))
                elapsed = time.perf_counter() - started
        finally:
            await st.emu.stop()
    ok = [r for r in results if isinstance(r, tuple)]
    within = [r for r in ok if r[0] <= WINDOW and r[1] <= WINDOW]
    worst = max((max(r) for r in ok), default=float("nan"))
    return {
        "signers": float(signers),
        "answered_within_3s": float(len(within)),
        "failed": float(len(results) - len(ok)),
        "completion_s": elapsed,
        "throughput_per_s": len(ok) / elapsed if elapsed else 0.0,
        "worst_latency_s": worst,
    }


async def growth(sizes: tuple[int, ...] = (10, 1000), rounds: int = 5) -> dict[int, Samples]:
    return {n: await latency(n, rounds) for n in sizes}
