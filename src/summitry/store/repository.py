"""SessionStore: sessions, their hash-chained logs, tokens, idempotency keys and comments.

Every write that changes a session (new log entries, its status, the answer to an action's
Idempotency-Key) happens in ONE transaction, so a log entry is never stored without the
state it led to, nor the state without its entries. On SQLite, writes from the threads of
one process are serialised by a lock (SQLite allows one writer at a time); PostgreSQL takes
them concurrently.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import sqlite3
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.orm import Session

from summitry.errors import StoreError, UnknownSessionError
from summitry.protocols.events import Event, EventKind, Result, Trace, TraceHeader
from summitry.protocols.state import Status

from .chain import GENESIS, chain_hash, verify_chain
from .engine import BUSY_TIMEOUT_MS, WriteLock, is_sqlite, make_engine, upgrade
from .group_commit import GroupCommit, Pending
from .schema import ActionKeyRow, CommentRow, EntryRow, SessionRow, TokenRow

__all__ = ["ActionKey", "Comment", "LogEntry", "SessionRecord", "SessionStore", "TokenInfo", "open_store"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionRecord:
    """How a session was set up and where it is (one row of ``sessions``)."""

    id: str
    source: str
    created_at: float
    scenario_name: str
    scenario: Mapping[str, Any]
    protocol: str
    settings: Mapping[str, Any]
    seed: int | None
    parties: Mapping[str, Mapping[str, Any]]
    reveal: str = "never"
    status: str = "running"
    result: Mapping[str, Any] | None = None
    length: int = 0
    head: str = GENESIS

    @property
    def agents(self) -> tuple[str, ...]:
        """Return who played each party, for a trace header: the agent, or "human"/"envoy"."""
        return tuple(str(spec.get("agent") or spec.get("kind")) for spec in self.parties.values())


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One entry of a session's log: its position, its record (what the hash covers) and hash."""

    position: int
    record: Mapping[str, Any]
    hash: str

    @property
    def kind(self) -> str:
        """Return the entry's kind (an event kind, or "letter")."""
        return str(self.record["kind"])


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenInfo:
    """What a capability token grants (looked up by its hash)."""

    session_id: str
    role: str
    party: str | None
    revoked: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionKey:
    """The first answer given to an action carrying an Idempotency-Key.

    ``body`` is the answer's JSON exactly as it was sent: one bytes object, so that the
    answers a server keeps for its open sessions cost the garbage collector nothing to walk
    (as nested dicts they were most of the objects of a busy server).

    .. versionchanged:: 0.1 ``body`` (the JSON bytes) replaces ``response`` (a mapping).
    """

    party: str
    key: str
    request_hash: str
    status: int
    body: bytes = b"{}"


@dataclass(frozen=True, slots=True)
class _Append:
    """One session's change waiting in the group commit: new entries, status, result, action answer."""

    session_id: str
    entries: tuple[LogEntry, ...]
    status: str
    result: Mapping[str, Any] | None
    key: ActionKey | None


_AT_ONCE = 1000
"""Rows per multi-row statement (:meth:`_AppendSql.at_once`): 7,000 parameters at most."""


