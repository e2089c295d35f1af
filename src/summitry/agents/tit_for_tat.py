"""Tit-for-tat: concede as the opponent concedes, measured in the agent's own utility.

Sources: P. Faratin, C. Sierra and N. R. Jennings (1998), "Negotiation decision functions
for autonomous agents" (imitative tactics: absolute and relative tit-for-tat over a window
δ), and T. Baarslag, K. Hindriks and C. Jonker (2013), "A tit for tat negotiation strategy
for real-time bilateral negotiations" (reciprocity measured in utility). Both start at the
agent's best outcome. A small ``kindness`` (a concession per round whatever the opponent
does, as a share of the agent's utility range; 0 to disable) keeps two reciprocators from
deadlocking.
"""

from __future__ import annotations

from collections import deque

from summitry.model import Outcome
from summitry.protocols import Observation

from .base import Negotiator

__all__ = ["NaiveTitForTat", "RelativeTitForTat"]


class _Reciprocator(Negotiator):
    """Shared machinery: the own-utility target follows the opponent's concessions.

    The history is read incrementally: each opponent offer is reciprocated once, when first
    seen, and only the last ``memory`` opponent utilities are kept (``None``: all of them).
    """

    needs_full_history = False  # reads no offer older than its own previous turn

    memory: int | None = None

    def __init__(self, *, kindness: float = 0.0, name: str | None = None) -> None:
        super().__init__(name=name)
        if kindness < 0:
            raise ValueError(f"kindness must be >= 0, got {kindness!r}")
        self.kindness = float(kindness)

    def on_start(self) -> None:
        """Start the target at the best utility."""
        self._target = self.best_utility
        self._seen = 0  # opponent offers already reciprocated
        self._read = 0  # history entries already read
        self._recent: deque[float] = deque(maxlen=self.memory)  # the last opponent utilities

    def concession(self, utilities: list[float]) -> float:
        """Return how much own utility to give up, given the opponent's offers' utilities to this agent.

        ``utilities`` ends with the offer being reciprocated; it holds the last ``memory`` of them.
        """
        raise NotImplementedError

    def current_target(self, observation: Observation) -> float:
        """Return the target utility after reciprocating every opponent offer not yet answered."""
        history = observation.history
        if self._read >= len(history):
            return self._target
        me = self.view.party
        for party, outcome in history[self._read :]:
            if party == me:
                continue
            self._recent.append(self.utility_of(outcome))
            self._seen += 1
            kind = self.kindness * self.utility_range if self._seen > 1 else 0.0
            step = self.concession(list(self._recent)) + kind
            self._target = max(self.worst_acceptable_utility, self._target - max(step, 0.0))
        self._read = len(history)
        return self._target

    def propose(self, observation: Observation) -> Outcome | None:
        """Return an outcome at or just above the reciprocating target."""
        return self.outcome_at_or_above(self.current_target(observation))

    def respond(self, observation: Observation) -> bool:
        """Return whether the offer is worth at least the agent's own next offer (AC_next)."""
        assert observation.standing_offer is not None
        target = self.utility_at_or_above(self.current_target(observation))
        return target is not None and self.utility_of(observation.standing_offer) >= target - 1e-12


class NaiveTitForTat(_Reciprocator):
    """Concedes, in own utility, exactly what the opponent's last offer conceded (Faratin's absolute TFT, δ = 1)."""

    needs_full_history = False  # reads no offer older than its own previous turn

    name = "naive-tit-for-tat"
    memory = 2

    def concession(self, utilities: list[float]) -> float:
        """Return the rise in own utility between the opponent's last two offers."""
        if len(utilities) < 2:
            return 0.0
        return utilities[-1] - utilities[-2]


class RelativeTitForTat(_Reciprocator):
    """Reproduces, as a proportion of its remaining room, the opponent's relative concession over δ offers.

    Faratin's relative tit-for-tat applied to utility: the opponent's relative concession over
    the window is ``(u(bₙ) − u(bₙ₋δ)) / (best − u(bₙ₋δ))`` — the share of the gap to this
    agent's ideal the opponent closed — averaged per offer; the agent closes the same share of
    the gap between its target and its reserve.
    """

    needs_full_history = False  # reads no offer older than its own previous turn

    name = "tit-for-tat"

    def __init__(self, *, window: int = 2, kindness: float = 0.0, name: str | None = None) -> None:
        """Create a relative tit-for-tat negotiator measuring concessions over ``window`` offers."""
        super().__init__(kindness=kindness, name=name)
        if int(window) < 1:
            raise ValueError(f"window must be >= 1, got {window!r}")
        self.window = int(window)
        self.memory = self.window + 1

    def concession(self, utilities: list[float]) -> float:
        """Return the own-utility concession mirroring the opponent's relative concession over the window."""
        if len(utilities) < 2:
            return 0.0
        delta = min(self.window, len(utilities) - 1)
        then, now = utilities[-1 - delta], utilities[-1]
        gap = self.best_utility - then
        if gap <= 1e-12:
            return 0.0
        share = min(1.0, max(0.0, (now - then) / gap)) / delta
        return share * (self._target - self.worst_acceptable_utility)
