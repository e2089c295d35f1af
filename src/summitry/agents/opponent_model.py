"""Opponent models over issue weights and value evaluations, and the negotiator that uses one.

A model learns, from the opponent's offers, a linear additive estimate of the opponent's
utility: ``Σᵢ wᵢ · vᵢ(value)`` with weights summing to 1 and evaluations in [0, 1]. A
:class:`ModelledNegotiator` concedes on a Faratin time curve and, among the outcomes near its
target, offers the one the model says the opponent likes best (the "bidding strategy with an
opponent model" of HardHeaded and of Hindriks & Tykhonov's Bayesian agent).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import numpy.typing as npt

from summitry.model import Outcome, OutcomeSpace
from summitry.protocols import Action, Observation

from .time_based import TimeBased

__all__ = ["ModelledNegotiator", "OpponentModel", "modelled_utility"]


class OpponentModel(Protocol):
    """Learns an estimate of the opponent's linear additive utility from its offers."""

    def reset(self, space: OutcomeSpace) -> None:
        """Forget everything; prepare for offers over ``space``."""
        ...

    def update(self, levels: npt.NDArray[np.int64], t: float) -> None:
        """Learn from one opponent offer given as a level vector, made at relative time ``t``."""
        ...

    def weights(self) -> npt.NDArray[np.float64]:
        """Return the estimated issue weights (summing to 1), in issue order."""
        ...

    def evaluations(self) -> list[npt.NDArray[np.float64]]:
        """Return, per issue, the estimated evaluation of each value level (in [0, 1])."""
        ...


def modelled_utility(
    model: OpponentModel, space: OutcomeSpace, indices: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    """Return the model's estimate of the opponent's utility of each outcome index."""
    levels = space.levels(indices)
    total = np.zeros(levels.shape[0])
    for column, (weight, table) in enumerate(zip(model.weights(), model.evaluations(), strict=True)):
        total += weight * table[levels[:, column]]
    return total


class ModelledNegotiator(TimeBased):
    """A time-based negotiator that learns an opponent model and offers what the model likes best near its target."""

    needs_full_history = False  # reads no offer older than its own previous turn

    name = "modelled"

    def __init__(
        self,
        *,
        model: OpponentModel,
        exponent: float = 0.2,
        window: float = 0.05,
        floor: float | None = None,
        name: str | None = None,
    ) -> None:
        """Create the negotiator with an opponent ``model`` and a Faratin curve of exponent ``exponent``."""
        super().__init__(exponent=exponent, floor=floor, window=window, name=name)
        self.model = model

    def on_start(self) -> None:
        """Reset the model."""
        self.model.reset(self.view.space)
        self._learned = 0  # opponent offers fed to the model
        self._read = 0  # history entries already read
        self._levels: dict[Outcome, npt.NDArray[np.int64]] = {}  # each opponent offer's level vector

    def learn(self, observation: Observation) -> None:
        """Feed the model every opponent offer it has not seen yet (reading only the new history)."""
        history = observation.history
        if self._read >= len(history):
            return
        me = self.view.party
        fresh = [outcome for party, outcome in history[self._read :] if party != me]
        self._read = len(history)
        if not fresh:
            return
        space, known = self.view.space, self._levels
        for outcome in fresh:
            levels = known.get(outcome)
            if levels is None:  # each distinct offer is converted once
                levels = known[outcome] = space.levels([space.index_of(outcome)])[0]
                levels.setflags(write=False)
            self.model.update(levels, observation.time)
        self._learned += len(fresh)

    def act(self, observation: Observation) -> Action:
        """Learn from new opponent offers, then act as the base class does."""
        self.learn(observation)
        return super().act(observation)

    def opponent_utility(self, indices: npt.NDArray[np.int64]) -> npt.NDArray[np.float64] | None:
        """Return the model's estimate of the opponent's utility (None before any opponent offer)."""
        if self._learned == 0:
            return None
        return modelled_utility(self.model, self.view.space, indices)

    def issue_ranking(self) -> list[str]:
        """Return the issue names, most important to the opponent (by the model) first."""
        order = np.argsort(-self.model.weights(), kind="stable")
        return [self.view.space.issue_names[int(i)] for i in order]
