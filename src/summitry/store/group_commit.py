"""Group commit: the changes of many sessions written in one transaction, each acknowledged after it.

A commit costs a flush to disk (an fsync on SQLite with ``synchronous=FULL``, a WAL flush
on PostgreSQL): milliseconds, whatever the transaction holds. When many sessions act at
once, writing each change in a transaction of its own makes them queue for the disk one
by one. :class:`GroupCommit` queues the changes for one writer thread, which takes every
change queued so far, writes them all in one transaction and commits; each change is
acknowledged (its thread wakes, or its asyncio future is resolved) only once the
transaction holding it has committed. Changes that arrive during a commit form the next
group: with one writer there is no wait at all, and under load the groups grow by
themselves, so one flush acknowledges many changes.

Every change is still atomic on its own: the write function decides, per change, whether
it applies (a change that does not continue its session's log is refused and its rows are
not written); if the transaction as a whole fails, each change of the group is retried in
a transaction of its own, so one bad change cannot fail its neighbours.

The writer thread starts with the first change and ends after a second with nothing to
write (so an idle or forgotten store holds no thread).

**On the loop** (``on_loop=True``, what the store asks for on SQLite): changes queued from an
event loop (:meth:`GroupCommit.submit_soon`) are written by that loop itself, not by the
writer thread. The first change of a loop iteration schedules one write (``call_soon``);
every change queued before it runs joins the group, and the write resolves their futures
directly. SQLite's work is local (statements run in this process, the commit is one fsync),
so under load the thread bought no overlap, only hand-offs of the interpreter lock: each
statement of a group released and re-took it, and the writer waited up to the interpreter's
switch interval for each (a group of 30 actions took 10–35 ms where its statements and commit
take under one). The loop is blocked for the length of the write; other summitry processes
writing the same file hold :class:`~summitry.store.engine.WriteLock` only for a transaction.
Changes from other threads (:meth:`GroupCommit.submit`) still go through the writer thread.
With a ``lock`` (the store's :class:`~summitry.store.engine.WriteLock`), the loop never waits
for it: while another thread or process holds it (another worker of ``serve --workers`` is
committing), the write is tried again a millisecond later, the changes queued meanwhile joining
the group; after ``_LOOP_PATIENCE`` seconds of this, the group goes to the writer thread, which
waits for the lock and writes it, and the loop goes on with its other requests. A long writer
(a CLI run storing a trace of 10^5 entries in the server's database, a disk that stalls
another worker's fsync) had frozen every session of the process, reads included, for as long.
A writer that does not take the lock (``sqlite3`` on the command line) is met the same way:
on the loop the store's write does not wait for the database (``busy``), and the changes it
could not write go to the writer thread, which waits in SQLite's busy handler instead.
PostgreSQL keeps the thread: its commit is a round trip the loop should not wait for
(measured with ``benchmarks/server_bench.py`` at 200 sessions, one process: p99 354–399 ms
on the loop against 194–249 ms with the thread).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from typing import Generic, Protocol, TypeVar

__all__ = ["GroupCommit", "Pending"]

T = TypeVar("T")

_LINGER = 1.0
"""Seconds the writer thread waits for more changes before it ends."""
_RETRY = 0.001
"""Seconds an event loop waits before trying again for a lock another writer holds (on_loop)."""
_LOOP_PATIENCE = 0.05
"""Seconds an event loop keeps trying for the lock before it waits for it."""


class Lock(Protocol):
    """A writers' lock (:class:`~summitry.store.engine.WriteLock`): a context manager that can be tried."""

    def __enter__(self) -> None: ...
    def __exit__(self, *exc: object) -> None: ...
    def try_acquire(self) -> bool: ...


class Pending(Generic[T]):
    """One change waiting for its commit: the change, then its outcome (``error`` if refused)."""

    __slots__ = ("change", "done", "error", "future", "loop")

    def __init__(
        self,
        change: T,
        loop: asyncio.AbstractEventLoop | None = None,
        future: asyncio.Future[None] | None = None,
    ) -> None:
        self.change = change
        self.done = False
        self.error: Exception | None = None
        self.loop = loop
        self.future = future


