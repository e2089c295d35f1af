"""Opponent models (frequency, Bayesian) rank the opponent's top issue first after a few offers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summitry.agents import BayesianModel, BayesianNegotiator, FrequencyModel, HardHeaded, make_negotiator
from summitry.agents.opponent_model import modelled_utility
from summitry.model import CategoricalIssue, OutcomeSpace, Scenario

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


def _issue_by_issue(model: BayesianModel, levels: np.ndarray, t: float) -> list[np.ndarray]:
    """Return the value posteriors after one offer, updated one issue at a time (Hindriks & Tykhonov's loop)."""
    expected = max(0.0, 1.0 - model.concession * t)
    evaluations, weights = model.evaluations(), model.weights()
    values = np.array([table[int(level)] for table, level in zip(evaluations, levels, strict=True)])
    total, spread = float(weights @ values), 2 * model.sigma**2
    out = []
    for column, level in enumerate(levels.tolist()):
        prior = model._value_posteriors[column]
        predicted = total - weights[column] * values[column] + weights[column] * model._shapes[column][:, level]
        log = np.log(prior) - (predicted - expected) ** 2 / spread
        posterior = np.exp(log - log.max())
        posterior = np.maximum(posterior / posterior.sum(), 1e-12)
        out.append(posterior / posterior.sum())
    return out


@given(
    cardinalities=st.lists(st.integers(1, 30), min_size=1, max_size=8),
    seed=st.integers(0, 2**16),
    offers=st.integers(1, 12),
)
@settings(max_examples=40, deadline=None)
def test_bayesian_update_of_issues_together_equals_issue_by_issue(
    cardinalities: list[int], seed: int, offers: int
) -> None:
    """Issues with as many hypotheses are updated as one array's rows, to the same bits as one at a time."""
    space = OutcomeSpace(
        issues=tuple(
            CategoricalIssue(name=f"i{j}", options=tuple(f"v{v}" for v in range(c)))
            for j, c in enumerate(cardinalities)
        )
    )
    rng = np.random.default_rng(seed)
    model = BayesianModel(rng=np.random.default_rng(seed))
    model.reset(space)
    for _ in range(offers):
        levels = np.array([rng.integers(0, c) for c in cardinalities], dtype=np.int64)
        t = float(rng.random())
        expected = _issue_by_issue(model, levels, t)
        model.update(levels, t)
        for got, want in zip(model._value_posteriors, expected, strict=True):
            assert np.array_equal(got, want)
