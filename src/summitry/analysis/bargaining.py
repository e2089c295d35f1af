"""Bargaining solutions (Nash, Kalai–Smorodinsky, egalitarian, max welfare) and distances.

Definitions (DESIGN §6), with ``rᵢ`` party i's reservation value and ``maxᵢ`` its best
utility over all feasible outcomes:

* **Nash**: maximises Π(uᵢ − rᵢ) over outcomes with uᵢ > rᵢ for every i; None if there is none.
* **Kalai–Smorodinsky**: on the frontier, among individually rational outcomes (uᵢ ≥ rᵢ),
  maximises minᵢ (uᵢ − rᵢ)/(maxᵢ − rᵢ); None if no such outcome exists or some party
  cannot do better than its reservation value (maxᵢ ≤ rᵢ).
* **Egalitarian**: maximises minᵢ (uᵢ − rᵢ) over individually rational outcomes; among
  equal minima the larger welfare Σuᵢ wins, so the point is never Pareto-dominated.
* **Max welfare**: maximises Σuᵢ over all feasible outcomes.

Ties are broken by the lowest outcome index. Each maximiser of these objectives lies on the
Pareto frontier (a dominating outcome scores at least as well), so every function here may
be given the frontier alone, which is what :func:`summitry.analysis.analyze` does.

The array functions (``*_row``) take a utility matrix whose rows are in ascending outcome
index order and return a row number or None; the ``*_point`` functions take a scenario.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from summitry.errors import InvalidUtilityError
from summitry.model import Outcome, Scenario

from .pareto import ScenarioFrontier, scenario_frontier

__all__ = [
    "BargainingPoint",
    "distance",
    "distance_to_frontier",
    "egalitarian_point",
    "egalitarian_row",
    "kalai_smorodinsky_point",
    "kalai_smorodinsky_row",
    "max_welfare_point",
    "max_welfare_row",
    "nash_point",
    "nash_row",
    "opposition",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class BargainingPoint:
    """One solution point: its outcome index, the outcome itself and each party's utility."""

    index: int
    outcome: Outcome
    utilities: tuple[float, ...]

    def __post_init__(self) -> None:
        if self.index < 0:
            raise InvalidUtilityError(f"a bargaining point needs an outcome index >= 0, got {self.index}")
        object.__setattr__(self, "utilities", tuple(float(u) for u in self.utilities))


# -- on utility matrices ----------------------------------------------------------------------


def _checked(utilities: npt.ArrayLike, reserved: npt.ArrayLike) -> tuple[npt.NDArray[np.float64], np.ndarray]:
    u = np.asarray(utilities, dtype=float)
    r = np.asarray(reserved, dtype=float).reshape(-1)
    if u.ndim != 2 or u.shape[1] != r.shape[0]:
        raise InvalidUtilityError(
            f"expected a utility matrix with one column per reservation value ({r.shape[0]}), got shape {u.shape}"
        )
    return u, r


def _first_max(scores: npt.NDArray[np.float64], allowed: npt.NDArray[np.bool_]) -> int | None:
    if not allowed.any():
        return None
    masked = np.where(allowed, scores, -np.inf)
    top = masked[allowed].max()
    return int(np.flatnonzero(allowed & (masked == top))[0])


def nash_row(utilities: npt.ArrayLike, reserved: npt.ArrayLike) -> int | None:
    """Return the row maximising Π(uᵢ − rᵢ) among rows strictly above every reservation value."""
    u, r = _checked(utilities, reserved)
    gains = u - r
    allowed = np.isfinite(u).all(axis=1) & (gains > 0).all(axis=1)
    with np.errstate(invalid="ignore", over="ignore"):
        product = np.prod(np.where(allowed[:, None], gains, 1.0), axis=1)
    return _first_max(product, allowed)


def kalai_smorodinsky_row(
    utilities: npt.ArrayLike, reserved: npt.ArrayLike, best: npt.ArrayLike | None = None
) -> int | None:
    """Return the row maximising minᵢ (uᵢ − rᵢ)/(bestᵢ − rᵢ) among individually rational rows.

    ``best`` is each party's best utility over all feasible outcomes (by default, over the
    given rows). Returns None when some bestᵢ ≤ rᵢ or no row is individually rational.
    Callers wanting the point *on the frontier* pass the frontier's rows.
    """
    u, r = _checked(utilities, reserved)
    finite = np.isfinite(u).all(axis=1)
    if not finite.any():
        return None
    top = u[finite].max(axis=0) if best is None else np.asarray(best, dtype=float).reshape(-1)
    span = top - r
    if not (span > 0).all():
        return None
    allowed: npt.NDArray[np.bool_] = finite & np.all(u >= r, axis=1)
    ratios = np.where(allowed[:, None], (u - r) / span, 0.0).min(axis=1)
    return _first_max(ratios, allowed)


def egalitarian_row(utilities: npt.ArrayLike, reserved: npt.ArrayLike) -> int | None:
    """Return the individually rational row maximising minᵢ (uᵢ − rᵢ), then Σuᵢ, then lowest."""
    u, r = _checked(utilities, reserved)
    allowed: npt.NDArray[np.bool_] = np.all(np.isfinite(u), axis=1) & np.all(u >= r, axis=1)
    if not allowed.any():
        return None
    least = np.where(allowed, (np.where(allowed[:, None], u, 0.0) - r).min(axis=1), -np.inf)
    top = least[allowed].max()
    tied = allowed & (least == top)
    welfare = np.where(tied[:, None], u, 0.0).sum(axis=1)
    return _first_max(welfare, tied)


