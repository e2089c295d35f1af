"""Utility functions follow GENIUS semantics and evaluate index arrays exactly as one by one."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given

from summitry.errors import InvalidScenarioError, InvalidUtilityError
from summitry.model import (
    CategoricalIssue,
    ConstrainedUtility,
    ForbiddenCombination,
    IntegerIssue,
    LinearAdditive,
    LinearValue,
    OutcomeSpace,
    Party,
    Scenario,
    TableUtility,
    TableValue,
    TriangularValue,
    discounted,
    linear_additive,
)
from tests.strategies import linear_additive_utilities, outcome_spaces


def _space() -> OutcomeSpace:
    return OutcomeSpace(
        issues=(CategoricalIssue(name="brand", options=("a", "b", "c")), IntegerIssue(name="qty", low=0, high=4))
    )


def test_discrete_evaluations_are_divided_by_the_issue_maximum() -> None:
    space = _space()
    u = linear_additive(
        space,
        {"brand": 0.6, "qty": 0.4},
        {"brand": TableValue(evaluations={"a": 10, "b": 20, "c": 40}), "qty": LinearValue(slope=0.25)},
    )
    assert u(("c", 4)) == pytest.approx(1.0)
    assert u(("a", 0)) == pytest.approx(0.6 * 10 / 40)
    assert u({"brand": "b", "qty": 2}) == pytest.approx(0.6 * 0.5 + 0.4 * 0.5)


@given(outcome_spaces().flatmap(linear_additive_utilities))
def test_batch_equals_one_by_one_and_grid(u: LinearAdditive) -> None:
    idx = u.space.all_indices()
    batch = u.batch(idx)
    assert np.allclose(batch, [u(u.space.outcome(int(i))) for i in idx])
    assert np.allclose(batch, u.grid())
    assert batch.min() >= -1e-12 and batch.max() <= 1 + 1e-9
    low, high = u.extremes()
    assert low == pytest.approx(batch.min()) and high == pytest.approx(batch.max())


def test_triangular_value_peaks_at_one() -> None:
    space = OutcomeSpace(issues=(IntegerIssue(name="x", low=0, high=10),))
    u = LinearAdditive(space=space, weights=(1.0,), values=(TriangularValue(low=0, peak=4, high=10),))
    assert u((4,)) == pytest.approx(1.0)
    assert u((0,)) == pytest.approx(0.0)
    assert u((7,)) == pytest.approx(0.5)


def test_constrained_utility_marks_infeasible_outcomes() -> None:
    space = _space()
    base = TableUtility(space=space, table=np.linspace(0, 1, space.cardinality))
    u = ConstrainedUtility(base=base, constraints=(ForbiddenCombination(when={"brand": ("a",)}),))
    assert u(("a", 3)) == -math.inf
    assert u(("b", 3)) == base(("b", 3))


def test_discount_applies_on_the_normalised_scale() -> None:
    assert discounted(0.8, 0.5, 1.0) == pytest.approx(0.4)
    assert discounted(0.8, None, 1.0) == 0.8


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weights": (-0.1, 1.1)}, "'brand': weight must be >= 0"),
        ({"weights": ("x", 1.0)}, "weight must be a finite number"),
        ({"weights": (1.0,)}, "one weight and one value function per issue"),
        ({"discount_factor": 1.5}, r"discount factor must be in \(0, 1\]"),
    ],
)
def test_bad_utilities_are_refused(kwargs: dict, message: str) -> None:
    args = {
        "space": _space(),
        "weights": (0.5, 0.5),
        "values": (TableValue(evaluations={"a": 1}), LinearValue(slope=1)),
    } | kwargs
    with pytest.raises(InvalidUtilityError, match=message):
        LinearAdditive(**args)


def test_evaluation_naming_unknown_value_is_refused() -> None:
    with pytest.raises(InvalidUtilityError, match="'brand'.*'zz'"):
        LinearAdditive(space=_space(), weights=(1, 0), values=(TableValue(evaluations={"zz": 1}), LinearValue(slope=1)))


def test_scenario_checks_parties_and_builds_utility_matrix() -> None:
    space = _space()
    u1 = TableUtility(space=space, table=np.arange(15) / 14, reservation_value=0.2)
    u2 = TableUtility(space=space, table=1 - np.arange(15) / 14, reservation_value=0.3)
    scenario = Scenario(name="s", space=space, parties=(Party(name="A", utility=u1), Party(name="B", utility=u2)))
    assert scenario.utilities(np.array([0, 14])).tolist() == [[0.0, 1.0], [1.0, 0.0]]
    assert scenario.reserved_values.tolist() == [0.2, 0.3]
    with pytest.raises(InvalidScenarioError, match="duplicate party"):
        Scenario(name="s", space=space, parties=(Party(name="A", utility=u1), Party(name="A", utility=u2)))
