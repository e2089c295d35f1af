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
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

__all__ = ["GroupCommit", "Pending"]

T = TypeVar("T")

_LINGER = 1.0
"""Seconds the writer thread waits for more changes before it ends."""


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
    again alone with ``write([change])``.
    """

    def __init__(self, write: Callable[[Sequence[Pending[T]]], None], *, max_group: int = 512) -> None:
        self._write = write
        self._max_group = max_group
        lock = threading.Lock()
        self._condition = threading.Condition(lock)  # the writer waits on it for changes
        self._acknowledged = threading.Condition(lock)  # the submitting threads wait on it for their commit
        self._queue: list[Pending[T]] = []
        self._writer: threading.Thread | None = None
        self.groups = 0
        """Transactions committed so far (for measurements)."""
        self.changes = 0
        """Changes written so far (for measurements)."""

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
        with self._condition:
            self._enqueue(pending)
        assert pending.future is not None  # reason: made just above
        return pending.future

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
                    self._write_group(group)
                finally:
                    self._acknowledge(group)
        finally:  # ended by something other than idleness: let the next change start a writer
            with self._condition:
                if self._writer is threading.current_thread():
                    self._writer = None

    def _write_group(self, group: list[Pending[T]]) -> None:
        try:
            self._write(group)
        except Exception as exc:
            if len(group) == 1:
                group[0].error = exc
                return
            for item in group:  # nothing was committed: write each alone, so only the culprit fails
                item.error = None
                try:
                    self._write([item])
                except Exception as alone:  # reason: handed to the change's own thread or future, which raises it
                    item.error = alone

    def _acknowledge(self, group: list[Pending[T]]) -> None:
        waiting: dict[asyncio.AbstractEventLoop, list[Pending[T]]] = {}
        with self._condition:
            for item in group:
                item.done = True
                if item.loop is not None:
                    waiting.setdefault(item.loop, []).append(item)
            self.groups += 1
            self.changes += len(group)
            self._acknowledged.notify_all()
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
