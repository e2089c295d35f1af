"""Write a summit's report: a self-contained HTML page, its figures, the calendar and the traces.

Everything goes to one folder. Files are first written to a temporary folder beside it and
then moved in, so an interrupted run never leaves a half-written report.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from summitry import __version__
from summitry.analysis import POINT_LABELS
from summitry.formats.roadmap_files import plan_text
from summitry.formats.trace_files import trace_to_lines
from summitry.model import Outcome
from summitry.plots.negotiation import plot_negotiation
from summitry.plots.roadmap import plot_exposure
from summitry.roadmap import EXPOSURE_MEANING, RoadMap
from summitry.summit import format_duration, format_local_and_gmt, to_ics

from .summary import summarise
from .summit_run import NegotiationReport, SummitOutcome

__all__ = ["ReportFiles", "write_report"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportFiles:
    """Where the report's pieces were written."""

    folder: Path
    report: Path
    calendar: Path
    figures: tuple[Path, ...]
    traces: tuple[Path, ...]
    plans: tuple[Path, ...]


def write_report(outcome: SummitOutcome, folder: str | os.PathLike[str]) -> ReportFiles:
    """Write ``report.html``, ``<name>.ics`` (also as ``agenda.ics``), figures and traces into ``folder``."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    files: dict[str, bytes] = {}
    files["agenda.ics"] = to_ics(outcome.agenda)
    negotiations = []
    for position, report in enumerate(outcome.negotiations, start=1):
        slug = f"{position}-{report.scenario.name}"
        figures = []
        name = f"figures/{slug}-negotiation.png"
        files[name] = plot_negotiation(report.trace, report.scenario, report.analysis)
        figures.append(
            {
                "src": name,
                "alt": f"offers of the {report.scenario.name} negotiation in utility space and over time",
                "caption": _negotiation_caption(len(report.scenario.parties)),
            }
        )
        trace_name = f"traces/{slug}.jsonl"
        files[trace_name] = ("\n".join(trace_to_lines(report.trace)) + "\n").encode()
        context = _negotiation_context(report, slug, figures, trace_name)
        context["heading"] = f"{position}. {context['heading']}"
        if report.road_map is not None:
            exposure_name = f"figures/{slug}-exposure.png"
            files[exposure_name] = plot_exposure(report.road_map)
            files[f"roadmap-{report.scenario.name}.yaml"] = plan_text(report.road_map).encode()
            context["road_map"] = _road_map_context(report.scenario.name, report.road_map, exposure_name)
        negotiations.append(context)
    files["report.html"] = _render(outcome, negotiations).encode()
    _install(files, target)
    return ReportFiles(
        folder=target,
        report=target / "report.html",
        calendar=target / "agenda.ics",
        figures=tuple(target / n for n in files if n.startswith("figures/")),
        traces=tuple(target / n for n in files if n.startswith("traces/")),
        plans=tuple(target / n for n in files if n.startswith("roadmap-")),
    )


def _install(files: dict[str, bytes], target: Path) -> None:
    staging = Path(tempfile.mkdtemp(prefix=".report-", dir=target))
    try:
        for name, data in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        # the page goes in last, so that every file it references is already there
        for name in sorted(files, key=lambda n: n == "report.html"):
            final = target / name
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, final)
        # figures and traces of an earlier report in the same folder would be stale: remove them
        for folder in ("figures", "traces"):
            for old in (target / folder).glob("*"):
                if old.is_file() and f"{folder}/{old.name}" not in files:
                    old.unlink()
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _render(outcome: SummitOutcome, negotiations: list[dict[str, Any]]) -> str:
    template_text = resources.files("summitry.report").joinpath("templates/summit.html.j2").read_text("utf-8")
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    agenda = outcome.agenda
    meetings = [
        {
            "day": m.start.strftime("%a %d %b %Y"),
            "when": format_local_and_gmt(m.start),
            "duration": format_duration(m.duration),
            "title": m.title,
            "venue": m.venue,
            "participants": ", ".join(m.participants),
            "negotiation": m.negotiation.describe() if m.negotiation else "",
        }
        for m in sorted(agenda.meetings, key=lambda m: m.start_utc)
    ]
    return environment.from_string(template_text).render(
        agenda=agenda,
        version=__version__,
        illustrative=agenda.illustrative,
        summary=summarise(outcome),
        home_zone=agenda.home_zone.key,
        ics_name="agenda.ics",
        meetings=meetings,
        conflicts=[str(c) for c in outcome.conflicts],
        negotiations=negotiations,
        exposure_meaning=EXPOSURE_MEANING,
    )


def _negotiation_caption(parties: int) -> str:
    if parties == 2:
        return (
            "Left: every outcome, the Pareto frontier, each party's offers, the agreement and the Nash "
            "point. Right: the utility of the offers over time."
        )
    return (
        f"Left: the {parties} parties' utility of the frontier outcomes (grey lines), the offers, the agreement "
        "and the Nash point, one vertical axis per party. Right: the utility of the offers over time."
    )


def _negotiation_context(
    report: NegotiationReport, slug: str, figures: list[dict[str, Any]], trace_name: str
) -> dict[str, Any]:
    scenario, analysis, metrics = report.scenario, report.analysis, report.metrics
    result = report.trace.result
    assert result is not None  # reason: reports are built from finished traces
    points = analysis.points()
    nash = analysis.nash
    agreement_rows = []
    if result.agreement is not None:
        nash_values: Outcome | None = nash.outcome if nash is not None else None
        for k, issue in enumerate(scenario.space.issue_names):
            agreement_rows.append(
                {
                    "issue": issue,
                    "value": result.agreement[k],
                    "nash": "" if nash_values is None else nash_values[k],
                }
            )
    parties = [
        {
            "name": party,
            "reserved": f"{analysis.reserved[i]:.3f}",
            "reached": f"{metrics.utilities[i]:.3f}",
            "paid": f"{metrics.discounted_utilities[i]:.3f}",
            "points": ["—" if p is None else f"{p.utilities[i]:.3f}" for p in points.values()],
        }
        for i, party in enumerate(scenario.party_names)
    ]
    to_nash = metrics.to_points.get("nash")
    meeting = report.meeting
    return {
        "section_id": f"negotiation-{slug}",
        "slug": slug,
        "heading": _heading(report),
        "meeting_title": meeting.title,
        "when": format_local_and_gmt(meeting.start),
        "scenario": scenario.name,
        "protocol": report.trace.header.protocol
        + (" with amendments" if report.trace.header.settings.get("amendments") else ""),
        "agents": ", ".join(f"{p} = {a}" for p, a in zip(scenario.party_names, report.agents, strict=True)),
        "description": scenario.description,
        "explanation": report.explanation,
        "process": report.process,
        "agreed": report.agreed,
        "agreement": agreement_rows,
        "nash": nash is not None,
        "point_names": [POINT_LABELS[name] for name in points],
        "parties": parties,
        "outcomes": f"{analysis.outcomes:,}",
        "frontier": f"{analysis.frontier_indices.shape[0]:,}",
        "discounted": metrics.discounted,
        "to_frontier": f"{metrics.to_frontier:.3f}",
        "to_nash": "—" if to_nash is None else f"{to_nash:.3f}",
        "pareto_optimal": "yes" if metrics.pareto_optimal else "no",
        "rounds": result.rounds,
        "figures": figures,
        "trace_name": trace_name,
        "road_map": None,
        "road_map_note": report.road_map_note,
    }


def _heading(report: NegotiationReport) -> str:
    return f"{report.meeting.title}: {report.scenario.name}"


def _road_map_context(scenario: str, road_map: RoadMap, figure: str) -> dict[str, Any]:
    phases = []
    for phase, exposure in zip(road_map.phases, road_map.exposure, strict=True):
        checkpoint = phase.checkpoint
        notes = []
        if checkpoint.verify:
            notes.append("verify " + ", ".join(checkpoint.verify))
        if checkpoint.observe:
            notes.append("observe " + ", ".join(checkpoint.observe))
        if checkpoint.unverifiable:
            notes.append("cannot verify " + ", ".join(checkpoint.unverifiable))
        phases.append(
            {
                "number": phase.number,
                "dates": f"{phase.start} – {phase.end}",
                "commitments": [f"{c.owner}: {c.description or c.id}" for c in phase.commitments],
                "exposure": [f"{exposure[p]:+.2f}" for p in road_map.parties],
                "checkpoint": f"{checkpoint.opens} – {checkpoint.closes}: " + ("; ".join(notes) or "—"),
            }
        )
    return {
        "scenario": scenario,
        "start": road_map.start,
        "phase_count": f"{len(road_map.phases)} phase" + ("" if len(road_map.phases) == 1 else "s"),
        "parties": road_map.parties,
        "phases": phases,
        "max_exposure": f"{road_map.max_exposure:.2f}",
        "figures": [
            {
                "src": figure,
                "alt": "exposure per phase",
                "caption": "Each party's exposure after each phase: above zero, it has given more than it received.",
            }
        ],
        "plan_file": f"roadmap-{scenario}.yaml",
    }
