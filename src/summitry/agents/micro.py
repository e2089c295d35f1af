"""MiCRO: concede one outcome at a time, and only as fast as the opponent makes new offers.

Source: D. de Jonge (2022), "An Analysis of the Linear Bilateral ANAC Domains Using the
MiCRO Benchmark Strategy", IJCAI 2022. The agent walks its outcomes in decreasing utility
order. If the opponent has made at least as many distinct offers as it has (m ≤ n), it
proposes the next outcome of that list; otherwise it repeats one of its earlier proposals
(chosen with the rng). It accepts an offer worth at least the lowest utility it has proposed
(or would propose now), and never goes below its reservation value.
"""

from __future__ import annotations

from summitry.model import Outcome
from summitry.protocols import Observation

from .base import Negotiator

__all__ = ["MiCRO"]


class MiCRO(Negotiator):
    """De Jonge's MiCRO (2022): reciprocates the number of distinct offers, one outcome at a time."""

    needs_full_history = False  # reads no offer older than its own previous turn

    name = "micro"

    def on_start(self) -> None:
        """Reset the count of distinct proposals; only outcomes above reservation are ever proposed."""
        self._proposed = 0  # how far down the sorted list this agent has gone
        self._usable = int(self.indices_between(self.reservation).size)
        self._distinct: set[Outcome] = set()  # the opponents' distinct offers so far
        self._read = 0  # history entries already read

    def _opponent_distinct(self, observation: Observation) -> int:
        history = observation.history
        if self._read < len(history):
            me = self.view.party
            self._distinct.update(outcome for party, outcome in history[self._read :] if party != me)
            self._read = len(history)
        return len(self._distinct)

    def _will_concede(self, observation: Observation) -> bool:
        return self._proposed <= self._opponent_distinct(observation) and self._proposed < self._usable

    def lowest_utility(self, observation: Observation) -> float | None:
        """Return the lowest utility proposed so far, or to be proposed now (None if nothing is usable)."""
        count = self._proposed + (1 if self._will_concede(observation) else 0)
        if count == 0:
            return None
        return float(self.sorted_utilities[count - 1])

    def propose(self, observation: Observation) -> Outcome | None:
        """Return the next outcome of the sorted list when conceding, else a random earlier proposal."""
        if self._usable == 0:
            return None
        if self._will_concede(observation):
            self._proposed += 1
            position = self._proposed - 1
        else:
            position = int(self.rng.integers(self._proposed))
        return self.view.space.outcome(int(self.sorted_indices[position]))

    def respond(self, observation: Observation) -> bool:
        """Return whether the offer is worth at least the lowest utility proposed (or about to be)."""
        assert observation.standing_offer is not None
        lowest = self.lowest_utility(observation)
        return lowest is not None and self.utility_of(observation.standing_offer) >= lowest - 1e-12
