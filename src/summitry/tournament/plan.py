"""The negotiations of a tournament: scenarios × assignments of agents to parties × repetitions.

Each negotiation has a key naming its coordinates and a seed derived from the spec's seed and
those coordinates alone, so its result does not depend on where, when or in which order it runs.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .spec import TournamentSpec

__all__ = ["NegotiationTask", "assignments", "count_negotiations", "derive_seed", "plan_negotiations"]


@dataclass(frozen=True, slots=True, kw_only=True)
class NegotiationTask:
    """One negotiation to run: which scenario (index into the spec), which agent per party, which repetition."""

    key: str
    scenario: int
    agents: tuple[str, ...]
    repetition: int
    seed: int


def derive_seed(seed: int, *coordinates: object) -> int:
    """Return a 63-bit seed from ``seed`` and ``coordinates`` (stable across processes and machines)."""
    text = json.dumps([seed, *coordinates], separators=(",", ":"))
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big") >> 1


def assignments(spec: TournamentSpec, scenario: int) -> list[tuple[str, ...]]:
    """Return the assignments of agents to the parties of scenario ``scenario`` (in spec order).

    ``swap_roles`` gives every ordered assignment, else one per set of agents; ``self_play``
    lets an agent fill several parties. With ``sample: K`` at most K are kept, drawn with the seed.
    """
    n = spec.parties[scenario]
    agents = spec.agents
    if spec.swap_roles:
        chosen: Iterator[tuple[str, ...]] = (
            itertools.product(agents, repeat=n) if spec.self_play else itertools.permutations(agents, n)
        )
    else:
        chosen = (
            itertools.combinations_with_replacement(agents, n) if spec.self_play else itertools.combinations(agents, n)
        )
    if spec.sample is None:
        return list(chosen)
    every = list(chosen)
    if len(every) <= spec.sample:
        return every
    rng = np.random.default_rng(derive_seed(spec.seed, "sample", spec.scenarios[scenario]))
    picked = np.sort(rng.choice(len(every), size=spec.sample, replace=False))
    return [every[int(i)] for i in picked]


def plan_negotiations(spec: TournamentSpec) -> list[NegotiationTask]:
    """Return every negotiation of the tournament, in a fixed order (scenario, assignment, repetition)."""
    tasks: list[NegotiationTask] = []
    for scenario, label in enumerate(spec.scenarios):
        for agents in assignments(spec, scenario):
            for repetition in range(spec.repetitions):
                coordinates = [label, list(agents), repetition]
                tasks.append(
                    NegotiationTask(
                        key=json.dumps(coordinates, separators=(",", ":")),
                        scenario=scenario,
                        agents=agents,
                        repetition=repetition,
                        seed=derive_seed(spec.seed, *coordinates),
                    )
                )
    return tasks


def count_negotiations(spec: TournamentSpec) -> int:
    """Return how many negotiations the tournament has (without listing them)."""
    total = 0
    a = len(spec.agents)
    for n in spec.parties:
        if spec.swap_roles:
            count = a**n if spec.self_play else math.perm(a, n)
        else:
            count = math.comb(a + n - 1, n) if spec.self_play else math.comb(a, n)
        total += min(count, spec.sample) if spec.sample is not None else count
    return total * spec.repetitions
