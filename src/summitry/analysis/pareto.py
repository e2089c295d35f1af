"""Pareto dominance and the Pareto frontier of a utility matrix or a whole scenario.

A utility matrix has one row per outcome and one column per party. Row ``a`` dominates row
``b`` when ``a >= b`` in every column and ``a > b`` in at least one. The frontier is the set
of rows no other row dominates; rows with an identical non-dominated vector are all kept.
Rows with a non-finite utility (``-inf`` marks an outcome infeasible for a party, NaN is
garbage) are never on the frontier.

Two parties use an O(n log n) sort-and-sweep; more parties a block-wise skyline in numpy.
:func:`scenario_frontier` walks a big outcome space in chunks and merges partial frontiers,
so memory stays bounded by the chunk size rather than the space size.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from summitry.errors import InvalidUtilityError
from summitry.model import LinearAdditive, Scenario

__all__ = ["ScenarioFrontier", "dominates", "pareto_frontier", "scenario_frontier", "scenario_utilities"]

_BLOCK = 1024
"""Rows compared at once by the skyline (k > 2)."""

_COMPARE_BUDGET = 1 << 22
"""Most pairwise comparisons (rows × rows × parties) materialised at once by the skyline."""

_SAMPLE_STRIDE = 61
"""Stride (a prime) of the sample whose frontier gives the pruning pivots for two parties."""

_GRID_LIMIT = 1 << 22
"""Largest space whose utilities are built at once with ``LinearAdditive.grid()``."""


def dominates(a: npt.ArrayLike, b: npt.ArrayLike) -> bool:
    """Return whether utility vector ``a`` Pareto-dominates ``b`` (>= everywhere, > somewhere)."""
    x = np.asarray(a, dtype=float)
    y = np.asarray(b, dtype=float)
    if x.shape != y.shape:
        raise InvalidUtilityError(f"cannot compare utility vectors of shapes {x.shape} and {y.shape}")
    return bool(np.all(x >= y) and np.any(x > y))


def pareto_frontier(utilities: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Return the row indices (ascending) of the non-dominated rows of a utility matrix.

    Args:
        utilities: shape ``(n, k)`` with ``k >= 1`` parties (one column is allowed and
            gives the rows holding the maximum).

    Raises:
        InvalidUtilityError: the matrix is not two-dimensional.
    """
    u = np.asarray(utilities, dtype=float)
    if u.ndim != 2:
        raise InvalidUtilityError(f"a utility matrix must have shape (outcomes, parties), got shape {u.shape}")
    finite = np.flatnonzero(finite_rows(u))
    if finite.size == 0 or u.shape[1] == 0:
        return np.zeros(0, dtype=np.int64)
    rows = finite if finite.size < u.shape[0] else None
    candidates = u if rows is None else u[rows]
    if u.shape[1] == 1:
        local = np.flatnonzero(candidates[:, 0] == candidates[:, 0].max())
    else:
        survivors = _prune(candidates)
        reduced = candidates[survivors]
        local = survivors[_sweep_two(reduced) if u.shape[1] == 2 else _skyline(reduced)]
    found = local if rows is None else rows[local]
    return np.sort(found).astype(np.int64, copy=False)


