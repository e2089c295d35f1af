"""``summitry session``: create a session on a running server, and export a session's trace, over HTTP.

Both are clients of the JSON API (docs/protocol.md): ``create`` posts ``/api/sessions`` and
prints the id, the tokens and the links (and, for each envoy party, the ``summitry envoy``
command that joins it); ``export`` fetches ``/api/sessions/{id}/trace``, a trace file that
``summitry replay`` accepts.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from summitry.cli import app
from summitry.cli._render import console, fail, handles_errors, print_json
from summitry.errors import ServerRequestError

if TYPE_CHECKING:
    import httpx

__all__ = ["create_command", "export_command", "parse_party", "session_app"]

session_app = typer.Typer(
    help="Create a session on a running server (`summitry serve`), or export a session's trace.",
    no_args_is_help=True,
)
app.add_typer(session_app, name="session")

_KINDS = ("human", "agent", "envoy")


def parse_party(text: str) -> tuple[str, dict[str, str]]:
    """Return ``(name, spec)`` of ``--party NAME=human|envoy|agent[:AGENT[:PARAMS]]``.

    Raises:
        typer.Exit: the text is not of that form (after printing the error line).
    """
    name, sep, kind_text = text.partition("=")
    name, kind_text = name.strip(), kind_text.strip()
    kind, _, agent = kind_text.partition(":")
    if not sep or not name or kind not in _KINDS:
        raise fail(
            f"--party {text!r}: expected NAME=human, NAME=envoy or NAME=agent:AGENT "
            "(e.g. usa=agent:boulware:exponent=0.2)"
        )
    if kind != "agent":
        if agent:
            raise fail(f"--party {text!r}: only an agent takes a name after a colon ({kind} does not)")
        return name, {"kind": kind}
    return name, {"kind": "agent", "agent": agent.strip() or "boulware"}


def _scenario(ref: str) -> Any:
    """Return the ``scenario`` field: a shipped name as it is, a file or folder as its native document."""
    path = Path(ref).expanduser()
    if not path.exists():
        if "/" in ref or path.suffix.lower() in (".yaml", ".yml", ".json", ".xml"):
            raise fail(f"--scenario: no such file or folder: {ref}")
        return ref  # a shipped name; the server says which ones it has if it is not one
    from summitry.formats import load_scenario, scenario_to_document

    return scenario_to_document(load_scenario(str(path)))


@session_app.command("create")
@handles_errors
def create_command(
    server: Annotated[str, typer.Argument(metavar="SERVER_URL", help="The server, e.g. http://127.0.0.1:8000")],
    scenario: str = typer.Option(
        ..., "--scenario", help="A shipped name (hanoi-deal), or a scenario file or folder (sent as a native document)."
    ),
    party: Annotated[
        list[str],
        typer.Option(
            "--party",
            metavar="NAME=KIND",
            help="One per party: NAME=human, NAME=envoy, or NAME=agent:AGENT (e.g. usa=agent:boulware:exponent=0.2).",
        ),
    ] = [],  # noqa: B006  # reason: typer reads a list option's default from here; it is never mutated
    protocol: str | None = typer.Option(
        None, "--protocol", help="sao or mediation (default: the scenario's).", show_default=False
    ),
    amendments: bool = typer.Option(False, "--amendments", help="Mediation: the parties propose edits to the draft."),
    rounds: int | None = typer.Option(None, "--rounds", min=1, help="Deadline in rounds (default: the scenario's)."),
    seconds: float | None = typer.Option(
        None, "--seconds", min=0.0, help="Deadline in seconds, kept by the server's clock."
    ),
    reveal: str = typer.Option(
        "never", "--reveal", help="never, or after_end: show every party's preferences once over."
    ),
    seed: int | None = typer.Option(None, "--seed", min=0, help="Seed of the mediator and the server's agents."),
    admin_key: str | None = typer.Option(
        None, "--admin-key", envvar="SUMMITRY_ADMIN_KEY", help="The server's admin key, if it was started with one."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the server's answer (one JSON object)."),
    debug: bool = typer.Option(False, "--debug", help="Show the full traceback on errors."),
) -> None:
    """Create a session on SERVER_URL; print its id, the admin, observer and party tokens, and the links."""
    if not party:
        raise fail("--party: give one per party of the scenario, e.g. --party dprk=envoy")
    parties: dict[str, dict[str, str]] = {}
    for text in party:
        name, spec = parse_party(text)
        if name in parties:
            raise fail(f"--party: {name!r} is given twice")
        parties[name] = spec
    if protocol is not None and protocol not in ("sao", "mediation"):
        raise fail(f"--protocol: expected sao or mediation, got {protocol!r}")
    if reveal not in ("never", "after_end"):
        raise fail(f"--reveal: expected never or after_end, got {reveal!r}")
    body: dict[str, Any] = {"scenario": _scenario(scenario), "parties": parties, "reveal": reveal}
    optional = {"protocol": protocol, "rounds": rounds, "seconds": seconds, "seed": seed}
    body.update({key: value for key, value in optional.items() if value is not None})
    if amendments:
        body["amendments"] = True
    base = server.rstrip("/")
    headers = {"Authorization": f"Bearer {admin_key}"} if admin_key else {}
    answer = _call("POST", f"{base}/api/sessions", json=body, headers=headers)
    created = answer.json()
    if as_json:
        print_json(created)
        return
    _show(base, created, parties)


@session_app.command("export")
@handles_errors
def export_command(
    server: Annotated[str, typer.Argument(metavar="SERVER_URL", help="The server, e.g. http://127.0.0.1:8000")],
    session: Annotated[str, typer.Argument(metavar="ID", help="The session's id.")],
    token: str = typer.Option(
        ...,
        "--token",
        envvar="SUMMITRY_TOKEN",
        help="The session's admin token (any token once a revealed session is over).",
    ),
    out: Annotated[Path | None, typer.Option("--out", "-o", metavar="FILE.jsonl", help="Write here.")] = None,
    debug: bool = typer.Option(False, "--debug", help="Show the full traceback on errors."),
) -> None:
    """Print (or write) a session's trace as JSON Lines, its scenario embedded: `summitry replay` accepts it."""
    from summitry.cli._paths import check_output_file

    if out is not None:
        check_output_file(out, "--out")
    url = f"{server.rstrip('/')}/api/sessions/{session}/trace"
    text = _call("GET", url, headers={"Authorization": f"Bearer {token}"}).text
    if out is None:
        typer.echo(text, nl=False)
        return
    from summitry.formats.atomic import write_text
    from summitry.formats.trace_files import event_count

    write_text(out, text)
    console.print(f"wrote {out}: {event_count(text.splitlines())} events of session {session}", markup=False)


