"""The Negotiator base class: sorting once, target picking, big spaces, ending when nothing is acceptable."""

from __future__ import annotations

import time

import numpy as np
import pytest

from summitry.agents import Negotiator, make_negotiator
from summitry.agents.base import ENUMERATION_LIMIT
from summitry.model import IntegerIssue, LinearAdditive, LinearValue, OutcomeSpace, Scenario
from summitry.protocols import Deadline, EndNegotiation, Observation, Offer, PrivateView, Request

from ._driver import drive
from .conftest import make_scenario


def _view(space: OutcomeSpace, utility: LinearAdditive) -> PrivateView:
    return PrivateView(
        party="a",
        index=0,
        parties=("a", "b"),
        space=space,
        utility=utility,
        reservation_value=utility.reservation_value,
        deadline=Deadline(rounds=100),
        protocol="sao",
    )


def _big(levels: int, issues: int, reservation: float = 0.0) -> tuple[OutcomeSpace, LinearAdditive]:
    space = OutcomeSpace(issues=tuple(IntegerIssue(name=f"i{k}", low=0, high=levels - 1) for k in range(issues)))
    utility = LinearAdditive(
        space=space,
        weights=(1.0 / issues,) * issues,
        values=(LinearValue(slope=1.0 / (levels - 1)),) * issues,
        reservation_value=reservation,
    )
    return space, utility


def test_start_on_an_energy_sized_space_is_fast() -> None:
    """Sorting 390,625 outcomes (Energy's size) takes well under a second (of CPU time)."""
    space, utility = _big(5, 8)
    agent = make_negotiator("boulware")
    began = time.process_time()
    agent.start(_view(space, utility), np.random.default_rng(0))
    assert time.process_time() - began < 0.5
    assert agent.sorted_indices.size == 390_625
    assert np.all(np.diff(agent.sorted_utilities) <= 0)


def test_huge_spaces_are_sampled() -> None:
    """A space above the enumeration limit is sampled with the rng, and offers still work."""
    space, utility = _big(10, 7)
    assert space.cardinality > ENUMERATION_LIMIT
    agent = make_negotiator("conceder")
    agent.start(_view(space, utility), np.random.default_rng(0))
    assert 0 < agent.sorted_indices.size < space.cardinality
    action = agent.act(Observation(request=Request.OFFER, party="a", round=0, step=0, time=0.5))
    assert isinstance(action, Offer) and space.contains(action.outcome)


def test_outcome_at_or_above_picks_the_closest_above() -> None:
    """The chosen outcome is the lowest utility at or above the target."""
    space, utility = _big(5, 2)
    agent = Negotiator()
    agent.start(_view(space, utility), np.random.default_rng(0))
    outcome = agent.outcome_at_or_above(0.6)
    assert outcome is not None
    assert utility(outcome) == pytest.approx(0.625)
    assert utility(agent.outcome_at_or_above(2.0)) == pytest.approx(1.0)


@pytest.mark.parametrize("name", ["boulware", "hardliner", "micro", "random", "tit-for-tat", "bayesian"])
def test_ends_when_nothing_beats_the_reservation_value(name: str) -> None:
    """With a reservation value above every outcome, the agent ends the negotiation at once."""
    space, utility = _big(3, 2, reservation=2.0)
    agent = make_negotiator(name)
    agent.start(_view(space, utility), np.random.default_rng(0))
    action = agent.act(Observation(request=Request.OFFER, party="a", round=0, step=0, time=0.0))
    assert isinstance(action, EndNegotiation)


def test_never_accepts_below_reservation() -> None:
    """Conceders with high reservation values end without agreement rather than accept too little."""
    scenario: Scenario = make_scenario(reservations=(0.95, 0.95))
    result = drive(scenario, [make_negotiator("conceder"), make_negotiator("conceder")], rounds=30)
    assert result.agreement is None
