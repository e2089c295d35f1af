"""Where a tournament's results live: SQLite in the results folder, or any SQLAlchemy URL (PostgreSQL).

Two tables, named ``tournament_*`` so that they can share a database with other stores:
``tournament_specs`` (one row per tournament: its digest, name, spec and size) and
``tournament_negotiations`` (one row per finished negotiation, keyed by the tournament's
digest and the negotiation's coordinates). Rows are inserted as results arrive, each batch in
one transaction; a key already there is skipped, so a rerun never stores a negotiation twice.
SQLite runs in WAL mode: a killed process loses at most the batch it was writing.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.exc import SQLAlchemyError

from summitry.errors import TournamentStoreError

__all__ = ["RECORD_FIELDS", "ResultStore", "sqlite_url"]

_metadata = MetaData()

_specs = Table(
    "tournament_specs",
    _metadata,
    Column("digest", String(32), primary_key=True),
    Column("name", Text, nullable=False),
    Column("spec", JSON, nullable=False),
    Column("total", Integer, nullable=False),
)

_negotiations = Table(
    "tournament_negotiations",
    _metadata,
    Column("tournament", String(32), primary_key=True),
    Column("key", Text, primary_key=True),
    Column("scenario", Text, nullable=False),
    Column("repetition", Integer, nullable=False),
    Column("seed", BigInteger, nullable=False),
    Column("agents", JSON, nullable=False),
    Column("parties", JSON, nullable=False),
    Column("reason", String(16), nullable=False),
    Column("agreement", JSON),
    Column("rounds", Integer, nullable=False),
    Column("steps", Integer, nullable=False),
    Column("utilities", JSON, nullable=False),
    Column("discounted", JSON, nullable=False),
    Column("reserved", JSON, nullable=False),
    Column("best", JSON, nullable=False),
    Column("worst", JSON, nullable=False),
    Column("discounts", Boolean, nullable=False),
    Column("welfare", Float, nullable=False),
    Column("pareto_distance", Float),
    Column("nash_distance", Float),
    Column("ks_distance", Float),
    Column("failed_party", Text),
    Column("failure", Text),
    Column("elapsed", Float, nullable=False),
)

RECORD_FIELDS = tuple(c.name for c in _negotiations.columns if c.name != "tournament")
"""The fields of a negotiation's record, as the runner makes them and the store returns them."""


def sqlite_url(path: Path) -> str:
    """Return the SQLAlchemy URL of the SQLite file ``path``."""
    return f"sqlite:///{path.resolve()}"


class ResultStore:
    """The results of the tournaments in one database."""

    def __init__(self, url: str) -> None:
        """Open (and create if needed) the tables at ``url``.

        Raises:
            TournamentStoreError: the database cannot be reached or used.
        """
        if url.startswith(("postgresql://", "postgres://")):  # the driver summitry installs
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        self.url = url
        try:
            self._engine: Engine = create_engine(url)
            if self._engine.dialect.name == "sqlite":
                event.listen(self._engine, "connect", _sqlite_pragmas)
            _metadata.create_all(self._engine)
        except (SQLAlchemyError, ImportError) as exc:
            raise TournamentStoreError(f"store {_safe(url)}: cannot open it: {_first_line(exc)}") from None

    def close(self) -> None:
        """Release the connections."""
        self._engine.dispose()

    def register(self, digest: str, name: str, spec: dict[str, Any], total: int) -> None:
        """Record the tournament ``digest`` (once; a second call with the same digest does nothing)."""
        with self._engine.begin() as connection:
            present = connection.execute(select(_specs.c.digest).where(_specs.c.digest == digest)).first()
            if present is None:
                connection.execute(_specs.insert().values(digest=digest, name=name, spec=spec, total=total))

    def spec(self, digest: str) -> tuple[str, dict[str, Any], int] | None:
        """Return the name, spec and size of tournament ``digest``, or None."""
        with self._engine.connect() as connection:
            row = connection.execute(select(_specs).where(_specs.c.digest == digest)).first()
        return None if row is None else (row.name, dict(row.spec), int(row.total))

    def done_keys(self, digest: str) -> set[str]:
        """Return the keys of the negotiations of ``digest`` already stored."""
        with self._engine.connect() as connection:
            rows = connection.execute(select(_negotiations.c.key).where(_negotiations.c.tournament == digest))
            return {row.key for row in rows}

    def count(self, digest: str) -> int:
        """Return how many negotiations of ``digest`` are stored."""
        with self._engine.connect() as connection:
            query = select(func.count()).select_from(_negotiations).where(_negotiations.c.tournament == digest)
            return int(connection.execute(query).scalar_one())

    def add(self, digest: str, records: Iterable[dict[str, Any]]) -> int:
        """Store ``records`` (one transaction); return how many were new."""
        rows = [{"tournament": digest, **{name: record[name] for name in RECORD_FIELDS}} for record in records]
        if not rows:
            return 0
        dialect = self._engine.dialect.name
        with self._engine.begin() as connection:
            if dialect in ("sqlite", "postgresql"):  # concurrent runs on one store: the database skips duplicates
                insert = importlib.import_module(f"sqlalchemy.dialects.{dialect}").insert
                statement = (
                    insert(_negotiations)
                    .on_conflict_do_nothing(index_elements=["tournament", "key"])
                    .returning(_negotiations.c.key)
                )
                return len(connection.execute(statement, rows).all())
            existing = {
                row.key
                for row in connection.execute(
                    select(_negotiations.c.key).where(
                        _negotiations.c.tournament == digest, _negotiations.c.key.in_([r["key"] for r in rows])
                    )
                )
            }
            fresh = [row for row in rows if row["key"] not in existing]
            if fresh:
                connection.execute(_negotiations.insert(), fresh)
        return len(fresh)

    def records(self, digest: str) -> Iterator[dict[str, Any]]:
        """Yield the stored records of ``digest`` in key order."""
        query = select(_negotiations).where(_negotiations.c.tournament == digest).order_by(_negotiations.c.key)
        with self._engine.connect() as connection:
            for row in connection.execute(query).mappings():
                yield {name: row[name] for name in RECORD_FIELDS}

    def drop(self, digest: str) -> None:
        """Delete tournament ``digest`` and its results."""
        with self._engine.begin() as connection:
            connection.execute(_negotiations.delete().where(_negotiations.c.tournament == digest))
            connection.execute(_specs.delete().where(_specs.c.digest == digest))


def _sqlite_pragmas(connection: Any, record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _safe(url: str) -> str:
    head, at, tail = url.rpartition("@")
    if not at:
        return url
    scheme, _, credentials = head.partition("://")
    return f"{scheme}://{credentials.split(':')[0]}:***@{tail}" if ":" in credentials else url


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