def _call(method: str, url: str, **options: Any) -> httpx.Response:
    """Return the server's answer, or raise one clear error for a refusal or an unreachable server."""
    import httpx  # deferred: `import summitry.cli` must not load httpx

    try:
        response = httpx.request(method, url, timeout=httpx.Timeout(60.0, connect=10.0), **options)
    except httpx.HTTPError as exc:
        raise ServerRequestError(f"{method} {url}: cannot reach the server ({type(exc).__name__}: {exc})") from None
    if response.status_code >= 400:
        try:
            message = response.json().get("error", response.text)
        except ValueError:
            message = response.text[:200]
        raise ServerRequestError(f"{method} {url}: {response.status_code} {' '.join(str(message).split())}")
    return response


def _show(base: str, created: dict[str, Any], parties: dict[str, dict[str, str]]) -> None:
    session_id = created["id"]
    links = created.get("links", {})
    party_links = links.get("parties", {})
    rows = [
        ("admin", created["admin_token"], links.get("admin")),
        ("observer", created["observer_token"], links.get("observer")),
    ]
    for name, token in created["party_tokens"].items():
        spec = parties.get(name, {})
        rows.append((f"{name} ({spec.get('agent') or spec.get('kind', 'party')})", token, party_links.get(name)))
    width = max(len(label) for label, _, _ in rows)
    console.print(f"session {session_id} on {base}", markup=False)
    for label, token, link in rows:
        console.print(f"  {label:<{width}}  {token}", markup=False)
        if link:
            console.print(f"  {'':<{width}}  {base}{link}", markup=False)
    for name, spec in parties.items():
        if spec["kind"] == "envoy":
            console.print(
                f"join as {name}: summitry envoy {base} --session {session_id} "
                f"--token {created['party_tokens'][name]} --agent boulware",
                markup=False,
            )
