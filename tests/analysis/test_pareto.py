"""The Pareto frontier: exact on small matrices, non-dominated, covering, and chunk-invariant."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from summitry.analysis import dominates, pareto_frontier, scenario_frontier, scenario_utilities
from summitry.errors import InvalidUtilityError
from summitry.model import (
    CategoricalIssue,
    ConstrainedUtility,
    ForbiddenCombination,
    OutcomeSpace,
    Party,
    Scenario,
    TableUtility,
)
from tests.analysis.oracle import frontier_rows
from tests.strategies import linear_additive_utilities, outcome_spaces, scenarios

# small value sets make ties and duplicates common
_values = st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0, -np.inf])


@st.composite
def utility_matrices(draw: st.DrawFn, min_parties: int = 1, max_parties: int = 4) -> np.ndarray:
    k = draw(st.integers(min_parties, max_parties))
    n = draw(st.integers(0, 40))
    return draw(hnp.arrays(float, (n, k), elements=_values))


@given(utility_matrices())
def test_frontier_equals_all_pairs_oracle(u: np.ndarray) -> None:
    """The frontier is exactly the set of finite rows no other row dominates."""
    assert pareto_frontier(u).tolist() == frontier_rows(u)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 4), st.sampled_from([300, 1500]), st.sampled_from([3, 12, 1000]))
def test_frontier_on_larger_random_matrices_matches_oracle(seed: int, k: int, n: int, levels: int) -> None:
    """Pivot pruning, the sweep and the block skyline agree with all pairs on bigger inputs."""
    u = np.random.default_rng(seed).integers(0, levels, size=(n, k)) / (levels - 1)
    assert pareto_frontier(u).tolist() == frontier_rows(u)


def test_identical_non_dominated_vectors_are_kept_together() -> None:
    """Rows sharing a non-dominated utility vector are all on the frontier."""
    u = np.array([[1.0, 0.0], [0.5, 0.5], [0.5, 0.5], [0.4, 0.5], [0.0, 1.0], [0.0, 1.0]])
    assert pareto_frontier(u).tolist() == [0, 1, 2, 4, 5]


def test_infeasible_rows_are_never_on_the_frontier() -> None:
    """A row with -inf or NaN for some party is dropped even if it would dominate."""
    u = np.array([[9.0, -np.inf], [np.nan, 9.0], [0.5, 0.5], [0.2, 0.2]])
    assert pareto_frontier(u).tolist() == [2]


def test_dominates_needs_one_strict_improvement() -> None:
    """Equal vectors do not dominate each other; >= everywhere with one > does."""
    assert dominates([1, 1], [1, 0])
    assert not dominates([1, 1], [1, 1])
    assert not dominates([1, 0], [0, 1])
    with pytest.raises(InvalidUtilityError):
        dominates([1, 1], [1, 1, 1])


def test_bad_shape_is_refused_with_the_shape_named() -> None:
    """A one-dimensional array is not a utility matrix."""
    with pytest.raises(InvalidUtilityError, match=r"shape \(3,\)"):
        pareto_frontier(np.ones(3))


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_frontier_points_are_mutually_non_dominated(scenario: Scenario) -> None:
    """No frontier outcome dominates another."""
    front = scenario_frontier(scenario)
    u = front.utilities
    for a in u:
        assert not ((u >= a).all(axis=1) & (u > a).any(axis=1)).any()


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_every_outcome_is_dominated_by_or_equal_to_a_frontier_point(scenario: Scenario) -> None:
    """Each feasible outcome is matched or beaten by some frontier point."""
    front = scenario_frontier(scenario)
    everything = scenario_utilities(scenario)
    for row in everything:
        assert ((front.utilities >= row).all(axis=1)).any()
    assert front.outcomes == scenario.space.cardinality
    assert np.allclose(front.best, everything.max(axis=0))
    assert np.allclose(front.worst, everything.min(axis=0))


@settings(max_examples=40, deadline=None)
@given(scenarios(), st.integers(1, 7))
def test_chunked_frontier_equals_the_whole_one(scenario: Scenario, chunk: int) -> None:
    """Walking the space in chunks and merging gives the same frontier as all at once."""
    whole = scenario_frontier(scenario)
    space = scenario.space
    constrained = Scenario(
        name=scenario.name,
        space=OutcomeSpace(issues=space.issues, constraints=(_NeverForbids(),)),
        parties=tuple(
            Party(
                name=p.name,
                utility=TableUtility(
                    space=OutcomeSpace(issues=space.issues, constraints=(_NeverForbids(),)),
                    table=scenario_utilities(scenario)[:, j],
                    reservation_value=p.reservation_value,
                ),
            )
            for j, p in enumerate(scenario.parties)
        ),
    )
    chunked = scenario_frontier(constrained, chunk_size=chunk)
    assert chunked.indices.tolist() == whole.indices.tolist()
    assert np.array_equal(chunked.utilities, whole.utilities)


class _NeverForbids:
    """A hard constraint that allows everything (it forces the chunked path)."""

    def feasible(self, space: OutcomeSpace, levels: np.ndarray) -> np.ndarray:
        return np.ones(levels.shape[0], dtype=bool)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _NeverForbids)

    def __hash__(self) -> int:
        return 0


def test_hard_constraints_and_party_constraints_keep_outcomes_off_the_frontier() -> None:
    """Outcomes a hard constraint forbids, or one party's constraint makes -inf, are excluded."""
    issue = CategoricalIssue(name="dish", options=("pork", "beef", "fish", "tofu"))
    space = OutcomeSpace(issues=(issue,), constraints=(ForbiddenCombination(when={"dish": ("pork",)}),))
    a = TableUtility(space=space, table=np.array([1.0, 0.9, 0.2, 0.1]))
    b = TableUtility(space=space, table=np.array([1.0, 0.1, 0.8, 0.9]))
    b_halal = ConstrainedUtility(base=b, constraints=(ForbiddenCombination(when={"dish": ("beef",)}),))
    scenario = Scenario(
        name="dinner", space=space, parties=(Party(name="a", utility=a), Party(name="b", utility=b_halal))
    )
    front = scenario_frontier(scenario, chunk_size=2)
    assert front.indices.tolist() == [2, 3]
    assert front.outcomes == 2


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 3), st.sampled_from([3, 40, 10**6]))
def test_pruned_frontier_equals_the_unpruned_exact_step_on_big_inputs(seed: int, k: int, levels: int) -> None:
    """Pivot pruning of 8,000 rows (big enough for the strided sample) removes only dominated rows."""
    from summitry.analysis.pareto import _skyline, _sweep_two

    u = np.random.default_rng(seed).integers(0, levels, size=(8_000, k)) / (levels - 1)
    exact = _sweep_two(u) if k == 2 else _skyline(u)
    assert pareto_frontier(u).tolist() == sorted(exact.tolist())


