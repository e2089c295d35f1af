"""Run a whole summit: every meeting's linked negotiation, its analysis, and the road-map of a deal."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from summitry.agents import negotiator_from_text
from summitry.analysis import AgreementMetrics, ScenarioAnalysis, analyze, result_metrics
from summitry.errors import AgendaError
from summitry.formats import load_scenario
from summitry.model import Scenario
from summitry.protocols import Trace, negotiate
from summitry.roadmap import RoadMap
from summitry.summit import Agenda, Conflict, Meeting

from ._road_maps import road_map_for

__all__ = [
    "NegotiationReport",
    "SummitOutcome",
    "describe_process",
    "explain",
    "run_summit",
    "strictly_better_outcomes",
]

log = logging.getLogger(__name__)

DEFAULT_AGENTS = {"sao": "boulware", "mediation": "annealing-voter"}
"""The agent each party gets when a meeting's negotiation names none, by protocol."""


@dataclass(frozen=True, slots=True, kw_only=True)
class NegotiationReport:
    """One meeting's negotiation: what ran, how it ended, how good it was, and what follows."""

    meeting: Meeting
    scenario: Scenario
    agents: tuple[str, ...]
    trace: Trace
    analysis: ScenarioAnalysis
    metrics: AgreementMetrics
    road_map: RoadMap | None
    explanation: str
    process: str
    road_map_note: str = ""
    """Why there is no road-map (no deal, no catalogue, no commitment); empty when there is one."""

    @property
    def agreed(self) -> bool:
        """Return whether the negotiation ended in an agreement."""
        return self.trace.result is not None and self.trace.result.agreement is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class SummitOutcome:
    """The whole summit: the agenda, its conflicts, and each negotiation in agenda order."""

    agenda: Agenda
    conflicts: tuple[Conflict, ...]
    negotiations: tuple[NegotiationReport, ...]


def run_summit(agenda: Agenda, *, progress: Callable[[str], None] | None = None) -> SummitOutcome:
    """Return the outcome of running every linked negotiation of ``agenda``, in time order.

    ``progress`` is called with a short line before each piece of work (for a progress display).
    """
    say = progress or (lambda _line: None)
    reports = []
    for meeting in sorted(agenda.meetings, key=lambda m: m.start_utc):
        if meeting.negotiation is None:
            continue
        say(f"{meeting.title}: negotiating {meeting.negotiation.scenario}")
        reports.append(_run_meeting(meeting, say))
    return SummitOutcome(agenda=agenda, conflicts=tuple(agenda.conflicts()), negotiations=tuple(reports))


def _run_meeting(meeting: Meeting, say: Callable[[str], None]) -> NegotiationReport:
    linked = meeting.negotiation
    assert linked is not None  # reason: the caller only passes meetings with a negotiation
    scenario = load_scenario(linked.scenario, profiles=linked.profiles or None)
    agents = _agents_in_party_order(scenario, linked.agents, linked.parties, linked.protocol)
    trace = negotiate(
        scenario,
        [negotiator_from_text(name) for name in agents],
        protocol=linked.protocol,
        rounds=linked.rounds,
        seed=linked.seed if linked.seed is not None else 0,
        **({"amendments": True} if linked.amendments else {}),
    )
    say(f"{meeting.title}: analysing {scenario.name}")
    analysis = analyze(scenario)
    result = trace.result
    assert result is not None  # reason: negotiate returns finished traces
    metrics = result_metrics(analysis, result)
    road_map = None
    note = "there is no agreement to carry out"
    if result.agreement is not None:
        road_map, note = road_map_for(scenario, result.agreement, start=meeting.end.date(), progress=say)
    return NegotiationReport(
        meeting=meeting,
        scenario=scenario,
        agents=agents,
        trace=trace,
        analysis=analysis,
        metrics=metrics,
        road_map=road_map,
        explanation=explain(scenario, analysis, trace),
        process=describe_process(trace),
        road_map_note=note,
    )


