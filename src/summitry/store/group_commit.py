"""Group commit: the changes of many sessions written in one transaction, each acknowledged after it.

A commit costs a flush to disk (an fsync on SQLite with ``synchronous=FULL``, a WAL flush
on PostgreSQL): milliseconds, whatever the transaction holds. When many sessions act at
once, writing each change in a transaction of its own makes them queue for the disk one
by one. :class:`GroupCommit` lets the threads that want to write line up: the first one
becomes the *leader*, takes every change queued so far, writes them all in one
transaction and commits; the others wait, and each returns (or raises its own error) only
once the transaction holding its change has committed. Changes that arrive during a
commit form the next group. With one writer there is no wait at all; under load the
groups grow by themselves, so one flush acknowledges many changes.

Every change is still atomic on its own: the write function decides, per change, whether
it applies (a change that does not continue its session's log is refused and its rows are
not written); if the transaction as a whole fails, each change of the group is retried in
a transaction of its own, so one bad change cannot fail its neighbours.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

__all__ = ["GroupCommit", "Pending"]

T = TypeVar("T")


class Pending(Generic[T]):
    """One change waiting for its commit: the change, then its outcome (done, and an error if refused)."""

    __slots__ = ("change", "done", "error")

    def __init__(self, change: T) -> None:
        self.change = change
        self.done = False
        self.error: Exception | None = None


class GroupCommit(Generic[T]):
    """Writes queued changes in groups, one transaction per group (see the module docstring).

    ``write(group)`` writes a group in one transaction and sets ``error`` on each change it
    refuses; if it raises, nothing of the group was committed and each change is written
    again alone with ``write([change])``.
    """

    def __init__(self, write: Callable[[Sequence[Pending[T]]], None], *, max_group: int = 512) -> None:
        self._write = write
        self._max_group = max_group
        self._condition = threading.Condition()
        self._queue: list[Pending[T]] = []
        self._writing = False
        self.groups = 0
        """Transactions committed so far (for measurements)."""
        self.changes = 0
        """Changes written so far (for measurements)."""

    def submit(self, change: T) -> None:
        """Write ``change`` and return once it is committed.

        Raises:
            Exception: whatever ``write`` refused this change with (other changes are unaffected).
        """
        pending = Pending(change)
        with self._condition:
            self._queue.append(pending)
        while True:
            with self._condition:
                while self._writing and not pending.done:
                    self._condition.wait()
                if pending.done:
                    break
                self._writing = True  # this thread leads the next group
                group, self._queue = self._queue[: self._max_group], self._queue[self._max_group :]
            try:
                self._write_group(group)
            finally:
                with self._condition:
                    for item in group:
                        item.done = True
                    self._writing = False
                    self.groups += 1
                    self.changes += len(group)
                    self._condition.notify_all()
        if pending.error is not None:
            raise pending.error

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
                except Exception as alone:  # reason: handed to the change's own thread, which raises it
                    item.error = alone
