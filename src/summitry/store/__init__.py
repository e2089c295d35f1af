"""Persistence of sessions and their hash-chained event logs (SQLAlchemy 2; SQLite or PostgreSQL).

Usable without the server: :func:`open_store` gives a :class:`SessionStore` on a database
URL (migrated to the latest schema), :func:`upgrade` runs the Alembic migrations, and
:meth:`SessionStore.save_trace` stores a finished CLI run, and :func:`trace_lines` exports a stored
session as a trace file that ``summitry replay`` accepts.
"""

from __future__ import annotations

from .chain import GENESIS, chain_hash, chained_form, verify_chain
from .engine import make_engine, normalize_url, upgrade
from .export import trace_lines
from .repository import LogEntry, SessionRecord, SessionStore, open_store

__all__ = [
    "GENESIS",
    "LogEntry",
    "SessionRecord",
    "SessionStore",
    "chain_hash",
    "chained_form",
    "make_engine",
    "normalize_url",
    "open_store",
    "trace_lines",
    "upgrade",
    "verify_chain",
]
