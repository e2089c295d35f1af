"""``summitry serve``: run the negotiation server (FastAPI on uvicorn) on a SQLite or PostgreSQL store."""

from __future__ import annotations

import typer

from summitry import __version__
from summitry.cli import app
from summitry.cli._render import console, handles_errors
from summitry.cli._store import safe_url

__all__ = ["serve_command"]

DEFAULT_DB = "sqlite:///./summitry.db"


@app.command("serve")
@handles_errors
def serve_command(
    db: str = typer.Option(
        DEFAULT_DB, "--db", envvar="SUMMITRY_DB", help="Where sessions are stored: sqlite:///PATH or postgresql://..."
    ),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    admin_key: str | None = typer.Option(
        None, "--admin-key", envvar="SUMMITRY_ADMIN_KEY", help="If set, creating a session needs this bearer token."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show the full traceback on errors."),
) -> None:
    """Serve negotiation sessions over HTTP: the JSON API (docs/protocol.md) and the pages."""
    import uvicorn  # deferred: `summitry --help` must not load the server's libraries

    from summitry.server.app import ServerSettings, create_app
    from summitry.store import SessionStore, make_engine

    store = SessionStore(make_engine(db))
    revision = store.upgrade()
    open_sessions = len(store.sessions(status="running", source="server"))
    application = create_app(ServerSettings(database_url=db, admin_key=admin_key), store=store)
    console.print(
        f"summitry {__version__} serving http://{host}:{port} (store {safe_url(db)}, schema {revision}, "
        f"{open_sessions} open session(s) to resume); Ctrl+C stops it",
        markup=False,
    )
    uvicorn.run(application, host=host, port=port, log_level="warning", timeout_graceful_shutdown=3)
