"""``summitry negotiate``: run stacked alternating offers between built-in agents and show it live."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from summitry.cli import app
from summitry.cli._paths import check_output_file
from summitry.cli._profiles import PROFILES_OPTION, profile_list
from summitry.cli._render import console, fail, handles_errors, print_json
from summitry.cli._store import STORE_OPTION, open_run_store, safe_url, storable, store_run
from summitry.errors import MechanismSetupError
from summitry.formats import load_scenario

if TYPE_CHECKING:  # the agents, protocols and model (numpy) are imported when a run starts: --help stays quick
    from summitry.model import Outcome, Scenario
    from summitry.protocols import Event, Trace

__all__ = ["RunOutputs", "negotiate_command", "result_payload", "run_and_show", "show_event", "show_result"]

DEFAULT_AGENT = "boulware"
FIGURE_SUFFIXES = (".png", ".svg", ".pdf")  # what a --plot file can be (plots write the suffix's format)


@dataclass(frozen=True, slots=True, kw_only=True)
class RunOutputs:
    """Where a run goes besides the screen: a trace file (with the scenario embedded?), a plot, JSON, a store."""

    trace_file: Path | None = None
    plot: Path | None = None
    as_json: bool = False
    embed: bool = False
    store: str | None = None


@app.command("negotiate")
@handles_errors
def negotiate_command(
    scenario: str = typer.Argument(
        ..., metavar="SCENARIO", help="A native .yaml/.json file, a GENIUS or GeniusWeb folder, or a shipped name."
    ),
    agents: str = typer.Option(
        DEFAULT_AGENT,
        "--agents",
        help=(
            "Comma-separated agents, one per party in the scenario's order (one: all parties); "
            "parameters after colons: boulware:exponent=0.1"
        ),
    ),
    rounds: int | None = typer.Option(None, "--rounds", min=1, help="Deadline in rounds (default: the scenario's)."),
    seconds: float | None = typer.Option(None, "--seconds", min=0.0, help="Deadline in wall-clock seconds."),
    seed: int = typer.Option(0, "--seed", help="Seed of the run (same seed, same trace)."),
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
    """Negotiate SCENARIO by stacked alternating offers; show each offer, the result and its distances."""
    run_and_show(
        scenario, agents, protocol="sao", settings={"rounds": rounds, "seconds": seconds}, seed=seed,
        outputs=RunOutputs(trace_file=trace_file, plot=plot, as_json=as_json, embed=trace_embed, store=store),
        profiles=profile_list(profiles),
    )  # fmt: skip


def run_and_show(
    scenario_ref: str,
    agents: str,
    *,
    protocol: str,
    settings: dict[str, Any],
    seed: int,
    outputs: RunOutputs,
    profiles: list[str] | None = None,
) -> Trace:
    """Return the trace of one run, after showing it (live lines or JSON) and writing the outputs.

    The trace file records where the scenario came from (``scenario_ref``) and its content
    digest; with ``outputs.embed`` it holds the scenario itself. With ``outputs.store`` the
    trace is also stored as a session there (the store is opened before the run).
    """
    from summitry.agents import negotiator_from_text
    from summitry.protocols import make_mechanism, run
    from summitry.protocols.state import deadline_for

    trace_file, plot, as_json, embed = outputs.trace_file, outputs.plot, outputs.as_json, outputs.embed
    if seed < 0:
        raise MechanismSetupError(f"--seed: expected an integer >= 0, got {seed}")
    if embed and (trace_file is None or trace_file.suffix.lower() == ".csv"):
        raise fail(
            "--trace-embed: expected a JSON Lines trace with --trace FILE.jsonl, got "
            + ("no --trace" if trace_file is None else f"the CSV file {trace_file}")
        )
    if trace_file is not None:
        check_output_file(trace_file, "--trace")
    if plot is not None:
        check_output_file(plot, "--plot", suffixes=FIGURE_SUFFIXES)
    scenario = load_scenario(scenario_ref, profiles=profiles)
    labels = _labels(agents, scenario, protocol)
    negotiators = [negotiator_from_text(label) for label in labels]
    rounds, seconds = deadline_for(scenario, settings.get("rounds"), settings.get("seconds"))
    settings = {**settings, "rounds": rounds, "seconds": seconds}
    mechanism = make_mechanism(protocol, scenario, settings=settings)
    document = None if outputs.store is None else storable(scenario)
    store = None if outputs.store is None else open_run_store(outputs.store)
    if not as_json:
        console.print(
            f"{scenario.name}: {protocol} between "
            + ", ".join(f"{p} ({n.name})" for p, n in zip(scenario.party_names, negotiators, strict=True)),
            markup=False,
        )
    try:
        on_event = None if as_json else (lambda event: show_event(event, scenario, rounds=rounds))
        # nothing keeps the events without a trace file, a figure or a store: let the run keep none (flat memory)
        keep = trace_file is not None or plot is not None or store is not None
        trace = run(mechanism, negotiators, seed=seed, on_event=on_event, agents=labels, keep_events=keep)
        _write_outputs(trace, (scenario, _source(scenario_ref), embed), trace_file, plot)
        stored = None if store is None or document is None else store_run(store, trace, document)
    finally:
        if store is not None:
            store.close()
    payload = result_payload(trace, scenario)
    if stored is not None and outputs.store is not None:
        payload["stored"] = {"session": stored, "store": safe_url(outputs.store)}
    if as_json:
        print_json(payload)
    else:
        show_result(payload, scenario)
        for path in (trace_file, plot):
            if path is not None:
                console.print(f"wrote {path}", markup=False)
        if stored is not None and outputs.store is not None:
            console.print(f"stored session {stored} in {safe_url(outputs.store)}", markup=False)
    return trace


def _labels(agents: str, scenario: Scenario, protocol: str) -> list[str]:
    """Return one agent text per party (as written: a trace records it so that --rerun rebuilds it)."""
    from summitry.agents import REGISTRY

    names = [a.strip() for a in agents.split(",") if a.strip()]
    for name in names:
        spec = REGISTRY.get(name.split(":", 1)[0].strip())
        if spec is not None and protocol not in spec.protocols:
            if spec.protocols == ("mediation",):
                raise MechanismSetupError(
                    f"--agents: {spec.name!r} is a mediation voter: it votes on a mediator's drafts and makes no "
                    "offers; use it with `summitry mediate`"
                )
            raise MechanismSetupError(f"--agents: {spec.name!r} plays {', '.join(spec.protocols)}, not {protocol}")
    parties = scenario.party_names
    if len(names) == 1:
        names = names * len(parties)
    if len(names) != len(parties):
        raise MechanismSetupError(
            f"--agents: expected one agent per party {list(parties)} ({len(parties)}) or a single name, "
            f"got {len(names)}: {','.join(names)}"
        )
    return names


def _source(scenario_ref: str) -> str:
    """Return where a scenario came from, as a trace records it: an absolute path, or the shipped name."""
    path = Path(scenario_ref).expanduser()
    return str(path.resolve()) if path.exists() else scenario_ref


def _write_outputs(
    trace: Trace, origin: tuple[Scenario, str, bool], trace_file: Path | None, plot: Path | None
) -> None:
    scenario, source, embed = origin
    if trace_file is not None:
        from summitry.formats.trace_files import write_trace, write_trace_csv  # its schemas only when writing

        if trace_file.suffix.lower() == ".csv":
            write_trace_csv(trace, trace_file)  # one row per event; replay needs the JSON Lines form
        else:
            write_trace(trace, trace_file, scenario=scenario, source=source, embed=embed)
    if plot is not None:
        from summitry.analysis import analyze
        from summitry.plots.negotiation import plot_negotiation

        plot_negotiation(trace, scenario, analyze(scenario), plot)


def show_event(event: Event, scenario: Scenario, *, rounds: int | None = None) -> None:
    """Print one line for an offer, a proposal, a moved draft, a failure or a deadline (others are quiet).

    Rounds are numbered from 1, as the pages number them (the trace stores them from 0); an
    event after the last round of a ``rounds`` deadline (the deadline itself) is numbered as
    that last round.
    """
    number = event.round + 1 if rounds is None else min(event.round + 1, rounds)
    if event.kind in ("offer", "proposal", "draft", "start") and event.outcome is not None:
        who = event.party or {"proposal": "mediator", "start": "first draft"}.get(event.kind, "draft")
        console.print(
            f"round {number:>3}  {who:<12} {_outcome_text(scenario, event.outcome)}  "
            f"u = {_utilities_text(scenario, event.outcome)}",
            markup=False,
        )
    elif event.kind in ("failure", "late", "deadline", "end"):
        detail = f": {event.data.get('reason')} ({event.data.get('detail')})" if event.kind == "failure" else ""
        console.print(f"round {number:>3}  {event.party or '':<12} {event.kind}{detail}", markup=False)


def show_result(payload: dict[str, Any], scenario: Scenario) -> None:
    """Print the result: the agreement or why there is none, utilities, distances.

    Where a discount applies, each party's undiscounted and discounted utility are both
    shown, and the distances say that they are measured between undiscounted utilities.
    """
    agreement = payload["agreement"]
    rounds = _count(payload["rounds"], "round")
    if agreement is None:
        console.print(f"no agreement ({payload['reason']}) after {rounds}", markup=False)
    else:
        text = ", ".join(f"{k}={v}" for k, v in agreement.items())
        console.print(f"agreement after {rounds}: {text}", markup=False)
    discounted = payload["discounted_utilities"] != payload["utilities"]
    for party, utility, paid, reserved in zip(
        scenario.party_names,
        payload["utilities"],
        payload["discounted_utilities"],
        scenario.reserved_values,
        strict=True,
    ):
        paid_text = f"  discounted {_number(paid)}" if discounted else ""
        console.print(
            f"  {party:<12} utility {_number(utility)}{paid_text}  (reservation {reserved:.3f})", markup=False
        )
    space = f" (between {payload['distance_space']} utilities)" if discounted else ""
    console.print(
        f"distance{space} to the Pareto frontier {_number(payload['pareto_distance'])}, "
        f"to the Nash point {_number(payload['nash_distance'])}",
        markup=False,
    )


def result_payload(trace: Trace, scenario: Scenario) -> dict[str, Any]:
    """Return the JSON summary of a finished trace (plain values only; non-finite numbers as null).

    ``utilities`` are undiscounted, ``discounted_utilities`` what the protocol paid (equal
    without a discount); ``distance_space`` names the space the distances are measured in.
    """
    from summitry.analysis import DISTANCE_SPACE, analyze, result_metrics
    from summitry.model import finite_or_none

    result = trace.result
    assert result is not None  # reason: only finished traces are summarised
    metrics = result_metrics(analyze(scenario), result)
    return {
        "scenario": trace.header.scenario,
        "protocol": trace.header.protocol,
        "agents": list(trace.header.agents),
        "seed": trace.header.seed,
        "agreement": None if result.agreement is None else _outcome_dict(scenario, result.agreement),
        "utilities": [finite_or_none(u) for u in metrics.utilities],
        "discounted_utilities": [finite_or_none(u) for u in metrics.discounted_utilities],
        "reason": result.reason,
        "rounds": result.rounds,
        "distance_space": DISTANCE_SPACE,
        "pareto_distance": finite_or_none(metrics.to_frontier),
        "nash_distance": finite_or_none(metrics.to_points.get("nash")),
    }


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _outcome_dict(scenario: Scenario, outcome: Outcome) -> dict[str, Any]:
    from summitry.model import plain_value

    return {name: plain_value(value) for name, value in zip(scenario.space.issue_names, outcome, strict=True)}


def _outcome_text(scenario: Scenario, outcome: Outcome) -> str:
    return " ".join(f"{k}={v}" for k, v in _outcome_dict(scenario, outcome).items())


def _utilities_text(scenario: Scenario, outcome: Outcome) -> str:
    return "(" + ", ".join(f"{float(p.utility(outcome)):.3f}" for p in scenario.parties) + ")"


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"
