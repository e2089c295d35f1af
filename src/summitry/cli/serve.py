"""``summitry serve``: run the negotiation server (FastAPI on uvicorn) on a SQLite or PostgreSQL store.

With ``--workers K`` it starts K worker processes on the same store, worker ``i`` on port
``PORT + i``, each owning a share of the sessions (``summitry.server.shards``), and watches
them: a worker that dies is started again (it resumes its sessions from their logs), and
Ctrl+C or SIGTERM stops them all.
"""

from __future__ import annotations

import dataclasses
import errno
import os
import signal
import socket
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import typer

from summitry import __version__
from summitry.cli import app
from summitry.cli._render import console, fail, handles_errors
from summitry.cli._store import safe_url

if TYPE_CHECKING:
    from summitry.server.shards import Shards
    from summitry.store import SessionStore

__all__ = ["serve_command"]

DEFAULT_DB = "sqlite:///./summitry.db"
RESTART_PAUSE = 1.0
"""Seconds before a worker that died is started again."""
RESTARTS, RESTART_WINDOW = 5, 60.0
"""A worker that dies more than RESTARTS times in RESTART_WINDOW seconds is not started again: all stop."""


@app.command("serve")
@handles_errors
def serve_command(
    db: str = typer.Option(
        DEFAULT_DB, "--db", envvar="SUMMITRY_DB", help="Where sessions are stored: sqlite:///PATH or postgresql://..."
    ),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    workers: int = typer.Option(
        1,
        "--workers",
        min=1,
        max=64,
        help="Worker processes, each owning a share of the sessions, on ports PORT to PORT+K-1 "
        "(any of them answers for every session: it relays to the owner).",
    ),
    admin_key: str | None = typer.Option(
        None, "--admin-key", envvar="SUMMITRY_ADMIN_KEY", help="If set, creating a session needs this bearer token."
    ),
    shard: str | None = typer.Option(None, "--shard", hidden=True, help="INDEX/COUNT/PORT: run as one worker."),
    debug: bool = typer.Option(False, "--debug", help="Show the full traceback on errors."),
) -> None:
    """Serve negotiation sessions over HTTP: the JSON API (docs/protocol.md) and the pages."""
    from summitry.server.shards import Shards
    from summitry.store import SessionStore, make_engine

    if port + workers - 1 > 65535:
        raise fail(f"--port {port} --workers {workers}: the workers' ports would pass 65535")
    shards = None
    if shard is not None:
        try:
            shards = dataclasses.replace(Shards.parse(shard), host=host)
        except ValueError as exc:
            raise fail(f"--shard: {exc}") from None
    if shards is None:  # before anything is printed or started (a worker's port was checked by its supervisor)
        for index in range(workers):
            problem = _cannot_listen(host, port + index)
            if problem is not None:
                where = f"worker {index}: " if workers > 1 else ""
                raise fail(f"{where}cannot listen on {host}:{port + index}: {problem}")
    store = SessionStore(make_engine(db))
    revision = store.upgrade()
    open_sessions = len(store.sessions(status="running", source="server"))
    if workers > 1 and shards is None:
        banner = (
            f"summitry {__version__} serving http://{host}:{port} with {workers} workers on ports {port}-"
            f"{port + workers - 1} (store {safe_url(db)}, schema {revision}, {open_sessions} open session(s) to "
            "resume); Ctrl+C stops it"
        )
        store.engine.dispose()
        _supervise(db, host, port, workers, admin_key, banner)
        return
    banner = (
        f"summitry {__version__} serving http://{host}:{port} (store {safe_url(db)}, schema {revision}, "
        f"{open_sessions} open session(s) to resume); Ctrl+C stops it"
    )
    _serve(store, db, host, port, admin_key, shards, banner)


def _serve(
    store: SessionStore, db: str, host: str, port: int, admin_key: str | None, shards: Shards | None, banner: str
) -> None:
    import uvicorn  # deferred: `summitry --help` must not load the server's libraries

    from summitry.server.app import ServerSettings, create_app

    application = create_app(ServerSettings(database_url=db, admin_key=admin_key, shards=shards), store=store)
    if shards is None:
        console.print(banner, markup=False)
    # No access log: at this level it would never be shown, yet uvicorn builds its arguments for every answer.
    uvicorn.run(application, host=host, port=port, log_level="warning", access_log=False, timeout_graceful_shutdown=3)


