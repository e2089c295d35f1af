"""Database engines for the store: SQLite (WAL) by default, PostgreSQL through psycopg; migrations.

``make_engine("sqlite:///./summitry.db")`` turns on write-ahead logging, full fsync on
commit and foreign keys; ``postgresql://`` URLs use the psycopg (3) driver. :func:`upgrade`
brings a database to the latest schema with the Alembic migrations shipped in the package.
"""

from __future__ import annotations

import os
import threading
from importlib import resources
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect

from summitry.errors import StoreError

try:
    import fcntl

    _can_flock = True
except ImportError:  # not on POSIX: threads of one process only
    _can_flock = False

__all__ = ["DEFAULT_URL", "WriteLock", "is_sqlite", "make_engine", "normalize_url", "upgrade"]

_MIGRATING = threading.Lock()

DEFAULT_URL = "sqlite:///./summitry.db"
"""Where the server keeps its sessions unless told otherwise."""


def normalize_url(url: str) -> str:
    """Return ``url`` with the driver summitry uses (``postgresql://`` → ``postgresql+psycopg://``).

    Raises:
        StoreError: the URL is neither SQLite nor PostgreSQL.
    """
    text = str(url).strip()
    for prefix in ("postgresql://", "postgres://"):
        if text.startswith(prefix):
            return "postgresql+psycopg://" + text[len(prefix) :]
    if text.startswith(("postgresql+psycopg://", "sqlite://", "sqlite+pysqlite://")):
        return text
    raise StoreError(f"database URL: expected sqlite:///PATH or postgresql://USER@HOST:PORT/DB, got {text!r}")


def is_sqlite(engine: Engine) -> bool:
    """Return whether ``engine`` talks to SQLite."""
    return engine.dialect.name == "sqlite"


def make_engine(url: str = DEFAULT_URL) -> Engine:
    """Return an engine for ``url`` (SQLite in WAL mode, or PostgreSQL with a connection pool).

    Raises:
        StoreError: the URL is neither SQLite nor PostgreSQL.
    """
    normalized = normalize_url(url)
    if normalized.startswith("sqlite"):
        engine = create_engine(
            normalized, connect_args={"check_same_thread": False, "timeout": 30.0}, pool_size=8, max_overflow=16
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(normalized, pool_size=10, max_overflow=30, pool_pre_ping=True)


BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite statement waits for another connection's write (SQLite's busy handler), in ms."""


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def upgrade(engine: Engine) -> str:
    """Bring the database to the latest schema with the shipped Alembic migrations; return its revision."""
    from alembic import command  # deferred: only the commands that touch a database need Alembic
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext

    location = resources.files("summitry.store").joinpath("migrations")
    config = Config()
    config.set_main_option("script_location", str(location))
    with _MIGRATING, engine.begin() as connection:  # Alembic's context is process-global: one at a time
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with engine.connect() as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
    return str(revision)


def table_names(engine: Engine) -> list[str]:
    """Return the tables the database holds (sorted)."""
    return sorted(inspect(engine).get_table_names())


class WriteLock:
    """One writer at a time on a SQLite database: among this process's threads and, for a file, among processes.

    SQLite lets one connection write at a time; a second waits in SQLite's busy handler,
    which sleeps and retries (up to 100 ms a sleep), so processes writing the same file
    (``summitry serve --workers``) stalled one another for hundreds of milliseconds. Writers
    queue here instead: a thread lock, then ``flock`` on ``PATH-summitry.lock`` beside the
    database (released by the kernel if the process dies), which wakes the next writer as
    soon as the lock is free.
    """

    def __init__(self, engine: Engine) -> None:
        self._thread_lock = threading.Lock()
        self._file: int | None = None
        database = engine.url.database
        if database and database != ":memory:" and not database.startswith("file:") and _can_flock:
            self._path: str | None = f"{database}-summitry.lock"
        else:
            self._path = None

    def __enter__(self) -> None:
        self._thread_lock.acquire()
        self._lock_file(fcntl.LOCK_EX)

    def try_acquire(self) -> bool:
        """Take the lock if no other thread or process holds it; return whether it was taken (never waits).

        A caller that got True releases it with ``__exit__``.
        """
        if not self._thread_lock.acquire(blocking=False):
            return False
        try:
            self._lock_file(fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # another process writes; _lock_file gave the thread lock back
            return False
        return True

    def _lock_file(self, operation: int) -> None:
        """``flock`` the lock file (if any) with ``operation``, the thread lock held; on failure, release it too."""
        if self._path is None:
            return
        try:
            if self._file is None:
                self._file = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._file, operation)
        except BaseException:
            self._thread_lock.release()
            raise

    def __exit__(self, *_exc: object) -> None:
        try:
            if self._path is not None and self._file is not None:
                fcntl.flock(self._file, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()
