"""Whole-process times of the command line: start-up, and ``analyze --json`` against a NegMAS script.

Part 1 (start-up): the median of ``--repeat`` runs of ``summitry --help``, of
``summitry analyze ../shared/scenarios/genius/Laptop --json`` and of the other quick paths
(``COMMAND --help`` for every command, ``analyze --json`` of a GeniusWeb folder and of the
shipped native ``hanoi-deal``, ``negotiate --json``), with ``python -c pass`` and
``python -c "import numpy"`` as the floor on the same machine at the same moment. Wall-clock
and CPU time (user + system, of the child process) are both reported: CPU time is steadier on a
busy machine. The load average is printed before and after. Every command runs once untimed
first, and ``PYTHONDONTWRITEBYTECODE`` is dropped from the children's environment: the runs
use compiled bytecode, as an installed package does (pip compiles it at install time).
On a shared, busy machine ``--realtime`` runs each timed child under ``chrt -f 50`` (root
only): the other jobs wait while it runs, which comes close to the otherwise idle machine the
targets speak of (the other core still runs their work).

Part 2 (analysis as a user runs it): on every shared scenario (GENIUS and GeniusWeb) with more
than 10^5 outcomes,
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

from _shared import require

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / ".." / "shared" / "scenarios"
GENIUS = SCENARIOS / "genius"
SUMMITRY = shutil.which("summitry", path=str(Path(sys.executable).parent)) or "summitry"

NEGMAS_SCRIPT = """
import sys, warnings
warnings.simplefilter("ignore")
import json
from negmas.inout import Scenario
from negmas.preferences.ops import pareto_frontier, nash_points, ks_points, max_welfare_points
if sys.argv[2] == "genius":
    s = Scenario.from_genius_folder(sys.argv[1], ignore_discount=True)
else:
    s = Scenario.from_geniusweb_folder(sys.argv[1], ignore_discount=True)
outcomes = list(s.outcome_space.enumerate_or_sample())
front, idx = pareto_frontier(s.ufuns, outcomes=outcomes)
functions = (nash_points, ks_points, max_welfare_points)
points = {f.__name__: [[float(u) for u in p] for p, _ in f(s.ufuns, front, outcomes=outcomes)] for f in functions}
print(json.dumps({"pareto": [[float(u) for u in p] for p in front], "points": points}))
"""


PREFIX: list[str] = []
"""Prepended to every timed command (``chrt -f 50`` with ``--realtime``)."""

ENVIRONMENT = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
ENVIRONMENT["PYTHONWARNINGS"] = "ignore"


def timed(command: list[str]) -> tuple[float, float]:
    """Return (wall, CPU) seconds of one run of ``command`` as a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([*PREFIX, *command], check=True, capture_output=True, env=ENVIRONMENT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def outcomes_of(folder: Path) -> int:
    """Return the number of outcomes of a GENIUS or GeniusWeb folder (summitry's reader)."""
    from summitry.formats import load_scenario

    return int(load_scenario(folder).space.cardinality)


def load_average() -> str:
    """Return the 1-, 5- and 15-minute load averages, as ``uptime`` shows them."""
    return ", ".join(f"{load:.2f}" for load in os.getloadavg())


def startup_commands(python: str) -> dict[str, list[str]]:
    """Return the commands of part 1 by their label."""
    from summitry.cli._commands import COMMANDS

    geniusweb = sorted(folder for folder in (SCENARIOS / "geniusweb").iterdir() if folder.is_dir())[0]
    commands = {
        "python -c pass": [python, "-c", "pass"],
        'python -c "import numpy"': [python, "-c", "import numpy"],
        "summitry --help": [SUMMITRY, "--help"],
        "summitry analyze Laptop --json": [SUMMITRY, "analyze", str(GENIUS / "Laptop"), "--json"],
        f"summitry analyze {geniusweb.name} --json (GeniusWeb)": [SUMMITRY, "analyze", str(geniusweb), "--json"],
        "summitry analyze hanoi-deal --json (native YAML)": [SUMMITRY, "analyze", "hanoi-deal", "--json"],
        "summitry negotiate Laptop --json": [SUMMITRY, "negotiate", str(GENIUS / "Laptop"), "--json"],
        "summitry negotiate hanoi-deal --json": [SUMMITRY, "negotiate", "hanoi-deal", "--json"],
    }
    for name in COMMANDS:
        commands[f"summitry {name} --help"] = [SUMMITRY, name, "--help"]
    return commands


def main() -> None:
    """Print the two tables (Markdown)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--negmas-repeat", type=int, default=1)
    parser.add_argument("--skip-negmas", action="store_true")
    parser.add_argument("--skip-startup", action="store_true")
    parser.add_argument("--realtime", action="store_true", help="run the timed children under chrt -f 50 (root)")
    args = parser.parse_args()
    require(SCENARIOS)
    if args.realtime:
        PREFIX[:] = ["chrt", "-f", "50"]
    python = sys.executable
    if not args.skip_startup:
        startup(startup_commands(python), args.repeat)
    if args.skip_negmas:
        return
    big = sorted(
        (
            (kind, folder)
            for kind in ("genius", "geniusweb")
            for folder in (SCENARIOS / kind).iterdir()
            if folder.is_dir() and outcomes_of(folder) > 10**5
        ),
        key=lambda pair: (pair[0], pair[1].name),
    )
    print()
    print(f"load average before: {load_average()}")
    print()
    print("| scenario | outcomes | summitry analyze --json (s) | NegMAS script (s) | ratio |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for kind, folder in big:
        ours, theirs = [], []
        timed([SUMMITRY, "analyze", str(folder), "--json"])  # untimed: bytecode and file caches warm
        for attempt in range(max(args.repeat, args.negmas_repeat)):
            if attempt < args.repeat:
                ours.append(timed([SUMMITRY, "analyze", str(folder), "--json"])[0])
            if attempt < args.negmas_repeat:
                theirs.append(timed([python, "-c", NEGMAS_SCRIPT, str(folder), kind])[0])
        print(
            f"| {kind}/{folder.name} | {outcomes_of(folder):,} | {min(ours):.2f} | {min(theirs):.2f} "
            f"| {min(theirs) / min(ours):.1f}× |",
            flush=True,
        )
    print()
    print(f"load average after: {load_average()}")


def startup(commands: dict[str, list[str]], repeat: int) -> None:
    """Print the table of part 1: each command's median wall and CPU time over ``repeat`` runs."""
    for command in commands.values():
        timed(command)  # untimed: bytecode and file caches warm
    print(f"load average before: {load_average()}")
    print()
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(repeat):  # interleaved, so that a busy spell hits every command alike
        for name, command in commands.items():
            runs[name].append(timed(command))
    print(f"| command (median of {repeat}) | wall (s) | CPU (s) |")
    print("| --- | ---: | ---: |")
    for name, values in runs.items():
        wall = statistics.median(v[0] for v in values)
        cpu = statistics.median(v[1] for v in values)
        print(f"| `{name}` | {wall:.3f} | {cpu:.3f} |", flush=True)
    print()
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
