"""summitry: multi-issue negotiation — scenarios, protocols, agents, analysis, road-maps, summits.

The names below are the curated entry points; everything else lives in the subpackages
(``summitry.model``, ``summitry.analysis``, ``summitry.protocols``, ``summitry.agents``,
``summitry.roadmap``, ``summitry.summit``, ``summitry.formats``). Importing summitry does no
I/O and starts nothing.
"""

from __future__ import annotations

__version__ = "0.1.0"

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the checker sees each name's real type; at run time __getattr__ loads it
    from summitry.agents import Negotiator, agent_names, make_negotiator
    from summitry.analysis import (
        agreement_metrics,
        analyze,
        egalitarian_point,
        kalai_smorodinsky_point,
        max_welfare_point,
        nash_point,
        pareto_frontier,
    )
    from summitry.errors import SummitryError
    from summitry.formats import load_scenario, save_scenario
    from summitry.model import (
        CategoricalIssue,
        IntegerIssue,
        LinearAdditive,
        OutcomeSpace,
        Party,
        RealIssue,
        Scenario,
        TableUtility,
        TableValue,
    )
    from summitry.protocols import SAO, Deadline, Mediation, Trace, negotiate, replay, run
    from summitry.roadmap import Commitment, RoadMap, Tracker, plan
    from summitry.summit import Agenda, Meeting

# name -> the subpackage that defines it; loaded on first use (PEP 562), so that importing
# summitry stays cheap and the layers below never depend on this façade.
_HOME = {
    "Negotiator": "summitry.agents",
    "agent_names": "summitry.agents",
    "make_negotiator": "summitry.agents",
    "agreement_metrics": "summitry.analysis",
    "analyze": "summitry.analysis",
    "egalitarian_point": "summitry.analysis",
    "kalai_smorodinsky_point": "summitry.analysis",
    "max_welfare_point": "summitry.analysis",
    "nash_point": "summitry.analysis",
    "pareto_frontier": "summitry.analysis",
    "SummitryError": "summitry.errors",
    "load_scenario": "summitry.formats",
    "save_scenario": "summitry.formats",
    "CategoricalIssue": "summitry.model",
    "IntegerIssue": "summitry.model",
    "LinearAdditive": "summitry.model",
    "OutcomeSpace": "summitry.model",
    "Party": "summitry.model",
    "RealIssue": "summitry.model",
    "Scenario": "summitry.model",
    "TableUtility": "summitry.model",
    "TableValue": "summitry.model",
    "SAO": "summitry.protocols",
    "Deadline": "summitry.protocols",
    "Mediation": "summitry.protocols",
    "Trace": "summitry.protocols",
    "negotiate": "summitry.protocols",
    "replay": "summitry.protocols",
    "run": "summitry.protocols",
    "Commitment": "summitry.roadmap",
    "RoadMap": "summitry.roadmap",
    "Tracker": "summitry.roadmap",
    "plan": "summitry.roadmap",
    "Agenda": "summitry.summit",
    "Meeting": "summitry.summit",
}


__all__ = [
    "SAO",
    "Agenda",
    "CategoricalIssue",
    "Commitment",
    "Deadline",
    "IntegerIssue",
    "LinearAdditive",
    "Mediation",
    "Meeting",
    "Negotiator",
    "OutcomeSpace",
    "Party",
    "RealIssue",
    "RoadMap",
    "Scenario",
    "SummitryError",
    "TableUtility",
    "TableValue",
    "Trace",
    "Tracker",
    "__version__",
    "agent_names",
    "agreement_metrics",
    "analyze",
    "egalitarian_point",
    "kalai_smorodinsky_point",
    "load_scenario",
    "make_negotiator",
    "max_welfare_point",
    "nash_point",
    "negotiate",
    "pareto_frontier",
    "plan",
    "replay",
    "run",
    "save_scenario",
]


def __getattr__(name: str) -> Any:
    """Return a façade name, importing its subpackage on first use."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'summitry' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
