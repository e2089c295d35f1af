"""The CLI's table of contents: every command, the module that defines it, and its one-line help.

``summitry --help`` is printed from this table without importing any command module; a
command's module is imported only when that command runs (or its own ``--help`` is asked
for). Add a line here when adding a command module: the module registers its command on
``summitry.cli.app`` when imported, and the help text must be the first paragraph of the
command's docstring (a test compares them).
"""

from __future__ import annotations

__all__ = ["COMMANDS"]

COMMANDS: dict[str, tuple[str, str]] = {
    "agenda": (
        "summitry.cli.agenda",
        "Show a summit's agenda in local time and GMT, list clashes, and export it as iCalendar.",
    ),
    "convert": (
        "summitry.cli.convert",
        "Convert a scenario between the native, GENIUS XML and GeniusWeb JSON formats.",
    ),
    "analyze": (
        "summitry.cli.analyze",
        "Show the Pareto frontier, Nash, Kalai–Smorodinsky, max-welfare and egalitarian points.",
    ),
    "negotiate": (
        "summitry.cli.negotiate",
        "Negotiate SCENARIO by stacked alternating offers; show each offer, the result and its distances.",
    ),
    "mediate": (
        "summitry.cli.mediate",
        "Mediate SCENARIO with a single negotiating text; show the proposals, the result and its distances.",
    ),
    "replay": (
        "summitry.cli.replay",
        "Check FILE.jsonl (digests, then a replay against its scenario) and show it as `negotiate` did.",
    ),
    "demo": (
        "summitry.cli.demo",
        "Run a whole summit (the Hanoi example by default): agenda, menu, deal, analysis, road-map, report.",
    ),
    "roadmap": (
        "summitry.cli.roadmap",
        "Turn an agreement into phased, verifiable commitments, and track them.",
    ),
    "tournament": (
        "summitry.cli.tournament",
        "Run agents against each other over many scenarios, and score them.",
    ),
    "serve": (
        "summitry.cli.serve",
        "Serve negotiation sessions over HTTP: the JSON API (docs/protocol.md) and the pages.",
    ),
    "session": (
        "summitry.cli.session",
        "Create a session on a running server (`summitry serve`), or export a session's trace.",
    ),
    "envoy": (
        "summitry.cli.envoy",
        "Join a session as an envoy: play it to the end with AGENT, reconnecting if the server restarts.",
    ),
    "db": (
        "summitry.cli.db",
        "Manage the session store (SQLite or PostgreSQL).",
    ),
    "agents": (
        "summitry.cli.agents",
        "List every agent name with its parameters, their defaults and what it does.",
    ),
}
"""Command name -> (module that registers it, one-line help), in the order ``--help`` lists them."""
