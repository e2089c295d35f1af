"""Tournament throughput: NegMAS's cartesian_tournament and summitry's, side by side; scaling; memory.

Run:  .venv/bin/python benchmarks/tournament_bench.py [--part all|negmas|scaling|memory] [--scenarios N]

1. **Side by side** (``--part negmas``): NegMAS 0.16's ``cartesian_tournament`` with its
   ``TimeBasedConcedingNegotiator``, ``ToughNegotiator`` and ``NaiveTitForTatNegotiator`` on the
   shared GENIUS scenarios (every ordered pair, self-play included, 100 rounds, 3 repetitions,
   serial: ``njobs=-1``, results saved to a temporary folder, no figures), then summitry's
   ``run_tournament`` with the equivalent built-ins (``boulware``, ``hardliner``,
   ``naive-tit-for-tat``) on the same scenarios and settings in this process (``-j 1``),
   results stored in SQLite; then the *mixed* row: ``boulware`` with NegMAS's ``ToughNegotiator``
   and ``NaiveTitForTatNegotiator`` named ``negmas:...`` in one summitry tournament (each NegMAS
   negotiator plays through its own NegMAS mechanism; see docs/interop.md). Printed:
   negotiations, seconds and negotiations per second.
2. **Scaling** (``--part scaling``): the summitry tournament, repeated to a few thousand
   negotiations, on 1 and then 2 local worker processes.
3. **Memory** (``--part memory``): the peak resident memory of a fresh process running a
   summitry tournament of 10^3 and then 10^4 negotiations (``-j 1``, in a child process each).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _shared import require

ROOT = Path(__file__).resolve().parents[1]
GENIUS = ROOT / ".." / "shared" / "scenarios" / "genius"
SUMMITRY_AGENTS = ["boulware", "hardliner", "naive-tit-for-tat"]
MIXED_AGENTS = ["boulware", "negmas:negmas.sao:ToughNegotiator", "negmas:negmas.sao:NaiveTitForTatNegotiator"]
"""The mixed row: a summitry agent and two NegMAS negotiators in one summitry tournament (summitry[negmas])."""


def genius_folders(limit: int | None) -> list[Path]:
    """Return the shared GENIUS scenario folders that both NegMAS and summitry read (bilateral)."""
    from negmas.inout import Scenario

    from summitry.formats import load_scenario

    folders = []
    for folder in sorted(p for p in GENIUS.iterdir() if p.is_dir()):
        try:
            theirs = Scenario.from_genius_folder(folder)
            ours = load_scenario(str(folder))
        except Exception:  # a folder one of them cannot read is left out of both
            continue
        if theirs is not None and len(theirs.ufuns) == 2 and len(ours.parties) == 2:
            folders.append(folder)
    return folders[:limit] if limit else folders


def spec_text(name: str, scenarios: list[str], repetitions: int, rounds: int, agents: list[str]) -> str:
    """Return a tournament spec (YAML)."""
    return json.dumps(
        {
            "name": name,
            "agents": agents,
            "scenarios": scenarios,
            "rounds": rounds,
            "repetitions": repetitions,
            "self_play": True,
            "swap_roles": True,
            "seed": 0,
        }
    )


def run_summitry(spec_yaml: str, workers: int) -> tuple[int, float]:
    """Return (negotiations, seconds) of a fresh summitry tournament run with ``workers`` processes."""
    from summitry.tournament import make_backend, parse_tournament_spec, run_tournament

    spec = parse_tournament_spec(spec_yaml, base=ROOT)
    with tempfile.TemporaryDirectory() as folder:
        backend = make_backend(workers)
        try:
            began = time.perf_counter()
            summary = run_tournament(spec, Path(folder) / "out", backend)
            seconds = time.perf_counter() - began
        finally:
            backend.close()
    return summary.ran, seconds


def run_negmas(folders: list[Path], repetitions: int, rounds: int) -> tuple[int, float]:
    """Return (negotiations, seconds) of NegMAS's cartesian_tournament on ``folders``, serial."""
    from negmas.inout import Scenario
    from negmas.sao import NaiveTitForTatNegotiator, TimeBasedConcedingNegotiator, ToughNegotiator
    from negmas.tournaments.neg import cartesian_tournament

    scenarios = [Scenario.from_genius_folder(f) for f in folders]
    with tempfile.TemporaryDirectory() as folder:
        began = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            results = cartesian_tournament(
                competitors=[TimeBasedConcedingNegotiator, ToughNegotiator, NaiveTitForTatNegotiator],
                scenarios=scenarios,
                n_repetitions=repetitions,
                n_steps=rounds,
                njobs=-1,
                path=Path(folder) / "negmas",
                verbosity=0,
                self_play=True,
                rotate_ufuns=False,  # competitors x opponents already gives both role orders
                save_scenario_figs=False,
                plot_fraction=0.0,
            )
        seconds = time.perf_counter() - began
    return len(results.details), seconds


