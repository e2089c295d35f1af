"""Brute-force reference implementations the analysis is checked against (all pairs, small spaces)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def dominated_rows(u: npt.NDArray[np.float64]) -> set[int]:
    """Return the rows some other row dominates (or that are infeasible), comparing every pair."""
    finite = np.isfinite(u).all(axis=1)
    with np.errstate(invalid="ignore"):
        ge = (u[None, :, :] >= u[:, None, :]).all(axis=2)  # [i, j]: row j >= row i everywhere
        gt = (u[None, :, :] > u[:, None, :]).any(axis=2)
    dominated = (ge & gt & finite[None, :]).any(axis=1)
    return {int(i) for i in np.flatnonzero(dominated | ~finite)}


def frontier_rows(u: npt.NDArray[np.float64]) -> list[int]:
    """Return the non-dominated finite rows, ascending."""
    return sorted(set(range(u.shape[0])) - dominated_rows(u))


def best_value(u: npt.NDArray[np.float64], allowed: list[bool], score) -> float | None:  # type: ignore[no-untyped-def]
    """Return the largest ``score(row)`` over allowed rows, or None."""
    values = [score(u[i]) for i in range(u.shape[0]) if allowed[i]]
    return max(values) if values else None
