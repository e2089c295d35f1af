"""Outcome spaces index outcomes densely, both ways, vectorised."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from summitry.errors import InvalidIssueError, InvalidOutcomeError, OutcomeSpaceTooLargeError
from summitry.model import (
    CategoricalIssue,
    ForbiddenCombination,
    IntegerIssue,
    OutcomeSpace,
    RealIssue,
)
from tests.strategies import outcome_spaces


@given(outcome_spaces())
def test_index_and_outcome_are_inverse(space: OutcomeSpace) -> None:
    for index in space.all_indices():
        assert space.index_of(space.outcome(int(index))) == index


@given(outcome_spaces())
def test_levels_round_trip_vectorised(space: OutcomeSpace) -> None:
    idx = space.all_indices()
    assert np.array_equal(space.index_of_levels(space.levels(idx)), idx)
    assert len(set(space.outcomes(idx))) == space.cardinality


def test_last_issue_varies_fastest() -> None:
    space = OutcomeSpace(issues=(CategoricalIssue(name="a", options=("x", "y")), IntegerIssue(name="b", low=1, high=3)))
    assert space.outcomes(np.arange(6)) == [("x", 1), ("x", 2), ("x", 3), ("y", 1), ("y", 2), ("y", 3)]


def test_index_of_accepts_mapping_and_names_missing_issue() -> None:
    space = OutcomeSpace(issues=(CategoricalIssue(name="a", options=("x", "y")),))
    assert space.index_of({"a": "y"}) == 1
    with pytest.raises(InvalidOutcomeError, match="'a'.*'z' is not one of"):
        space.index_of({"a": "z"})
    with pytest.raises(InvalidOutcomeError, match="unknown issue"):
        space.index_of({"b": "x"})


def test_forbidden_combination_removes_outcomes() -> None:
    space = OutcomeSpace(
        issues=(
            CategoricalIssue(name="main", options=("pork", "fish", "tofu")),
            CategoricalIssue(name="drink", options=("none", "tea")),
        ),
        constraints=(
            ForbiddenCombination(when={"main": ("pork",)}),
            ForbiddenCombination(when={"main": ("fish",), "drink": ("none",)}),
        ),
    )
    kept = space.outcomes(space.all_indices())
    assert kept == [("fish", "tea"), ("tofu", "none"), ("tofu", "tea")]
    assert not space.contains(("pork", "tea"))
    assert space.contains(("tofu", "tea"))
    rng = np.random.default_rng(0)
    assert all(space.contains(space.outcome(int(i))) for i in space.sample(50, rng))


def test_real_issue_is_discretised_with_stated_step() -> None:
    issue = RealIssue(name="price", low=0.0, high=1.0, steps=11)
    assert issue.cardinality == 11
    assert issue.step == pytest.approx(0.1)
    assert issue.level(0.3) == 3
    assert not issue.contains(0.35)


def test_huge_space_is_refused_not_allocated_and_walks_in_chunks() -> None:
    space = OutcomeSpace(issues=tuple(IntegerIssue(name=f"i{k}", low=0, high=99) for k in range(4)))
    with pytest.raises(OutcomeSpaceTooLargeError, match="100,000,000 outcomes"):
        space.all_indices()
    first = next(space.chunks(size=1000))
    assert first.shape == (1000,)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: CategoricalIssue(name="a", options=()), "at least one value"),
        (lambda: CategoricalIssue(name="a", options=("x", "x")), "duplicate"),
        (lambda: IntegerIssue(name="a", low=3, high=1), "low=3 > high=1"),
        (lambda: RealIssue(name="a", low=0, high=1, steps=1), "steps >= 2"),
        (lambda: OutcomeSpace(issues=(IntegerIssue(name="a", low=0, high=1),) * 2), "duplicate issue"),
    ],
)
def test_bad_issues_are_refused_with_a_reason(build, message: str) -> None:
    with pytest.raises(InvalidIssueError, match=message):
        build()


@given(st.integers(0, 10**6))
def test_out_of_range_index_is_refused(offset: int) -> None:
    space = OutcomeSpace(issues=(IntegerIssue(name="a", low=0, high=9),))
    with pytest.raises(InvalidOutcomeError):
        space.outcome(10 + offset)
