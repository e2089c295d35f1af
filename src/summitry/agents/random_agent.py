"""A seeded random baseline: random offers above the reservation value, random acceptance.

Source: the random baseline of NegMAS (``RandomNegotiator``) and GENIUS (``RandomCounterOfferParty``).
"""

from __future__ import annotations

from summitry.model import Outcome
from summitry.protocols import Observation

from .base import Negotiator

__all__ = ["RandomNegotiator"]


class RandomNegotiator(Negotiator):
    """Offers a uniformly random outcome worth at least the reservation value; accepts such offers with ``p_accept``."""

    needs_full_history = False  # reads no offer older than its own previous turn

    name = "random"

    def __init__(self, *, p_accept: float = 0.5, name: str | None = None) -> None:
        """Create a random negotiator accepting acceptable offers with probability ``p_accept``."""
        super().__init__(name=name)
        if not 0.0 <= p_accept <= 1.0:
            raise ValueError(f"p_accept must be in [0, 1], got {p_accept!r}")
        self.p_accept = float(p_accept)

    def propose(self, observation: Observation) -> Outcome | None:
        """Return a random outcome worth at least the reservation value (None if there is none)."""
        candidates = self.indices_between(self.reservation)
        if candidates.size == 0:
            return None
        return self.view.space.outcome(int(candidates[int(self.rng.integers(candidates.size))]))

    def respond(self, observation: Observation) -> bool:
        """Return True with probability ``p_accept`` (the base class already refused offers below reservation)."""
        return bool(self.rng.random() < self.p_accept)
