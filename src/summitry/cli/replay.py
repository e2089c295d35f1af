"""``summitry replay``: check a stored trace (its hash chain, then the engine) and show it again."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from summitry.cli import app
from summitry.cli._render import console, handles_errors, print_json
from summitry.errors import TraceError

__all__ = ["replay_command"]


@app.command("replay")
@handles_errors
def replay_command(
    trace_file: Annotated[Path, typer.Argument(metavar="FILE.jsonl", help="A trace written by --trace.")],
    scenario: str | None = typer.Option(
        None,
        "--scenario",
        help="The scenario (file, folder or shipped name); default: the one embedded in the trace, "
        "else the recorded path, else the recorded name.",
    ),
    again: bool = typer.Option(
        False,
        "--rerun",
        help="Also rebuild the recorded agents (with their parameters and seed) and check "
        "that they make exactly the recorded actions.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of the events."),
    debug: bool = typer.Option(False, "--debug", help="Show the full traceback on errors."),
) -> None:
    """Check FILE.jsonl (digests, then a replay against its scenario) and show it as `negotiate` did."""
    from summitry.agents import negotiator_from_text  # here, not above: `replay --help` stays quick
    from summitry.cli.negotiate import result_payload, show_event, show_result
    from summitry.formats.trace_files import read_trace_file, trace_scenario
    from summitry.protocols import replay, rerun

    record = read_trace_file(trace_file)
    trace = record.trace
    if trace.result is None:
        raise TraceError(f"{trace_file}: the trace has no result line (an unfinished negotiation)")
    loaded = trace_scenario(record, scenario, trace_name=str(trace_file))
    try:
        replay(trace, loaded)
        if again:
            rerun(trace, loaded, [negotiator_from_text(agent) for agent in trace.header.agents])
    except TraceError as exc:
        raise TraceError(f"{trace_file}: {exc}") from None
    payload = result_payload(trace, loaded)
    if as_json:
        print_json(payload)
        return
    header = trace.header
    checked = "replayed" + (" and rerun" if again else "")
    chain = "" if record.chained else "; no digests: an old trace whose edits cannot be detected"
    console.print(
        f"{header.scenario}: {header.protocol} between "
        + ", ".join(f"{p} ({a})" for p, a in zip(header.parties, header.agents, strict=True))
        + f", seed {header.seed} ({checked}: {len(trace.events)} events check out{chain})",
        markup=False,
    )
    rounds = header.settings.get("rounds")
    for event in trace.events:
        show_event(event, loaded, rounds=rounds if isinstance(rounds, int) else None)
    show_result(payload, loaded)
