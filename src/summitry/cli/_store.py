"""``--store URL`` of ``negotiate`` and ``mediate``: keep a run's trace in a session store too.

The store is opened (connected and migrated) before the run, so that a bad URL or an
unreachable database stops the command before anything runs; the finished trace is then
stored as a session of source ``cli`` with its hash-chained log, which ``summitry db export
ID --db URL`` turns back into a trace file that ``summitry replay`` accepts.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import typer

from summitry.errors import ScenarioFormatError, StoreError

if TYPE_CHECKING:
    from summitry.model import Scenario
    from summitry.protocols import Trace
    from summitry.store import SessionStore

__all__ = ["STORE_OPTION", "open_run_store", "safe_url", "storable", "store_run"]

STORE_OPTION = typer.Option(
    None,
    "--store",
    metavar="URL",
    help="Also store the trace as a session there (sqlite:///PATH or postgresql://USER@HOST:PORT/DB); "
    "`summitry db export ID --db URL` reads it back.",
)


def open_run_store(url: str) -> SessionStore:
    """Return the store at ``url``, connected and migrated.

    Raises:
        StoreError: the URL is not a SQLite or PostgreSQL URL, or the database cannot be
            opened (the message says why, without a password).
    """
    from sqlalchemy.exc import SQLAlchemyError

    from summitry.store import normalize_url, open_store

    try:
        normalize_url(url)
    except StoreError as exc:
        raise StoreError(f"--store: {exc}") from None
    try:
        return open_store(url)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise StoreError(f"--store {safe_url(url)}: cannot open the store: {reason}") from None


def storable(scenario: Scenario) -> dict[str, Any]:
    """Return the native document under which ``scenario`` is stored with a run.

    Raises:
        ScenarioFormatError: the native format cannot hold the scenario (a custom utility class).
    """
    from summitry.formats import scenario_to_document

    try:
        return scenario_to_document(scenario)
    except ScenarioFormatError as exc:
        raise ScenarioFormatError(f"--store: the scenario cannot be stored with the run: {exc}") from None


def store_run(store: SessionStore, trace: Trace, document: Mapping[str, Any]) -> str:
    """Store a finished run's trace (run on the scenario ``document``) as a new session; return its id."""
    session_id = "run-" + secrets.token_urlsafe(9)
    store.save_trace(trace, document, session_id=session_id)
    return session_id


def safe_url(url: str) -> str:
    """Return ``url`` without a password."""
    head, sep, tail = url.partition("://")
    if "@" in tail:
        credentials, _, rest = tail.rpartition("@")
        user = credentials.split(":", 1)[0]
        return f"{head}{sep}{user}@{rest}"
    return url
