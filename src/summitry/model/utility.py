"""Utility functions: a party's private valuation of outcomes, evaluated over index arrays.

Semantics follow GENIUS: a discrete issue's raw evaluations are divided by that issue's
largest evaluation, so a linear additive utility with weights summing to 1 lies in [0, 1];
reservation values and discount factors apply on that scale.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, Union, overload, runtime_checkable

import numpy as np
import numpy.typing as npt

from summitry.errors import InvalidUtilityError

from .issues import CategoricalIssue, Issue, Value
from .outcome_space import Constraint, Outcome, OutcomeSpace

__all__ = [
    "ConstrainedUtility",
    "LinearAdditive",
    "LinearValue",
    "TableUtility",
    "TableValue",
    "TriangularValue",
    "UtilityFunction",
    "ValueFunction",
    "discounted",
    "linear_additive",
]


@runtime_checkable
class UtilityFunction(Protocol):
    """A party's private valuation of the outcomes of ``space``."""

    @property
    def space(self) -> OutcomeSpace:
        """The outcomes this function values."""
        ...

    @property
    def reservation_value(self) -> float:
        """What the party gets with no agreement (its BATNA)."""
        ...

    @property
    def discount_factor(self) -> float | None:
        """δ in u·δ^t, or None when agreements are not discounted."""
        ...

    def __call__(self, outcome: Outcome | Mapping[str, Value]) -> float:
        """Return the utility of one outcome."""
        ...

    def batch(self, indices: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """Return the utilities of an array of outcome indices."""
        ...


@overload
def discounted(utility: float, discount_factor: float | None, t: float) -> float: ...
@overload
def discounted(
    utility: npt.NDArray[np.float64], discount_factor: float | None, t: float
) -> npt.NDArray[np.float64]: ...
def discounted(
    utility: float | npt.NDArray[np.float64], discount_factor: float | None, t: float
) -> float | npt.NDArray[np.float64]:
    """Return ``utility * discount_factor ** t`` (unchanged when there is no discount)."""
    if discount_factor is None or discount_factor == 1.0:
        return utility
    factor: float = discount_factor ** float(t)
    return utility * factor


# -- per-issue value functions ---------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class TableValue:
    """Raw evaluations per value, as in a GENIUS ``<item value=… evaluation=…/>`` list.

    Evaluations are divided by the largest one when the utility is built (GENIUS semantics);
    values absent from the table evaluate to 0.
    """

    evaluations: Mapping[Value, float]

    def __post_init__(self) -> None:
        clean: dict[Value, float] = {}
        for value, evaluation in dict(self.evaluations).items():
            if isinstance(evaluation, bool) or not isinstance(evaluation, int | float | np.number):
                raise InvalidUtilityError(f"value {value!r}: evaluation must be a number, got {evaluation!r}")
            if not math.isfinite(float(evaluation)):
                raise InvalidUtilityError(f"value {value!r}: evaluation must be finite, got {evaluation!r}")
            clean[value] = float(evaluation)
        object.__setattr__(self, "evaluations", clean)

    def levels(self, issue: Issue) -> npt.NDArray[np.float64]:
        """Return the normalised evaluation of each of ``issue``'s values, in level order."""
        unknown = [v for v in self.evaluations if not issue.contains(v)]
        if unknown:
            raise InvalidUtilityError(
                f"issue {issue.name!r}: evaluations name value(s) {unknown!r} the issue lacks "
                f"(its values are {list(issue.values)[:12]})"
            )
        raw = np.zeros(issue.cardinality)
        for value, evaluation in self.evaluations.items():
            raw[issue.level(value)] = evaluation
        top = float(raw.max()) if raw.size else 0.0
        return raw / top if top > 0 else raw


@dataclass(frozen=True, slots=True, kw_only=True)
class LinearValue:
    """``offset + slope * x`` for a numeric issue's value ``x`` (used as it is, not rescaled)."""

    slope: float
    offset: float = 0.0

    def levels(self, issue: Issue) -> npt.NDArray[np.float64]:
        """Return the evaluation of each of ``issue``'s values."""
        _require_numeric(issue, "LinearValue")
        return self.offset + self.slope * np.asarray(issue.values, dtype=float)


@dataclass(frozen=True, slots=True, kw_only=True)
class TriangularValue:
    """0 at ``low`` and ``high``, 1 at ``peak``, linear in between; 0 outside."""

    low: float
    peak: float
    high: float

    def __post_init__(self) -> None:
        if not self.low <= self.peak <= self.high:
            raise InvalidUtilityError(
                f"triangular value needs low <= peak <= high, got {self.low}, {self.peak}, {self.high}"
            )

    def levels(self, issue: Issue) -> npt.NDArray[np.float64]:
        """Return the evaluation of each of ``issue``'s values."""
        _require_numeric(issue, "TriangularValue")
        x = np.asarray(issue.values, dtype=float)
        up = np.where(self.peak > self.low, (x - self.low) / max(self.peak - self.low, 1e-300), 1.0)
        down = np.where(self.high > self.peak, (self.high - x) / max(self.high - self.peak, 1e-300), 1.0)
        out = np.where(x <= self.peak, up, down)
        return np.clip(np.where((x < self.low) | (x > self.high), 0.0, out), 0.0, 1.0)


ValueFunction = Union[TableValue, LinearValue, TriangularValue]


def _require_numeric(issue: Issue, kind: str) -> None:
    if isinstance(issue, CategoricalIssue):
        raise InvalidUtilityError(f"issue {issue.name!r}: {kind} needs a numeric issue, got categorical")


def _check_reservation(reservation_value: float, discount_factor: float | None) -> None:
    if not math.isfinite(float(reservation_value)):
        raise InvalidUtilityError(f"reservation value must be a finite number, got {reservation_value!r}")
    if discount_factor is not None and not 0.0 < float(discount_factor) <= 1.0:
        raise InvalidUtilityError(f"discount factor must be in (0, 1], got {discount_factor!r}")


# -- utility functions -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class LinearAdditive:
    """Σᵢ wᵢ · vᵢ(outcomeᵢ): weights times per-issue value functions.

    ``weights`` and ``values`` follow the order of ``space.issues``. Weights are used as
    given (GENIUS profiles make them sum to 1); they must be finite and non-negative.
    """

    space: OutcomeSpace
    weights: tuple[float, ...]
    values: tuple[ValueFunction, ...]
    reservation_value: float = 0.0
    discount_factor: float | None = None
    _tables: tuple[npt.NDArray[np.float64], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        weights = tuple(self.weights)
        values = tuple(self.values)
        n = len(self.space.issues)
        if len(weights) != n or len(values) != n:
            raise InvalidUtilityError(
                f"linear additive utility needs one weight and one value function per issue "
                f"({n}), got {len(weights)} weights and {len(values)} value functions"
            )
        for issue, w in zip(self.space.issues, weights, strict=True):
            if isinstance(w, bool) or not isinstance(w, int | float | np.number) or not math.isfinite(float(w)):
                raise InvalidUtilityError(f"issue {issue.name!r}: weight must be a finite number, got {w!r}")
            if float(w) < 0:
                raise InvalidUtilityError(f"issue {issue.name!r}: weight must be >= 0, got {w!r}")
        _check_reservation(self.reservation_value, self.discount_factor)
        object.__setattr__(self, "weights", tuple(float(w) for w in weights))
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "reservation_value", float(self.reservation_value))
        tables = tuple(
            w * vf.levels(issue) for issue, w, vf in zip(self.space.issues, self.weights, values, strict=True)
        )
        for table in tables:
            table.setflags(write=False)
        object.__setattr__(self, "_tables", tables)

    @property
    def weighted_tables(self) -> tuple[npt.NDArray[np.float64], ...]:
        """Return, per issue, ``weight × normalised evaluation`` of each value (read-only)."""
        return self._tables

    def __call__(self, outcome: Outcome | Mapping[str, Value]) -> float:
        """Return the utility of one outcome."""
        return float(self.batch(np.array([self.space.index_of(outcome)], dtype=np.int64))[0])

    def batch(self, indices: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """Return the utilities of an array of outcome indices."""
        idx = np.asarray(indices, dtype=np.int64).reshape(-1)
        total = np.zeros(idx.shape[0])
        for table, stride, card in zip(self._tables, self.space.strides, self.space.cardinalities, strict=True):
            total += table[(idx // stride) % card]
        return total

    def grid(self) -> npt.NDArray[np.float64]:
        """Return the utility of every outcome of the full product, in index order.

        Uses broadcasting (no index arithmetic), so it is the fastest way to evaluate a
        whole enumerable space; infeasible outcomes are included.
        """
        total = np.zeros((1,))
        for table in self._tables:
            total = (total[:, None] + table[None, :]).reshape(-1)
        return total

    def extremes(self) -> tuple[float, float]:
        """Return the lowest and highest utility over the full product (constraints ignored)."""
        return (float(sum(t.min() for t in self._tables)), float(sum(t.max() for t in self._tables)))


@dataclass(frozen=True, slots=True, kw_only=True)
class TableUtility:
    """A utility given outcome by outcome: ``table[i]`` is the utility of outcome index ``i``."""

    space: OutcomeSpace
    table: npt.NDArray[np.float64]
    reservation_value: float = 0.0
    discount_factor: float | None = None

    def __post_init__(self) -> None:
        table = np.asarray(self.table, dtype=float).reshape(-1)
        if table.shape[0] != self.space.cardinality:
            raise InvalidUtilityError(
                f"a table utility needs {self.space.cardinality} values (one per outcome), got {table.shape[0]}"
            )
        if np.isnan(table).any():
            raise InvalidUtilityError("a table utility must not contain NaN")
        _check_reservation(self.reservation_value, self.discount_factor)
        table = table.copy()
        table.setflags(write=False)
        object.__setattr__(self, "table", table)
        object.__setattr__(self, "reservation_value", float(self.reservation_value))

    @classmethod
    def from_mapping(
        cls,
        space: OutcomeSpace,
        utilities: Mapping[Outcome, float],
        *,
        default: float = 0.0,
        reservation_value: float = 0.0,
        discount_factor: float | None = None,
    ) -> TableUtility:
        """Build a table from ``{outcome: utility}``; other outcomes get ``default``."""
        table = np.full(space.cardinality, float(default))
        for outcome, u in utilities.items():
            table[space.index_of(outcome)] = float(u)
        return cls(space=space, table=table, reservation_value=reservation_value, discount_factor=discount_factor)

    def __call__(self, outcome: Outcome | Mapping[str, Value]) -> float:
        """Return the utility of one outcome."""
        return float(self.table[self.space.index_of(outcome)])

    def batch(self, indices: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """Return the utilities of an array of outcome indices."""
        return self.table[np.asarray(indices, dtype=np.int64).reshape(-1)]


@dataclass(frozen=True, slots=True, kw_only=True)
class ConstrainedUtility:
    """Wraps a utility so that outcomes breaking this party's own ``constraints`` are worth ``infeasible``.

    ``infeasible`` defaults to -inf: such outcomes are never acceptable to the party and are
    dominated by every feasible outcome in analysis.
    """

    base: UtilityFunction
    constraints: tuple[Constraint, ...]
    infeasible: float = -math.inf
    space: OutcomeSpace = field(init=False)
    reservation_value: float = field(init=False)
    discount_factor: float | None = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "constraints", tuple(self.constraints))
        object.__setattr__(self, "space", self.base.space)
        object.__setattr__(self, "reservation_value", self.base.reservation_value)
        object.__setattr__(self, "discount_factor", self.base.discount_factor)

    def __call__(self, outcome: Outcome | Mapping[str, Value]) -> float:
        """Return the utility of one outcome."""
        return float(self.batch(np.array([self.space.index_of(outcome)], dtype=np.int64))[0])

    def batch(self, indices: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """Return the base utilities, with ``infeasible`` where a constraint is broken."""
        idx = np.asarray(indices, dtype=np.int64).reshape(-1)
        out = self.base.batch(idx).astype(float, copy=True)
        levels = self.space.levels(idx)
        ok = np.ones(idx.shape[0], dtype=bool)
        for constraint in self.constraints:
            ok &= constraint.feasible(self.space, levels)
        out[~ok] = self.infeasible
        return out


def linear_additive(
    space: OutcomeSpace,
    weights: Mapping[str, float] | Sequence[float],
    values: Mapping[str, ValueFunction] | Sequence[ValueFunction],
    *,
    reservation_value: float = 0.0,
    discount_factor: float | None = None,
) -> LinearAdditive:
    """Build a :class:`LinearAdditive` from per-issue mappings keyed by issue name."""
    if isinstance(weights, Mapping):
        _check_keys(space, weights, "weights")
        weights = [weights.get(n, 0.0) for n in space.issue_names]
    if isinstance(values, Mapping):
        _check_keys(space, values, "values")
        values = [values.get(n, TableValue(evaluations={})) for n in space.issue_names]
    return LinearAdditive(
        space=space,
        weights=tuple(weights),
        values=tuple(values),
        reservation_value=reservation_value,
        discount_factor=discount_factor,
    )


def _check_keys(space: OutcomeSpace, mapping: Mapping[str, object], what: str) -> None:
    unknown = sorted(set(mapping) - set(space.issue_names))
    if unknown:
        raise InvalidUtilityError(f"{what} name issue(s) {unknown} not in the space {list(space.issue_names)}")
