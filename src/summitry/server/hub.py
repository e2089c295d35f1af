"""The hub: every live session of one server, the store behind them, and who is waiting for what.

All changes to a session go through the hub, under the session's lock: the live session
computes the new log entries, the hub writes them to the store (one transaction, with the
state and the action's idempotency answer), and only then keeps them in memory, wakes the
clients waiting on the session and answers. If the write fails, the session is rebuilt from
the stored log, so memory never runs ahead of the database.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool

from summitry.formats import scenario_from_document
from summitry.store import LogEntry, SessionRecord, SessionStore
from summitry.store.repository import ActionKey, TokenInfo, result_record

from .problems import Conflict, NotFound, Unauthorized
from .runtime import LiveSession
from .tokens import Access, hash_token, new_session_id, new_token, same_hash
from .views import party_documents

__all__ = ["Hub", "NewSession"]

log = logging.getLogger(__name__)

_CACHE_FINISHED = 256


@dataclass(frozen=True, slots=True, kw_only=True)
class NewSession:
    """A session just created: its id and its tokens (shown once, never stored in clear)."""

    id: str
    admin_token: str
    observer_token: str
    party_tokens: Mapping[str, str]


class Hub:
    """The server's sessions (see the module docstring)."""

    def __init__(self, store: SessionStore, *, owns: Callable[[str], bool] | None = None) -> None:
        self.store = store
        self.owns = owns or (lambda _session_id: True)
        """Whether this server owns a session (``summitry serve --workers``: each worker owns some)."""
        self._live: OrderedDict[str, LiveSession] = OrderedDict()
        self._documents: dict[str, dict[str, dict[str, Any]]] = {}
        self._tokens: dict[str, TokenInfo] = {}
        self._guard = threading.RLock()
        self._waiters: dict[str, list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]]] = {}
        self._waiters_lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._scheduled: set[str] = set()

    # -- wiring -----------------------------------------------------------------------------

    def start(self, workers: int = 4) -> None:
        """Start the worker threads that run built-in agents in the background."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="summitry-agents")

    def stop(self) -> None:
        """Stop the worker threads (waiting for the running ones) and close the store's connections."""
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def resume_all(self) -> list[str]:
        """Load every open session from the store (after a start or a crash); return their ids."""
        ids = []
        for record in self.store.sessions(status="running", source="server"):
            if not self.owns(record.id):  # another worker's
                continue
            try:
                live = self.live(record.id)
            except Exception:  # one broken session must not keep the others down
                log.exception("session %s could not be resumed from its log", record.id)
                continue
            ids.append(record.id)
            if live.agent_turn():
                self._schedule(record.id)
        return ids

    # -- creating ---------------------------------------------------------------------------

    def create(self, record: SessionRecord) -> NewSession:
        """Store a new session (and its first events) and return its tokens."""
        session_id = new_session_id()
        while not self.owns(session_id):  # a worker draws ids it owns (one in K)
            session_id = new_session_id()
        record = _with_id(record, session_id)
        scenario = scenario_from_document(dict(record.scenario), f"session {session_id}")
        live = LiveSession(record, scenario, ())
        admin, observer = new_token(), new_token()
        parties = {name: new_token() for name in record.parties}
        tokens: list[tuple[str, str, str | None]] = [
            (hash_token(admin), "admin", None),
            (hash_token(observer), "observer", None),
        ]
        tokens += [(hash_token(token), "party", name) for name, token in parties.items()]
        entries = live.pending_start
        status = live.status
        result = None if live.running else result_record(live.mechanism.result())
        stored = _with_state(record, status, result)
        self.store.create_session(stored, tokens, entries)
        live.record = stored
        live.commit(entries)
        with self._guard:
            self._live[session_id] = live
            self._documents[session_id] = party_documents(scenario)
        if live.agent_turn():
            self._schedule(session_id)
        return NewSession(id=session_id, admin_token=admin, observer_token=observer, party_tokens=parties)

    # -- reading ----------------------------------------------------------------------------

    def live(self, session_id: str) -> LiveSession:
        """Return the live session ``session_id``, rebuilt from the store if it is not in memory.

        Raises:
            NotFound: no such session.
        """
        with self._guard:
            live = self._live.get(session_id)
            if live is not None:
                self._live.move_to_end(session_id)
                return live
        from summitry.errors import UnknownSessionError

        try:
            record = self.store.session(session_id)
        except UnknownSessionError:
            raise NotFound(f"no session {session_id!r}") from None
        if record.source != "server":
            raise NotFound(f"no session {session_id!r}")
        scenario = scenario_from_document(dict(record.scenario), f"session {session_id}")
        keys = self.store.action_keys(session_id) if record.status == "running" else ()
        live = LiveSession(record, scenario, self.store.entries(session_id), keys)
        with self._guard:
            existing = self._live.get(session_id)
            if existing is not None:
                return existing
            self._live[session_id] = live
            self._documents[session_id] = party_documents(scenario)
            self._evict()
        return live

    def documents(self, session_id: str) -> dict[str, dict[str, Any]]:
        """Return the parties' private documents of a loaded session."""
        return self._documents[session_id]

    def sessions(self) -> list[LiveSession]:
        """Return the sessions in memory."""
        with self._guard:
            return list(self._live.values())

    def _evict(self) -> None:
        finished = [sid for sid, live in self._live.items() if not live.running]
        for sid in finished[: max(0, len(finished) - _CACHE_FINISHED)]:
            self._live.pop(sid, None)
            self._documents.pop(sid, None)

    # -- tokens -----------------------------------------------------------------------------

    def authenticate(self, session_id: str, token: str | None) -> Access:
        """Return who ``token`` speaks for in ``session_id``.

        Raises:
            Unauthorized: no token, an unknown or revoked one, or one of another session.
        """
        if token is None:
            raise Unauthorized("missing token: send the header 'Authorization: Bearer TOKEN'")
        digest = hash_token(token)
        info = self._tokens.get(digest)
        if info is None:
            info = self.store.token(digest)
            if info is not None:
                self._tokens[digest] = info
        if info is None or not same_hash(digest, hash_token(token)):
            raise Unauthorized("unknown token for this session")
        if info.session_id != session_id:
            raise Unauthorized("unknown token for this session")
        if info.revoked:
            raise Unauthorized("this token was revoked by the session's admin")
        return Access(session_id=session_id, role=info.role, party=info.party)

    def reissue(self, session_id: str, role: str, party: str | None) -> str:
        """Revoke the tokens of ``role``/``party`` and return a new one."""
        self.revoke(session_id, role, party)
        token = new_token()
        self.store.add_token(session_id, hash_token(token), role, party)
        return token

    def revoke(self, session_id: str, role: str, party: str | None) -> int:
        """Revoke the live tokens of ``role``/``party`` in ``session_id``; return how many."""
        hashes = self.store.revoke(session_id, role, party)
        for digest in hashes:
            self._tokens.pop(digest, None)
        return len(hashes)

    # -- changing ---------------------------------------------------------------------------

    def change(
        self,
        session_id: str,
        compute: Callable[[LiveSession], list[LogEntry]],
        *,
        key: Callable[[LiveSession, list[LogEntry]], ActionKey] | None = None,
    ) -> tuple[LiveSession, list[LogEntry]]:
        """Apply one change to a session, durably; return the session and the new entries.

        ``compute`` returns the new entries (and may raise an ApiError, changing nothing);
        ``key`` gives the action's idempotency answer, stored in the same transaction.
        """
        live = self.live(session_id)
        with live.lock:
            entries = compute(live)
            answer = key(live, entries) if key is not None else None
            if not entries and answer is None:
                return live, entries
            result = None if live.running else result_record(live.mechanism.result())
            try:
                self.store.append(session_id, entries, status=live.status, result=result, key=answer)
            except Exception:
                self._reload(session_id)
                raise
            _keep(live, entries, answer)
        self._after_change(session_id, live, entries)
        return live, entries

    async def change_async(
        self,
        session_id: str,
        compute: Callable[[LiveSession], list[LogEntry]],
        *,
        key: Callable[[LiveSession, list[LogEntry]], ActionKey] | None = None,
    ) -> tuple[LiveSession, list[LogEntry]]:
        """Apply one change as :meth:`change` does, from the event loop, without a worker thread.

        A session whose built-in agents may act (their turns can take long) or whose lock is
        taken (a change under way) goes through :meth:`change` in a worker thread. Otherwise
        the change is computed on the loop, under the session's lock, and handed to the
        store's group commit; the lock is held until the write is committed and kept in
        memory (or, if it failed, until the session is dropped from memory, to be reloaded
        from the store). Cancelling the caller does not cancel the write.
        """
        live = self.live(session_id)
        if live.agents or not live.lock.acquire(blocking=False):
            return await run_in_threadpool(self.change, session_id, compute, key=key)
        try:
            entries = compute(live)
            answer = key(live, entries) if key is not None else None
            if not entries and answer is None:
                live.lock.release()
                return live, entries
            result = None if live.running else result_record(live.mechanism.result())
            written = self.store.append_soon(session_id, entries, status=live.status, result=result, key=answer)
        except BaseException:
            live.lock.release()
            raise

        def finish(future: asyncio.Future[None]) -> None:  # on the loop, before the caller resumes
            try:
                if future.cancelled() or future.exception() is not None:
                    with self._guard:  # memory may be ahead of the store: reload on next use
                        if self._live.get(session_id) is live:
                            self._live.pop(session_id, None)
                    return
                _keep(live, entries, answer)
            finally:
                live.lock.release()
            self._after_change(session_id, live, entries)

        written.add_done_callback(finish)
        await asyncio.shield(written)
        return live, entries

    def _after_change(self, session_id: str, live: LiveSession, entries: list[LogEntry]) -> None:
        """Wake the clients waiting for new entries, and let a built-in agent act if it is its turn."""
        if entries:
            self.notify(session_id)
        if live.agent_turn():
            self._schedule(session_id)

    def _reload(self, session_id: str) -> None:
        with self._guard:
            self._live.pop(session_id, None)
        try:
            self.live(session_id)
        except Exception:  # the store is down: the next request will load it again
            log.exception("session %s could not be reloaded after a failed write", session_id)

    def run_agents(self, session_id: str) -> None:
        """Let the built-in agents of ``session_id`` act while it is their turn (from a worker thread)."""
        for _ in range(10_000):
            live, entries = self.change(session_id, lambda s: s.agents_entries())
            if not entries or not live.agent_turn():
                return

    def expire_due(self) -> None:
        """Apply the server clock to every session whose deadline or turn limit has passed."""
        for live in self.sessions():
            due = live.due()
            if due is not None and live.clock.now() >= due:
                try:
                    self.change(live.id, lambda s: s.expire())
                except Conflict:
                    continue
                except Exception:
                    log.exception("session %s: applying the clock failed", live.id)

    def _schedule(self, session_id: str) -> None:
        executor = self._executor
        if executor is None:
            return
        with self._guard:
            if session_id in self._scheduled:
                return
            self._scheduled.add(session_id)

        def work() -> None:
            with self._guard:
                self._scheduled.discard(session_id)
            try:
                self.run_agents(session_id)
            except Exception:  # logged: the session stays as stored, and resumes on the next start
                log.exception("session %s: the built-in agents failed", session_id)

        try:
            executor.submit(work)
        except RuntimeError:  # shutting down
            with self._guard:
                self._scheduled.discard(session_id)

    # -- waiting ----------------------------------------------------------------------------

    def notify(self, session_id: str) -> None:
        """Wake the clients waiting for ``session_id``'s next entries (from any thread)."""
        with self._waiters_lock:
            waiters = self._waiters.pop(session_id, [])
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        for loop, waiter in waiters:
            if loop is running:
                _wake(waiter)
            elif not loop.is_closed():
                loop.call_soon_threadsafe(_wake, waiter)

    async def wait(
        self, session_id: str, after: int, timeout: float, *, settled: tuple[str, str | None] | None = None
    ) -> None:
        """Return once ``session_id`` has an entry beyond ``after`` or is over, or after ``timeout`` seconds.

        With ``settled`` (a session's :attr:`~LiveSession.settled` as the caller last read it),
        also return once the session's settled status or next party differs from it.

        .. versionchanged:: 0.1 a finished session answers at once: nothing more can come, so
           waiting out the timeout only held the client (a long-poll after the last event
           waited its full 20 s).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            live = self.live(session_id)
            if _news(live, after, settled):
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            waiter: asyncio.Future[None] = loop.create_future()
            entry = (loop, waiter)
            with self._waiters_lock:
                self._waiters.setdefault(session_id, []).append(entry)
            if _news(live, after, settled):  # it came while registering
                self._forget(session_id, entry)
                return
            timer = loop.call_later(min(remaining, 5.0), _wake, waiter)
            try:
                await waiter
            finally:
                timer.cancel()
                self._forget(session_id, entry)

    def _forget(self, session_id: str, entry: tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]) -> None:
        with self._waiters_lock:
            waiting = self._waiters.get(session_id)
            if waiting is not None and entry in waiting:
                waiting.remove(entry)
                if not waiting:
                    del self._waiters[session_id]

    def entries(self, session_id: str, after: int, limit: int) -> Sequence[LogEntry]:
        """Return up to ``limit`` committed entries of ``session_id`` after position ``after``."""
        live = self.live(session_id)
        start = max(0, after + 1)
        return live.entries[start : start + limit]


def _keep(live: LiveSession, entries: list[LogEntry], answer: ActionKey | None) -> None:
    """Take a committed change into memory: its entries, and the action's idempotency answer."""
    live.commit(entries)
    if answer is not None:
        live.keys[(answer.party, answer.key)] = answer


def _news(live: LiveSession, after: int, settled: tuple[str, str | None] | None) -> bool:
    """Return whether a waiter for entries after ``after`` (and a change from ``settled``) may stop waiting."""
    return (
        len(live.entries) - 1 > after
        or live.settled[0] != "running"
        or (settled is not None and live.settled != settled)
    )


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


def _with_id(record: SessionRecord, session_id: str) -> SessionRecord:
    from dataclasses import replace

    return replace(record, id=session_id)


def _with_state(record: SessionRecord, status: str, result: Mapping[str, Any] | None) -> SessionRecord:
    from dataclasses import replace

    return replace(record, status=status, result=result)
