"""Discounted scenarios: undiscounted and discounted utilities are both reported, each named.

The rule (docs/analysis.md): ``utilities`` are undiscounted, ``discounted_utilities`` are
what the protocol paid (u·δ^t), and every distance is measured between undiscounted utilities.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summitry.agents import negotiator_from_text
from summitry.analysis import DISTANCE_SPACE, agreement_metrics, analyze, distance, result_metrics
from summitry.errors import InvalidOutcomeError
from summitry.model import CategoricalIssue, OutcomeSpace, Party, Scenario, TableUtility
from summitry.protocols import Result, Status, negotiate


def discounted_toy(delta: float = 0.5) -> Scenario:
    """Return a two-party, six-outcome scenario where both parties discount by ``delta``."""
    space = OutcomeSpace(issues=(CategoricalIssue(name="deal", options=tuple("abcdef")),))
    a = TableUtility(
        space=space, table=np.array([1.0, 0.9, 0.6, 0.5, 0.2, 0.1]), reservation_value=0.15, discount_factor=delta
    )
    b = TableUtility(
        space=space, table=np.array([0.0, 0.3, 0.55, 0.6, 0.95, 0.2]), reservation_value=0.1, discount_factor=delta
    )
    return Scenario(name="toy", space=space, parties=(Party(name="a", utility=a), Party(name="b", utility=b)))


def test_a_late_agreement_reports_both_utilities_and_measures_undiscounted() -> None:
    """A Boulware pair agrees late: undiscounted utilities sit on the frontier, the paid ones below."""
    scenario = discounted_toy(0.5)
    trace = negotiate(scenario, [negotiator_from_text("boulware") for _ in range(2)], rounds=20, seed=0)
    result = trace.result
    assert result is not None and result.agreement is not None and result.rounds > 1
    analysis = analyze(scenario)
    metrics = result_metrics(analysis, result)
    index = scenario.space.index_of(result.agreement)
    plain = tuple(float(p.utility(result.agreement)) for p in scenario.parties)
    assert metrics.index == index
    assert metrics.utilities == pytest.approx(plain)
    assert metrics.discounted_utilities == pytest.approx(result.utilities)
    assert metrics.discounted
    assert all(d < u for d, u in zip(metrics.discounted_utilities, metrics.utilities, strict=True))
    assert metrics.pareto_optimal == analysis.is_pareto_optimal(index)
    assert analysis.nash is not None
    assert metrics.to_points["nash"] == pytest.approx(distance(np.array(plain), analysis.nash.utilities))
    assert DISTANCE_SPACE == "undiscounted"


def test_without_a_discount_both_utilities_are_equal() -> None:
    """No discount factor: the two lists coincide and ``discounted`` is False."""
    space = OutcomeSpace(issues=(CategoricalIssue(name="deal", options=("x", "y")),))
    parties = tuple(
        Party(name=n, utility=TableUtility(space=space, table=np.array(t), reservation_value=0.0))
        for n, t in (("a", [1.0, 0.2]), ("b", [0.3, 1.0]))
    )
    scenario = Scenario(name="plain", space=space, parties=parties)
    result = Result(agreement=("y",), utilities=(0.2, 1.0), status=Status.AGREED, rounds=3, steps=5)
    metrics = result_metrics(analyze(scenario), result)
    assert metrics.utilities == metrics.discounted_utilities == (0.2, 1.0)
    assert not metrics.discounted


def test_no_agreement_pays_the_reservation_values_in_both() -> None:
    """No deal: both lists are the reservation values."""
    scenario = discounted_toy()
    result = Result(agreement=None, utilities=(0.15, 0.1), status=Status.TIMED_OUT, rounds=20, steps=40)
    metrics = result_metrics(analyze(scenario), result)
    assert metrics.utilities == metrics.discounted_utilities == (0.15, 0.1)


def test_discounted_utilities_of_the_wrong_length_are_refused() -> None:
    """One value per party, or an error naming what came."""
    with pytest.raises(InvalidOutcomeError, match="expected one per party"):
        agreement_metrics(analyze(discounted_toy()), 2, discounted_utilities=(0.3,))


@settings(max_examples=60)
@given(
    index=st.integers(min_value=0, max_value=5),
    factors=st.lists(st.floats(min_value=0.01, max_value=1.0), min_size=2, max_size=2),
)
def test_distances_do_not_depend_on_the_discount(index: int, factors: list[float]) -> None:
    """Whatever was paid, the distances and flags are those of the undiscounted outcome."""
    analysis = analyze(discounted_toy())
    plain = agreement_metrics(analysis, index)
    outcome = analysis.scenario.space.outcome(index)
    paid = tuple(float(p.utility(outcome)) * f for p, f in zip(analysis.scenario.parties, factors, strict=True))
    metrics = agreement_metrics(analysis, index, discounted_utilities=paid)
    assert metrics.utilities == plain.utilities
    assert metrics.to_frontier == plain.to_frontier and metrics.to_points == plain.to_points
    assert metrics.welfare == plain.welfare and metrics.rational == plain.rational
    assert metrics.discounted_utilities == paid
    differ = [not math.isclose(p, u, abs_tol=1e-12) for p, u in zip(paid, plain.utilities, strict=True)]
    assert metrics.discounted == any(differ)
