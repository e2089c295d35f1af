"""All pairs of built-in SAO negotiators on every shared GENIUS/GeniusWeb scenario and both Hanoi scenarios.

Run:  .venv/bin/python benchmarks/pairings_bench.py [--rounds 100] [--seed 0] [--jobs 2]

Each ordered pairing (first agent plays the scenario's first party and moves first) runs one
100-round SAO negotiation per scenario with seed 0. Printed per pairing: the agreement rate
over the scenarios and the mean utility each agent got (its reservation value when there is
no agreement; GENIUS utilities are in [0, 1]); then per agent, its mean utility and
agreement rate over every opponent, scenario and role.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from summitry.agents import make_negotiator, sao_agent_names
from summitry.formats import load_scenario
from summitry.protocols.run import negotiate

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "scenarios"
HANOI = ("hanoi-deal", "hanoi-dinner")


def scenario_refs() -> list[str]:
    """Return every shared GENIUS / GeniusWeb scenario folder, then the two Hanoi scenarios."""
    folders = [
        d for kind in ("genius", "geniusweb") if (SHARED / kind).exists() for d in sorted((SHARED / kind).iterdir())
    ]
    return [str(d) for d in folders if d.is_dir()] + list(HANOI)


def run_scenario(ref: str, names: list[str], rounds: int, seed: int) -> list[tuple[str, str, bool, float, float]]:
    """Return (first, second, agreed, utility of first, utility of second) for every ordered pair on ``ref``."""
    scenario = load_scenario(ref)
    rows = []
    for first, second in itertools.product(names, repeat=2):
        trace = negotiate(
            scenario, [make_negotiator(first), make_negotiator(second)], protocol="sao", rounds=rounds, seed=seed
        )
        result = trace.result
        assert result is not None
        rows.append((first, second, result.agreement is not None, result.utilities[0], result.utilities[1]))
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run every pairing on every scenario and print Markdown tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (one scenario per task)")
    parser.add_argument("--agents", default=",".join(sao_agent_names()), help="comma-separated agent names")
    parser.add_argument("--scenarios", default="", help="comma-separated scenario refs (default: all shared + Hanoi)")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.agents.split(",") if n.strip()]
    refs = [r for r in args.scenarios.split(",") if r] or scenario_refs()
    if not SHARED.exists() and not args.scenarios:
        print(f"note: {SHARED} is absent; running the Hanoi scenarios only", file=sys.stderr)
    began = time.perf_counter()
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            chunks = list(
                pool.map(run_scenario, refs, *zip(*[(names, args.rounds, args.seed)] * len(refs), strict=True))
            )
    else:
        chunks = [run_scenario(ref, names, args.rounds, args.seed) for ref in refs]
    pairs: dict[tuple[str, str], list[tuple[bool, float, float]]] = defaultdict(list)
    per_agent: dict[str, list[tuple[bool, float]]] = defaultdict(list)
    for rows in chunks:
        for first, second, agreed, u1, u2 in rows:
            pairs[(first, second)].append((agreed, u1, u2))
            per_agent[first].append((agreed, u1))
            per_agent[second].append((agreed, u2))
    print(f"\n### All pairings: {len(refs)} scenarios, {args.rounds} rounds, seed {args.seed}\n")
    print("| first vs second | agreement | mean utility (first) | mean utility (second) |")
    print("| --- | ---: | ---: | ---: |")
    for (first, second), results in pairs.items():
        n = len(results)
        agreed = sum(r[0] for r in results) / n
        print(
            f"| {first} vs {second} | {agreed:.0%} | {sum(r[1] for r in results) / n:.3f} | "
            f"{sum(r[2] for r in results) / n:.3f} |"
        )
    print("\n| agent | agreement (all its negotiations) | mean utility |")
    print("| --- | ---: | ---: |")
    ranking = sorted(per_agent.items(), key=lambda item: -sum(u for _, u in item[1]) / len(item[1]))
    for name, results in ranking:
        n = len(results)
        print(f"| {name} | {sum(a for a, _ in results) / n:.0%} | {sum(u for _, u in results) / n:.3f} |")
    print(f"\n({time.perf_counter() - began:.0f} s; scenarios: {', '.join(Path(r).name for r in refs)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
