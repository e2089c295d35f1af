"""What was possible in a negotiation and how good a result is (DESIGN §6).

The Pareto frontier, the Nash, Kalai–Smorodinsky, egalitarian and max-welfare points,
opposition and distances in utility space; :func:`analyze` bundles them for a scenario.
"""

from __future__ import annotations

from .bargaining import (
    BargainingPoint,
    distance,
    distance_to_frontier,
    egalitarian_point,
    egalitarian_row,
    kalai_smorodinsky_point,
    kalai_smorodinsky_row,
    max_welfare_point,
    max_welfare_row,
    nash_point,
    nash_row,
    opposition,
)
from .pareto import ScenarioFrontier, dominates, pareto_frontier, scenario_frontier, scenario_utilities
from .report import (
    DISTANCE_SPACE,
    POINT_LABELS,
    POINT_NAMES,
    AgreementMetrics,
    FinishedNegotiation,
    ScenarioAnalysis,
    agreement_metrics,
    analyze,
    result_metrics,
)

__all__ = [
    "DISTANCE_SPACE",
    "POINT_LABELS",
    "POINT_NAMES",
    "AgreementMetrics",
    "BargainingPoint",
    "FinishedNegotiation",
    "ScenarioAnalysis",
    "ScenarioFrontier",
    "agreement_metrics",
    "analyze",
    "distance",
    "distance_to_frontier",
    "dominates",
    "egalitarian_point",
    "egalitarian_row",
    "kalai_smorodinsky_point",
    "kalai_smorodinsky_row",
    "max_welfare_point",
    "max_welfare_row",
    "nash_point",
    "nash_row",
    "opposition",
    "pareto_frontier",
    "result_metrics",
    "scenario_frontier",
    "scenario_utilities",
]
