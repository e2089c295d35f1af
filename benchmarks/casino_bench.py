"""Built-in agents vs people on CaSiNo: every SAO pairing (both orders) beside the humans' figures.

Run:  .venv/bin/python benchmarks/casino_bench.py [--split train|valid|both] [--rounds 100] [--seeds 1]

For each dialogue the agents negotiate the dialogue's scenario (the two participants'
priorities, points as utilities, walk-away = 5 points each) under stacked alternating
offers; participant 1's agent moves first. Metrics, for people and for each pairing:

* agreement rate;
* Pareto: share of agreements no outcome Pareto-dominates;
* joint: total joint points over the total maximum joint points, over agreements (the
  issue's definition; the mean of per-dialogue shares is printed too);
* Nash dist.: mean Euclidean distance, in points, from the result (5, 5 when there is no
  deal) to the Nash point (maximising (u₁ − 5)(u₂ − 5)), over all dialogues.

The dialogues have only 36 distinct preference profiles (6 priority orders per side), and a
negotiation depends only on the profile, the agents and the seed, so each pairing is run
once per profile and seed and weighted by how many dialogues have that profile — the same
numbers as running every dialogue, 25× faster.
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from _shared import require

from summitry.agents import make_negotiator, sao_agent_names
from summitry.analysis import nash_row
from summitry.formats.casino import WALK_AWAY_POINTS, CasinoDialogue, read_casino
from summitry.protocols.run import negotiate

CASINO = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets" / "casino"


@dataclass(frozen=True)
class Profile:
    """What a scenario's analysis needs: utility matrix, Nash point, maximum joint points."""

    utilities: np.ndarray
    nash: np.ndarray
    max_joint: float


def profile_key(dialogue: CasinoDialogue) -> tuple[tuple[float, ...], ...]:
    """Return the two parties' weights: dialogues with equal keys are the same negotiation."""
    return tuple(tuple(p.utility.weights) for p in dialogue.scenario.parties)  # type: ignore[attr-defined]


def analyse(dialogue: CasinoDialogue) -> Profile:
    """Return the utility matrix, Nash point and maximum joint points of a dialogue's scenario."""
    scenario = dialogue.scenario
    utilities = scenario.utilities(scenario.space.all_indices())
    row = nash_row(utilities, scenario.reserved_values)
    nash = utilities[row] if row is not None else scenario.reserved_values
    return Profile(utilities=utilities, nash=nash, max_joint=float(utilities.sum(axis=1).max()))


@dataclass
class Tally:
    """Running totals of the four metrics."""

    count: int = 0
    agreements: int = 0
    pareto: int = 0
    joint: float = 0.0
    max_joint: float = 0.0
    shares: float = 0.0
    nash_distance: float = 0.0

    def add(self, points: tuple[float, float], agreed: bool, profile: Profile, weight: int = 1) -> None:
        """Add ``weight`` dialogues ending with ``points``."""
        p = np.asarray(points, dtype=float)
        self.count += weight
        self.nash_distance += weight * float(np.linalg.norm(p - profile.nash))
        if agreed:
            u = profile.utilities
            dominated = bool(np.any(np.all(u >= p, axis=1) & np.any(u > p, axis=1)))
            self.agreements += weight
            self.pareto += weight * (not dominated)
            self.joint += weight * float(p.sum())
            self.max_joint += weight * profile.max_joint
            self.shares += weight * float(p.sum()) / profile.max_joint

    def row(self) -> tuple[float, float, float, float, float]:
        """Return agreement rate, Pareto share, joint share (sums), joint share (mean), Nash distance."""
        a = max(self.agreements, 1)
        return (
            self.agreements / self.count,
            self.pareto / a,
            self.joint / max(self.max_joint, 1e-12),
            self.shares / a,
            self.nash_distance / self.count,
        )


def humans(dialogues: list[CasinoDialogue], profiles: dict) -> Tally:
    """Return the people's tally."""
    tally = Tally()
    for d in dialogues:
        tally.add(d.points, d.agreed, profiles[profile_key(d)])
    return tally


def agents(
    dialogues: list[CasinoDialogue], profiles: dict, first: str, second: str, *, rounds: int, seeds: int
) -> Tally:
    """Return the tally of ``first`` (participant 1) vs ``second`` over the dialogues' profiles."""
    weights = Counter(profile_key(d) for d in dialogues)
    example = {profile_key(d): d for d in dialogues}
    tally = Tally()
    for key, weight in weights.items():
        for seed in range(seeds):
            negotiators = [make_negotiator(first), make_negotiator(second)]
            result = negotiate(example[key].scenario, negotiators, rounds=rounds, seed=seed).result
            assert result is not None
            points = tuple(result.utilities) if result.agreement is not None else (WALK_AWAY_POINTS,) * 2
            tally.add(points, result.agreement is not None, profiles[key], weight)  # type: ignore[arg-type]
    return tally


def beats(row: tuple[float, ...], people: tuple[float, ...]) -> bool:
    """Return whether a pairing beats the people on agreement rate, Pareto share and joint points."""
    return row[0] > people[0] and row[1] > people[1] and row[2] > people[2]


def table(dialogues: list[CasinoDialogue], *, rounds: int, seeds: int, names: list[str]) -> list[str]:
    """Return the Markdown table lines for one split."""
    profiles = {profile_key(d): analyse(d) for d in dialogues}
    rows: list[tuple[str, tuple[float, ...]]] = [("people (their own deals)", humans(dialogues, profiles).row())]
    results = []
    for first, second in itertools.product(names, repeat=2):
        tally = agents(dialogues, profiles, first, second, rounds=rounds, seeds=seeds)
        results.append((f"{first} vs {second}", tally.row()))
    people = rows[0][1]
    results.sort(key=lambda item: (not beats(item[1], people), -item[1][0] * item[1][2]))
    rows.extend(results)
    lines = [
        "| pairing (participant 1 vs 2) | agreement | Pareto-optimal | joint (Σ/Σmax) | joint (mean) | Nash dist. |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, (agree, pareto, joint, share, nash) in rows:
        mark = " **✓**" if label != rows[0][0] and beats((agree, pareto, joint), rows[0][1]) else ""
        lines.append(f"| {label}{mark} | {agree:.1%} | {pareto:.1%} | {joint:.1%} | {share:.1%} | {nash:.2f} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one Markdown table per split."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["train", "valid", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--seeds", type=int, default=1, help="seeds per profile (results averaged)")
    parser.add_argument("--agents", default=",".join(sao_agent_names()), help="comma-separated agent names")
    args = parser.parse_args(argv)
    require(CASINO)
    names = [n.strip() for n in args.agents.split(",") if n.strip()]
    splits = ["train", "valid"] if args.split == "both" else [args.split]
    for split in splits:
        began = time.perf_counter()
        dialogues = read_casino(CASINO / f"casino_{split}.json")
        lines = table(dialogues, rounds=args.rounds, seeds=args.seeds, names=names)
        print(f"\n### CaSiNo {split} split: {len(dialogues)} dialogues, {args.rounds} rounds, {args.seeds} seed(s)\n")
        print("\n".join(lines))
        print(f"\n({time.perf_counter() - began:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
