"""Clocks are injected into mechanisms: a real monotonic one, and a fake one for tests."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

__all__ = ["Clock", "FakeClock", "MonotonicClock"]


@runtime_checkable
class Clock(Protocol):
    """Returns seconds from an arbitrary origin; only differences matter."""

    def now(self) -> float:
        """Return the current time in seconds."""
        ...


class MonotonicClock:
    """The real clock: ``now()`` is ``time.monotonic()``."""

    # the C function itself, not a method wrapping it: a negotiation reads the clock several
    # times per step (the step's time, and each action against the per-action time limit)
    now = staticmethod(time.monotonic)


@dataclass(slots=True)
class FakeClock:
    """A clock that advances only when told to (``tick``), or by ``auto_step`` on every read."""

    current: float = 0.0
    auto_step: float = 0.0
    _reads: int = field(default=0, repr=False)

    def now(self) -> float:
        """Return the current fake time, then advance it by ``auto_step``."""
        value = self.current
        self.current += self.auto_step
        self._reads += 1
        return value

    def tick(self, seconds: float) -> None:
        """Advance the clock by ``seconds``."""
        self.current += seconds
