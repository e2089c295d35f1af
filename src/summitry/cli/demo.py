"""``summitry demo``: run the Hanoi summit end to end and write its report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from summitry.cli import app
from summitry.cli._paths import check_output_folder
from summitry.cli._render import console, handles_errors

if TYPE_CHECKING:
    from summitry.report.summit_run import SummitOutcome

__all__ = ["demo"]


@app.command("demo")
@handles_errors
def demo(
    summit: str = typer.Option("hanoi", "--summit", metavar="FILE_OR_NAME", help="The summit to run."),
    out: Path = typer.Option(Path("out/hanoi"), "--out", metavar="FOLDER", help="Where the report is written."),
    debug: bool = typer.Option(False, "--debug", help="Show the full traceback on errors."),
) -> None:
    """Run a whole summit (the Hanoi example by default): agenda, menu, deal, analysis, road-map, report."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn  # here: `demo --help` stays quick

    from summitry.cli.agenda import show_agenda
    from summitry.formats.summit_files import load_summit
    from summitry.report.html import write_report
    from summitry.report.summit_run import run_summit

    check_output_folder(out, "--out")
    agenda = load_summit(summit)
    show_agenda(agenda)
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console, transient=True
    ) as progress:
        task = progress.add_task("starting", total=None)
        outcome = run_summit(agenda, progress=lambda line: progress.update(task, description=line))
        progress.update(task, description="writing the report")
        files = write_report(outcome, out)
    _print_outcome(outcome)
    for plan in files.plans:
        console.print(f"Road-map plan: {plan}", markup=False)
    console.print(f"Calendar: {files.calendar}", markup=False)
    console.print(f"Report: {files.report}", markup=False)


def _print_outcome(outcome: SummitOutcome) -> None:
    for report in outcome.negotiations:
        console.print(f"[bold]{report.meeting.title}[/bold] — {report.scenario.name}")
        result = report.trace.result
        assert result is not None  # reason: run_summit returns finished traces
        if result.agreement is not None:
            agreed = ", ".join(f"{k}={v}" for k, v in report.scenario.space.as_dict(result.agreement).items())
            console.print(f"  agreement: {agreed}", markup=False)
        console.print(f"  {report.process}", markup=False)
        console.print(f"  {report.explanation}", markup=False)
        if report.road_map is not None:
            road_map = report.road_map
            console.print(
                f"  road-map: {_count(len(road_map.phases), 'phase')}, "
                f"{_count(len(road_map.commitments), 'commitment')}, from {road_map.start}; "
                f"largest exposure {road_map.max_exposure:.2f}",
                markup=False,
            )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
