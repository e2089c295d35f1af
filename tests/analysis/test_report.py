"""analyze() bundles the frontier and points; agreement_metrics() measures a result against it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from summitry.analysis import agreement_metrics, analyze, nash_point, scenario_frontier
from summitry.errors import InvalidOutcomeError
from summitry.model import CategoricalIssue, OutcomeSpace, Party, Scenario, TableUtility
from tests.strategies import scenarios


def _toy() -> Scenario:
    space = OutcomeSpace(issues=(CategoricalIssue(name="deal", options=tuple("abcdef")),))
    a = TableUtility(space=space, table=np.array([1.0, 0.9, 0.6, 0.5, 0.2, 0.1]), reservation_value=0.15)
    b = TableUtility(space=space, table=np.array([0.0, 0.3, 0.55, 0.6, 0.95, 0.2]), reservation_value=0.1)
    return Scenario(name="toy", space=space, parties=(Party(name="a", utility=a), Party(name="b", utility=b)))


def test_analysis_of_a_known_scenario() -> None:
    """Frontier, rational flags, points and sizes are filled in."""
    result = analyze(_toy())
    assert result.name == "toy"
    assert result.parties == ("a", "b")
    assert result.reserved == (0.15, 0.1)
    assert result.outcomes == 6
    assert result.frontier_indices.tolist() == [0, 1, 2, 3, 4]
    assert result.rational.tolist() == [False, True, True, True, True]
    assert result.nash is not None and result.nash.outcome == ("c",)
    assert result.max_welfare is not None and result.max_welfare.outcome == ("b",)
    assert set(result.points()) == {"nash", "kalai_smorodinsky", "max_welfare", "egalitarian"}
    assert 0.0 < result.opposition < 1.0
    with pytest.raises(ValueError, match="read-only"):
        result.frontier_indices[0] = 3


def test_agreement_metrics_for_a_dominated_deal_and_for_no_deal() -> None:
    """A dominated outcome is off the frontier; no deal sits at the reservation values."""
    result = analyze(_toy())
    dominated = agreement_metrics(result, 5)
    assert not dominated.pareto_optimal
    assert dominated.utilities == (0.1, 0.2)
    assert not dominated.rational
    assert dominated.to_frontier == pytest.approx(np.hypot(0.4, 0.4))  # to d (0.5, 0.6)
    assert dominated.to_points["nash"] == pytest.approx(np.hypot(0.5, 0.35))
    on_nash = agreement_metrics(result, 2)
    assert on_nash.pareto_optimal and on_nash.to_frontier == 0.0 and on_nash.to_points["nash"] == 0.0
    none = agreement_metrics(result, None)
    assert none.index is None and none.utilities == (0.15, 0.1) and not none.pareto_optimal
    with pytest.raises(InvalidOutcomeError, match="outside 0..5"):
        agreement_metrics(result, 6)


@settings(max_examples=40, deadline=None)
@given(scenarios())
def test_analysis_matches_the_separate_functions(scenario: Scenario) -> None:
    """analyze() gives the same frontier and Nash point as calling the parts one by one."""
    result = analyze(scenario)
    front = scenario_frontier(scenario)
    assert result.frontier_indices.tolist() == front.indices.tolist()
    assert result.nash == nash_point(scenario, front)
    assert result.rational.tolist() == (front.utilities >= scenario.reserved_values).all(axis=1).tolist()
