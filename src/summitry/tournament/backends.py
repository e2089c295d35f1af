"""Where a tournament's negotiations run: this process, local worker processes, or a Dask cluster.

Every backend takes chunks of tasks and yields each chunk's records as it finishes (in any
order), keeping only a few chunks in flight so that memory does not grow with the tournament.
Dask (``distributed``) is imported only when a Dask backend is used.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import logging
import multiprocessing
import os
import signal
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from summitry.errors import TournamentError

from .plan import NegotiationTask
from .runner import Record, RunSettings, run_chunk

__all__ = ["Backend", "DaskBackend", "InProcessBackend", "LocalBackend", "chunked", "make_backend"]

_IN_FLIGHT_PER_WORKER = 4


class Backend(Protocol):
    """Runs chunks of negotiations and yields their records as they finish."""

    workers: int

    def run(self, settings: RunSettings, chunks: Sequence[list[NegotiationTask]]) -> Iterator[list[Record]]:
        """Yield the records of each chunk as soon as it is done."""
        ...

    def close(self) -> None:
        """Release the workers."""
        ...


def chunked(tasks: Sequence[NegotiationTask], workers: int) -> list[list[NegotiationTask]]:
    """Return ``tasks`` in chunks: small enough to balance the workers, big enough to keep overheads low."""
    size = max(1, min(16, len(tasks) // (workers * 8)))
    return [list(tasks[i : i + size]) for i in range(0, len(tasks), size)]


class InProcessBackend:
    """Runs everything in this process, one chunk after the other (``-j 1``)."""

    workers = 1

    def run(self, settings: RunSettings, chunks: Sequence[list[NegotiationTask]]) -> Iterator[list[Record]]:
        """Yield the records of each chunk in order."""
        for chunk in chunks:
            yield run_chunk(settings, chunk)

    def close(self) -> None:
        """Nothing to release."""


class LocalBackend:
    """Local worker processes (``-j N``); they die with the tournament process."""

    def __init__(self, workers: int) -> None:
        """Start ``workers`` processes (forked from a fresh server process that has summitry loaded)."""
        self.workers = workers
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["summitry.tournament.runner"])
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_die_with_parent)

    def run(self, settings: RunSettings, chunks: Sequence[list[NegotiationTask]]) -> Iterator[list[Record]]:
        """Yield each chunk's records as it finishes, with a few chunks per worker in flight."""
        pending: set[Future[list[Record]]] = set()
        queue = iter(chunks)
        limit = self.workers * _IN_FLIGHT_PER_WORKER
        for chunk in queue:
            pending.add(self._pool.submit(run_chunk, settings, chunk))
            if len(pending) >= limit:
                break
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                for chunk in queue:
                    pending.add(self._pool.submit(run_chunk, settings, chunk))
                    break
                try:
                    records = future.result()
                except BrokenProcessPool:
                    raise TournamentError(
                        "a worker process died (an agent crashed the interpreter or ran out of memory); "
                        "what finished is stored: rerun the same command to go on, or with -j 1 to see which agent"
                    ) from None
                yield records

    def close(self) -> None:
        """Stop the worker processes (cancelling what has not started)."""
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskBackend:
    """A Dask cluster: a new ``LocalCluster`` (``"local"``) or a running scheduler (``"tcp://host:8786"``)."""

    def __init__(self, address: str, workers: int, *, timeout: float = 10.0) -> None:
        """Connect to the scheduler at ``address`` (waiting up to ``timeout`` s), or start a local cluster.

        A local cluster has ``workers`` processes of one thread each.

        Raises:
            TournamentError: the scheduler does not answer.
        """
        import distributed  # reason: only Dask runs pay for importing Dask

        dask: Any = distributed  # untyped library
        self._cluster: Any = None
        try:
            if address == "local":
                self._cluster = dask.LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
                self._client: Any = dask.Client(self._cluster)
            else:
                self._client = dask.Client(address, timeout=f"{timeout}s")
        except (OSError, TimeoutError) as exc:
            if self._cluster is not None:
                self._cluster.close()
            raise TournamentError(f"--dask {address}: cannot reach the scheduler: {exc}") from None
        self.workers = max(1, sum(self._client.nthreads().values()))

    def run(self, settings: RunSettings, chunks: Sequence[list[NegotiationTask]]) -> Iterator[list[Record]]:
        """Yield each chunk's records as it finishes, with a few chunks per worker thread in flight."""
        import distributed

        as_completed: Any = distributed.as_completed
        queue = iter(chunks)
        first = [self._submit(settings, c) for c in itertools.islice(queue, self.workers * _IN_FLIGHT_PER_WORKER)]
        if not first:
            return
        futures: Any = as_completed(first)
        for future in futures:
            for chunk in queue:
                futures.add(self._submit(settings, chunk))
                break
            yield future.result()

    def _submit(self, settings: RunSettings, chunk: list[NegotiationTask]) -> Any:
        return self._client.submit(run_chunk, settings, chunk, pure=False)

    def close(self) -> None:
        """Disconnect, and stop the local cluster if this backend started one."""
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_backend(workers: int | None = None, dask: str | None = None) -> Backend:
    """Return the backend for ``-j workers`` (default: every core) or ``--dask local|tcp://...``."""
    count = workers if workers is not None else (os.cpu_count() or 1)
    if dask is not None:
        return DaskBackend(dask, count)
    if count <= 1:
        return InProcessBackend()
    return LocalBackend(count)


def _die_with_parent() -> None:
    """Ask Linux to stop this worker when its parent dies (a killed tournament leaves no orphans)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
