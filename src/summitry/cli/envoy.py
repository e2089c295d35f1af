"""``summitry envoy``: play one party of a server session with a built-in agent, from the shell."""

from __future__ import annotations

from typing import Any

import typer

from summitry.cli import app
from summitry.cli._render import console, handles_errors, print_json

__all__ = ["envoy_command"]


@app.command("envoy")
@handles_errors
def envoy_command(
    url: str = typer.Argument(..., metavar="URL", help="The server, e.g. http://127.0.0.1:8000"),
    session: str = typer.Option(..., "--session", help="The session's id."),
    token: str = typer.Option(..., "--token", envvar="SUMMITRY_TOKEN", help="This party's token."),
    agent: str = typer.Option("boulware", "--agent", help="The agent, with parameters: boulware:exponent=0.2"),
    pace: float = typer.Option(0.0, "--pace", min=0.0, help="Seconds to wait before each action."),
    give_up: float = typer.Option(120.0, "--give-up", min=1.0, help="Seconds without an answer before giving up."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object (the result) instead of the events."),
    debug: bool = typer.Option(False, "--debug", help="Show the full traceback on errors."),
) -> None:
    """Join a session as an envoy: play it to the end with AGENT, reconnecting if the server restarts."""
    from summitry.agents import negotiator_from_text
    from summitry.client import Envoy

    negotiator = negotiator_from_text(agent)

    def show(event: Any) -> None:
        console.print(_line(event), markup=False)

    envoy = Envoy(url, session, token, negotiator, pace=pace, give_up=give_up, on_event=None if as_json else show)
    try:
        result = envoy.run()
    finally:
        envoy.close()
    if as_json:
        print_json(result.as_dict())
        return
    agreement = result.agreement
    deal = "no agreement" if agreement is None else ", ".join(f"{k}={v}" for k, v in agreement.items())
    console.print(
        f"{result.party} ({agent}): {result.reason} after {result.rounds} round(s), {result.actions} action(s): {deal}",
        markup=False,
    )
    console.print(f"{result.party}'s utility {result.utility:.3f}", markup=False)


def _line(event: Any) -> str:
    index, kind, party = event.get("index"), event.get("kind"), event.get("party")
    who = f" by {party}" if party else ""
    outcome = event.get("outcome")
    data = event.get("data") or {}
    if kind == "letter":
        text = data.get("text")
        body = f": {text}" if text is not None else ""
        return f"#{index} letter from {party} to {', '.join(data.get('to', []))}{body}"
    detail = "" if not outcome else ": " + ", ".join(f"{k}={v}" for k, v in outcome.items())
    if kind in ("vote", "approve"):
        detail += f" ({'yes' if data.get('accept') else 'no'})"
    return f"#{index} {kind}{who}{detail}"
