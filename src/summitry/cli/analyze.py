"""``summitry analyze``: the Pareto frontier and bargaining solutions of a scenario, as a table, JSON or PNG."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from summitry.cli import app
from summitry.cli._paths import check_output_file
from summitry.cli._profiles import PROFILES_OPTION, profile_list
from summitry.cli._render import console, handles_errors, print_json
from summitry.formats import load_scenario

if TYPE_CHECKING:  # numpy and the analysis are imported when the command runs: `analyze --help` stays quick
    from summitry.analysis import BargainingPoint, ScenarioAnalysis
    from summitry.model import Outcome, OutcomeSpace

__all__ = ["analysis_payload", "analyze_command"]


@app.command("analyze")
@handles_errors
def analyze_command(
    scenario: str = typer.Argument(
        ..., metavar="SCENARIO", help="A native .yaml/.json file, a GENIUS or GeniusWeb folder, or a shipped name."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of tables."),
    plot: Annotated[
        Path | None, typer.Option("--plot", metavar="FILE.png", help="Also draw the utility space to a PNG.")
    ] = None,
    debug: bool = typer.Option(False, "--debug", help="Show the full traceback on errors."),
    profiles: str | None = PROFILES_OPTION,
) -> None:
    """Show the Pareto frontier, Nash, Kalai–Smorodinsky, max-welfare and egalitarian points."""
    from summitry.analysis import analyze

    if plot is not None:
        check_output_file(plot, "--plot", suffixes=(".png", ".svg", ".pdf"))
    loaded = load_scenario(scenario, profiles=profile_list(profiles))
    result = analyze(loaded)
    if plot is not None:
        from summitry.plots import plot_utility_space

        plot_utility_space(result, plot)
    if as_json:
        print_json(analysis_payload(result))
        return
    _print_tables(result)
    if plot is not None:
        console.print(f"Wrote the utility-space plot to {plot}", markup=False)


def analysis_payload(result: ScenarioAnalysis) -> dict[str, Any]:
    """Return the JSON-ready summary of an analysis (plain ints, floats and strings only).

    It carries everything the tables show: sizes (``outcomes`` feasible of ``combinations``),
    ``opposition``, each party's ``reserved``, ``worst`` and ``best`` utility (in ``parties``
    order), the frontier with its ``rational`` flags, and the four solution points.
    """
    space = result.scenario.space
    outcomes = space.outcomes(result.frontier_indices)
    pareto = [
        {"outcome": _outcome_dict(space, outcome), "utilities": _floats(row), "rational": bool(flag)}
        for outcome, row, flag in zip(outcomes, result.frontier_utilities, result.rational, strict=True)
    ]
    payload: dict[str, Any] = {
        "scenario": result.name,
        "parties": list(result.parties),
        "outcomes": int(result.outcomes),
        "combinations": int(space.cardinality),
        "opposition": float(result.opposition),
        "reserved": _floats(result.reserved),
        "worst": _floats(result.worst),
        "best": _floats(result.best),
        "pareto": pareto,
    }
    for name, point in result.points().items():
        payload[name] = _point_dict(space, point)
    return payload


def _plain(value: object) -> str | int | float:
    import numpy as np

    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, str | int | float):
        return value
    return str(value)


def _floats(values: Any) -> list[float]:
    return [float(v) for v in values]


def _outcome_dict(space: OutcomeSpace, outcome: Outcome) -> dict[str, str | int | float]:
    return {name: _plain(value) for name, value in zip(space.issue_names, outcome, strict=True)}


def _point_dict(space: OutcomeSpace, point: BargainingPoint | None) -> dict[str, Any] | None:
    if point is None:
        return None
    return {"outcome": _outcome_dict(space, point.outcome), "utilities": _floats(point.utilities)}


def _number(x: float) -> str:
    return f"{x:.4f}"


def _print_tables(result: ScenarioAnalysis) -> None:
    from rich.table import Table  # only the table view needs them (not --json)
    from rich.text import Text

    from summitry.analysis import POINT_LABELS

    space = result.scenario.space
    console.print(Text.assemble(("Scenario ", ""), (result.name, "bold")))
    sizes = f"{result.outcomes:,} feasible outcomes"
    if result.outcomes != space.cardinality:
        sizes += f" (of {space.cardinality:,} combinations)"
    rational = int(result.rational.sum())
    console.print(
        f"{sizes}; {result.frontier_indices.shape[0]:,} on the Pareto frontier, {rational:,} of them rational; "
        f"opposition {result.opposition:.3f}",
        markup=False,
    )

    parties = Table(title="Parties", title_justify="left", title_style="bold")
    parties.add_column("Party")
    parties.add_column("Reservation value", justify="right")
    parties.add_column("Worst", justify="right")
    parties.add_column("Best", justify="right")
    for name, reserved, worst, best in zip(result.parties, result.reserved, result.worst, result.best, strict=True):
        parties.add_row(Text(name), _number(reserved), _number(worst), _number(best))
    console.print(parties)

    points = Table(title="Solution points", title_justify="left", title_style="bold")
    points.add_column("Point", no_wrap=True)
    for name in result.parties:
        points.add_column(Text(name), justify="right")
    points.add_column("Outcome", ratio=1)
    for key, point in result.points().items():
        if point is None:
            points.add_row(POINT_LABELS[key], *["—"] * len(result.parties), Text("none (no outcome qualifies)"))
            continue
        outcome = ", ".join(f"{k}={v}" for k, v in zip(space.issue_names, point.outcome, strict=True))
        points.add_row(POINT_LABELS[key], *[_number(u) for u in point.utilities], Text(outcome))
    console.print(points)
