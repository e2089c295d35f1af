"""``summitry roadmap plan|status``: plan commitments into phases, and track their compliance."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from summitry.cli import app
from summitry.cli._paths import check_output_file
from summitry.cli._render import console, fail, handles_errors, print_json
from summitry.roadmap import (
    DEFAULT_PHASE_GAP_DAYS,
    EXPOSURE_MEANING,
    Commitment,
    ComplianceReport,
    RoadMap,
    Tracker,
    plan,
)
from summitry.roadmap.from_agreement import commitments_for

__all__ = ["roadmap_app"]

roadmap_app = typer.Typer(
    name="roadmap",
    help="Turn an agreement into phased, verifiable commitments, and track them.",
    no_args_is_help=True,
)
app.add_typer(roadmap_app, name="roadmap")


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise fail(f"{option}: expected a date YYYY-MM-DD, got {text!r}") from None


@roadmap_app.command("plan")
@handles_errors
def plan_command(
    file: Path | None = typer.Argument(None, help="A commitments file (YAML); or use --agreement."),
    agreement: Path | None = typer.Option(
        None, "--agreement", help="A result of `summitry negotiate --json`; needs --catalogue."
    ),
    catalogue: str | None = typer.Option(
        None, "--catalogue", help="Catalogue name (e.g. hanoi-deal) or file mapping (issue, value) to commitments."
    ),
    start: str | None = typer.Option(
        None, "--start", help="First day of phase 1, YYYY-MM-DD (default: file or today)."
    ),
    max_phases: int | None = typer.Option(None, "--max-phases", min=1, help="At most this many phases."),
    gap_days: int | None = typer.Option(
        None, "--gap-days", min=0, help=f"Days of checkpoint after each phase (default {DEFAULT_PHASE_GAP_DAYS})."
    ),
    out: Path | None = typer.Option(None, "--out", help="Write the plan here (YAML) for `roadmap status`."),
    debug: bool = typer.Option(False, "--debug", help="Show the full traceback on errors."),
) -> None:
    """Plan commitments into phases that keep every party's exposure small; print phases and checkpoints."""
    from summitry.formats.roadmap_files import load_catalogue, read_agreement, read_commitments, write_plan

    first_day = _day(start, "--start")
    if file is None and agreement is None:
        raise fail("nothing to plan: give a commitments FILE, or --agreement RESULT.json --catalogue NAME")
    if file is not None and agreement is not None:
        raise fail("give a commitments FILE or --agreement RESULT.json, not both")
    if out is not None:
        check_output_file(out, "--out")
    if file is not None:
        if catalogue is not None:
            raise fail("--catalogue goes with --agreement, not with a commitments FILE")
        document = read_commitments(file)
        commitments, parties = list(document.commitments), document.parties
        first_day = first_day or document.start
        max_phases = max_phases if max_phases is not None else document.max_phases
        gap_days = gap_days if gap_days is not None else document.phase_gap_days
    else:
        assert agreement is not None
        if catalogue is None:
            raise fail("--agreement needs --catalogue NAME (e.g. --catalogue hanoi-deal)")
        deal = read_agreement(agreement)
        if deal is None:
            raise fail(f'{agreement}: the negotiation ended without agreement ("agreement": null); nothing to plan')
        chosen = load_catalogue(catalogue)
        commitments, parties = commitments_for(deal, chosen), chosen.parties
        if not commitments:
            raise fail(f"{agreement}: the agreement implies no commitments in catalogue {chosen.name!r}")
    road_map = plan(
        commitments,
        parties,
        start=first_day or date.today(),
        max_phases=max_phases,
        phase_gap_days=DEFAULT_PHASE_GAP_DAYS if gap_days is None else gap_days,
    )
    _print_plan(road_map)
    if out is not None:
        write_plan(road_map, out)
        console.print(f"plan written to {out}", markup=False)