def _supervise(db: str, host: str, port: int, workers: int, admin_key: str | None, banner: str) -> None:
    """Run ``workers`` worker processes, start again any that dies, stop them all on Ctrl+C or SIGTERM.

    ``banner`` is printed once every worker answers (not before: a client would find nobody there).
    A worker that exits with uvicorn's start-up failure (its port taken, say) stops them all, as
    one that keeps dying does: starting it again would fail alike.

    Raises:
        typer.Exit: a worker could not start (its port taken, say), or kept dying.
    """
    environment = dict(os.environ)
    if admin_key is not None:  # by the environment, not the command line (which `ps` shows)
        environment["SUMMITRY_ADMIN_KEY"] = admin_key

    def start(index: int) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "summitry", "serve", "--db", db, "--host", host]
        command += ["--port", str(port + index), "--shard", f"{index}/{workers}/{port}"]
        return subprocess.Popen(command, env=environment, preexec_fn=_die_with_parent)

    stopping = False

    def stop(_signal: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    previous = signal.signal(signal.SIGTERM, stop)
    running: list[subprocess.Popen[bytes]] = []
    restarts: list[list[float]] = [[] for _ in range(workers)]
    problem = None
    try:
        running = [start(i) for i in range(workers)]
        for index, process in enumerate(running):  # every worker serving, or none
            if not _serving(process, host, port + index):
                problem = f"worker {index} could not start on port {port + index} (is it in use?)"
                return
        console.print(banner, markup=False)
        while not stopping:
            time.sleep(0.2)
            for index, process in enumerate(running):
                code = process.poll()
                if code is None or stopping:
                    continue
                if code == _STARTUP_FAILURE:  # it never listened: starting it again would fail alike
                    problem = f"worker {index} could not start on port {port + index} (is it in use?)"
                    return
                now = time.monotonic()
                restarts[index] = [t for t in restarts[index] if now - t < RESTART_WINDOW] + [now]
                if len(restarts[index]) > RESTARTS:
                    problem = f"worker {index} (port {port + index}) stopped {RESTARTS + 1} times in a minute"
                    return
                note = f"worker {index} (port {port + index}) stopped ({code}); starting it again"
                console.print(note, markup=False)
                time.sleep(RESTART_PAUSE)
                running[index] = start(index)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        _stop_all(running)
        if problem is not None:
            raise fail(problem)


_STARTUP_FAILURE = 3
"""uvicorn's exit code when a server cannot start (its address in use, say)."""


def _cannot_listen(host: str, port: int) -> str | None:
    """Return why a server could not listen on ``host:port`` now (its address in use, say), or None if it could.

    Bound as uvicorn binds (``SO_REUSEADDR``), and let go at once: a port another server
    listens on is refused before anything is printed or started, with a reason a person can act on.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        return f"unknown address ({exc.strerror})"
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return "the address is in use (another server there?); stop it or choose another --port"
            reason = exc.strerror or str(exc)
            return reason[:1].lower() + reason[1:]
    return None


def _serving(process: subprocess.Popen[bytes], host: str, port: int, wait: float = 60.0) -> bool:
    """Wait until ``process`` answers ``/healthz`` on ``port``; return False if it ends first (or never answers)."""
    import httpx  # deferred: `summitry --help` must not load it

    from summitry.server.shards import reachable_host

    address = reachable_host(host)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:  # the worker's own answer: another program holding the port would not give it
            if httpx.get(f"http://{address}:{port}/healthz", timeout=1.0).status_code == 200:
                return True
        except httpx.HTTPError:
            time.sleep(0.1)
    return False


def _stop_all(running: list[subprocess.Popen[bytes]]) -> None:
    for process in running:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    for process in running:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _die_with_parent() -> None:
    """In a worker, before it starts: ask Linux to end it if ``summitry serve`` dies (even by SIGKILL)."""
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
