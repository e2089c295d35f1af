"""A mixed tournament: two summitry agents and two NegMAS negotiators, in summitry and in NegMAS.

Run:  .venv/bin/python benchmarks/interop_bench.py [--rounds 50]

The same four agents (summitry's ``boulware`` and ``hardheaded``; NegMAS's
``BoulwareTBNegotiator`` and ``NaiveTitForTatNegotiator``) play every ordered pair, self-play
excluded, on four shared GENIUS scenarios:

- in a summitry tournament (in this process), the NegMAS ones named ``negmas:...``;
- in NegMAS's ``cartesian_tournament`` (serial, ``njobs=-1``), the summitry ones through
  ``SummitryNegotiator``, on the same utility tables (``negmas_scenario``).

Printed: negotiations run, wall-clock seconds and negotiations per second for each.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _shared import require
from negmas.sao import BoulwareTBNegotiator, NaiveTitForTatNegotiator
from negmas.tournaments.neg import cartesian_tournament

from summitry.formats import load_scenario
from summitry.interop.negmas import SummitryNegotiator, negmas_scenario
from summitry.tournament import InProcessBackend, parse_tournament_spec, run_tournament

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "scenarios" / "genius"
SCENARIOS = ("Laptop", "ItexvsCypress", "EnglandZimbabwe", "Amsterdam")


def summitry_side(rounds: int, folder: Path) -> tuple[int, float]:
    """Return (negotiations, seconds) of the mixed tournament run by summitry."""
    scenarios = ", ".join(str(SHARED / name) for name in SCENARIOS)
    text = f"""
name: mixed-bench
agents: [boulware, hardheaded, "negmas:negmas.sao:BoulwareTBNegotiator", "negmas:negmas.sao:NaiveTitForTatNegotiator"]
scenarios: [{scenarios}]
rounds: {rounds}
seed: 0
"""
    spec = parse_tournament_spec(text, base=folder)
    start = time.perf_counter()
    summary = run_tournament(spec, folder / "summitry", InProcessBackend())
    return summary.ran, time.perf_counter() - start


def negmas_side(rounds: int, folder: Path) -> tuple[int, float]:
    """Return (negotiations, seconds) of the same tournament run by NegMAS's cartesian_tournament."""
    scenarios = [negmas_scenario(load_scenario(SHARED / name)) for name in SCENARIOS]
    start = time.perf_counter()
    results = cartesian_tournament(
        competitors=[SummitryNegotiator, SummitryNegotiator, BoulwareTBNegotiator, NaiveTitForTatNegotiator],
        competitor_params=[{"agent": "boulware"}, {"agent": "hardheaded"}, {}, {}],
        competitor_names=["boulware", "hardheaded", "negmas-boulware", "negmas-tit-for-tat"],
        scenarios=scenarios,
        n_steps=rounds,
        n_repetitions=1,
        self_play=False,
        rotate_ufuns=False,  # ordered pairs already swap who plays which side: the same 48 negotiations
        njobs=-1,
        path=folder / "negmas",
        verbosity=0,
        save_scenario_figs=False,
    )
    return len(results.details), time.perf_counter() - start


def main() -> None:
    """Run both sides and print one line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    require(SHARED)
    with tempfile.TemporaryDirectory() as tmp:
        for label, side in (("summitry tournament", summitry_side), ("NegMAS cartesian_tournament", negmas_side)):
            count, seconds = side(args.rounds, Path(tmp))
            print(f"{label:<28} {count:4d} negotiations  {seconds:7.2f} s  {count / seconds:7.1f} negotiations/s")


if __name__ == "__main__":
    main()
