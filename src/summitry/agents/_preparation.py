"""What every built-in agent precomputes at start: its outcomes sorted by utility, memoised.

Sorting a large outcome space is the most expensive thing an agent does, and it depends only
on the (immutable) utility function, so the result is shared between negotiations that use the
same utility object — a tournament or a benchmark sorts each party's space once. The memo is
small (LRU) and keeps the utility object alive while cached, so identity is a safe key.
Sampled spaces (larger than the enumeration limit) depend on the agent's rng and are never
memoised.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from summitry.model import LinearAdditive, OutcomeSpace, UtilityFunction

__all__ = ["ENUMERATION_LIMIT", "SAMPLE_SIZE", "Preparation", "prepare"]

ENUMERATION_LIMIT = 10**6
"""Largest outcome space an agent enumerates in full; larger ones are sampled."""

SAMPLE_SIZE = 200_000
"""Outcomes an agent samples (with its rng) from a space larger than ENUMERATION_LIMIT."""

_MEMO_SIZE = 16


@dataclass(frozen=True, slots=True)
class Preparation:
    """A party's outcomes sorted best first, plus (when enumerated) utilities by outcome index."""

    utility: UtilityFunction
    sorted_indices: npt.NDArray[np.int64]
    sorted_utilities: npt.NDArray[np.float64]
    negated: npt.NDArray[np.float64]
    by_index: npt.NDArray[np.float64] | None  # utility of every outcome index, or None if sampled


_memo: OrderedDict[int, Preparation] = OrderedDict()
_lock = threading.Lock()


def prepare(space: OutcomeSpace, utility: UtilityFunction, rng: np.random.Generator) -> Preparation:
    """Return the sorted outcomes of ``utility`` (memoised per utility object when fully enumerated)."""
    if space.cardinality > ENUMERATION_LIMIT:
        indices = np.unique(space.sample(SAMPLE_SIZE, rng))
        return _sorted(utility, indices, np.asarray(utility.batch(indices), dtype=float), None)
    key = id(utility)
    with _lock:
        cached = _memo.get(key)
        if cached is not None and cached.utility is utility:
            _memo.move_to_end(key)
            return cached
    if isinstance(utility, LinearAdditive) and not space.constraints:
        indices = np.arange(space.cardinality, dtype=np.int64)
        utilities = utility.grid()
        by_index = utilities
    else:
        indices = space.all_indices(limit=ENUMERATION_LIMIT)
        utilities = np.asarray(utility.batch(indices), dtype=float)
        by_index = np.full(space.cardinality, -np.inf)
        by_index[indices] = utilities
    prepared = _sorted(utility, indices, utilities, by_index)
    with _lock:
        _memo[key] = prepared
        while len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)
    return prepared


def _sorted(
    utility: UtilityFunction,
    indices: npt.NDArray[np.int64],
    utilities: npt.NDArray[np.float64],
    by_index: npt.NDArray[np.float64] | None,
) -> Preparation:
    order = np.argsort(-utilities, kind="stable")
    sorted_indices = indices[order]
    sorted_utilities = utilities[order]
    negated = -sorted_utilities
    for array in (sorted_indices, sorted_utilities, negated, by_index):
        if array is not None:
            array.setflags(write=False)
    return Preparation(
        utility=utility,
        sorted_indices=sorted_indices,
        sorted_utilities=sorted_utilities,
        negated=negated,
        by_index=by_index,
    )
