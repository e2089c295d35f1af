"""The summary at the top of a summit report: who met, what was agreed, and what comes next."""

from __future__ import annotations

from dataclasses import dataclass

from summitry.roadmap import EXPOSURE_MEANING

from .summit_run import NegotiationReport, SummitOutcome, strictly_better_outcomes

__all__ = ["EXPOSURE_MEANING", "SummitSummary", "summarise"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SummitSummary:
    """Three short parts: one sentence on who met, one line per negotiation on its result and on what is next."""

    who_met: str
    agreed: tuple[str, ...]
    next_steps: tuple[str, ...]


def summarise(outcome: SummitOutcome) -> SummitSummary:
    """Return the summary of a summit's outcome, one line per negotiation in agenda order."""
    agenda = outcome.agenda
    meetings = agenda.in_order()
    people: list[str] = []
    for meeting in meetings:
        people += [p for p in meeting.participants if p not in people]
    days = agenda.days()
    span = (
        f"on {days[0][1]:%a %d %b %Y}" if len(days) == 1 else f"from {days[0][1]:%a %d %b} to {days[-1][1]:%a %d %b %Y}"
    )
    negotiated = len(outcome.negotiations)
    who = f"{_join(people)} met in {_count(len(meetings), 'meeting')} {span}" + (
        f"; {_count(negotiated, 'meeting')} hosted a negotiation." if negotiated else "; none hosted a negotiation."
    )
    return SummitSummary(
        who_met=who,
        agreed=tuple(_agreed(n) for n in outcome.negotiations),
        next_steps=tuple(_next(n) for n in outcome.negotiations),
    )


def _title(report: NegotiationReport) -> str:
    return f"{report.meeting.title} ({report.scenario.name})"


def _agreed(report: NegotiationReport) -> str:
    result = report.trace.result
    assert result is not None  # reason: summaries are built from finished traces
    if result.agreement is None:
        why = {"deadline": "the deadline passed", "ended": "a party walked away", "failed": "a negotiator failed"}
        return f"{_title(report)}: no deal ({why.get(result.reason, result.reason)})."
    terms = ", ".join(f"{k}={v}" for k, v in report.scenario.space.as_dict(result.agreement).items())
    return f"{_title(report)}: agreed after {_count(result.rounds, 'round')}: {terms}."


def _next(report: NegotiationReport) -> str:
    road_map = report.road_map
    if road_map is None and report.agreed:
        return f"{_title(report)}: carry out the agreement as written ({report.road_map_note})."
    if road_map is None:
        better = strictly_better_outcomes(report.analysis)
        if better:
            return (
                f"{_title(report)}: nothing to carry out; worth reopening: "
                f"{_count(better, 'Pareto-optimal outcome')} would beat no deal for every party."
            )
        return f"{_title(report)}: nothing to carry out; no outcome would beat no deal for every party."
    first = road_map.phases[0]
    steps = ", ".join(f"{c.id} ({c.owner})" for c in first.commitments)
    checkpoint = first.checkpoint
    return (
        f"{_title(report)}: phase 1 of {len(road_map.phases)}, {first.start} to {first.end}: {steps}; "
        f"first checkpoint {checkpoint.opens} to {checkpoint.closes}."
    )


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names) or "Nobody"
    return ", ".join(names[:-1]) + " and " + names[-1]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
