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

Each negotiation runs in a fresh process (so its peak RSS is its own), through
``summitry.protocols.run`` with the real monotonic clock and the full trace kept, setup of the
mechanism and agents included, scenario loading excluded. CPU time is the process's own
(``time.process_time``), steadier than wall-clock time on a busy machine. "flat" is the
slowest size's rate over the fastest's, per case.

Run: ``.venv/bin/python benchmarks/long_run_bench.py`` (all sizes; the 10^6-round Bayesian
run alone takes several minutes) or e.g. ``--rounds 1000,10000,100000 --cases hardliner-2``.
"""

from __future__ import annotations

import argparse
import json
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


def one(case: str, rounds: int | None, seconds: float | None) -> dict[str, Any]:
    """Run one negotiation in this process and return its figures."""
    from summitry.agents import make_negotiator
    from summitry.protocols import Deadline, MonotonicClock, make_mechanism, run

    protocol, agent, parties = CASES[case]
    scenario = _scenario(parties)
    wall, cpu = time.perf_counter(), time.process_time()
    mechanism = make_mechanism(
        protocol, scenario, settings={"rounds": rounds, "seconds": seconds}, clock=MonotonicClock()
    )
    assert mechanism.deadline == Deadline(rounds=rounds, seconds=seconds)
    trace = run(mechanism, [make_negotiator(agent) for _ in range(parties)], seed=0)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    result = trace.result
    assert result is not None
    return {
        "case": case,
        "rounds": rounds,
        "seconds": seconds,
        "steps": result.steps,
        "events": len(trace),
        "reason": result.reason,
        "wall": wall,
        "cpu": cpu,
        "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _child(case: str, rounds: int | None, seconds: float | None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--one", case, "--rounds", str(rounds or 0), "--seconds", str(seconds or 0)]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    """Run the cases and print the tables (Markdown)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", default="1000,10000,100000,1000000")
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--deadlines", default="2,8", help="wall-clock deadlines (s) for hardliner-2")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        rounds = int(args.rounds) or None
        print(json.dumps(one(args.one, rounds, args.seconds or None)))
        return
    sizes = [int(r) for r in args.rounds.split(",") if r]
    print("| case | rounds | steps | end | wall (s) | CPU (s) | steps/s (wall) | steps/s (CPU) | peak RSS (MiB) |")
    print("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    flat: dict[str, list[float]] = {}
    for case in args.cases.split(","):
        for rounds in sizes:
            row = _child(case, rounds, None)
            rate = row["steps"] / row["cpu"]
            flat.setdefault(case, []).append(rate)
            print(
                f"| {case} | {rounds:,} | {row['steps']:,} | {row['reason']} | {row['wall']:.2f} | {row['cpu']:.2f} "
                f"| {row['steps'] / row['wall']:,.0f} | {rate:,.0f} | {row['rss_mib']:.0f} |",
                flush=True,
            )
    for seconds in [float(s) for s in args.deadlines.split(",") if s]:
        row = _child("hardliner-2", None, seconds)
        rate = row["steps"] / row["cpu"]
        flat.setdefault("hardliner-2 by seconds", []).append(rate)
        print(
            f"| hardliner-2, {seconds:g} s deadline | — | {row['steps']:,} | {row['reason']} | {row['wall']:.2f} "
            f"| {row['cpu']:.2f} | {row['steps'] / row['wall']:,.0f} | {rate:,.0f} | {row['rss_mib']:.0f} |",
            flush=True,
        )
    print()
    print("| case | slowest / fastest steps/s (CPU) |")
    print("| --- | ---: |")
    for case, rates in flat.items():
        print(f"| {case} | {min(rates) / max(rates):.2f} |")


if __name__ == "__main__":
    main()
