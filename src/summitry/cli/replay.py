"""``summitry replay``: re-render a stored trace, after checking that it replays to the same result."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from summitry.cli import app
from summitry.cli._render import console, handles_errors, print_json
from summitry.cli.negotiate import result_payload, show_event, show_result
from summitry.errors import TraceError
from summitry.formats import load_scenario
from summitry.formats.trace_files import read_trace
from summitry.protocols import replay

__all__ = ["replay_command"]


@app.command("replay")
@handles_errors
def replay_command(
    trace_file: Annotated[Path, typer.Argument(metavar="FILE.jsonl", help="A trace written by --trace.")],
    scenario: str | None = typer.Option(
        None, "--scenario", help="The scenario (file, folder or shipped name); default: the name in the trace."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of the events."),
    debug: bool = typer.Option(False, "--debug", help="Show the full traceback on errors."),
) -> None:
    """Replay FILE.jsonl against its scenario, check it, and show it as `negotiate` did."""
    trace = read_trace(trace_file)
    if trace.result is None:
        raise TraceError(f"{trace_file}: the trace has no result line (an unfinished negotiation)")
    loaded = load_scenario(scenario or trace.header.scenario)
    replay(trace, loaded)
    payload = result_payload(trace, loaded)
    if as_json:
        print_json(payload)
        return
    header = trace.header
    console.print(
        f"{header.scenario}: {header.protocol} between "
        + ", ".join(f"{p} ({a})" for p, a in zip(header.parties, header.agents, strict=True))
        + f", seed {header.seed} (replayed: {len(trace.events)} events check out)",
        markup=False,
    )
    for event in trace.events:
        show_event(event, loaded)
    show_result(payload, loaded)