def _agents_in_party_order(
    scenario: Scenario, agents: tuple[str, ...], parties: tuple[str, ...], protocol: str
) -> tuple[str, ...]:
    if not agents:
        return (DEFAULT_AGENTS.get(protocol, "boulware"),) * len(scenario.parties)
    if not parties:
        return agents
    by_party = dict(zip(parties, agents, strict=True))
    missing = [p for p in scenario.party_names if p not in by_party]
    if missing:
        raise AgendaError(
            f"negotiation of {scenario.name!r}: no agent for party(ies) {missing}; "
            f"the scenario's parties are {list(scenario.party_names)}"
        )
    return tuple(by_party[p] for p in scenario.party_names)


def explain(scenario: Scenario, analysis: ScenarioAnalysis, trace: Trace) -> str:
    """Return one or two sentences on how the negotiation ended, measured against what was possible.

    Utilities are undiscounted, like the Nash point they are compared with; where a discount
    applies, the discounted utilities each party was paid follow in parentheses.
    """
    result = trace.result
    assert result is not None  # reason: only finished traces are explained
    metrics = result_metrics(analysis, result)
    parts = " and ".join(f"{p} {u:.2f}" for p, u in zip(scenario.party_names, metrics.utilities, strict=True))
    if result.agreement is not None:
        nash = analysis.nash
        paid = ""
        if metrics.discounted:
            paid = " (discounted for time: " + " and ".join(f"{u:.2f}" for u in metrics.discounted_utilities) + ")"
        gap = "" if nash is None else f"; the Nash point would give {_fmt(nash.utilities)}"
        return f"Agreement after {_count(result.rounds, 'round')}: utilities {parts}{paid}{gap}."
    reserved = " and ".join(f"{p} {r:.2f}" for p, r in zip(scenario.party_names, analysis.reserved, strict=True))
    why = {"deadline": "the deadline passed", "ended": "a party walked away", "failed": "a negotiator failed"}
    cause = why.get(result.reason, result.reason)
    better = strictly_better_outcomes(analysis)
    if better:
        return (
            f"No deal ({cause}): each party keeps its reservation value ({reserved}), although "
            f"{_count(better, 'Pareto-optimal outcome')} would have beaten it for everyone."
        )
    if int(np.count_nonzero(analysis.rational)) == 0:
        return (
            f"No deal ({cause}): no outcome gives every party at least its reservation value "
            f"({reserved}), so walking away was rational."
        )
    return (
        f"No deal ({cause}): no outcome gives every party more than its reservation value ({reserved}); "
        "the best ones only match it for someone, so walking away cost nobody anything."
    )


def strictly_better_outcomes(analysis: ScenarioAnalysis) -> int:
    """Return how many Pareto-optimal outcomes give *every* party strictly more than its reservation value.

    An outcome that only equals some party's reservation value is not counted: it would not
    have beaten no deal for that party.
    """
    frontier = analysis.frontier_utilities
    if frontier.size == 0:
        return 0
    reserved = np.asarray(analysis.reserved, dtype=float)
    return int(np.count_nonzero((frontier > reserved).all(axis=1)))


def describe_process(trace: Trace) -> str:
    """Return one sentence on how the negotiation went: offers exchanged, or drafts and amendments."""
    counts: dict[str, int] = {}
    amendments = 0
    for event in trace.events:
        counts[event.kind] = counts.get(event.kind, 0) + 1
        if event.kind == "amend" and event.data.get("changes"):
            amendments += 1
    rounds = trace.result.rounds if trace.result is not None else 0
    if trace.header.protocol == "mediation":
        amended = f"the delegations proposed {_count(amendments, 'amendment')}; " if "amend" in counts else ""
        return (
            f"Over {_count(rounds, 'round')} {amended}the mediator put {_count(counts.get('proposal', 0), 'draft')} "
            f"to the vote, and the text changed {_count(counts.get('draft', 0), 'time')}."
        )
    return f"The parties exchanged {_count(counts.get('offer', 0), 'offer')} over {_count(rounds, 'round')}."


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _fmt(values: tuple[float, ...]) -> str:
    return "(" + ", ".join(f"{v:.2f}" for v in values) + ")"
