"""Whole-process times of the command line: start-up, and ``analyze --json`` against a NegMAS script.

Part 1 (start-up): the median of ``--repeat`` runs of ``summitry --help`` and of
``summitry analyze ../shared/scenarios/genius/Laptop --json``, with ``python -c pass`` and
``python -c "import numpy"`` as the floor on the same machine at the same moment. Wall-clock
and CPU time (user + system, of the child process) are both reported: CPU time is steadier on a
busy machine.

Part 2 (analysis as a user runs it): on every shared scenario with more than 10^5 outcomes,
``summitry analyze DIR --json`` against a small script doing the same with NegMAS (its GENIUS
reader, ``pareto_frontier``, ``nash_points``, ``ks_points``, ``max_welfare_points``, JSON out;
not ``kalai_points``, which NegMAS computes by brute force), the two run in turn, imports
and loading included: summitry best of ``--repeat``, NegMAS best of ``--negmas-repeat``
(default 1: one NegMAS run takes minutes on these scenarios).

Run: ``.venv/bin/python benchmarks/startup_bench.py [--repeat 5]``
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GENIUS = ROOT / ".." / "shared" / "scenarios" / "genius"
SUMMITRY = shutil.which("summitry", path=str(Path(sys.executable).parent)) or "summitry"

NEGMAS_SCRIPT = """
import sys, warnings
warnings.simplefilter("ignore")
import json
from negmas.inout import Scenario
from negmas.preferences.ops import pareto_frontier, nash_points, ks_points, max_welfare_points
s = Scenario.from_genius_folder(sys.argv[1], ignore_discount=True)
outcomes = list(s.outcome_space.enumerate_or_sample())
front, idx = pareto_frontier(s.ufuns, outcomes=outcomes)
functions = (nash_points, ks_points, max_welfare_points)
points = {f.__name__: [[float(u) for u in p] for p, _ in f(s.ufuns, front, outcomes=outcomes)] for f in functions}
print(json.dumps({"pareto": [[float(u) for u in p] for p in front], "points": points}))
"""


def timed(command: list[str]) -> tuple[float, float]:
    """Return (wall, CPU) seconds of one run of ``command`` as a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=dict(os.environ, PYTHONWARNINGS="ignore"))
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def outcomes_of(folder: Path) -> int:
    """Return the number of outcomes of a GENIUS folder (summitry's reader)."""
    from summitry.formats import load_scenario

    return int(load_scenario(folder).space.cardinality)


def main() -> None:
    """Print the two tables (Markdown)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--negmas-repeat", type=int, default=1)
    parser.add_argument("--skip-negmas", action="store_true")
    args = parser.parse_args()
    python = sys.executable
    laptop = GENIUS / "Laptop"
    commands = {
        "python -c pass": [python, "-c", "pass"],
        'python -c "import numpy"': [python, "-c", "import numpy"],
        "summitry --help": [SUMMITRY, "--help"],
        "summitry analyze Laptop --json": [SUMMITRY, "analyze", str(laptop), "--json"],
    }
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(args.repeat):  # interleaved, so that a busy spell hits every command alike
        for name, command in commands.items():
            runs[name].append(timed(command))
    print(f"| command (median of {args.repeat}) | wall (s) | CPU (s) |")
    print("| --- | ---: | ---: |")
    for name, values in runs.items():
        wall = statistics.median(v[0] for v in values)
        cpu = statistics.median(v[1] for v in values)
        print(f"| `{name}` | {wall:.3f} | {cpu:.3f} |")
    if args.skip_negmas:
        return
    big = sorted(
        (folder for folder in GENIUS.iterdir() if folder.is_dir() and outcomes_of(folder) > 10**5),
        key=lambda folder: folder.name,
    )
    print()
    print("| scenario | outcomes | summitry analyze --json (s) | NegMAS script (s) | ratio |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for folder in big:
        ours, theirs = [], []
        for attempt in range(max(args.repeat, args.negmas_repeat)):
            if attempt < args.repeat:
                ours.append(timed([SUMMITRY, "analyze", str(folder), "--json"])[0])
            if attempt < args.negmas_repeat:
                theirs.append(timed([python, "-c", NEGMAS_SCRIPT, str(folder)])[0])
        print(
            f"| {folder.name} | {outcomes_of(folder):,} | {min(ours):.2f} | {min(theirs):.2f} "
            f"| {min(theirs) / min(ours):.1f}× |",
            flush=True,
        )


if __name__ == "__main__":
    main()
