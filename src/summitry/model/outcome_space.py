"""Outcome spaces: the product of issues, indexed densely in mixed radix.

Outcome ``(v0, v1, ..., vk)`` has levels ``(l0, ..., lk)`` and index
``l0 * s0 + l1 * s1 + ... + lk * sk`` where the stride ``si`` is the product of the
cardinalities of the issues after ``i`` (the last issue varies fastest). Arrays of outcomes
are therefore numpy arrays of int64 indices, and every conversion is vectorised.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from summitry.errors import InvalidIssueError, InvalidOutcomeError, OutcomeSpaceTooLargeError

from .issues import Issue, Value

__all__ = [
    "MAX_ENUMERATION",
    "Constraint",
    "ForbiddenCombination",
    "Outcome",
    "OutcomeSpace",
]

Outcome = tuple[Value, ...]
"""One value per issue, in the order of the space's issues."""

MAX_ENUMERATION = 10**7
"""Most outcomes handed out in one array; larger spaces are walked in chunks."""

DEFAULT_CHUNK = 1 << 20


@runtime_checkable
class Constraint(Protocol):
    """A hard constraint: says which outcomes (given as a level matrix) are feasible."""

    def feasible(self, space: OutcomeSpace, levels: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """Return a boolean per row of ``levels`` (shape ``(n, issues)``): True where feasible."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class ForbiddenCombination:
    """Forbids every outcome whose value on each named issue is one of the listed values.

    ``ForbiddenCombination(when={"main": ("pork",)})`` forbids one value outright;
    ``when={"main": ("beef",), "drinks": ("none",)}`` forbids the pair.
    """

    when: Mapping[str, tuple[Value, ...]]
    reason: str = ""

    def __post_init__(self) -> None:
        if not self.when:
            raise InvalidIssueError("a ForbiddenCombination needs at least one issue in 'when'")
        object.__setattr__(self, "when", {k: tuple(v) for k, v in self.when.items()})

    def feasible(self, space: OutcomeSpace, levels: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """Return False for rows matching every condition, True elsewhere."""
        hit = np.ones(levels.shape[0], dtype=bool)
        for issue_name, values in self.when.items():
            position = space.issue_position(issue_name)
            issue = space.issues[position]
            wanted = np.array([issue.level(v) for v in values], dtype=np.int64)
            hit &= np.isin(levels[:, position], wanted)
        return ~hit


@dataclass(frozen=True, slots=True, kw_only=True)
class OutcomeSpace:
    """The product of ``issues``, minus outcomes that break a hard ``constraint``."""

    issues: tuple[Issue, ...]
    constraints: tuple[Constraint, ...] = ()
    _cardinalities: npt.NDArray[np.int64] = field(init=False, repr=False, compare=False)
    _strides: npt.NDArray[np.int64] = field(init=False, repr=False, compare=False)
    _positions: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        issues = tuple(self.issues)
        object.__setattr__(self, "issues", issues)
        object.__setattr__(self, "constraints", tuple(self.constraints))
        if not issues:
            raise InvalidIssueError("an outcome space needs at least one issue")
        names = [i.name for i in issues]
        if len(set(names)) != len(names):
            dupes = sorted({n for n in names if names.count(n) > 1})
            raise InvalidIssueError(f"duplicate issue names {dupes}")
        cards = np.array([i.cardinality for i in issues], dtype=np.int64)
        if math.prod(int(c) for c in cards) >= 2**62:
            raise OutcomeSpaceTooLargeError(
                f"{' x '.join(str(int(c)) for c in cards)} outcomes cannot be indexed in 64 bits"
            )
        strides = np.ones(len(issues), dtype=np.int64)
        for i in range(len(issues) - 2, -1, -1):
            strides[i] = strides[i + 1] * cards[i + 1]
        object.__setattr__(self, "_cardinalities", cards)
        object.__setattr__(self, "_strides", strides)
        object.__setattr__(self, "_positions", {n: i for i, n in enumerate(names)})

    # -- shape ---------------------------------------------------------------------------

    @property
    def issue_names(self) -> tuple[str, ...]:
        """Return the issues' names, in order."""
        return tuple(i.name for i in self.issues)

    @property
    def cardinalities(self) -> tuple[int, ...]:
        """Return each issue's number of values."""
        return tuple(int(c) for c in self._cardinalities)

    @property
    def strides(self) -> tuple[int, ...]:
        """Return each issue's stride in the dense index (index = Σ level × stride; the last issue varies fastest)."""
        return tuple(int(s) for s in self._strides)

    @property
    def cardinality(self) -> int:
        """Return the size of the full product (infeasible outcomes included)."""
        return math.prod(self.cardinalities)

    def __len__(self) -> int:
        return self.cardinality

    def issue_position(self, name: str) -> int:
        """Return the position of the issue called ``name``.

        Raises:
            InvalidOutcomeError: no issue has that name.
        """
        try:
            return self._positions[name]
        except KeyError:
            raise InvalidOutcomeError(f"no issue named {name!r}; the issues are {list(self.issue_names)}") from None

    # -- conversions ---------------------------------------------------------------------

    def levels(self, indices: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Return the level matrix, shape ``(n, issues)``, of an array of outcome indices."""
        idx = np.asarray(indices, dtype=np.int64).reshape(-1)
        return (idx[:, None] // self._strides[None, :]) % self._cardinalities[None, :]

    def index_of_levels(self, levels: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Return the outcome indices of a level matrix of shape ``(n, issues)``."""
        lv = np.asarray(levels, dtype=np.int64).reshape(-1, len(self.issues))
        return lv @ self._strides

    def outcome(self, index: int) -> Outcome:
        """Return the outcome at ``index``.

        Raises:
            InvalidOutcomeError: the index is outside ``0..cardinality-1``.
        """
        i = int(index)
        if not 0 <= i < self.cardinality:
            raise InvalidOutcomeError(f"outcome index {i} is outside 0..{self.cardinality - 1}")
        values = []
        for issue, stride, cardinality in zip(
            self.issues, self._strides.tolist(), self._cardinalities.tolist(), strict=True
        ):
            values.append(issue.values[(i // stride) % cardinality])
        return tuple(values)

    def outcomes(self, indices: npt.ArrayLike) -> list[Outcome]:
        """Return the outcomes at an array of indices."""
        rows = self.levels(indices)
        value_lists = [issue.values for issue in self.issues]
        return [tuple(vals[int(level)] for vals, level in zip(value_lists, row, strict=True)) for row in rows]

    def index_of(self, outcome: Outcome | Mapping[str, Value]) -> int:
        """Return the index of an outcome given as a tuple or an ``{issue: value}`` mapping.

        Raises:
            InvalidOutcomeError: wrong number of values, unknown issue or value.
        """
        values = self._as_tuple(outcome)
        return int(sum(issue.level(v) * int(s) for issue, v, s in zip(self.issues, values, self._strides, strict=True)))

    def as_dict(self, outcome: Outcome) -> dict[str, Value]:
        """Return ``{issue name: value}`` for an outcome tuple."""
        return dict(zip(self.issue_names, outcome, strict=True))

    def _as_tuple(self, outcome: Outcome | Mapping[str, Value]) -> Outcome:
        if isinstance(outcome, Mapping):
            unknown = set(outcome) - set(self.issue_names)
            if unknown:
                raise InvalidOutcomeError(
                    f"unknown issue(s) {sorted(unknown)}; the issues are {list(self.issue_names)}"
                )
            missing = [n for n in self.issue_names if n not in outcome]
            if missing:
                raise InvalidOutcomeError(f"outcome lacks a value for issue(s) {missing}")
            return tuple(outcome[n] for n in self.issue_names)
        values = tuple(outcome)
        if len(values) != len(self.issues):
            raise InvalidOutcomeError(
                f"an outcome needs {len(self.issues)} values ({', '.join(self.issue_names)}), got {len(values)}"
            )
        return values

    # -- membership ----------------------------------------------------------------------

    def contains(self, outcome: Outcome | Mapping[str, Value]) -> bool:
        """Return whether ``outcome`` is a valid, feasible outcome of this space."""
        try:
            index = self.index_of(outcome)
        except InvalidOutcomeError:
            return False
        return bool(self.feasible(np.array([index]))[0])

    def feasible(self, indices: npt.ArrayLike) -> npt.NDArray[np.bool_]:
        """Return a boolean mask: True where the outcome satisfies every hard constraint."""
        idx = np.asarray(indices, dtype=np.int64).reshape(-1)
        mask = (idx >= 0) & (idx < self.cardinality)
        if self.constraints and mask.any():
            levels = self.levels(np.where(mask, idx, 0))
            for constraint in self.constraints:
                mask &= constraint.feasible(self, levels)
        return mask

    # -- enumeration ---------------------------------------------------------------------

    def chunks(self, size: int = DEFAULT_CHUNK) -> Iterator[npt.NDArray[np.int64]]:
        """Yield the feasible outcome indices in ascending order, ``size`` at a time at most."""
        for start in range(0, self.cardinality, size):
            block = np.arange(start, min(start + size, self.cardinality), dtype=np.int64)
            yield block[self.feasible(block)] if self.constraints else block

    def all_indices(self, limit: int = MAX_ENUMERATION) -> npt.NDArray[np.int64]:
        """Return every feasible outcome index as one array.

        Raises:
            OutcomeSpaceTooLargeError: the space has more than ``limit`` outcomes; walk it
                with :meth:`chunks` instead.
        """
        if self.cardinality > limit:
            raise OutcomeSpaceTooLargeError(
                f"the outcome space has {self.cardinality:,} outcomes, more than {limit:,} "
                "at once; use OutcomeSpace.chunks() or sample()"
            )
        block = np.arange(self.cardinality, dtype=np.int64)
        return block[self.feasible(block)] if self.constraints else block

    def sample(self, n: int, rng: np.random.Generator) -> npt.NDArray[np.int64]:
        """Return ``n`` feasible outcome indices drawn uniformly (with replacement).

        Raises:
            InvalidOutcomeError: no feasible outcome was found in many draws.
        """
        found: list[npt.NDArray[np.int64]] = []
        count = 0
        for _ in range(100):
            draw = rng.integers(0, self.cardinality, size=max(n, 16), dtype=np.int64)
            draw = draw[self.feasible(draw)]
            found.append(draw)
            count += draw.size
            if count >= n:
                return np.concatenate(found)[:n]
        raise InvalidOutcomeError("no feasible outcome found by sampling; are the constraints satisfiable?")

    def with_constraints(self, constraints: Sequence[Constraint]) -> OutcomeSpace:
        """Return the same issues with ``constraints`` added."""
        return OutcomeSpace(issues=self.issues, constraints=(*self.constraints, *constraints))
