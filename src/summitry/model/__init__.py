"""The domain model: issues, outcome spaces, utility functions and scenarios (numpy only)."""

from __future__ import annotations

from .issues import CategoricalIssue, IntegerIssue, Issue, RealIssue, Value, finite_or_none, plain_value
from .outcome_space import MAX_ENUMERATION, Constraint, ForbiddenCombination, Outcome, OutcomeSpace
from .scenario import Party, Scenario
from .utility import (
    ConstrainedUtility,
    LinearAdditive,
    LinearValue,
    TableUtility,
    TableValue,
    TriangularValue,
    UtilityFunction,
    ValueFunction,
    discounted,
    linear_additive,
)

__all__ = [
    "MAX_ENUMERATION",
    "CategoricalIssue",
    "ConstrainedUtility",
    "Constraint",
    "ForbiddenCombination",
    "IntegerIssue",
    "Issue",
    "LinearAdditive",
    "LinearValue",
    "Outcome",
    "OutcomeSpace",
    "Party",
    "RealIssue",
    "Scenario",
    "TableUtility",
    "TableValue",
    "TriangularValue",
    "UtilityFunction",
    "Value",
    "ValueFunction",
    "discounted",
    "finite_or_none",
    "linear_additive",
    "plain_value",
]