@settings(max_examples=40, deadline=None)
@given(
    outcome_spaces().flatmap(
        lambda space: st.tuples(linear_additive_utilities(space), linear_additive_utilities(space))
    ),
    st.integers(1, 9),
)
def test_linear_blocks_give_the_same_frontier_as_the_whole_grid(pair: tuple, chunk: int) -> None:
    """Walking an unconstrained linear additive space by broadcast blocks changes nothing, bit for bit."""
    from unittest import mock

    from summitry.analysis import pareto

    first, second = pair
    scenario = Scenario(
        name="blocks", space=first.space, parties=(Party(name="a", utility=first), Party(name="b", utility=second))
    )
    whole = scenario_frontier(scenario)
    blocks = list(pareto._linear_blocks(scenario, chunk))
    indices = np.concatenate([i for i, _ in blocks])
    assert np.array_equal(np.sort(indices), np.arange(scenario.space.cardinality))
    for block_indices, block_utilities in blocks:
        assert np.array_equal(block_utilities, scenario.utilities(block_indices))
    with mock.patch.object(pareto, "_GRID_LIMIT", 0):  # force the block walk for a small space
        walked = scenario_frontier(scenario, chunk_size=chunk)
    assert walked.indices.tolist() == whole.indices.tolist()
    assert np.array_equal(walked.utilities, whole.utilities)
    assert walked.outcomes == whole.outcomes
