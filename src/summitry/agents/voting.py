"""Mediation voters: greedy (hill-climbing) and annealing (simulated annealing).

Source: M. Klein, P. Faratin, H. Sayama and Y. Bar-Yam (2003), "Negotiating complex
contracts", Group Decision and Negotiation 12(2): single-text mediation where each party
votes on the mediator's proposed change; a *hill-climber* accepts only improvements, an
*annealer* also accepts a worse proposal with probability ``exp(−Δ/T)``, the temperature T
falling with time (annealing early lets both parties escape local optima and reach better
joint outcomes).
"""

from __future__ import annotations

import math

from summitry.protocols import Observation

from .base import Negotiator

__all__ = ["AnnealingVoter", "GreedyVoter"]


class GreedyVoter(Negotiator):
    """Accepts a proposal iff it is worth at least the current draft to this party (hill climbing)."""

    needs_full_history = False  # votes on the draft; reads no offer history

    name = "greedy-voter"  # the base class's vote is exactly hill climbing: nothing to override


class AnnealingVoter(Negotiator):
    """Accepts improvements; accepts a loss Δ with probability exp(−Δ/T), T = ``temperature`` · range · (1 − t).

    ``range`` is the party's utility range (best − max(reservation, worst)), so the
    temperature is a share of it and does not depend on the utility scale.
    """

    needs_full_history = False  # votes on the draft; reads no offer history

    name = "annealing-voter"

    def __init__(self, *, temperature: float = 0.1, name: str | None = None) -> None:
        """Create an annealing voter starting at ``temperature`` (a share of the utility range)."""
        super().__init__(name=name)
        if temperature < 0:
            raise ValueError(f"temperature must be >= 0, got {temperature!r}")
        self.temperature = float(temperature)

    def current_temperature(self, t: float) -> float:
        """Return the temperature at relative time ``t`` (linear cooling to 0 at the deadline)."""
        return self.temperature * self.utility_range * max(0.0, 1.0 - float(t))

    def vote(self, observation: Observation) -> bool:
        """Return True for an improvement, else True with probability exp(−Δ/T) (drawn with the rng)."""
        if observation.proposal is None:
            return False
        if observation.draft is None:
            return super().vote(observation)
        loss = self.utility_of(observation.draft) - self.utility_of(observation.proposal)
        if loss <= 0:
            return True
        temperature = self.current_temperature(observation.time)
        if temperature <= 0:
            return False
        return bool(self.rng.random() < math.exp(-loss / temperature))
