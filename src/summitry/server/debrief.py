"""The debrief of a finished session: agreement, utilities where revealed, frontier, Nash point, distances.

What a token may see follows DESIGN §8: each party sees its own utility of the agreement;
the frontier, the solution points and the agreement's distances to them are in every
party's utilities at once, so they are shown only when the session reveals its
preferences at the end (``reveal: "after_end"``). Otherwise the debrief says they are withheld.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from summitry.analysis import POINT_NAMES, agreement_metrics, analyze

from .runtime import LiveSession
from .tokens import Access
from .views import outcome_view, revealed

__all__ = ["MAX_FRONTIER_POINTS", "debrief_view"]

MAX_FRONTIER_POINTS = 2000
"""The frontier is thinned to at most this many points in the debrief."""


def debrief_view(live: LiveSession, access: Access, documents: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Return the debrief of a finished session as ``access`` may see it."""
    scenario = live.scenario
    result = live.mechanism.result()
    parties = list(scenario.party_names)
    utilities = dict(zip(parties, result.utilities, strict=True))
    view: dict[str, Any] = {
        "id": live.id,
        "status": live.status,
        "reason": result.reason,
        "agreement": outcome_view(scenario, result.agreement),
        "rounds": result.rounds,
        "steps": result.steps,
        "parties": parties,
        "revealed": revealed(live),
    }
    if revealed(live):
        view["utilities"] = utilities
        view["reservations"] = {p.name: p.reservation_value for p in scenario.parties}
        view["preferences"] = {name: dict(doc) for name, doc in documents.items()}
        view.update(_analysis(live))
        return view
    if access.is_party and access.party is not None:
        view["utilities"] = {access.party: utilities[access.party]}
        view["reservations"] = {access.party: float(documents[access.party]["reservation"])}
    else:
        view["utilities"] = {}
        view["reservations"] = {}
    view["withheld"] = (
        "the frontier, the solution points and the distances use every party's preferences; "
        "this session was created with reveal 'never'"
    )
    return view


def _analysis(live: LiveSession) -> dict[str, Any]:
    scenario = live.scenario
    analysis = analyze(scenario)
    agreement = live.mechanism.result().agreement
    index = None if agreement is None else int(scenario.space.index_of(agreement))
    metrics = agreement_metrics(analysis, index)
    frontier = analysis.frontier_utilities
    if frontier.shape[0] > MAX_FRONTIER_POINTS:
        keep = np.linspace(0, frontier.shape[0] - 1, MAX_FRONTIER_POINTS).round().astype(int)
        frontier = frontier[keep]
    points = {
        name: None
        if point is None
        else {"outcome": outcome_view(scenario, point.outcome), "utilities": [float(u) for u in point.utilities]}
        for name, point in analysis.points().items()
    }
    return {
        "frontier": [[float(u) for u in row] for row in frontier],
        "points": points,
        "nash": points["nash"],
        "distances": {
            "to_frontier": metrics.to_frontier,
            **{f"to_{name}": metrics.to_points.get(name) for name in POINT_NAMES},
        },
        "pareto_optimal": metrics.pareto_optimal,
        "welfare": metrics.welfare,
    }