class GroupCommit(Generic[T]):
    """Writes queued changes in groups, one transaction per group (see the module docstring).

    ``write(group)`` writes a group in one transaction and sets ``error`` on each change it
    refuses; if it raises, nothing of the group was committed and each change is written
    again alone with ``write([change])``. Every call of ``write`` is made holding ``lock``
    (if given). On the loop, an exception for which ``busy(exc)`` is true means that a writer
    outside ``lock`` holds the database and nothing was written (``write`` does not wait for
    it there): the change goes to the writer thread, which writes it once it can.
    """

    def __init__(
        self,
        write: Callable[[Sequence[Pending[T]]], None],
        *,
        max_group: int = 512,
        on_loop: bool = False,
        lock: Lock | None = None,
        busy: Callable[[Exception], bool] | None = None,
    ) -> None:
        self._write = write
        self._lock = lock
        self._busy = busy
        self._max_group = max_group
        self._on_loop = on_loop
        self._batches: dict[asyncio.AbstractEventLoop, list[Pending[T]]] = {}  # on_loop: each loop's next group
        guard = threading.Lock()
        self._condition = threading.Condition(guard)  # the writer waits on it for changes
        self._acknowledged = threading.Condition(guard)  # the submitting threads wait on it for their commit
        self._queue: list[Pending[T]] = []
        self._writer: threading.Thread | None = None
        self.groups = 0
        """Transactions committed so far (for measurements)."""
        self.changes = 0
        """Changes written so far (for measurements)."""

    @property
    def on_loop(self) -> bool:
        """Whether changes queued from an event loop are written by that loop (see the module docstring)."""
        return self._on_loop

    def submit(self, change: T) -> None:
        """Write ``change`` and return once it is committed (from any thread but the writer's).

        Raises:
            Exception: whatever ``write`` refused this change with (other changes are unaffected).
        """
        pending: Pending[T] = Pending(change)
        with self._condition:
            self._enqueue(pending)
            while not pending.done:
                self._acknowledged.wait()
        if pending.error is not None:
            raise pending.error

    def submit_soon(self, change: T) -> asyncio.Future[None]:
        """Queue ``change`` and return a future of the running loop, resolved once it is committed.

        The future's exception is whatever ``write`` refused the change with.
        """
        loop = asyncio.get_running_loop()
        pending: Pending[T] = Pending(change, loop, loop.create_future())
        if self._on_loop:  # only this loop's thread touches its batch
            batch = self._batches.get(loop)
            if batch is None:
                self._batches[loop] = [pending]
                loop.call_soon(self._write_batch, loop, loop.time() + _LOOP_PATIENCE)
            else:
                batch.append(pending)
        else:
            with self._condition:
                self._enqueue(pending)
        assert pending.future is not None  # reason: made just above
        return pending.future

    def _write_batch(self, loop: asyncio.AbstractEventLoop, patience: float) -> None:
        """Write the changes ``loop`` queued (on_loop), a group per transaction, and resolve their futures.

        The lock is tried, not waited for, until the loop's clock passes ``patience``; then the
        changes go to the writer thread, which waits for the lock (the loop never does).
        """
        lock = self._lock
        if lock is not None and not lock.try_acquire():
            if loop.time() < patience:
                loop.call_later(_RETRY, self._write_batch, loop, patience)
                return
            self._hand_over(self._batches.pop(loop, []))  # a long writer: the thread waits for it
            return
        try:
            self._write_batch_locked(self._batches.pop(loop, []))
        finally:
            if lock is not None:
                lock.__exit__(None, None, None)

    def _write_batch_locked(self, batch: list[Pending[T]]) -> None:
        for start in range(0, len(batch), self._max_group):
            group = batch[start : start + self._max_group]
            try:
                left = self._write_group(group, on_loop=True)
            except BaseException as exc:  # interrupted: none of the rest is known to be written
                for item in batch[start:]:
                    item.error = item.error or RuntimeError(f"the write was interrupted ({type(exc).__name__})")
                _resolve(batch[start:])
                raise
            done = [item for item in group if item not in left] if left else group
            self._mark_done(done)
            _resolve(done)
            if left:  # another writer holds the database: the thread waits for it, the loop goes on
                self._hand_over([*left, *batch[start + len(group) :]])
                return

    def _hand_over(self, items: list[Pending[T]]) -> None:
        """Queue ``items`` of a loop for the writer thread, which waits for the database and resolves their futures."""
        with self._condition:
            for item in items:
                self._enqueue(item)

    def _enqueue(self, pending: Pending[T]) -> None:  # with the condition held
        self._queue.append(pending)
        if self._writer is None:
            self._writer = threading.Thread(target=self._run, name="summitry-group-commit", daemon=True)
            self._writer.start()
        else:
            self._condition.notify()

    def _run(self) -> None:
        try:
            while True:
                with self._condition:
                    if not self._queue:
                        self._condition.wait(_LINGER)
                        if not self._queue:
                            self._writer = None
                            return
                    group, self._queue = self._queue[: self._max_group], self._queue[self._max_group :]
                try:
                    with self._lock or nullcontext():
                        self._write_group(group)
                finally:
                    self._acknowledge(group)
        finally:  # ended by something other than idleness: let the next change start a writer
            with self._condition:
                if self._writer is threading.current_thread():
                    self._writer = None

    def _write_group(self, group: list[Pending[T]], *, on_loop: bool = False) -> list[Pending[T]]:
        """Write ``group``; return the changes not written because the database was busy (on the loop only)."""

        def busy(exc: Exception) -> bool:  # on the loop only: elsewhere, the write waits for the database
            return on_loop and self._busy is not None and self._busy(exc)

        try:
            self._write(group)
        except Exception as exc:
            if busy(exc):
                return group
            if len(group) == 1:
                group[0].error = exc
                return []
            left = []
            for item in group:  # nothing was committed: write each alone, so only the culprit fails
                item.error = None
                try:
                    self._write([item])
                except Exception as alone:  # reason: handed to the change's own thread or future, which raises it
                    if busy(alone):
                        left.append(item)
                    else:
                        item.error = alone
            return left
        return []

    def _mark_done(self, group: list[Pending[T]]) -> None:
        """Mark ``group`` written (or refused), count it, and wake the threads waiting in :meth:`submit`."""
        with self._condition:
            for item in group:
                item.done = True
            self.groups += 1
            self.changes += len(group)
            self._acknowledged.notify_all()

    def _acknowledge(self, group: list[Pending[T]]) -> None:
        self._mark_done(group)
        waiting: dict[asyncio.AbstractEventLoop, list[Pending[T]]] = {}
        for item in group:
            if item.loop is not None:
                waiting.setdefault(item.loop, []).append(item)
        for loop, items in waiting.items():  # one wake-up per event loop and group
            if not loop.is_closed():
                loop.call_soon_threadsafe(_resolve, items)


def _resolve(items: Sequence[Pending[T]]) -> None:
    for item in items:
        future = item.future
        if future is None or future.done():
            continue
        if item.error is not None:
            future.set_exception(item.error)
        else:
            future.set_result(None)