@dataclass(frozen=True, slots=True, kw_only=True)
class _AppendSql:
    """The statements of an append, in the driver's own parameter style (see ``_write_appends``)."""

    advance: str
    advance_with_result: str
    status: str
    status_with_result: str
    insert_entry: str
    insert_key: str
    rows_at_once: bool = False
    """PostgreSQL: each kind of row of a group in one statement (:meth:`at_once`), not one per row."""

    @classmethod
    def for_paramstyle(cls, paramstyle: str) -> _AppendSql:
        mark = "?" if paramstyle == "qmark" else "%s"  # sqlite3: qmark; psycopg: format/pyformat

        def marks(n: int) -> str:
            return ", ".join([mark] * n)

        state = f"UPDATE sessions SET status = {mark}, updated_at = {mark}"
        log = f"length = {mark}, head = {mark}"
        return cls(
            advance=f"{state}, {log} WHERE id = {mark} AND length = {mark}",
            advance_with_result=f"{state}, {log}, result = {mark} WHERE id = {mark} AND length = {mark}",
            status=f"{state} WHERE id = {mark}",
            status_with_result=f"{state}, result = {mark} WHERE id = {mark}",
            insert_entry=f"INSERT INTO entries (session_id, position, kind, record, hash) VALUES ({marks(5)})",
            insert_key=(
                'INSERT INTO action_keys (session_id, party, "key", request_hash, status, response, created_at) '
                f"VALUES ({marks(7)})"
            ),
            rows_at_once=paramstyle != "qmark",
        )

    def at_once(self, statement: str, rows: Sequence[tuple[Any, ...]]) -> tuple[str, tuple[Any, ...]]:
        """Return ``statement`` for all of ``rows`` as one statement (PostgreSQL), and its parameters.

        psycopg's ``executemany`` sends each row as a statement of its own, each of which
        costs the server (and the driver, in Python) about as much as the row's own work: one
        multi-row ``INSERT``, or one ``UPDATE ... FROM (VALUES ...)``, costs less. An advance
        keeps its condition (the stored log is as long as the change expects), so the rows
        it updates still say which changes continue their logs. Two changes of one session in
        one group would match one row once; the count then falls short and the group is
        written again change by change (:mod:`.group_commit`), as for any change refused.

        The text has PostgreSQL's own placeholders (``$1``, ``$2``, ...), for a
        :class:`psycopg.RawCursor`: psycopg would otherwise scan each such long text for its
        ``%s`` marks again at every execution (it keeps only short texts converted). An
        ``INSERT`` skips a row already stored rather than failing the statement: the group's
        statements are sent together (a pipeline), and the rows each one wrote are counted
        against the rows it was given once they are all answered.
        """
        flat = tuple(value for row in rows for value in row)
        if statement in (self.insert_entry, self.insert_key):
            head, _, values = statement.partition(" VALUES ")
            return f"{head} VALUES {_numbered(values, len(rows))} ON CONFLICT DO NOTHING", flat
        return _multi_row_advance(statement == self.advance, len(rows)), flat


@functools.lru_cache(maxsize=512)
def _numbered(row: str, count: int) -> str:
    """Return ``count`` copies of ``row`` (a ``VALUES`` row with ``%s`` marks), joined, marks numbered ``$1``..."""
    pieces = row.split("%s")
    width = len(pieces) - 1
    rows = []
    for r in range(count):
        marks = [f"${r * width + k + 1}" for k in range(width)] + [""]
        rows.append("".join(piece + mark for piece, mark in zip(pieces, marks, strict=True)))
    return ", ".join(rows)


