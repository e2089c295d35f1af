"""Benchmark: plan 200 commitments with prerequisites (seeded generator) and print the time.

Run: ``.venv/bin/python benchmarks/roadmap_bench.py [--commitments 200] [--seed 7]``.
Target: under 10 s on the reference machine (2 cores). Recorded in docs/performance.md.
"""

from __future__ import annotations

import argparse
import logging
import time
from datetime import date

import numpy as np

from summitry._rng import make_rng
from summitry.roadmap import Commitment, CommitmentKind, plan

PARTIES = ("dprk", "usa")


def generate(count: int, rng: np.random.Generator) -> list[Commitment]:
    """Return ``count`` random commitments of two parties; about 60% have 1-2 recent prerequisites."""
    commitments: list[Commitment] = []
    for i in range(count):
        owner = PARTIES[int(rng.integers(2))]
        other = PARTIES[1 - PARTIES.index(owner)]
        prerequisites: tuple[str, ...] = ()
        if i and rng.random() < 0.6:
            window = list(range(max(0, i - 15), i))
            picks = rng.choice(window, size=min(len(window), int(rng.integers(1, 3))), replace=False)
            prerequisites = tuple(f"c{int(j):03d}" for j in sorted(picks))
        commitments.append(
            Commitment(
                id=f"c{i:03d}",
                owner=owner,
                description=f"step {i} of {owner}",
                cost=round(float(rng.uniform(1, 20)), 1),
                value={other: round(float(rng.uniform(1, 25)), 1)},
                duration_days=int(rng.integers(1, 120)),
                prerequisites=prerequisites,
                verifiable=bool(rng.random() < 0.8),
                reversible=bool(rng.random() < 0.5),
                kind=CommitmentKind.ONGOING if rng.random() < 0.1 else CommitmentKind.ONE_OFF,
            )
        )
    return commitments


def main() -> None:
    """Plan the generated commitments and print the time taken."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commitments", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="  note: %(message)s")  # says if a stage is not proven
    commitments = generate(args.commitments, make_rng(args.seed))
    begin = time.perf_counter()
    road_map = plan(commitments, PARTIES, start=date(2019, 3, 1))
    elapsed = time.perf_counter() - begin
    with_prerequisites = sum(1 for c in commitments if c.prerequisites)
    print(
        f"road-map planner: {len(commitments)} commitments ({with_prerequisites} with prerequisites), "
        f"{len(road_map.phases)} phases, max exposure {road_map.max_exposure:.1f}, {elapsed:.2f} s"
    )


if __name__ == "__main__":
    main()
