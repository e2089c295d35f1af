"""Stop a negotiation that runs past its time: the agent acting then raises :class:`NegotiationHung`.

The exception is raised *inside* the negotiator's call, so the failure policy
(:mod:`summitry.protocols.policy`) records it as that party's failure and the negotiation
ends like any other failure. In a process's main thread a ``SIGALRM`` timer raises it (this
also interrupts ``time.sleep``); in other threads (Dask workers) a timer thread raises it
asynchronously, which takes effect when the negotiator next runs Python code.
"""

from __future__ import annotations

import contextlib
import ctypes
import signal
import threading
from collections.abc import Iterator
from types import FrameType

__all__ = ["NegotiationHung", "time_guard"]


class NegotiationHung(Exception):  # reason: the name says what happened to the negotiation
    """Raised inside a negotiation that ran past the tournament's timeout."""


@contextlib.contextmanager
def time_guard(seconds: float) -> Iterator[None]:
    """Raise :class:`NegotiationHung` in this thread if the block takes longer than ``seconds``."""
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        with _alarm(seconds):
            yield
    else:
        with _async_raise(seconds):
            yield


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    def handler(signum: int, frame: FrameType | None) -> None:
        raise NegotiationHung()

    previous = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)  # again every second, should an agent swallow it
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0.0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _async_raise(seconds: float) -> Iterator[None]:
    target = threading.get_ident()
    lock = threading.Lock()
    state = {"active": True, "fired": False}

    def fire() -> None:
        with lock:
            if state["active"]:
                state["fired"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), ctypes.py_object(NegotiationHung))

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["active"] = False
            if state["fired"]:  # not delivered yet: withdraw it
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), None)
        timer.cancel()