@roadmap_app.command("status")
@handles_errors
def status_command(
    plan_file: Path = typer.Argument(..., metavar="PLAN", help="A plan written by `roadmap plan --out`."),
    events_file: Path = typer.Argument(..., metavar="EVENTS", help="An events file (YAML)."),
    today: str | None = typer.Option(None, "--today", help="Report as of this day, YYYY-MM-DD (default: today)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of the table."),
    check: bool = typer.Option(
        False, "--check", help="Exit with code 1 when any commitment is violated or late (for scripts and cron)."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show the full traceback on errors."),
) -> None:
    """Print what is done, due, late or violated, and whether the next phase may start and why.

    The last line always says whether anything is violated or late, whatever the phase.
    """
    from summitry.formats.roadmap_files import read_events, read_plan  # its schemas only when the command runs

    as_of = _day(today, "--today") or date.today()
    road_map = read_plan(plan_file)
    tracker = Tracker(road_map)
    for event in read_events(events_file, plan=road_map):
        tracker.record(event)
    report = tracker.status(as_of)
    if as_json:
        print_json(_status_document(report))
    else:
        _print_status(report)
    if check and not report.on_track:
        raise typer.Exit(1)


def _status_document(report: ComplianceReport) -> dict[str, object]:
    def day(value: date | None) -> str | None:
        return None if value is None else value.isoformat()

    return {
        "today": report.today.isoformat(),
        "current_phase": report.current_phase,
        "next_phase": report.next_phase,
        "may_start_next_phase": report.may_start_next_phase,
        "reasons": list(report.reasons),
        "on_track": report.on_track,
        "violated": [s.commitment.id for s in report.violated],
        "late": [s.commitment.id for s in report.late],
        "alerts": list(report.alerts),
        "commitments": [
            {
                "id": s.commitment.id,
                "owner": s.commitment.owner,
                "phase": s.phase,
                "due": day(s.due),
                "state": s.state.value,
                "verified": s.verified,
                "started": day(s.started),
                "done": day(s.done),
                "violations": [d.isoformat() for d in s.violations],
                "kept": [d.isoformat() for d in s.kept],
                "notes": list(s.notes),
            }
            for s in report.commitments
        ],
    }


_FLAGS = (("ongoing", "ongoing"), ("irreversible", "irreversible"), ("unverifiable", "unverifiable"))


def _flags(commitment: Commitment) -> str:
    on = {"ongoing": commitment.ongoing, "irreversible": not commitment.reversible}
    on["unverifiable"] = not commitment.verifiable
    names = [name for name, label in _FLAGS if on[label]]
    return f" [{', '.join(names)}]" if names else ""


def _print_plan(road_map: RoadMap) -> None:
    title = (
        f"Road-map: {_count(len(road_map.phases), 'phase')}; exposure after each phase "
        f"(largest {road_map.max_exposure:g})"
    )
    table = Table(title=title)
    table.add_column("phase", justify="right")
    table.add_column("dates", no_wrap=True)
    table.add_column("commitments (owner)")
    for party in road_map.parties:
        table.add_column(party, justify="right")
    for phase, exposure in zip(road_map.phases, road_map.exposure, strict=True):
        lines = [escape(f"{c.id} ({c.owner}){_flags(c)}") for c in phase.commitments]
        table.add_row(
            str(phase.number),
            f"{phase.start}\n{phase.end}",
            "\n".join(lines),
            *(f"{exposure[p]:g}" for p in road_map.parties),
        )
    console.print(table)
    console.print(EXPOSURE_MEANING, markup=False)
    console.print("Checkpoints:", markup=False)
    for phase in road_map.phases:
        checkpoint = phase.checkpoint
        parts = [f"verify {', '.join(checkpoint.verify)}" if checkpoint.verify else "nothing to verify"]
        if checkpoint.observe:
            parts.append(f"observe {', '.join(checkpoint.observe)}")
        if checkpoint.unverifiable:
            parts.append(f"cannot verify {', '.join(checkpoint.unverifiable)}")
        console.print(
            f"  after phase {phase.number} ({checkpoint.opens} to {checkpoint.closes}): {'; '.join(parts)}",
            markup=False,
        )


def _print_status(status: ComplianceReport) -> None:
    table = Table(title=f"Road-map status on {status.today}")
    table.add_column("commitment", no_wrap=True)
    for column in ("owner", "phase", "due", "state", "notes"):
        table.add_column(column, no_wrap=column != "notes")
    for s in status.commitments:
        notes = []
        if s.verified:
            notes.append("verified")
        elif s.done is not None and s.commitment.verifiable:
            notes.append("not verified")
        if s.kept:
            notes.append(f"kept on {len(s.kept)} date(s), last {s.kept[-1]}")
        if s.violations:
            notes.append("violated on " + ", ".join(str(d) for d in s.violations))
        notes += list(s.notes)
        table.add_row(s.commitment.id, s.commitment.owner, str(s.phase), str(s.due), s.state.value, "; ".join(notes))
    console.print(table)
    if status.next_phase is None:
        console.print(f"Current phase: {status.current_phase}, the last phase.", markup=False)
    else:
        verdict = "yes" if status.may_start_next_phase else "no"
        console.print(
            f"Current phase: {status.current_phase}. May phase {status.next_phase} start? {verdict}", markup=False
        )
        for reason in status.reasons:
            console.print(f"  - {reason}", markup=False)
    for alert in status.alerts:
        console.print(f"  ! {alert}", markup=False)
    console.print(_bottom_line(status), markup=False)


def _bottom_line(status: ComplianceReport) -> str:
    """Return the last line of a status: on track, or what is violated and what is late."""
    if status.on_track:
        return "On track: nothing is violated or late."
    parts = []
    if status.violated:
        parts.append(f"{len(status.violated)} violated ({', '.join(s.commitment.id for s in status.violated)})")
    if status.late:
        parts.append(f"{len(status.late)} late ({', '.join(s.commitment.id for s in status.late)})")
    return "NOT on track: " + "; ".join(parts) + "."


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