@functools.lru_cache(maxsize=512)
def _multi_row_advance(keep_result: bool, count: int) -> str:
    """Return the ``UPDATE ... FROM (VALUES ...)`` of ``count`` advances (see :meth:`_AppendSql.at_once`)."""
    if keep_result:
        row, result, columns = "(%s, %s::float8, %s::integer, %s, %s, %s::integer)", "s.result", ""
    else:
        row, result, columns = "(%s, %s::float8, %s::integer, %s, %s::text, %s, %s::integer)", "v.result", "result, "
    return (
        "UPDATE sessions AS s SET status = v.status, updated_at = v.updated_at, length = v.length, "
        f"head = v.head, result = {result} FROM (VALUES {_numbered(row, count)}) "
        f"AS v(status, updated_at, length, head, {columns}id, first) WHERE s.id = v.id AND s.length = v.first"
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Comment:
    """A reply under a debrief, as it may be shown: no email."""

    id: int
    name: str
    text: str
    created_at: float


def open_store(url: str) -> SessionStore:
    """Return a store on ``url``, migrated to the latest schema."""
    store = SessionStore(make_engine(url))
    store.upgrade()
    return store


class SessionStore:
    """Sessions and their logs in a SQL database (see the module docstring)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._write_lock = WriteLock(engine) if is_sqlite(engine) else None
        # On SQLite an event loop writes its own changes (see group_commit: "On the loop").
        self._appends: GroupCommit[_Append] = GroupCommit(
            self._write_appends, on_loop=is_sqlite(engine), lock=self._write_lock, busy=_database_busy
        )
        self._sql = _AppendSql.for_paramstyle(engine.dialect.paramstyle)

    def upgrade(self) -> str:
        """Migrate the database to the latest schema; return the revision."""
        return upgrade(self.engine)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        if self._write_lock is None:
            with Session(self.engine) as session, session.begin():
                yield session
            return
        with self._write_lock, Session(self.engine) as session, session.begin():
            yield session

    # -- sessions ---------------------------------------------------------------------------

    def create_session(
        self, record: SessionRecord, tokens: Sequence[tuple[str, str, str | None]], entries: Sequence[LogEntry]
    ) -> None:
        """Store a new session with its tokens ``(hash, role, party)`` and first log entries."""
        now = time.time()
        with self._writing() as session:
            session.add(
                SessionRow(
                    id=record.id,
                    source=record.source,
                    created_at=record.created_at,
                    updated_at=now,
                    scenario_name=record.scenario_name,
                    scenario=_dump(record.scenario),
                    protocol=record.protocol,
                    settings=_dump(record.settings),
                    seed=record.seed,
                    parties=_dump(record.parties),
                    reveal=record.reveal,
                    status=record.status,
                    result=None if record.result is None else _dump(record.result),
                    length=len(entries),
                    head=entries[-1].hash if entries else GENESIS,
                )
            )
            session.flush()
            for token_hash, role, party in tokens:
                session.add(TokenRow(hash=token_hash, session_id=record.id, role=role, party=party, created_at=now))
            if entries:  # the driver's executemany: a CLI run's trace can hold 10^5 entries, written under the lock
                rows = [(record.id, e.position, e.kind, _dump(e.record), e.hash) for e in entries]
                session.connection().exec_driver_sql(self._sql.insert_entry, rows)

    def append(
        self,
        session_id: str,
        entries: Sequence[LogEntry],
        *,
        status: str,
        result: Mapping[str, Any] | None,
        key: ActionKey | None = None,
    ) -> None:
        """Append ``entries`` and record the session's new status (and an action's answer) atomically.

        Returns once the change is committed. Changes appended at the same time by other
        threads share the transaction (and its flush to disk): see :mod:`.group_commit`.

        Raises:
            StoreError: the entries do not continue the stored log (a concurrent writer, or a gap).
        """
        self._appends.submit(_Append(session_id, tuple(entries), status, result, key))

    def append_soon(
        self,
        session_id: str,
        entries: Sequence[LogEntry],
        *,
        status: str,
        result: Mapping[str, Any] | None,
        key: ActionKey | None = None,
    ) -> asyncio.Future[None]:
        """Queue the same change as :meth:`append` from an event loop; return a future resolved once committed.

        The future's exception is the StoreError of entries that do not continue the log, or
        the database's error. On PostgreSQL the group commit's writer thread writes and nothing
        blocks the loop; on SQLite the loop writes the changes it queued, once per iteration of
        the loop, all of them in one transaction (:mod:`.group_commit`, "On the loop").
        """
        return self._appends.submit_soon(_Append(session_id, tuple(entries), status, result, key))

    @property
    def commits(self) -> tuple[int, int]:
        """Return how many appends were written so far, and in how many transactions."""
        return self._appends.changes, self._appends.groups

    def _write_appends(self, group: Sequence[Pending[_Append]]) -> None:
        # The driver's own SQL (prepared once per dialect), each kind of statement sent once
        # for the whole group (executemany): this runs for every action, and building
        # SQLAlchemy statements, or a round trip per session, cost more than the database's work.
        sql = self._sql
        now = time.time()
        updates: dict[str, list[tuple[Any, ...]]] = {}
        advancing = 0  # updates that must each find the log where the change continues it
        entry_rows: list[tuple[Any, ...]] = []
        key_rows: list[tuple[Any, ...]] = []
        for pending in group:
            change = pending.change
            result = None if change.result is None else _dump(change.result)
            if change.entries:
                first = change.entries[0].position
                log = (change.entries[-1].position + 1, change.entries[-1].hash)
                if result is None:
                    updates.setdefault(sql.advance, []).append((change.status, now, *log, change.session_id, first))
                else:
                    advance = (change.status, now, *log, result, change.session_id, first)
                    updates.setdefault(sql.advance_with_result, []).append(advance)
                advancing += 1
            elif result is None:
                updates.setdefault(sql.status, []).append((change.status, now, change.session_id))
            else:
                updates.setdefault(sql.status_with_result, []).append((change.status, now, result, change.session_id))
            entry_rows.extend((change.session_id, e.position, e.kind, _dump(e.record), e.hash) for e in change.entries)
            if change.key is not None:
                key = change.key
                key_rows.append(
                    (change.session_id, key.party, key.key, key.request_hash, key.status, key.body.decode(), now)
                )
        with self.engine.begin() as connection:  # the group commit holds the write lock
            if sql.rows_at_once:
                advanced, entries, keys = self._write_postgres(connection, updates, entry_rows, key_rows)
            else:
                advanced, entries, keys = self._write_sqlite(connection, updates, entry_rows, key_rows, advancing)
            if advanced != advancing:  # rolled back; alone (GroupCommit), each change says if it is the one
                first_change = group[0].change
                raise StoreError(
                    f"session {first_change.session_id}: log entries from {first_change.entries[0].position} "
                    "do not continue the stored log"
                    if len(group) == 1
                    else f"{advancing - advanced} of {advancing} changes do not continue their stored logs"
                )
            if (entries, keys) != (len(entry_rows), len(key_rows)):  # rolled back too
                raise StoreError(
                    f"{len(entry_rows) - entries} log entries and {len(key_rows) - keys} action answers were "
                    "already stored"
                )

    def _write_sqlite(
        self,
        connection: Connection,
        updates: dict[str, list[tuple[Any, ...]]],
        entry_rows: list[tuple[Any, ...]],
        key_rows: list[tuple[Any, ...]],
        advancing: int,
    ) -> tuple[int, int, int]:
        """Write a group's rows with sqlite3's ``executemany`` (in this process, in C); return the rows written.

        The updates go first: if a change does not continue its log, nothing more is sent.
        """
        sql = self._sql
        on_loop = self._appends.on_loop and _on_event_loop()
        driver: Any = connection.connection.driver_connection if on_loop else None  # sqlite3's own
        if on_loop:  # a writer outside the lock (sqlite3 on the command line): not waited for on the loop
            driver.execute("PRAGMA busy_timeout = 0")  # GroupCommit's thread waits instead
        try:
            advanced = 0
            for statement, rows in updates.items():
                changed = connection.exec_driver_sql(statement, rows).rowcount
                if statement in (sql.advance, sql.advance_with_result):
                    advanced += changed
            if advanced != advancing:
                return advanced, 0, 0
            if entry_rows:
                connection.exec_driver_sql(sql.insert_entry, entry_rows)
            if key_rows:
                connection.exec_driver_sql(sql.insert_key, key_rows)
            return advanced, len(entry_rows), len(key_rows)
        finally:
            if on_loop:
                driver.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def _write_postgres(
        self,
        connection: Connection,
        updates: dict[str, list[tuple[Any, ...]]],
        entry_rows: list[tuple[Any, ...]],
        key_rows: list[tuple[Any, ...]],
    ) -> tuple[int, int, int]:
        """Write a group's rows in one round trip (psycopg's pipeline); return the rows each kind wrote.

        Each kind of row goes in one statement (:meth:`_AppendSql.at_once`), all of them sent
        together and answered together, then the transaction commits (a second round trip).
        A round trip costs more than it seems under load: the database's process waits for
        one of the cores the server and its clients keep busy.
        """
        from psycopg import Pipeline, RawCursor  # PostgreSQL only; $n placeholders (see _AppendSql.at_once)

        sql = self._sql
        psycopg_connection = cast("Any", connection.connection.driver_connection)
        counted: list[tuple[str, Any]] = []
        # Pipelines need libpq 14 or later (psycopg's binary package brings its own); with an
        # older one the statements go one round trip each, the same otherwise.
        with psycopg_connection.pipeline() if Pipeline.is_supported() else contextlib.nullcontext():
            for statement, rows in [*updates.items(), (sql.insert_entry, entry_rows), (sql.insert_key, key_rows)]:
                if not rows:
                    continue
                if statement in (sql.status, sql.status_with_result):  # no entries: rare (a deadline, say)
                    psycopg_connection.cursor().executemany(statement, rows)
                    continue
                for i in range(0, len(rows), _AT_ONCE):  # in parts: at most 65,535 parameters a statement
                    cursor = RawCursor(psycopg_connection)
                    cursor.execute(*sql.at_once(statement, rows[i : i + _AT_ONCE]))
                    counted.append((statement, cursor))
        rows_written = {sql.advance: 0, sql.advance_with_result: 0, sql.insert_entry: 0, sql.insert_key: 0}
        for statement, cursor in counted:
            rows_written[statement] += cursor.rowcount
            cursor.close()
        advanced = rows_written[sql.advance] + rows_written[sql.advance_with_result]
        return advanced, rows_written[sql.insert_entry], rows_written[sql.insert_key]

    def session(self, session_id: str) -> SessionRecord:
        """Return the stored session ``session_id``.

        Raises:
            UnknownSessionError: there is none.
        """
        with Session(self.engine) as session:
            row = session.get(SessionRow, session_id)
            if row is None:
                raise UnknownSessionError(f"no session {session_id!r}")
            return _record(row)

    def sessions(self, *, status: str | None = None, source: str | None = None) -> list[SessionRecord]:
        """Return the stored sessions (optionally only those with ``status`` / ``source``), oldest first."""
        query = select(SessionRow).order_by(SessionRow.created_at)
        if status is not None:
            query = query.where(SessionRow.status == status)
        if source is not None:
            query = query.where(SessionRow.source == source)
        with Session(self.engine) as session:
            return [_record(row) for row in session.scalars(query)]

    def entries(self, session_id: str, *, after: int = -1, limit: int | None = None) -> list[LogEntry]:
        """Return the log entries of ``session_id`` whose position is above ``after``, in order."""
        query = (
            select(EntryRow.position, EntryRow.record, EntryRow.hash)
            .where(EntryRow.session_id == session_id, EntryRow.position > after)
            .order_by(EntryRow.position)
        )
        if limit is not None:
            query = query.limit(limit)
        with Session(self.engine) as session:
            return [LogEntry(p, json.loads(r), h) for p, r, h in session.execute(query)]

    def verify(self, session_id: str) -> str:
        """Return the head hash of ``session_id``'s log after checking its whole chain.

        Raises:
            TraceError: an entry does not match the chain.
            StoreError: the stored head is not the chain's end.
        """
        entries = self.entries(session_id)
        head = verify_chain((e.record, e.hash) for e in entries)
        stored = self.session(session_id).head
        if stored != head:
            raise StoreError(f"session {session_id}: stored head {stored[:12]}… is not the log's end {head[:12]}…")
        return head

    # -- tokens -----------------------------------------------------------------------------

    def token(self, token_hash: str) -> TokenInfo | None:
        """Return what the token with this hash grants, or None if no such token exists."""
        with Session(self.engine) as session:
            row = session.get(TokenRow, token_hash)
            if row is None:
                return None
            return TokenInfo(
                session_id=row.session_id, role=row.role, party=row.party, revoked=row.revoked_at is not None
            )

    def add_token(self, session_id: str, token_hash: str, role: str, party: str | None) -> None:
        """Store a new token for ``session_id``."""
        with self._writing() as session:
            session.add(
                TokenRow(hash=token_hash, session_id=session_id, role=role, party=party, created_at=time.time())
            )

    def revoke(self, session_id: str, role: str, party: str | None) -> list[str]:
        """Revoke every live token of ``session_id`` with ``role`` (and ``party``); return their hashes."""
        with self._writing() as session:
            query = select(TokenRow).where(
                TokenRow.session_id == session_id, TokenRow.role == role, TokenRow.revoked_at.is_(None)
            )
            if party is not None:
                query = query.where(TokenRow.party == party)
            rows = list(session.scalars(query))
            now = time.time()
            for row in rows:
                row.revoked_at = now
            return [row.hash for row in rows]

    # -- idempotency keys -------------------------------------------------------------------

    def action_keys(self, session_id: str) -> list[ActionKey]:
        """Return the answers stored for ``session_id``'s Idempotency-Keys."""
        query = select(ActionKeyRow).where(ActionKeyRow.session_id == session_id)
        with Session(self.engine) as session:
            return [
                ActionKey(
                    party=row.party,
                    key=row.key,
                    request_hash=row.request_hash,
                    status=row.status,
                    body=row.response.encode("utf-8"),
                )
                for row in session.scalars(query)
            ]

    # -- comments ---------------------------------------------------------------------------

    def add_comment(self, session_id: str, *, name: str, email: str, text: str) -> Comment:
        """Store a reply (its email too) and return it as it may be shown (without the email)."""
        now = time.time()
        with self._writing() as session:
            row = CommentRow(session_id=session_id, name=name, email=email, text=text, created_at=now)
            session.add(row)
            session.flush()
            return Comment(id=row.id, name=name, text=text, created_at=now)

    def comments(self, session_id: str) -> list[Comment]:
        """Return the replies under ``session_id``'s debrief, oldest first, without emails."""
        query = (
            select(CommentRow.id, CommentRow.name, CommentRow.text, CommentRow.created_at)
            .where(CommentRow.session_id == session_id)
            .order_by(CommentRow.id)
        )
        with Session(self.engine) as session:
            return [Comment(id=i, name=n, text=t, created_at=c) for i, n, t, c in session.execute(query)]

    # -- traces -----------------------------------------------------------------------------

    def trace(self, session_id: str) -> Trace:
        """Return ``session_id``'s log as a trace (its mechanism events; letters are not part of a trace).

        Raises:
            UnknownSessionError: no such session.
        """
        record = self.session(session_id)
        header = TraceHeader(
            scenario=record.scenario_name,
            protocol=record.protocol,
            parties=tuple(record.parties),
            agents=record.agents,
            seed=record.seed,
            settings=dict(record.settings),
        )
        events = [event_of(entry.record) for entry in self.entries(session_id) if entry.kind != "letter"]
        result = None if record.result is None else result_of(record.result)
        return Trace(header, tuple(events), result)

    def save_trace(self, trace: Trace, scenario_document: Mapping[str, Any], *, session_id: str) -> SessionRecord:
        """Store a finished run's trace (from the CLI) as a session of source "cli"; return its record."""
        header = trace.header
        agents = header.agents or tuple("agent" for _ in header.parties)
        entries: list[LogEntry] = []
        head = GENESIS
        for position, event in enumerate(trace.events):
            entry = event_record(position, event)
            head = chain_hash(head, entry)
            entries.append(LogEntry(position, entry, head))
        result = trace.result
        stored = SessionRecord(
            id=session_id,
            source="cli",
            created_at=time.time(),
            scenario_name=header.scenario,
            scenario=dict(scenario_document),
            protocol=header.protocol,
            settings=dict(header.settings),
            seed=header.seed,
            parties={p: {"kind": "agent", "agent": a} for p, a in zip(header.parties, agents, strict=True)},
            status="running" if result is None else result.status.value,
            result=None if result is None else result_record(result),
        )
        self.create_session(stored, (), entries)
        return self.session(session_id)

    def health(self) -> dict[str, Any]:
        """Return the store's state: the database kind, whether it answers, how many sessions are open.

        ``commits`` counts the appends written since the store was opened and the
        transactions that held them (more appends than transactions: group commits).
        """
        with Session(self.engine) as session:
            session.execute(text("SELECT 1"))
            running = session.scalar(select(func.count()).select_from(SessionRow).where(SessionRow.status == "running"))
        appends, transactions = self.commits
        return {
            "database": self.engine.dialect.name,
            "ok": True,
            "open_sessions": int(running or 0),
            "commits": {"appends": appends, "transactions": transactions},
        }


