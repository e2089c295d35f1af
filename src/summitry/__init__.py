"""summitry: multi-issue negotiation — scenarios, protocols, agents, analysis, road-maps, summits."""

from __future__ import annotations

from summitry.errors import SummitryError
from summitry.model import (
    CategoricalIssue,
    IntegerIssue,
    LinearAdditive,
    OutcomeSpace,
    Party,
    RealIssue,
    Scenario,
    TableUtility,
)

__version__ = "0.1.0"

__all__ = [
    "CategoricalIssue",
    "IntegerIssue",
    "LinearAdditive",
    "OutcomeSpace",
    "Party",
    "RealIssue",
    "Scenario",
    "SummitryError",
    "TableUtility",
    "__version__",
]
