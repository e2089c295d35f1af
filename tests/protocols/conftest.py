"""Small scenarios and scripted negotiators for the protocol tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pytest

from summitry.model import (
    CategoricalIssue,
    ForbiddenCombination,
    IntegerIssue,
    LinearValue,
    OutcomeSpace,
    Party,
    Scenario,
    TableValue,
    linear_additive,
)
from summitry.protocols import Action, Observation, PrivateView


def make_scenario(parties: int = 2, *, constrained: bool = False, discount: float | None = None) -> Scenario:
    """Return a small scenario: issue a (x, y, z) and b (0..4), parties with opposed weights."""
    constraints = (ForbiddenCombination(when={"a": ("z",), "b": (0,)}),) if constrained else ()
    space = OutcomeSpace(
        issues=(CategoricalIssue(name="a", options=("x", "y", "z")), IntegerIssue(name="b", low=0, high=4)),
        constraints=constraints,
    )
    specs = [(0.6, {"x": 1, "y": 2, "z": 3}, 0.25, 0.2), (0.4, {"x": 3, "y": 2, "z": 1}, -0.25, 0.3)]
    specs.append((0.5, {"x": 2, "y": 3, "z": 1}, 0.1, 0.1))
    out = []
    for k in range(parties):
        w, table, slope, rv = specs[k]
        offset = 0.0 if slope > 0 else 1.0
        utility = linear_additive(
            space,
            {"a": w, "b": 1 - w},
            {"a": TableValue(evaluations=table), "b": LinearValue(slope=slope, offset=offset)},
            reservation_value=rv,
            discount_factor=discount,
        )
        out.append(Party(name=f"p{k}", utility=utility))
    return Scenario(name=f"small{parties}", space=space, parties=tuple(out), rounds=10)


@pytest.fixture
def bilateral() -> Scenario:
    return make_scenario(2)


@pytest.fixture
def trilateral() -> Scenario:
    return make_scenario(3)


class Scripted:
    """A negotiator that plays ``script(observation, view, rng) -> Action``."""

    def __init__(
        self, script: Callable[[Observation, PrivateView, np.random.Generator], Action], name: str = "scripted"
    ):
        self.script = script
        self.name = name
        self.view: PrivateView | None = None
        self.rng = np.random.default_rng(0)
        self.seen: list[Observation] = []

    def start(self, view: PrivateView, rng: np.random.Generator) -> None:
        self.view = view
        self.rng = rng

    def act(self, observation: Observation) -> Action:
        self.seen.append(observation)
        assert self.view is not None
        return self.script(observation, self.view, self.rng)


def offers(sequence: Sequence[tuple], then_accept: bool = False) -> Callable[..., Action]:
    """A script offering the outcomes of ``sequence`` in turn (the last one forever), optionally accepting."""
    from summitry.protocols import Accept, Offer

    def script(obs: Observation, view: PrivateView, rng: np.random.Generator) -> Action:
        if then_accept and obs.standing_offer is not None:
            return Accept(party=obs.party)
        k = min(sum(1 for p, _ in obs.history if p == obs.party), len(sequence) - 1)
        return Offer(party=obs.party, outcome=sequence[k])

    return script


def best_offerer(obs: Observation, view: PrivateView, rng: np.random.Generator) -> Action:
    """Offer one's best outcome; accept anything within 0.05 of it."""
    from summitry.protocols import Accept, Offer

    indices = view.space.all_indices()
    utilities = view.utility.batch(indices)
    best = view.space.outcome(int(indices[int(np.argmax(utilities))]))
    if obs.standing_offer is not None and view.utility(obs.standing_offer) >= utilities.max() - 0.05:
        return Accept(party=obs.party)
    return Offer(party=obs.party, outcome=best)


def conceder(obs: Observation, view: PrivateView, rng: np.random.Generator) -> Action:
    """Concede linearly in time from the best outcome to the reservation value; accept above target."""
    from summitry.protocols import Accept, EndNegotiation, Offer

    indices = view.space.all_indices()
    utilities = view.utility.batch(indices)
    target = utilities.max() - (utilities.max() - view.reservation_value) * obs.time
    if obs.standing_offer is not None and view.utility(obs.standing_offer) >= target:
        return Accept(party=obs.party)
    ok = indices[utilities >= target]
    if ok.size == 0:
        return EndNegotiation(party=obs.party)
    pick = int(ok[int(np.argmin(view.utility.batch(ok)))])
    return Offer(party=obs.party, outcome=view.space.outcome(pick))


def voter(obs: Observation, view: PrivateView, rng: np.random.Generator) -> Action:
    """Greedy mediation voter; approves a draft above the reservation value; proposes its best edit."""
    from summitry.protocols import Amend, Request, Vote

    if obs.request is Request.AMEND:
        return Amend(party=obs.party, changes={})
    if obs.request is Request.APPROVE:
        return Vote(party=obs.party, accept=view.utility(obs.draft) > view.reservation_value)
    return Vote(party=obs.party, accept=view.utility(obs.proposal) >= view.utility(obs.draft))