def side_by_side(args: argparse.Namespace) -> None:
    """Print NegMAS's and summitry's negotiations per second on the same tournament, one core each."""
    folders = genius_folders(args.scenarios)
    print(
        f"\n### Side by side: {len(folders)} GENIUS scenarios, 3 agents, self-play and both role orders, "
        f"{args.rounds} rounds, {args.repetitions} repetitions, one process each\n"
    )
    theirs, their_seconds = run_negmas(folders, args.repetitions, args.rounds)
    spec = spec_text("bench", [str(f) for f in folders], args.repetitions, args.rounds, SUMMITRY_AGENTS)
    ours, our_seconds = run_summitry(spec, 1)
    print("| engine | negotiations | seconds | negotiations/s |")
    print("| --- | ---: | ---: | ---: |")
    negmas_name = f"NegMAS {_negmas_version()} cartesian_tournament"
    print(f"| {negmas_name} | {theirs} | {their_seconds:.1f} | {theirs / their_seconds:.1f} |")
    print(f"| summitry run_tournament (-j 1) | {ours} | {our_seconds:.1f} | {ours / our_seconds:.1f} |")
    mixed_spec = spec_text("bench-mixed", [str(f) for f in folders], args.repetitions, args.rounds, MIXED_AGENTS)
    mixed, mixed_seconds = run_summitry(mixed_spec, 1)
    label = "summitry run_tournament (-j 1), mixed: boulware + NegMAS's Tough and NaiveTitForTat"
    print(f"| {label} | {mixed} | {mixed_seconds:.1f} | {mixed / mixed_seconds:.1f} |")
    print(f"\nsummitry / NegMAS: {(ours / our_seconds) / (theirs / their_seconds):.1f}x negotiations per second")


def scaling(args: argparse.Namespace) -> None:
    """Print summitry's negotiations per second in-process (-j 1), on 1 and on 2 local worker processes."""
    import os

    from summitry.tournament import InProcessBackend, LocalBackend, open_results, parse_tournament_spec, run_tournament

    folders = genius_folders(args.scenarios)
    repetitions = max(args.repetitions, args.scaling_size // (9 * len(folders)) + 1)
    spec = parse_tournament_spec(
        spec_text("scaling", [str(f) for f in folders], repetitions, args.rounds, SUMMITRY_AGENTS), base=ROOT
    )
    print(f"\n### Scaling: {len(folders)} scenarios x 9 pairings x {repetitions} repetitions\n")
    print(
        "| backend | negotiations | seconds | negotiations/s | CPU of the tournament process "
        "| ms per negotiation in its worker | load average |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    rates = {}
    for name, make in (
        ("-j 1 (in-process)", InProcessBackend),
        ("1 worker process", lambda: LocalBackend(1)),
        ("2 worker processes (-j 2)", lambda: LocalBackend(2)),
    ):
        with tempfile.TemporaryDirectory() as folder:
            backend = make()
            began, cpu = time.perf_counter(), os.times()
            try:
                summary = run_tournament(spec, Path(folder) / "out", backend)
            finally:
                seconds, spent = time.perf_counter() - began, os.times()
                backend.close()
            results = open_results(Path(folder) / "out")
            inside = sum(r["elapsed"] for r in results.store.records(results.digest)) / summary.ran
            results.store.close()
        used = (spent.user - cpu.user) + (spent.system - cpu.system)
        rates[name] = summary.ran / seconds
        print(
            f"| {name} | {summary.ran} | {seconds:.1f} | {rates[name]:.1f} | {used:.1f} s | {1000 * inside:.1f} "
            f"| {os.getloadavg()[0]:.1f} |"
        )
    one, two = rates["1 worker process"], rates["2 worker processes (-j 2)"]
    print(f"\n1 -> 2 worker processes: {two / one:.2f}x; -j 1 -> -j 2: {two / rates['-j 1 (in-process)']:.2f}x")


def memory(args: argparse.Namespace) -> None:
    """Print the peak memory of a fresh process running 10^3 and 10^4 negotiations."""
    print("\n### Memory: peak resident memory of the tournament process (-j 1)\n")
    print("| negotiations | peak RSS (MiB) | seconds |")
    print("| ---: | ---: | ---: |")
    peaks = []
    for size in (1_000, 10_000):
        command = [
            sys.executable,
            __file__,
            "--part",
            "memory-child",
            "--size",
            str(size),
            "--rounds",
            str(args.memory_rounds),
        ]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()
        peak, seconds = float(output[-2]), float(output[-1])
        peaks.append(peak)
        print(f"| {size} | {peak:.0f} | {seconds:.1f} |")
    print(f"\n10^4 / 10^3 peak memory: {peaks[1] / peaks[0]:.3f}")


def memory_child(args: argparse.Namespace) -> None:
    """Run ``--size`` negotiations (hanoi-deal, 3 agents) in this process; print peak RSS (MiB) and seconds."""
    repetitions = args.size // 9
    spec = spec_text("memory", ["hanoi-deal"], repetitions, args.rounds, SUMMITRY_AGENTS)
    count, seconds = run_summitry(spec, 1)
    assert count == repetitions * 9, count
    print(_peak_mib(), seconds)


def _peak_mib() -> float:
    """Return this process's peak resident memory (VmHWM; ru_maxrss would count the parent's before exec)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _negmas_version() -> str:
    import negmas

    return str(negmas.__version__)


def main(argv: list[str] | None = None) -> int:
    """Run the parts asked for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", default="all", choices=["all", "negmas", "scaling", "memory", "memory-child"])
    parser.add_argument("--scenarios", type=int, default=None, help="use only the first N GENIUS scenarios")
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--scaling-size", type=int, default=2000, help="negotiations in the scaling run (about)")
    parser.add_argument("--memory-rounds", type=int, default=20, help="rounds per negotiation in the memory runs")
    parser.add_argument("--size", type=int, default=1000)
    args = parser.parse_args(argv)
    if args.part == "memory-child":
        args.rounds = args.memory_rounds if args.rounds == 100 else args.rounds
        memory_child(args)
        return 0
    require(GENIUS)
    if args.part in ("all", "negmas"):
        side_by_side(args)
    if args.part in ("all", "scaling"):
        scaling(args)
    if args.part in ("all", "memory"):
        memory(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
