"""Hardliner: offers only its best outcome and accepts only (nearly) that.

Source: the "hardheaded"/"take it or leave it" baseline of the ANAC literature; as in
NegMAS's ``ToughNegotiator`` and GENIUS's ``HardlinerAgent`` (Baarslag et al. 2013,
"Evaluating practical negotiating agents: results and analysis of the 2011 international
competition").
"""

from __future__ import annotations

from summitry.model import Outcome
from summitry.protocols import Observation

from .base import Negotiator

__all__ = ["Hardliner"]


class Hardliner(Negotiator):
    """Never concedes: proposes a best outcome every time, accepts offers worth ≥ best − ``tolerance``."""

    needs_full_history = False  # reads no offer older than its own previous turn

    name = "hardliner"

    def __init__(self, *, tolerance: float = 0.0, name: str | None = None) -> None:
        """Create a hardliner accepting offers within ``tolerance`` of its best utility."""
        super().__init__(name=name)
        if tolerance < 0:
            raise ValueError(f"tolerance must be >= 0, got {tolerance!r}")
        self.tolerance = float(tolerance)

    def on_start(self) -> None:
        """Choose, once, the best outcome it will insist on."""
        self._insisted = self.outcome_at_or_above(self.best_utility)
        self._lowest = self.best_utility - self.tolerance - 1e-12  # what respond accepts, computed once

    def propose(self, observation: Observation) -> Outcome | None:
        """Return its best outcome, always the same one (None if even that is below the reservation value)."""
        return self._insisted

    def respond(self, observation: Observation) -> bool:
        """Return whether the offer is worth at least the best utility minus the tolerance."""
        assert observation.standing_offer is not None
        return self.utility_of(observation.standing_offer) >= self._lowest
