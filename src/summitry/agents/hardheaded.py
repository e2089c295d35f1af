"""HardHeaded: a frequency opponent model with a Boulware concession.

Source: T. van Krimpen, D. Looije and S. Hajizadeh (2013), "HardHeaded", in *Complex
Automated Negotiations: Theories, Models, and Software Competitions* (winner of ANAC 2011).
The model raises an issue's weight each time the opponent keeps its value unchanged from
one offer to the next (``learning_rate / issues`` per unchanged issue, then renormalised),
and values an issue's values by how often the opponent offered them (count / largest count).
The agent concedes on a Boulware curve and, among outcomes within ``window`` above its
target, offers the one the model rates best for the opponent.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from summitry.model import OutcomeSpace

from .opponent_model import ModelledNegotiator

__all__ = ["FrequencyModel", "HardHeaded"]


class FrequencyModel:
    """HardHeaded's frequency model: unchanged values raise issue weights; frequent values score high."""

    def __init__(self, *, learning_rate: float = 0.2, value_increment: float = 1.0) -> None:
        """Create the model (HardHeaded's learnCoef 0.2 and learnValueAddition 1 by default)."""
        self.learning_rate = float(learning_rate)
        self.value_increment = float(value_increment)
        self._weights = np.ones(1)
        self._counts: list[npt.NDArray[np.float64]] = []
        self._last: npt.NDArray[np.int64] | None = None
        self._evaluations: list[npt.NDArray[np.float64]] | None = None  # until the next update

    def reset(self, space: OutcomeSpace) -> None:
        """Start with equal weights and no value counts."""
        n = len(space.issues)
        self._weights = np.full(n, 1.0 / n)
        self._counts = [np.zeros(c) for c in space.cardinalities]
        self._last = None
        self._evaluations = None

    def update(self, levels: npt.NDArray[np.int64], t: float) -> None:
        """Count the offer's values; reward the issues whose value did not change since the last offer."""
        levels = np.asarray(levels, dtype=np.int64)
        if self._last is not None:
            unchanged = levels == self._last
            if unchanged.any():
                self._weights = self._weights + unchanged * (self.learning_rate / levels.size)
                self._weights = self._weights / self._weights.sum()
        for column, level in enumerate(levels.tolist()):
            self._counts[column][level] += self.value_increment
        self._last = levels.copy()
        self._evaluations = None

    def weights(self) -> npt.NDArray[np.float64]:
        """Return the estimated issue weights (summing to 1)."""
        return self._weights

    def evaluations(self) -> list[npt.NDArray[np.float64]]:
        """Return each value's count divided by its issue's largest count (all 1 before any offer).

        Read-only arrays, computed once per update.
        """
        if self._evaluations is None:
            self._evaluations = [c / c.max() if c.max() > 0 else np.ones_like(c) for c in self._counts]
            for table in self._evaluations:
                table.setflags(write=False)
        return list(self._evaluations)


class HardHeaded(ModelledNegotiator):
    """Van Krimpen, Looije and Hajizadeh's HardHeaded (ANAC 2011), simplified: Boulware curve + frequency model."""

    needs_full_history = False  # reads no offer older than its own previous turn

    name = "hardheaded"

    def __init__(
        self,
        *,
        exponent: float = 0.2,
        window: float = 0.05,
        floor: float | None = None,
        learning_rate: float = 0.2,
        name: str | None = None,
    ) -> None:
        """Create a HardHeaded negotiator."""
        super().__init__(
            model=FrequencyModel(learning_rate=learning_rate), exponent=exponent, window=window, floor=floor, name=name
        )
