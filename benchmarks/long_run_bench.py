"""Steps per second of long negotiations: the same at 10^3 and at 10^6 rounds.

Cases (hanoi-deal, 2,916 outcomes, shipped with summitry):

- SAO, two shipped ``hardliner`` agents (never agree: every negotiation runs to its deadline);
- SAO, two shipped ``bayesian`` agents (Hindriks & Tykhonov's opponent model, updated on every
  opponent offer; they agree near the deadline, at about 93% of it);
- SAO, three ``hardliner`` agents on hanoi-deal with a third party (weights halfway between
  the two sides', the DPRK side's value functions, reservation 0.2);
- single-text mediation, two ``greedy-voter`` agents (a proposal and two votes per round);
- SAO with a wall-clock deadline (``--seconds``) instead of rounds: the rate over a short and
  a long deadline.

Each size runs in a fresh process (so its peak RSS is its own), through
``summitry.protocols.run`` with the real monotonic clock, scenario loading excluded, with the
whole trace kept (``--keep trace``, the default) or none of it (``--keep none``:
``run(..., keep_events=False)``, what ``summitry negotiate`` does without ``--trace``).

What is timed: first one untimed warm-up negotiation of 10 rounds (it pays what a process pays
once: imports, each agent's preparation of the scenario), then negotiations of the size asked
for, each with a fresh mechanism and fresh agents, repeated until they add up to at least one
second of CPU (one negotiation from 10^4 rounds up). The rate is steps over CPU seconds
(``time.process_time``, steadier than wall-clock time on a busy machine); the wall-clock
columns are those of the first timed negotiation alone. "flat" is the slowest size's rate over
the fastest's, per case.

Run: ``.venv/bin/python benchmarks/long_run_bench.py`` (all sizes; the 10^6-round Bayesian
run takes minutes) or e.g. ``--rounds 1000,10000,100000 --cases hardliner-2 --keep none``.
``--no-gc`` switches Python's cycle collector off in the timed processes, to see its share.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import time
from typing import Any

CASES = {
    "hardliner-2": ("sao", "hardliner", 2),
    "bayesian-2": ("sao", "bayesian", 2),
    "hardliner-3": ("sao", "hardliner", 3),
    "mediation-2": ("mediation", "greedy-voter", 2),
}


def _scenario(parties: int) -> Any:
    from summitry.formats import load_scenario
    from summitry.model import LinearAdditive, Party, Scenario

    deal = load_scenario("hanoi-deal")
    if parties == 2:
        return deal
    a, b = (p.utility for p in deal.parties)
    assert isinstance(a, LinearAdditive) and isinstance(b, LinearAdditive)
    weights = tuple((x + y) / 2 for x, y in zip(a.weights, b.weights, strict=True))
    third = LinearAdditive(space=deal.space, weights=weights, values=a.values, reservation_value=0.2)
    return Scenario(name="hanoi-deal-3", space=deal.space, parties=(*deal.parties, Party(name="third", utility=third)))


def _negotiate(case: str, scenario: Any, rounds: int | None, seconds: float | None, keep: bool) -> Any:
    from summitry.agents import make_negotiator
    from summitry.protocols import Deadline, MonotonicClock, make_mechanism, run

    protocol, agent, parties = CASES[case]
    mechanism = make_mechanism(
        protocol, scenario, settings={"rounds": rounds, "seconds": seconds}, clock=MonotonicClock()
    )
    assert mechanism.deadline == Deadline(rounds=rounds, seconds=seconds)
    return run(mechanism, [make_negotiator(agent) for _ in range(parties)], seed=0, keep_events=keep)


def one(case: str, rounds: int | None, seconds: float | None, keep: bool) -> dict[str, Any]:
    """Run the case in this process (a warm-up, then until one CPU second is used) and return its figures."""
    scenario = _scenario(CASES[case][2])
    _negotiate(case, scenario, 10 if rounds else None, 0.01 if seconds else None, keep)  # warm-up, not timed
    cpu_start = time.process_time()
    wall, cpu = time.perf_counter(), time.process_time()
    trace = _negotiate(case, scenario, rounds, seconds, keep)
    wall, first_cpu = time.perf_counter() - wall, time.process_time() - cpu
    result = trace.result
    assert result is not None
    steps, runs, events = result.steps, 1, len(trace) + trace.omitted
    while time.process_time() - cpu_start < 1.0 and seconds is None:
        again = _negotiate(case, scenario, rounds, seconds, keep).result
        assert again is not None
        steps, runs = steps + again.steps, runs + 1
    return {
        "case": case,
        "rounds": rounds,
        "seconds": seconds,
        "keep": "trace" if keep else "none",
        "steps": result.steps,
        "events": events,
        "reason": result.reason,
        "wall": wall,
        "cpu": first_cpu,
        "runs": runs,
        "rate": steps / (time.process_time() - cpu_start),
        "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _child(case: str, rounds: int | None, seconds: float | None, keep: str, no_gc: bool) -> dict[str, Any]:
    command = [
        sys.executable, __file__, "--one", case, "--rounds", str(rounds or 0), "--seconds", str(seconds or 0),
        "--keep", keep, *(["--no-gc"] if no_gc else []),
    ]  # fmt: skip
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def _row(label: str, rounds: str, row: dict[str, Any]) -> str:
    return (
        f"| {label} | {row['keep']} | {rounds} | {row['steps']:,} | {row['reason']} | {row['wall']:.2f} "
        f"| {row['cpu']:.2f} | {row['steps'] / row['wall']:,.0f} | {row['runs']} | {row['rate']:,.0f} "
        f"| {row['rss_mib']:.0f} |"
    )


def main() -> None:
    """Run the cases and print the tables (Markdown), with the load average before each row."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", default="1000,10000,100000,1000000")
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--deadlines", default="2,8", help="wall-clock deadlines (s) for hardliner-2")
    parser.add_argument("--keep", default="trace", help="trace, none, or both (comma-separated)")
    parser.add_argument(
        "--no-gc", action="store_true", help="switch Python's cycle collector off in the timed processes"
    )
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        if args.no_gc:
            gc.disable()
        rounds = int(args.rounds) or None
        print(json.dumps(one(args.one, rounds, args.seconds or None, args.keep == "trace")))
        return
    sizes = [int(r) for r in args.rounds.split(",") if r]
    keeps = ["trace", "none"] if args.keep == "both" else args.keep.split(",")
    print(
        "| case | kept | rounds | steps | end | wall, one run (s) | CPU, one run (s) | steps/s (wall, one run) "
        "| runs timed | steps/s (CPU, loop) | peak RSS (MiB) | load |"
    )
    print("| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    flat: dict[str, list[float]] = {}
    for case in args.cases.split(","):
        for keep in keeps:
            for rounds in sizes:
                load = os.getloadavg()[0]
                row = _child(case, rounds, None, keep, args.no_gc)
                flat.setdefault(f"{case}, kept: {keep}", []).append(row["rate"])
                print(_row(case, f"{rounds:,}", row)[:-1] + f"| {load:.1f} |", flush=True)
    for seconds in [float(s) for s in args.deadlines.split(",") if s]:
        load = os.getloadavg()[0]
        row = _child("hardliner-2", None, seconds, keeps[0], args.no_gc)
        flat.setdefault("hardliner-2 by seconds", []).append(row["rate"])
        print(_row(f"hardliner-2, {seconds:g} s deadline", "—", row)[:-1] + f"| {load:.1f} |", flush=True)
    print()
    print("| case | slowest / fastest steps/s (CPU, loop) |")
    print("| --- | ---: |")
    for case, rates in flat.items():
        print(f"| {case} | {min(rates) / max(rates):.2f} |")


if __name__ == "__main__":
    main()
