"""Time-dependent concession: Boulware, Linear and Conceder (one curve, one exponent).

Source: P. Faratin, C. Sierra and N. R. Jennings (1998), "Negotiation decision functions
for autonomous agents", Robotics and Autonomous Systems 24(3–4). The target utility at
relative time t is ``max − (max − reserve) · t^(1/e)``: e < 1 concedes late (Boulware),
e = 1 linearly, e > 1 early (Conceder). Acceptance is AC_next (Baarslag, Hindriks and
Jonker 2011, "Acceptance conditions in automated negotiation"): accept an offer worth at
least what the agent would offer next.
"""

from __future__ import annotations

from summitry.model import Outcome
from summitry.protocols import Observation

from .base import Negotiator

__all__ = ["Boulware", "Conceder", "LinearConcession", "TimeBased", "concession_target"]


def concession_target(t: float, *, maximum: float, reserve: float, exponent: float) -> float:
    """Return the Faratin target utility ``maximum − (maximum − reserve) · t^(1/exponent)`` at time t ∈ [0, 1]."""
    t = min(1.0, max(0.0, float(t)))
    return float(maximum - (maximum - reserve) * t ** (1.0 / exponent))


class TimeBased(Negotiator):
    """Concedes along the Faratin–Sierra–Jennings curve with exponent ``exponent``; accepts by AC_next.

    Args:
        exponent: e in ``t^(1/e)``; < 1 Boulware, 1 linear, > 1 Conceder. Must be > 0.
        floor: lowest target utility, as an absolute utility (default: the reservation value
            or the worst outcome, whichever is higher).
        window: outcomes within ``window × (best − reserve)`` above the target are all
            candidates (ties broken by the opponent model when the subclass has one, else by
            the rng); relative, so it does not depend on the utility scale.
    """

    needs_full_history = False  # reads no offer older than its own previous turn

    name = "time-based"

    def __init__(
        self, *, exponent: float = 1.0, floor: float | None = None, window: float = 0.0, name: str | None = None
    ) -> None:
        """Create the negotiator with concession exponent ``exponent``."""
        super().__init__(name=name)
        if not exponent > 0:
            raise ValueError(f"exponent must be > 0, got {exponent!r}")
        self.exponent = float(exponent)
        self.floor = floor
        self.window = float(window)

    @property
    def reserve(self) -> float:
        """Return the utility the curve ends at (t = 1)."""
        low = self.worst_acceptable_utility
        return max(low, float(self.floor)) if self.floor is not None else low

    def target(self, t: float) -> float:
        """Return the target utility at relative time ``t``."""
        return concession_target(
            t, maximum=self.best_utility, reserve=min(self.reserve, self.best_utility), exponent=self.exponent
        )

    def next_time(self, observation: Observation) -> float:
        """Return the relative time of this party's next offer (one round on, when rounds are known)."""
        rounds = self.view.deadline.rounds
        step = 1.0 / rounds if rounds else 0.0
        return min(1.0, observation.time + step)

    def propose(self, observation: Observation) -> Outcome | None:
        """Return an outcome at or just above the target now."""
        return self.outcome_at_or_above(self.target(observation.time), window=self.window * self.utility_range)

    def respond(self, observation: Observation) -> bool:
        """Return whether the offer is worth at least what this agent would offer next (AC_next)."""
        assert observation.standing_offer is not None
        next_utility = self.utility_at_or_above(self.target(self.next_time(observation)))
        if next_utility is None:
            return False
        return self.utility_of(observation.standing_offer) >= next_utility - 1e-12


class Boulware(TimeBased):
    """Time-based, conceding late (exponent 0.2 by default; Faratin et al. 1998)."""

    needs_full_history = False  # reads no offer older than its own previous turn

    name = "boulware"

    def __init__(self, *, exponent: float = 0.2, **kwargs: object) -> None:
        """Create a Boulware negotiator (exponent < 1)."""
        super().__init__(exponent=exponent, **kwargs)  # type: ignore[arg-type]


class LinearConcession(TimeBased):
    """Time-based, conceding linearly in time (exponent 1; Faratin et al. 1998)."""

    needs_full_history = False  # reads no offer older than its own previous turn

    name = "linear"

    def __init__(self, *, exponent: float = 1.0, **kwargs: object) -> None:
        """Create a linear-concession negotiator."""
        super().__init__(exponent=exponent, **kwargs)  # type: ignore[arg-type]


class Conceder(TimeBased):
    """Time-based, conceding early (exponent 5 by default; Faratin et al. 1998)."""

    needs_full_history = False  # reads no offer older than its own previous turn

    name = "conceder"

    def __init__(self, *, exponent: float = 5.0, **kwargs: object) -> None:
        """Create a Conceder negotiator (exponent > 1)."""
        super().__init__(exponent=exponent, **kwargs)  # type: ignore[arg-type]