def max_welfare_row(utilities: npt.ArrayLike) -> int | None:
    """Return the row with the largest Σuᵢ among rows with finite utilities."""
    u = np.asarray(utilities, dtype=float)
    if u.ndim != 2:
        raise InvalidUtilityError(f"a utility matrix must have shape (outcomes, parties), got shape {u.shape}")
    allowed = np.isfinite(u).all(axis=1)
    return _first_max(np.where(allowed[:, None], u, 0.0).sum(axis=1), allowed)


# -- distances and opposition -----------------------------------------------------------------


def distance(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """Return the Euclidean distance between two utility vectors."""
    x = np.asarray(a, dtype=float).reshape(-1)
    y = np.asarray(b, dtype=float).reshape(-1)
    if x.shape != y.shape:
        raise InvalidUtilityError(f"cannot measure between utility vectors of lengths {x.size} and {y.size}")
    return float(np.sqrt(((x - y) ** 2).sum()))


def distance_to_frontier(point: npt.ArrayLike, frontier: npt.ArrayLike) -> float:
    """Return the Euclidean distance from a utility vector to the nearest frontier point.

    The frontier is the discrete set of its points (no interpolation between them);
    the distance is 0 for a point on it and ``inf`` for an empty frontier.
    """
    p = np.asarray(point, dtype=float).reshape(-1)
    f = np.asarray(frontier, dtype=float)
    if f.size == 0:
        return math.inf
    if f.ndim != 2 or f.shape[1] != p.size:
        raise InvalidUtilityError(f"frontier of shape {f.shape} does not fit a point of {p.size} utilities")
    return float(np.sqrt(((f - p) ** 2).sum(axis=1)).min())


def opposition(frontier: npt.ArrayLike, best: npt.ArrayLike, worst: npt.ArrayLike) -> float:
    """Return how opposed the parties are, in [0, 1]: 0 when one outcome is best for everybody.

    Each party's utilities are rescaled from [worstᵢ, bestᵢ] to [0, 1]; the opposition is
    the smallest Euclidean distance from a feasible outcome to the ideal point (1, ..., 1),
    divided by √k (k parties) so that it lies in [0, 1]. The nearest outcome is always on
    the Pareto frontier, so the frontier's utilities suffice. A party indifferent between
    all outcomes counts as fully satisfied. Returns NaN for an empty frontier.
    """
    f = np.asarray(frontier, dtype=float)
    if f.size == 0:
        return math.nan
    hi = np.asarray(best, dtype=float).reshape(-1)
    lo = np.asarray(worst, dtype=float).reshape(-1)
    span = hi - lo
    safe = np.where(span > 0, span, 1.0)
    scaled = np.where(span > 0, (f - lo) / safe, 1.0)
    return float(np.sqrt(((1.0 - scaled) ** 2).sum(axis=1)).min() / math.sqrt(f.shape[1]))


# -- on scenarios -----------------------------------------------------------------------------


def frontier_point(scenario: Scenario, frontier: ScenarioFrontier, row: int | None) -> BargainingPoint | None:
    """Return the bargaining point at ``row`` of ``frontier`` (its outcome and utilities), or None for None."""
    if row is None:
        return None
    index = int(frontier.indices[row])
    return BargainingPoint(index=index, outcome=scenario.space.outcome(index), utilities=tuple(frontier.utilities[row]))


def nash_point(scenario: Scenario, frontier: ScenarioFrontier | None = None) -> BargainingPoint | None:
    """Return the outcome maximising Π(uᵢ − rᵢ) over outcomes every party prefers to no deal.

    Returns None when no outcome beats every reservation value. Pass ``frontier`` (from
    :func:`scenario_frontier`) to avoid recomputing it.
    """
    front = frontier if frontier is not None else scenario_frontier(scenario)
    return frontier_point(scenario, front, nash_row(front.utilities, scenario.reserved_values))


def kalai_smorodinsky_point(scenario: Scenario, frontier: ScenarioFrontier | None = None) -> BargainingPoint | None:
    """Return the frontier outcome maximising minᵢ (uᵢ − rᵢ)/(maxᵢ − rᵢ), or None (see module doc)."""
    front = frontier if frontier is not None else scenario_frontier(scenario)
    return frontier_point(scenario, front, kalai_smorodinsky_row(front.utilities, scenario.reserved_values, front.best))


def egalitarian_point(scenario: Scenario, frontier: ScenarioFrontier | None = None) -> BargainingPoint | None:
    """Return the individually rational outcome maximising minᵢ (uᵢ − rᵢ), or None if none is rational."""
    front = frontier if frontier is not None else scenario_frontier(scenario)
    return frontier_point(scenario, front, egalitarian_row(front.utilities, scenario.reserved_values))


def max_welfare_point(scenario: Scenario, frontier: ScenarioFrontier | None = None) -> BargainingPoint | None:
    """Return the feasible outcome maximising Σuᵢ, or None if no outcome is feasible."""
    front = frontier if frontier is not None else scenario_frontier(scenario)
    return frontier_point(scenario, front, max_welfare_row(front.utilities))
