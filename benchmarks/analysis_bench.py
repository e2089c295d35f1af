"""Benchmark summitry's analysis against NegMAS 0.16, side by side (not a test).

Run from the repository root:

    .venv/bin/python benchmarks/analysis_bench.py            # everything (a few minutes)
    .venv/bin/python benchmarks/analysis_bench.py --quick    # no 10^7 space, NegMAS only up to 50k outcomes

It prints three tables:

1. every shared GENIUS / GeniusWeb scenario (../shared/scenarios): summitry's ``analyze``
   (frontier + Nash + KS + max welfare + egalitarian) against NegMAS's ``pareto_frontier``
   + ``nash_points`` + ``ks_points`` + ``kalai_points`` + ``max_welfare_points`` on NegMAS's
   own utility functions (its GENIUS reader; a utility table for GeniusWeb folders), with the ratio;
2. synthetic two-party linear additive spaces of 10^6 and 10^7 outcomes (the latter walked
   in chunks): time and peak traced memory of ``analyze``;
3. the whole-process comparison on Energy: ``summitry analyze <Energy> --json`` against a
   small script doing the same with NegMAS (imports included).
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from summitry.analysis import analyze, scenario_frontier, scenario_utilities
from summitry.formats import load_scenario
from summitry.model import IntegerIssue, LinearAdditive, OutcomeSpace, Party, Scenario, TableValue

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared" / "scenarios"

NEGMAS_SCRIPT = """
import sys, warnings
warnings.simplefilter("ignore")
import json
from negmas.inout import Scenario
from negmas.preferences.ops import pareto_frontier, nash_points, ks_points, kalai_points, max_welfare_points
s = Scenario.from_genius_folder(sys.argv[1], ignore_discount=True)
outcomes = list(s.outcome_space.enumerate_or_sample())
front, idx = pareto_frontier(s.ufuns, outcomes=outcomes)
functions = (nash_points, ks_points, kalai_points, max_welfare_points)
points = {f.__name__: [[float(u) for u in p] for p, _ in f(s.ufuns, front, outcomes=outcomes)] for f in functions}
print(json.dumps({"pareto": [[float(u) for u in p] for p in front], "points": points}))
"""


def best_of(repeat: int, run: Callable[[], object]) -> float:
    """Return the best wall-clock time of ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def negmas_analysis(folder: Path, scenario: Scenario) -> Callable[[], object]:
    """Return a callable doing NegMAS's frontier and points on NegMAS's own utility functions."""
    from negmas.inout import Scenario as NegmasScenario
    from negmas.preferences import MappingUtilityFunction
    from negmas.preferences.ops import kalai_points, ks_points, max_welfare_points, nash_points, pareto_frontier

    loaded = None
    if any(folder.glob("*.xml")):
        loaded = NegmasScenario.from_genius_folder(folder, ignore_discount=True)
    if loaded is not None:
        ufuns = list(loaded.ufuns)
        outcomes = list(loaded.outcome_space.enumerate_or_sample())
    else:  # GeniusWeb: hand NegMAS summitry's utility table
        table = scenario_utilities(scenario)
        outcomes = [(i,) for i in range(table.shape[0])]
        ufuns = [
            MappingUtilityFunction(dict(zip(outcomes, table[:, j].tolist(), strict=True)), reserved_value=float(r))
            for j, r in enumerate(scenario.reserved_values)
        ]

    def run() -> object:
        front, _ = pareto_frontier(ufuns, outcomes=outcomes)
        return [
            f(ufuns, list(front), outcomes=outcomes) for f in (nash_points, ks_points, kalai_points, max_welfare_points)
        ]

    return run


def shared_table(max_negmas: int) -> list[tuple[str, int, float, float | None]]:
    """Time summitry and NegMAS on every shared scenario."""
    rows = []
    folders = sorted(p for kind in ("genius", "geniusweb") for p in (SHARED / kind).iterdir() if p.is_dir())
    for folder in folders:
        scenario = load_scenario(folder)
        n = scenario.space.cardinality
        ours = best_of(5, lambda scenario=scenario: analyze(scenario))
        theirs = None
        if n <= max_negmas:
            run = negmas_analysis(folder, scenario)
            theirs = best_of(1 if n > 20_000 else 3, run)
        rows.append((f"{folder.parent.name}/{folder.name}", n, ours, theirs))
        progress = f"{theirs * 1e3:10.1f} ms  ×{theirs / ours:,.0f}" if theirs else "skipped"
        print(
            f"  {rows[-1][0]:32} {n:>9,}  summitry {ours * 1e3:9.2f} ms  NegMAS {progress}", file=sys.stderr, flush=True
        )
    return rows


