"""``summitry mediate``: single-text mediation (optionally with amendments) between voter agents."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from summitry.cli import app
from summitry.cli._profiles import PROFILES_OPTION, profile_list
from summitry.cli._render import handles_errors
from summitry.cli._store import STORE_OPTION
from summitry.cli.negotiate import RunOutputs, run_and_show

__all__ = ["mediate_command"]

DEFAULT_VOTER = "greedy-voter"
"""``summitry.agents.DEFAULT_VOTER``, written out so that ``mediate --help`` does not import the agents (a test
checks that the two agree)."""


@app.command("mediate")
@handles_errors
def mediate_command(
    scenario: str = typer.Argument(
        ..., metavar="SCENARIO", help="A native .yaml/.json file, a GENIUS or GeniusWeb folder, or a shipped name."
    ),
    agents: str = typer.Option(
        DEFAULT_VOTER,
        "--agents",
        help=(
            "Comma-separated agents, one per party (one: all parties); "
            "parameters after colons: annealing-voter:temperature=0.2"
        ),
    ),
    amendments: bool = typer.Option(False, "--amendments", help="Let the parties propose edits to the draft."),
    rounds: int | None = typer.Option(None, "--rounds", min=1, help="Proposals before the final vote."),
    seconds: float | None = typer.Option(None, "--seconds", min=0.0, help="Deadline in wall-clock seconds."),
    seed: int = typer.Option(0, "--seed", help="Seed of the mediator and the agents (same seed, same trace)."),
    trace_file: Annotated[
        Path | None,
        typer.Option("--trace", metavar="FILE.jsonl", help="Write the trace: JSON Lines, or CSV if FILE ends in .csv."),
    ] = None,
    trace_embed: bool = typer.Option(
        False, "--trace-embed", help="Store the scenario inside the --trace file, so that it replays anywhere."
    ),
    plot: Annotated[Path | None, typer.Option("--plot", metavar="FILE.png", help="Draw the negotiation.")] = None,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of the live view."),
    debug: bool = typer.Option(False, "--debug", help="Show the full traceback on errors."),
    profiles: str | None = PROFILES_OPTION,
    store: str | None = STORE_OPTION,
) -> None:
    """Mediate SCENARIO with a single negotiating text; show the proposals, the result and its distances."""
    run_and_show(
        scenario, agents, protocol="mediation",
        settings={"rounds": rounds, "seconds": seconds, "amendments": amendments},
        seed=seed,
        outputs=RunOutputs(trace_file=trace_file, plot=plot, as_json=as_json, embed=trace_embed, store=store),
        profiles=profile_list(profiles),
    )  # fmt: skip