# -- records <-> events -----------------------------------------------------------------------


def event_record(position: int, event: Event) -> dict[str, Any]:
    """Return the log record of a mechanism event at log ``position`` (plain JSON values)."""
    return {
        "position": position,
        "kind": event.kind,
        "party": event.party,
        "event_index": event.index,
        "step": event.step,
        "round": event.round,
        "time": event.time,
        "outcome": None if event.outcome is None else [_plain(v) for v in event.outcome],
        "data": json.loads(_dump(dict(event.data))),
    }


def event_of(record: Mapping[str, Any]) -> Event:
    """Return the mechanism event a log record holds."""
    outcome = record.get("outcome")
    return Event(
        index=int(record["event_index"]),
        step=int(record["step"]),
        round=int(record["round"]),
        time=float(record["time"]),
        party=record.get("party"),
        kind=EventKind(str(record["kind"])),
        outcome=None if outcome is None else tuple(outcome),
        data=dict(record.get("data") or {}),
    )


def result_record(result: Result) -> dict[str, Any]:
    """Return a trace result as plain JSON values."""
    return {
        "agreement": None if result.agreement is None else [_plain(v) for v in result.agreement],
        "utilities": list(result.utilities),
        "status": result.status.value,
        "rounds": result.rounds,
        "steps": result.steps,
        "time": result.time,
    }


def result_of(record: Mapping[str, Any]) -> Result:
    """Return the trace result stored as ``record``."""
    agreement = record.get("agreement")
    return Result(
        agreement=None if agreement is None else tuple(agreement),
        utilities=tuple(record["utilities"]),
        status=Status.parse(str(record.get("status") or record["reason"])),
        rounds=int(record["rounds"]),
        steps=int(record["steps"]),
        time=float(record.get("time", 0.0)),
    )


def _record(row: SessionRow) -> SessionRecord:
    return SessionRecord(
        id=row.id,
        source=row.source,
        created_at=row.created_at,
        scenario_name=row.scenario_name,
        scenario=json.loads(row.scenario),
        protocol=row.protocol,
        settings=json.loads(row.settings),
        seed=row.seed,
        parties=json.loads(row.parties),
        reveal=row.reveal,
        status=row.status,
        result=None if row.result is None else json.loads(row.result),
        length=row.length,
        head=row.head,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, bool | str | type(None)):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _database_busy(exc: Exception) -> bool:
    """Whether ``exc`` is SQLite's "database is locked": another connection writes, nothing was written."""
    code = getattr(getattr(exc, "orig", None), "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF == sqlite3.SQLITE_BUSY


def _dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_plain)
