"""Hypothesis strategies for summitry's domain objects."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from summitry.model import (
    CategoricalIssue,
    IntegerIssue,
    LinearAdditive,
    OutcomeSpace,
    Party,
    RealIssue,
    Scenario,
    TableUtility,
    TableValue,
)


@st.composite
def issues(draw: st.DrawFn, name: str = "i") -> CategoricalIssue | IntegerIssue | RealIssue:
    """Draw a small issue of any kind."""
    kind = draw(st.sampled_from(["categorical", "integer", "real"]))
    if kind == "categorical":
        n = draw(st.integers(1, 5))
        return CategoricalIssue(name=name, options=tuple(f"v{k}" for k in range(n)))
    if kind == "integer":
        low = draw(st.integers(-5, 5))
        return IntegerIssue(name=name, low=low, high=low + draw(st.integers(0, 4)))
    low = draw(st.floats(-10, 10, allow_nan=False))
    return RealIssue(name=name, low=low, high=low + draw(st.floats(0.5, 10)), steps=draw(st.integers(2, 5)))


@st.composite
def outcome_spaces(draw: st.DrawFn, max_issues: int = 4) -> OutcomeSpace:
    """Draw an outcome space of 1..max_issues small issues (no constraints)."""
    n = draw(st.integers(1, max_issues))
    return OutcomeSpace(issues=tuple(draw(issues(name=f"issue{k}")) for k in range(n)))


@st.composite
def linear_additive_utilities(draw: st.DrawFn, space: OutcomeSpace) -> LinearAdditive:
    """Draw a linear additive utility with table value functions over ``space``."""
    weights = [draw(st.floats(0, 1, allow_nan=False)) for _ in space.issues]
    total = sum(weights) or 1.0
    values = []
    for issue in space.issues:
        evals = {v: draw(st.floats(0, 10, allow_nan=False)) for v in issue.values}
        values.append(TableValue(evaluations=evals))
    reservation = draw(st.floats(0, 0.6, allow_nan=False))
    return LinearAdditive(
        space=space,
        weights=tuple(w / total for w in weights),
        values=tuple(values),
        reservation_value=reservation,
    )


@st.composite
def table_utilities(draw: st.DrawFn, space: OutcomeSpace) -> TableUtility:
    """Draw a table utility with few distinct values (so ties occur) over ``space``."""
    seed = draw(st.integers(0, 2**32 - 1))
    levels = draw(st.integers(2, 6))
    table = np.random.default_rng(seed).integers(0, levels, size=space.cardinality) / (levels - 1)
    return TableUtility(space=space, table=table, reservation_value=draw(st.floats(0, 0.5, allow_nan=False)))


@st.composite
def scenarios(draw: st.DrawFn, min_parties: int = 2, max_parties: int = 3) -> Scenario:
    """Draw a small scenario with 2..3 parties of linear additive or table utilities."""
    space = draw(outcome_spaces())
    n = draw(st.integers(min_parties, max_parties))
    parties = []
    for k in range(n):
        strategy = linear_additive_utilities if draw(st.booleans()) else table_utilities
        utility = draw(strategy(space))
        parties.append(Party(name=f"p{k}", utility=utility))
    return Scenario(name="random", space=space, parties=tuple(parties))
