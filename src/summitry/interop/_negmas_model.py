"""Outcome spaces and utility functions, translated between summitry and NegMAS.

summitry → NegMAS keeps summitry's numbers exactly: a :class:`~summitry.model.LinearAdditive`
becomes NegMAS's ``LinearAdditiveUtilityFunction`` whose per-issue tables hold summitry's
GENIUS-normalised evaluations and whose weights are summitry's, so both compute the same
``Σ wᵢ·vᵢ`` in the same order; any other utility becomes a ``MappingUtilityFunction`` of
summitry's value on every outcome. A discount factor δ becomes NegMAS's own
``ExpDiscountedUFun`` over relative time (``u · δ^t``).

NegMAS → summitry reads any discrete cartesian outcome space; a NegMAS value that summitry
cannot hold as it is (a float, a non-contiguous integer) becomes a categorical option named
by its text, and :class:`OutcomeCodec` maps outcomes both ways.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from negmas.outcomes import make_issue, make_os
from negmas.preferences import (
    BaseUtilityFunction,
    ExpDiscountedUFun,
    LinearAdditiveUtilityFunction,
    MappingUtilityFunction,
)
from negmas.preferences.value_fun import TableFun

from summitry.errors import ModelError
from summitry.model import (
    CategoricalIssue,
    IntegerIssue,
    Issue,
    LinearAdditive,
    Outcome,
    OutcomeSpace,
    TableUtility,
    UtilityFunction,
)

__all__ = [
    "OutcomeCodec",
    "negmas_outcome_space",
    "negmas_utility",
    "summitry_space",
    "summitry_utility",
]


def _negmas_issue(issue: Issue) -> Any:
    if isinstance(issue, IntegerIssue):
        return make_issue(values=(int(issue.low), int(issue.high)), name=issue.name)
    return make_issue(values=list(issue.values), name=issue.name)


def negmas_outcome_space(space: OutcomeSpace, *, name: str | None = None) -> Any:
    """Return NegMAS's cartesian outcome space with ``space``'s issues and values, in order.

    Hard constraints of ``space`` are not carried over (NegMAS's cartesian spaces have none):
    an infeasible offer is refused by summitry's mechanism as usual.
    """
    return make_os([_negmas_issue(issue) for issue in space.issues], name=name)


def negmas_utility(
    utility: UtilityFunction,
    outcome_space: Any,
    *,
    reservation_value: float | None = None,
    discount_factor: float | None = None,
    name: str | None = None,
) -> Any:
    """Return a NegMAS utility function giving every outcome exactly summitry's utility.

    ``discount_factor`` (δ < 1) wraps it in NegMAS's ``ExpDiscountedUFun`` over relative
    time, so that ``u · δ^t`` is computed by NegMAS as for its own discounted scenarios.
    """
    reserved = float(utility.reservation_value if reservation_value is None else reservation_value)
    space = utility.space
    base: Any
    if isinstance(utility, LinearAdditive):
        tables = [
            TableFun(dict(zip(issue.values, (float(x) for x in vf.levels(issue)), strict=True)))
            for issue, vf in zip(space.issues, utility.values, strict=True)
        ]
        base = LinearAdditiveUtilityFunction(
            values=tables,
            weights=list(utility.weights),
            outcome_space=outcome_space,
            reserved_value=reserved,
            name=name,
        )
    else:
        indices = space.all_indices()
        values = utility.batch(indices)
        mapping = {tuple(outcome): float(u) for outcome, u in zip(space.outcomes(indices), values, strict=True)}
        base = MappingUtilityFunction(
            mapping=mapping, outcome_space=outcome_space, reserved_value=reserved, name=name, default=-math.inf
        )
    if discount_factor is None or float(discount_factor) == 1.0:
        return base
    return ExpDiscountedUFun(
        ufun=base,
        discount=float(discount_factor),
        factor="relative_time",
        outcome_space=outcome_space,
        reserved_value=reserved,
        dynamic_reservation=False,
        name=name,
    )


@dataclass(frozen=True, slots=True)
class OutcomeCodec:
    """Maps outcomes between a NegMAS outcome space and the summitry space built from it."""

    to_summitry: tuple[dict[Any, Any], ...]
    to_negmas: tuple[dict[Any, Any], ...]

    def summitry_outcome(self, outcome: Sequence[Any]) -> Outcome:
        """Return the summitry outcome of a NegMAS outcome.

        Raises:
            ModelError: the outcome has a value the space does not have.
        """
        try:
            return tuple(table[value] for table, value in zip(self.to_summitry, outcome, strict=True))
        except (KeyError, ValueError, TypeError) as exc:
            raise ModelError(f"NegMAS outcome {outcome!r} is not an outcome of the negotiation's space") from exc

    def negmas_outcome(self, outcome: Sequence[Any]) -> tuple[Any, ...]:
        """Return the NegMAS outcome of a summitry outcome."""
        return tuple(table[value] for table, value in zip(self.to_negmas, outcome, strict=True))


def _summitry_issue(issue: Any, position: int) -> tuple[Issue, dict[Any, Any]]:
    name = str(getattr(issue, "name", None) or f"issue{position}")
    if not issue.is_discrete():
        raise ModelError(
            f"issue {name!r}: NegMAS issue {type(issue).__name__} is continuous; summitry's agents need a "
            "discrete outcome space (discretise it in NegMAS first)"
        )
    values = list(issue.all)
    if values and all(isinstance(v, str) for v in values):
        return CategoricalIssue(name=name, options=tuple(values)), {v: v for v in values}
    if values and all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in values):
        ints = [int(v) for v in values]
        if ints == list(range(ints[0], ints[0] + len(ints))):
            return IntegerIssue(name=name, low=ints[0], high=ints[-1]), {v: int(v) for v in values}
    labels = [str(v) for v in values]
    if len(set(labels)) != len(labels):
        raise ModelError(f"issue {name!r}: values {values!r} cannot be told apart by their text")
    return CategoricalIssue(name=name, options=tuple(labels)), dict(zip(values, labels, strict=True))


def summitry_space(outcome_space: Any) -> tuple[OutcomeSpace, OutcomeCodec]:
    """Return the summitry outcome space of a discrete NegMAS cartesian space, and the outcome codec.

    Raises:
        ModelError: the space is not cartesian or not discrete.
    """
    issues = getattr(outcome_space, "issues", None)
    if issues is None:
        raise ModelError(
            f"NegMAS outcome space {type(outcome_space).__name__} has no issues; summitry needs a cartesian space"
        )
    converted = [_summitry_issue(issue, position) for position, issue in enumerate(issues)]
    space = OutcomeSpace(issues=tuple(issue for issue, _ in converted))
    forward = tuple(table for _, table in converted)
    backward = tuple({ours: theirs for theirs, ours in table.items()} for table in forward)
    return space, OutcomeCodec(to_summitry=forward, to_negmas=backward)


def summitry_utility(ufun: Any, space: OutcomeSpace, codec: OutcomeCodec) -> tuple[TableUtility, float | None]:
    """Return a summitry table utility with NegMAS's value of every outcome, and its discount factor.

    A NegMAS ``ExpDiscountedUFun`` over relative time gives its undiscounted utility and its
    discount; a reservation value that NegMAS leaves unset (``None``, ``-inf``) becomes the
    worst utility (no deal is then worth no more than any agreement).
    """
    discount: float | None = None
    base = ufun
    if isinstance(ufun, ExpDiscountedUFun) and isinstance(ufun.discount, int | float):
        discount = float(ufun.discount) if float(ufun.discount) != 1.0 else None
        base = ufun.ufun
    table = _linear_additive_table(base, space, codec)
    if table is None:
        outcomes = space.outcomes(space.all_indices())
        table = np.array([_float(base(codec.negmas_outcome(outcome))) for outcome in outcomes], dtype=float)
    reserved = getattr(ufun, "reserved_value", None)
    finite = table[np.isfinite(table)]
    if reserved is None or not math.isfinite(float(reserved)):
        reserved = float(finite.min()) if finite.size else 0.0
    if discount is not None and not 0.0 < discount <= 1.0:
        discount = None
    utility = TableUtility(space=space, table=table, reservation_value=float(reserved), discount_factor=discount)
    return utility, discount


def _linear_additive_table(ufun: Any, space: OutcomeSpace, codec: OutcomeCodec) -> npt.NDArray[np.float64] | None:
    """Return every outcome's utility of a NegMAS linear additive ufun by broadcasting (None: another kind).

    The sums are done in NegMAS's order (bias, then issue by issue), so the values are NegMAS's own.
    """
    if type(ufun) is not LinearAdditiveUtilityFunction or space.constraints:
        return None
    total = np.full(1, float(getattr(ufun, "_bias", 0.0)))
    for issue, weight, value_function, table in zip(
        space.issues, ufun.weights, ufun.values, codec.to_negmas, strict=True
    ):
        column = np.array([float(weight) * _float(value_function(table[value])) for value in issue.values])
        total = (total[:, None] + column[None, :]).reshape(-1)
    return total


def _float(value: Any) -> float:
    if value is None:
        return -math.inf
    result = float(value)
    return -math.inf if math.isnan(result) else result


def is_negmas_utility(value: object) -> bool:
    """Return whether ``value`` is a NegMAS utility function."""
    return isinstance(value, BaseUtilityFunction)
