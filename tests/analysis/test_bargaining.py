"""Nash, Kalai–Smorodinsky, egalitarian and max-welfare points against brute force, and distances."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings

from summitry.analysis import (
    distance,
    distance_to_frontier,
    egalitarian_point,
    egalitarian_row,
    kalai_smorodinsky_point,
    kalai_smorodinsky_row,
    max_welfare_point,
    max_welfare_row,
    nash_point,
    nash_row,
    opposition,
    scenario_frontier,
    scenario_utilities,
)
from summitry.errors import InvalidUtilityError
from summitry.model import CategoricalIssue, OutcomeSpace, Party, Scenario, TableUtility
from tests.analysis.oracle import frontier_rows
from tests.strategies import scenarios


def _lowest_argmax(scores: list[float | None]) -> int | None:
    """Return the lowest position holding the largest non-None score (the oracles' tie rule)."""
    present = [s for s in scores if s is not None]
    if not present:
        return None
    top = max(present)
    return scores.index(top)


@settings(max_examples=50, deadline=None)
@given(scenarios())
def test_nash_point_is_on_the_frontier_strictly_above_every_reservation_value(scenario: Scenario) -> None:
    """The Nash point, when it exists, is Pareto-optimal and beats no-deal for every party."""
    point = nash_point(scenario)
    u = scenario_utilities(scenario)
    r = scenario.reserved_values
    if point is None:
        assert not (u > r).all(axis=1).any()
        return
    assert point.index in frontier_rows(u)
    assert all(ui > ri for ui, ri in zip(point.utilities, r, strict=True))
    assert point.outcome == scenario.space.outcome(point.index)


@settings(max_examples=50, deadline=None)
@given(scenarios())
def test_points_agree_with_brute_force_oracles(scenario: Scenario) -> None:
    """Each point maximises its objective over all outcomes, ties to the lowest index."""
    u = scenario_utilities(scenario)
    r = scenario.reserved_values
    n = u.shape[0]
    rational = (u >= r).all(axis=1)
    strict = (u > r).all(axis=1)

    nash = [float(np.prod(u[i] - r)) if strict[i] else None for i in range(n)]
    welfare = [float(u[i].sum()) for i in range(n)]
    front = frontier_rows(u)
    best = u.max(axis=0)
    if (best > r).all():
        ks = [float(((u[i] - r) / (best - r)).min()) if i in front and rational[i] else None for i in range(n)]
    else:
        ks = [None] * n
    least = [float((u[i] - r).min()) if rational[i] else None for i in range(n)]
    top_least = max((v for v in least if v is not None), default=None)
    egal = [welfare[i] if least[i] is not None and least[i] == top_least else None for i in range(n)]

    def index(point):  # type: ignore[no-untyped-def]
        return None if point is None else point.index

    assert index(nash_point(scenario)) == _lowest_argmax(nash)
    assert index(kalai_smorodinsky_point(scenario)) == _lowest_argmax(ks)
    assert index(egalitarian_point(scenario)) == _lowest_argmax(egal)
    assert index(max_welfare_point(scenario)) == _lowest_argmax(welfare)


def test_points_on_a_known_two_party_table() -> None:
    """A hand-computed case: the four points differ and each is where the definitions put it."""
    space = OutcomeSpace(
        issues=(CategoricalIssue(name="deal", options=tuple("abcdef")),),
    )
    a = TableUtility(space=space, table=np.array([1.0, 0.9, 0.6, 0.5, 0.2, 0.1]), reservation_value=0.15)
    b = TableUtility(space=space, table=np.array([0.0, 0.3, 0.55, 0.6, 0.95, 0.2]), reservation_value=0.1)
    scenario = Scenario(name="toy", space=space, parties=(Party(name="a", utility=a), Party(name="b", utility=b)))
    front = scenario_frontier(scenario)
    assert front.indices.tolist() == [0, 1, 2, 3, 4]
    # Nash: (0.75*0.2, 0.45*0.45, 0.35*0.5, 0.05*0.85) -> c
    assert nash_point(scenario, front).outcome == ("c",)  # type: ignore[union-attr]
    # KS: ratios min((u_a-.15)/.85, (u_b-.1)/.85) -> c (0.45/.85 vs 0.45/.85) and d (0.35, 0.5) -> c
    assert kalai_smorodinsky_point(scenario, front).outcome == ("c",)  # type: ignore[union-attr]
    # egalitarian: min gains b: .2, c: .45, d: .35 -> c
    assert egalitarian_point(scenario, front).outcome == ("c",)  # type: ignore[union-attr]
    # welfare: 1.0, 1.2, 1.15, 1.1, 1.15 -> b
    assert max_welfare_point(scenario, front).outcome == ("b",)  # type: ignore[union-attr]


def test_no_rational_outcome_gives_no_nash_ks_or_egalitarian_point() -> None:
    """Reservation values above every outcome leave only max welfare defined."""
    u = np.array([[0.5, 0.5], [0.2, 0.9]])
    r = np.array([0.6, 0.6])
    assert nash_row(u, r) is None
    assert kalai_smorodinsky_row(u, r) is None
    assert egalitarian_row(u, r) is None
    assert max_welfare_row(u) == 1


def test_nash_needs_strict_gain_but_egalitarian_accepts_equality() -> None:
    """An outcome exactly at a reservation value is rational but has no Nash gain."""
    u = np.array([[0.5, 0.2]])
    r = np.array([0.5, 0.1])
    assert nash_row(u, r) is None
    assert egalitarian_row(u, r) == 0


def test_egalitarian_prefers_larger_welfare_among_equal_minima() -> None:
    """Equal minimum gains are broken by welfare, so the point is not dominated."""
    u = np.array([[0.3, 0.3], [0.3, 0.9], [0.3, 0.9]])
    assert egalitarian_row(u, np.zeros(2)) == 1


def test_distances() -> None:
    """Euclidean distance between vectors, and to the nearest frontier point."""
    assert distance([0, 0], [3, 4]) == 5.0
    assert distance_to_frontier([0, 0], [[3, 4], [1, 0]]) == 1.0
    assert distance_to_frontier([0, 0], np.zeros((0, 2))) == math.inf
    with pytest.raises(InvalidUtilityError):
        distance([0, 0], [1, 1, 1])


def test_opposition_is_zero_without_conflict_and_large_for_zero_sum() -> None:
    """One outcome best for all -> 0; a zero-sum line -> 1/√2 · √(1/2)·√2 = 0.5."""
    assert opposition([[1.0, 1.0]], best=[1, 1], worst=[0, 0]) == 0.0
    line = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
    assert opposition(line, best=[1, 1], worst=[0, 0]) == pytest.approx(math.sqrt(0.5) / math.sqrt(2))
