"""Opponent models (frequency, Bayesian) rank the opponent's top issue first after a few offers."""

from __future__ import annotations

import numpy as np
import pytest

from summitry.agents import BayesianModel, BayesianNegotiator, FrequencyModel, HardHeaded, make_negotiator
from summitry.agents.opponent_model import modelled_utility
from summitry.model import Scenario

from ._driver import drive


def _offers_keeping_issue_fixed(scenario: Scenario, issue: int, count: int, seed: int = 0) -> np.ndarray:
    """Return level rows where ``issue`` stays at level 0 and the other issues wander."""
    rng = np.random.default_rng(seed)
    rows = np.column_stack([rng.integers(0, c, size=count) for c in scenario.space.cardinalities])
    rows[:, issue] = 0
    return rows


@pytest.mark.parametrize("model", [FrequencyModel(), BayesianModel()], ids=["frequency", "bayesian"])
@pytest.mark.parametrize("issue", [0, 1, 2])
def test_model_ranks_the_opponents_fixed_issue_first(scenario: Scenario, model: object, issue: int) -> None:
    """An opponent that never moves on one issue has that issue ranked most important after 8 offers."""
    model.reset(scenario.space)  # type: ignore[attr-defined]
    for t, row in enumerate(_offers_keeping_issue_fixed(scenario, issue, 8)):
        model.update(row, t / 20)  # type: ignore[attr-defined]
    weights = model.weights()  # type: ignore[attr-defined]
    assert int(np.argmax(weights)) == issue
    assert weights.sum() == pytest.approx(1.0)


def test_bayesian_model_learns_the_preferred_value(scenario: Scenario) -> None:
    """The value the opponent always offers gets the highest evaluation of its issue."""
    model = BayesianModel()
    model.reset(scenario.space)
    for t, row in enumerate(_offers_keeping_issue_fixed(scenario, 1, 8)):
        model.update(row, t / 20)
    assert int(np.argmax(model.evaluations()[1])) == 0


@pytest.mark.parametrize("cls", [HardHeaded, BayesianNegotiator])
def test_modelling_agents_rank_the_real_opponents_top_issue_first(scenario: Scenario, cls: type) -> None:
    """Against a linear-concession seller (price weight 0.7), the model ranks price first after a few offers."""
    agent = cls()
    drive(scenario, [agent, make_negotiator("linear")], rounds=20)
    assert agent.issue_ranking()[0] == "price"


def test_modelled_utility_prefers_what_the_opponent_asked_for(scenario: Scenario) -> None:
    """After learning, the opponent's own offers score higher than their mirror images."""
    model = FrequencyModel()
    model.reset(scenario.space)
    rows = _offers_keeping_issue_fixed(scenario, 1, 6)
    for row in rows:
        model.update(row, 0.0)
    asked = scenario.space.index_of_levels(rows[:1])
    mirror = rows[:1].copy()
    mirror[0, 1] = scenario.space.cardinalities[1] - 1
    other = scenario.space.index_of_levels(mirror)
    space = scenario.space
    assert modelled_utility(model, space, asked)[0] > modelled_utility(model, space, other)[0]
