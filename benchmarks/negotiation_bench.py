"""Speed of complete 100-round SAO negotiations: summitry vs NegMAS, side by side.

Agents that never agree early, so every negotiation runs its full 100 rounds (200 offers):
NegMAS's ``ToughNegotiator`` against itself, and in summitry (a) ``MinimalHardliner`` below —
the same strategy written the same minimal way (offer the best outcome, accept only that) —
and (b) the registry's ``hardliner`` agent. Scenarios: Laptop (small) and Energy (the largest
shared GENIUS scenario, 390,625 outcomes), both loaded from ../shared/scenarios/genius.

Each figure is the best of ``--repeats`` measurements of ``--count`` negotiations (the
engines measured in turn, so that a busy spell on the machine hits them alike), setup of
the mechanism and negotiators included (scenario loading excluded). Wall-clock and CPU
(process) time are both reported; CPU time is steadier on a busy machine.

Run: ``.venv/bin/python benchmarks/negotiation_bench.py [--count 30] [--repeats 3]``
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
from _shared import require

from summitry.agents import make_negotiator
from summitry.formats import load_scenario
from summitry.protocols import SAO, Accept, Deadline, MonotonicClock, Offer, run

GENIUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "scenarios" / "genius"


class MinimalHardliner:
    """Offers its best outcome every turn and accepts only that (NegMAS's ToughNegotiator)."""

    name = "minimal-hardliner"

    def start(self, view, rng) -> None:  # type: ignore[no-untyped-def]
        """Find the best outcome once (per issue for an unconstrained linear additive utility)."""
        space, utility = view.space, view.utility
        tables = getattr(utility, "weighted_tables", None)
        if tables is not None and not space.constraints:  # as NegMAS's extreme_outcomes does
            self.best = tuple(issue.values[int(np.argmax(t))] for issue, t in zip(space.issues, tables, strict=True))
            return
        indices = space.all_indices()
        self.best = space.outcome(int(indices[int(np.argmax(utility.batch(indices)))]))

    def act(self, observation):  # type: ignore[no-untyped-def]
        """Accept the best outcome, else offer it."""
        if observation.standing_offer == self.best:
            return Accept(party=observation.party)
        return Offer(party=observation.party, outcome=self.best)


def _summitry(folder: Path, agent: str) -> Callable[[], None]:
    scenario = load_scenario(folder)

    def one() -> None:
        agents = (
            [MinimalHardliner(), MinimalHardliner()]
            if agent == "minimal"
            else [make_negotiator(agent), make_negotiator(agent)]
        )
        trace = run(SAO(scenario, deadline=Deadline(rounds=100), clock=MonotonicClock()), agents, seed=0)
        assert trace.result is not None and trace.result.steps == 200, trace.result

    return one


def _negmas(folder: Path) -> Callable[[], None]:
    from negmas.inout import Scenario
    from negmas.sao import SAOMechanism
    from negmas.sao.negotiators import ToughNegotiator

    scenario = Scenario.load(folder)

    def one() -> None:
        mechanism = SAOMechanism(outcome_space=scenario.outcome_space, n_steps=100)
        for ufun in scenario.ufuns:
            mechanism.add(ToughNegotiator(), preferences=ufun)
        mechanism.run()
        assert mechanism.agreement is None and mechanism.state.step == 100

    return one


def _rates(runs: list[Callable[[], None]], count: int, repeats: int) -> list[tuple[float, float]]:
    """Return (wall, CPU) negotiations/s of each run: best of ``repeats``, measured in turn."""
    for one in runs:
        one()  # warm up
    best = [[float("inf"), float("inf")] for _ in runs]
    for _ in range(repeats):
        for k, one in enumerate(runs):  # interleaved, so a busy spell hits every engine alike
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in range(count):
                one()
            best[k][0] = min(best[k][0], time.perf_counter() - wall)
            best[k][1] = min(best[k][1], time.process_time() - cpu)
    return [(count / wall, count / cpu) for wall, cpu in best]


def main() -> None:
    """Print the table (markdown) of negotiations per second and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=30, help="negotiations per measurement")
    parser.add_argument("--repeats", type=int, default=3, help="measurements; the best is kept")
    parser.add_argument("--scenarios", default="Laptop,Energy")
    args = parser.parse_args()
    require(GENIUS)
    warnings.simplefilter("ignore")
    print("| scenario | outcomes | engine + agents | negotiations/s (wall) | (CPU) | vs NegMAS (wall) | (CPU) |")
    print("| --- | ---: | --- | ---: | ---: | ---: | ---: |")
    for name in args.scenarios.split(","):
        folder = GENIUS / name
        outcomes = load_scenario(folder).space.cardinality
        count = args.count if outcomes < 10_000 else max(3, args.count // 5)
        labels = [
            "NegMAS 0.16 SAOMechanism, ToughNegotiator ×2",
            "summitry SAO, minimal hardliner ×2",
            "summitry SAO, registry `hardliner` ×2",
        ]
        runs = [_negmas(folder), _summitry(folder, "minimal"), _summitry(folder, "hardliner")]
        rates = _rates(runs, count, args.repeats)
        reference = rates[0]
        rows = list(zip(labels, rates, strict=True))
        for label, (wall, cpu) in rows:
            print(
                f"| {name} | {outcomes:,} | {label} | {wall:,.1f} | {cpu:,.1f} | "
                f"{wall / reference[0]:.1f}× | {cpu / reference[1]:.1f}× |"
            )


if __name__ == "__main__":
    main()
