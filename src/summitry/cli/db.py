"""``summitry db``: migrate a store to the latest schema, and export a stored session's trace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from summitry.cli import app
from summitry.cli._render import console, handles_errors

__all__ = ["db_app"]

db_app = typer.Typer(help="Manage the session store (SQLite or PostgreSQL).", no_args_is_help=True)
app.add_typer(db_app, name="db")

_DB_HELP = "The store: sqlite:///PATH or postgresql://USER@HOST:PORT/DB."


@db_app.command("upgrade")
@handles_errors
def upgrade_command(
    db: str = typer.Option("sqlite:///./summitry.db", "--db", envvar="SUMMITRY_DB", help=_DB_HELP),
    debug: bool = typer.Option(False, "--debug", help="Show the full traceback on errors."),
) -> None:
    """Create or migrate the store's tables to the latest schema."""
    from summitry.store import SessionStore, make_engine

    store = SessionStore(make_engine(db))
    try:
        revision = store.upgrade()
        count = len(store.sessions())
    finally:
        store.close()
    console.print(f"{db}: schema at revision {revision}, {count} session(s) stored", markup=False)


@db_app.command("export")
@handles_errors
def export_command(
    session: Annotated[str, typer.Argument(metavar="SESSION", help="The session's id.")],
    db: str = typer.Option("sqlite:///./summitry.db", "--db", envvar="SUMMITRY_DB", help=_DB_HELP),
    out: Annotated[Path | None, typer.Option("--out", "-o", metavar="FILE.jsonl", help="Write here.")] = None,
    debug: bool = typer.Option(False, "--debug", help="Show the full traceback on errors."),
) -> None:
    """Export a stored session as a trace (JSON Lines) that `summitry replay` reads, after checking its hash chain."""
    from summitry.formats.atomic import write_text
    from summitry.formats.trace_files import event_count
    from summitry.store import SessionStore, make_engine, trace_lines

    store = SessionStore(make_engine(db))
    try:
        lines = trace_lines(store, session)
    finally:
        store.close()
    if out is None:
        typer.echo("\n".join(lines))
        return
    write_text(out, "\n".join(lines) + "\n")
    console.print(f"wrote {out}: {event_count(lines)} events of session {session}", markup=False)