def synthetic(issues: int, levels: int = 10) -> Scenario:
    """Return a two-party linear additive scenario of levels**issues outcomes (seeded, opposed)."""
    rng = np.random.default_rng(2024)
    space = OutcomeSpace(issues=tuple(IntegerIssue(name=f"i{k}", low=0, high=levels - 1) for k in range(issues)))
    parties = []
    for name, sign in (("a", 1.0), ("b", -1.0)):
        weights = rng.random(issues)
        values = []
        for _ in range(issues):
            base = np.linspace(0.05, 1.0, levels)[:: int(sign)] + 0.2 * rng.random(levels)
            values.append(TableValue(evaluations={v: float(e) for v, e in enumerate(base)}))
        utility = LinearAdditive(
            space=space, weights=tuple(weights / weights.sum()), values=tuple(values), reservation_value=0.3
        )
        parties.append(Party(name=name, utility=utility))
    return Scenario(name=f"synthetic-1e{issues}", space=space, parties=tuple(parties))


def synthetic_table(sizes: list[int]) -> list[tuple[str, int, float, float, int]]:
    """Time and measure peak traced memory of ``analyze`` on synthetic spaces."""
    rows = []
    for issues in sizes:
        scenario = synthetic(issues)
        seconds = best_of(3 if issues <= 6 else 1, lambda scenario=scenario: analyze(scenario))
        gc.collect()
        tracemalloc.start()
        result = analyze(scenario)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rows.append(
            (scenario.name, scenario.space.cardinality, seconds, peak / 2**20, result.frontier_indices.shape[0])
        )
    return rows


def whole_process(energy: Path) -> tuple[float, float]:
    """Return wall-clock seconds of `summitry analyze <Energy> --json` and of the NegMAS script (best of 3 / 1)."""
    summitry = [sys.executable, "-m", "summitry", "analyze", str(energy), "--json"]
    negmas = [sys.executable, "-c", NEGMAS_SCRIPT, str(energy)]
    env = dict(os.environ, PYTHONWARNINGS="ignore")

    def timed(command: list[str]) -> float:
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        return time.perf_counter() - start

    return min(timed(summitry) for _ in range(3)), timed(negmas)


def frontier_only(energy: Path) -> tuple[float, float]:
    """Return seconds for the Pareto frontier alone on Energy: summitry (best of 5) and NegMAS (best of 3).

    This is the measure of the issue's target: NegMAS's ``pareto_frontier`` over its own
    utility functions and enumerated outcomes, against ``scenario_frontier``.
    """
    from negmas.inout import Scenario as NegmasScenario
    from negmas.preferences.ops import pareto_frontier

    scenario = load_scenario(energy)
    ours = best_of(5, lambda: scenario_frontier(scenario))
    loaded = NegmasScenario.from_genius_folder(energy, ignore_discount=True)
    ufuns, outcomes = list(loaded.ufuns), list(loaded.outcome_space.enumerate_or_sample())
    theirs = best_of(3, lambda: pareto_frontier(ufuns, outcomes=outcomes))
    return ours, theirs


def main() -> None:
    """Run every benchmark and print the tables (Markdown)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="skip 10^7 and every NegMAS run above 50,000 outcomes (Energy)"
    )
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    import negmas

    print(
        f"Python {sys.version.split()[0]}, numpy {np.__version__}, NegMAS {negmas.__version__}, {os.cpu_count()} CPUs\n"
    )
    shared = SHARED.exists()
    if shared:
        print("| scenario | outcomes | summitry analyze (ms) | NegMAS frontier + points (ms) | ratio |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for name, n, ours, theirs in shared_table(50_000 if args.quick else 10**9):
            ratio = f"{theirs / ours:,.0f}×" if theirs else "—"
            their = f"{theirs * 1e3:,.1f}" if theirs else "skipped"
            print(f"| {name} | {n:,} | {ours * 1e3:,.2f} | {their} | {ratio} |")
    else:
        print(f"({SHARED} is absent: the shared scenarios' table and the Energy comparisons are skipped)")
    print("\n| synthetic 2-party space | outcomes | analyze (s) | peak traced memory (MiB) | frontier |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, n, seconds, peak, front in synthetic_table([6] if args.quick else [6, 7]):
        print(f"| {name} | {n:,} | {seconds:.3f} | {peak:,.0f} | {front:,} |")
    if not shared:
        return
    if args.quick:
        print("\n(--quick: the Energy comparisons with NegMAS, 390,625 outcomes, are skipped)")
        return
    ours, theirs = frontier_only(SHARED / "genius" / "Energy")
    print("\n| Pareto frontier alone, Energy (390,625 outcomes) | ms |")
    print("| --- | ---: |")
    print(f"| summitry `scenario_frontier` | {ours * 1e3:,.1f} |")
    print(f"| NegMAS `pareto_frontier` (its own utility functions) | {theirs * 1e3:,.1f} |")
    print(f"| ratio | {theirs / ours:,.0f}× |")
    ours, theirs = whole_process(SHARED / "genius" / "Energy")
    print("\n| whole process on Energy (390,625 outcomes) | seconds |")
    print("| --- | ---: |")
    print(f"| `summitry analyze Energy --json` | {ours:.2f} |")
    print(f"| NegMAS script (load, frontier, points, JSON) | {theirs:.2f} |")
    print(f"| ratio | {theirs / ours:,.1f}× |")


if __name__ == "__main__":
    main()