def finite_rows(u: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
    """Return a mask of the rows whose utilities are all finite (column by column: fast for few parties)."""
    mask = np.ones(u.shape[0], dtype=bool)
    for column in range(u.shape[1]):
        mask &= np.isfinite(u[:, column])
    return mask


def _pivot_directions(k: int) -> npt.NDArray[np.float64]:
    """Return fixed weight vectors whose best rows make good pruning pivots."""
    eye = np.eye(k)
    ones = np.ones((1, k))
    if k == 2:
        angles = np.linspace(0.0, np.pi / 2, 9)
        return np.column_stack([np.cos(angles), np.sin(angles)])
    return np.concatenate([ones, ones + 2 * eye, eye + 0.01])


def _prune(u: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """Return the rows of a finite matrix not dominated by a few strong pivot rows.

    Every row a pivot dominates can go. This removes most rows of a large space in a few
    vectorised passes before the exact step sees them. For two parties the pivots are the
    frontier of a strided sample (the prime stride avoids aliasing with the mixed-radix
    layout of outcome indices) and one binary search per row tests them all; for more
    parties they are the best rows along a few fixed weightings.
    """
    rows = np.arange(u.shape[0], dtype=np.int64)
    if u.shape[0] < 256:
        return rows
    if u.shape[1] == 2:
        sample = u[::_SAMPLE_STRIDE] if u.shape[0] >= 64 * _SAMPLE_STRIDE else u[::7]
        pivots = sample[_sweep_two(sample)]
        return rows[~_dominated_by_staircase(u, pivots)]
    sub = u
    for weights in _pivot_directions(u.shape[1]):
        pivot = sub[int(np.argmax(sub @ weights))]
        keep = (sub > pivot).any(axis=1) | (sub == pivot).all(axis=1)
        rows, sub = rows[keep], sub[keep]
    return rows


def _dominated_by_staircase(u: npt.NDArray[np.float64], pivots: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
    """Return, per row of a two-column matrix, whether some pivot row dominates it."""
    order = np.argsort(pivots[:, 0], kind="stable")
    p0 = pivots[order, 0]
    # suffix maxima: best second utility among pivots at or after each sorted position
    tail = np.maximum.accumulate(pivots[order, 1][::-1])[::-1]
    tail = np.append(tail, -np.inf)
    at_least = tail[np.searchsorted(p0, u[:, 0], side="left")]  # pivots with p0 >= x0
    above = tail[np.searchsorted(p0, u[:, 0], side="right")]  # pivots with p0 > x0
    return (at_least > u[:, 1]) | (above >= u[:, 1])


def _sweep_two(u: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """Return the non-dominated rows of a finite ``(n, 2)`` matrix by one sort and a sweep."""
    order = np.lexsort((-u[:, 1], -u[:, 0]))  # first party descending, then second descending
    first = u[order, 0]
    second = u[order, 1]
    n = first.shape[0]
    new_group = np.empty(n, dtype=bool)
    new_group[0] = True
    np.not_equal(first[1:], first[:-1], out=new_group[1:])
    group_start = np.maximum.accumulate(np.where(new_group, np.arange(n), 0))
    best_in_group = second[group_start]
    running = np.maximum.accumulate(second)
    # best second utility among rows with a strictly larger first utility
    before = np.where(group_start > 0, running[np.maximum(group_start - 1, 0)], -np.inf)
    keep = (second == best_in_group) & (best_in_group > before)
    result: npt.NDArray[np.int64] = order[keep].astype(np.int64, copy=False)
    return result


def _dominated_by(rows: npt.NDArray[np.float64], others: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
    """Return, for each of ``rows``, whether some row of ``others`` dominates it."""
    out = np.zeros(rows.shape[0], dtype=bool)
    if rows.shape[0] == 0 or others.shape[0] == 0:
        return out
    step = max(1, _COMPARE_BUDGET // max(1, rows.shape[0] * rows.shape[1]))
    for start in range(0, others.shape[0], step):
        block = others[start : start + step]
        ge = (block[None, :, :] >= rows[:, None, :]).all(axis=2)
        gt = (block[None, :, :] > rows[:, None, :]).any(axis=2)
        out |= np.any(ge & gt, axis=1)
    return out


def _skyline(u: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """Return the non-dominated rows of a finite ``(n, k)`` matrix, block by block.

    Rows are visited by decreasing utility sum, so strong rows join the running frontier
    early and prune most later blocks with one vectorised comparison.
    """
    order = np.argsort(-u.sum(axis=1), kind="stable")
    front_rows = np.zeros(0, dtype=np.int64)
    front = np.zeros((0, u.shape[1]))
    for start in range(0, order.shape[0], _BLOCK):
        rows = order[start : start + _BLOCK]
        block = u[rows]
        keep = ~_dominated_by(block, front)
        rows, block = rows[keep], block[keep]
        keep = ~_dominated_by(block, block)
        rows, block = rows[keep], block[keep]
        if rows.size == 0:
            continue
        # equal sums (or rounding) can let a later row dominate an earlier frontier row
        still = ~_dominated_by(front, block)
        front_rows = np.concatenate([front_rows[still], rows])
        front = np.concatenate([front[still], block])
    return front_rows


@dataclass(frozen=True, slots=True, kw_only=True)
class ScenarioFrontier:
    """The Pareto frontier of a scenario: outcome indices (ascending) and their utilities.

    Also carries what a full pass over the space learns on the way: the number of feasible
    outcomes, each party's best and worst finite utility, and the max-welfare outcome.
    """

    indices: npt.NDArray[np.int64]
    utilities: npt.NDArray[np.float64]
    outcomes: int
    best: npt.NDArray[np.float64]
    worst: npt.NDArray[np.float64]

    def __post_init__(self) -> None:
        if self.indices.shape[0] != self.utilities.shape[0]:
            raise InvalidUtilityError(
                f"frontier has {self.indices.shape[0]} indices but {self.utilities.shape[0]} utility rows"
            )
        for array in (self.indices, self.utilities, self.best, self.worst):
            array.setflags(write=False)


def scenario_utilities(scenario: Scenario, indices: npt.NDArray[np.int64] | None = None) -> npt.NDArray[np.float64]:
    """Return the utility matrix of ``indices`` (all outcomes of the product when None).

    Linear additive utilities of a whole unconstrained space are built by broadcasting
    (``LinearAdditive.grid``), much faster than index arithmetic.
    """
    if indices is None:
        columns = []
        for party in scenario.parties:
            utility = party.utility
            if isinstance(utility, LinearAdditive):
                columns.append(utility.grid())
            else:
                columns.append(utility.batch(np.arange(scenario.space.cardinality, dtype=np.int64)))
        return np.column_stack(columns) if columns else np.zeros((0, len(scenario.parties)))
    return scenario.utilities(indices)


def _blocks(scenario: Scenario, chunk_size: int) -> Iterator[tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]]:
    """Yield (outcome indices, utility matrix) blocks covering every feasible outcome once."""
    space = scenario.space
    if not space.constraints and space.cardinality <= max(chunk_size, _GRID_LIMIT):
        yield np.arange(space.cardinality, dtype=np.int64), scenario_utilities(scenario)
        return
    utilities = [party.utility for party in scenario.parties]
    if not space.constraints and all(isinstance(u, LinearAdditive) for u in utilities):
        yield from _linear_blocks(scenario, chunk_size)
        return
    for block in space.chunks(chunk_size):
        yield block, scenario.utilities(block)


def _linear_blocks(
    scenario: Scenario, chunk_size: int
) -> Iterator[tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]]:
    """Walk an unconstrained linear additive space by broadcasting, a block of leading levels at a time.

    The trailing issues whose product fits in ``chunk_size`` are spread by broadcasting (as
    ``LinearAdditive.grid`` does, adding the issues in the same order so that every utility
    is bit-for-bit the one ``batch`` gives); the leading issues are enumerated in blocks.
    """
    cards = scenario.space.cardinalities
    split, tail = len(cards), 1
    while split > 0 and tail * cards[split - 1] <= chunk_size:
        split -= 1
        tail *= cards[split]
    lead_cards = np.array(cards[:split], dtype=np.int64)
    lead_strides = np.ones(split, dtype=np.int64)
    for i in range(split - 2, -1, -1):
        lead_strides[i] = lead_strides[i + 1] * lead_cards[i + 1]
    lead_count = int(np.prod(lead_cards)) if split else 1
    per_block = max(1, chunk_size // tail)
    tables = [party.utility.weighted_tables for party in scenario.parties]  # type: ignore[attr-defined]
    offsets = np.arange(tail, dtype=np.int64)
    for start in range(0, lead_count, per_block):
        leads = np.arange(start, min(start + per_block, lead_count), dtype=np.int64)
        levels = (leads[:, None] // lead_strides[None, :]) % lead_cards[None, :]
        columns = []
        for party_tables in tables:
            total = np.zeros(leads.shape[0])
            for i in range(split):
                total = total + party_tables[i][levels[:, i]]
            for table in party_tables[split:]:
                total = (total[:, None] + table[None, :]).reshape(-1)
            columns.append(total)
        yield (leads[:, None] * tail + offsets[None, :]).reshape(-1), np.column_stack(columns)


def scenario_frontier(scenario: Scenario, *, chunk_size: int = 1 << 20) -> ScenarioFrontier:
    """Return the Pareto frontier of every feasible outcome of ``scenario``.

    Spaces of up to ``chunk_size`` outcomes (and unconstrained linear additive spaces of up
    to about four million) are evaluated at once; bigger ones are walked in blocks (by
    broadcasting for unconstrained linear additive spaces, else with ``OutcomeSpace.chunks``)
    and the partial frontiers merged, so memory is bounded by the chunk, not by the space.
    """
    k = len(scenario.parties)
    best = np.full(k, -np.inf)
    worst = np.full(k, np.inf)
    front_idx = np.zeros(0, dtype=np.int64)
    front_u = np.zeros((0, k))
    count = 0
    for idx, utilities in _blocks(scenario, chunk_size):
        finite = finite_rows(utilities)
        if not finite.all():
            utilities, idx = utilities[finite], idx[finite]
        if idx.size == 0:
            continue
        count += int(idx.size)
        columns = range(k)
        best = np.maximum(best, [utilities[:, j].max() for j in columns])
        worst = np.minimum(worst, [utilities[:, j].min() for j in columns])
        local = pareto_frontier(utilities)
        if front_idx.size:
            merged_idx = np.concatenate([front_idx, idx[local]])
            merged_u = np.concatenate([front_u, utilities[local]])
            keep = pareto_frontier(merged_u)
            order = np.argsort(merged_idx[keep], kind="stable")
            front_idx, front_u = merged_idx[keep][order], merged_u[keep][order]
        else:
            front_idx, front_u = idx[local], utilities[local]
    return ScenarioFrontier(indices=front_idx, utilities=front_u, outcomes=count, best=best, worst=worst)
