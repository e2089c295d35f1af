"""The Negotiator base class every built-in agent derives from, and AgentSpec (a registry entry).

A subclass overrides a few small methods: ``propose`` (what to offer) and ``respond`` (accept
the standing offer?) for alternating offers, ``vote`` / ``amend`` / ``approve`` for mediation.
``start`` precomputes the party's utilities over the outcome space once, sorted best first,
so that picking "an outcome at or above a utility target" is a binary search.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from summitry.model import Outcome, Value
from summitry.protocols import (
    Accept,
    Action,
    Amend,
    EndNegotiation,
    Observation,
    Offer,
    PrivateView,
    Reject,
    Request,
    Vote,
)

from ._preparation import ENUMERATION_LIMIT, SAMPLE_SIZE, prepare

__all__ = ["ENUMERATION_LIMIT", "SAMPLE_SIZE", "AgentSpec", "Negotiator"]

_TIE = 1e-9


class Negotiator:
    """A strategy acting for one party: dispatches each request to an overridable method.

    Subclasses usually override :meth:`propose` and :meth:`respond` (alternating offers),
    and optionally :meth:`on_start` to precompute. Attributes available after ``start``:
    ``view`` (the party's :class:`~summitry.protocols.PrivateView`), ``rng``, ``reservation``,
    ``best_utility`` and the sorted arrays ``sorted_indices`` / ``sorted_utilities``
    (descending utility).
    """

    name: str = "negotiator"

    needs_full_history: bool = True
    """Whether the negotiator may read any offer of ``Observation.history`` (True) or only the
    offers made since its own previous turn (False, as every built-in agent). A run that keeps
    no trace lets the older offers go only when every negotiator says False. Declared per
    class: a subclass that does not declare it is True again, since it may read further back
    than the class it extends (:meth:`opponent_offers` and :meth:`own_offers` do)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Make ``needs_full_history`` True in every subclass that does not declare it itself."""
        super().__init_subclass__(**kwargs)
        if "needs_full_history" not in cls.__dict__:
            cls.needs_full_history = True

    def __init__(self, *, name: str | None = None) -> None:
        """Create the negotiator; ``name`` defaults to the class's ``name``."""
        if name is not None:
            self.name = name
        self._view: PrivateView | None = None
        self.rng: np.random.Generator = np.random.default_rng(0)
        self.sorted_indices: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self.sorted_utilities: npt.NDArray[np.float64] = np.zeros(0)
        self._negated: npt.NDArray[np.float64] = np.zeros(0)
        self._by_index: npt.NDArray[np.float64] | None = None
        self._utility_memo: dict[Outcome, float] = {}
        self._last_valued: object = None  # the last outcome valued, and its value
        self._votes: tuple[Vote, Vote] | None = None
        self._last_value = 0.0
        self._outcome_memo: dict[int, Outcome] = {}  # outcome index -> outcome, for the outcomes it offers
        self._last_offer: Offer | None = None
        self._worst_acceptable: float | None = None
        self._reservation = 0.0  # the view's, as a float (read every step)
        self._best = -np.inf  # sorted_utilities[0] as a float

    # -- lifecycle ------------------------------------------------------------------------

    @property
    def view(self) -> PrivateView:
        """Return the private view given to :meth:`start`."""
        if self._view is None:
            raise RuntimeError(f"negotiator {self.name!r} was asked to act before start()")
        return self._view

    def start(self, view: PrivateView, rng: np.random.Generator) -> None:
        """Store the view and rng, sort the party's outcomes by utility, then call on_start.

        The sorted arrays are read-only and shared between negotiators of the same utility
        function (see ``summitry.agents._preparation``).
        """
        self._view = view
        self.rng = rng
        prepared = prepare(view.space, view.utility, rng)
        self.sorted_indices = prepared.sorted_indices
        self.sorted_utilities = prepared.sorted_utilities
        self._negated = prepared.negated
        self._by_index = prepared.by_index
        self._utility_memo = {}
        self._outcome_memo = {}
        self._last_valued = None
        self._last_offer = None
        self._worst_acceptable = None
        self._reservation = float(view.reservation_value)
        self._best = float(self.sorted_utilities[0]) if self.sorted_utilities.size else -np.inf
        self.on_start()

    def on_start(self) -> None:
        """Precompute strategy state after the utilities are sorted (override; default: nothing)."""

    @property
    def reservation(self) -> float:
        """Return the party's reservation value."""
        return self._reservation if self._view is not None else float(self.view.reservation_value)

    @property
    def best_utility(self) -> float:
        """Return the highest utility the party can get (its best outcome)."""
        return self._best

    @property
    def worst_acceptable_utility(self) -> float:
        """Return the lowest utility this party would still offer: max(reservation, worst outcome).

        Computed once per negotiation (it scans the sorted utilities; strategies ask every step).
        """
        if self._worst_acceptable is None:
            finite = self.sorted_utilities[np.isfinite(self.sorted_utilities)]
            low = float(finite[-1]) if finite.size else self.reservation
            self._worst_acceptable = max(self.reservation, low)
        return self._worst_acceptable

    @property
    def utility_range(self) -> float:
        """Return best utility minus the lowest acceptable one (scale for relative parameters; >= 0)."""
        return max(0.0, self.best_utility - self.worst_acceptable_utility)

    # -- dispatch -------------------------------------------------------------------------

    def act(self, observation: Observation) -> Action:
        """Return the action answering ``observation.request`` (dispatching to the overridable methods)."""
        request = observation.request
        if request is Request.OFFER:
            return self._act_offer(observation)
        party = self.view.party
        if request is Request.VOTE:
            votes = self._votes  # actions are immutable: the same two Vote objects every time
            if votes is None or votes[0].party != party:
                votes = self._votes = (Vote(party=party, accept=False), Vote(party=party, accept=True))
            return votes[bool(self.vote(observation))]
        if request is Request.AMEND:
            return Amend(party=party, changes=dict(self.amend(observation)))
        approve = bool(self.approve(observation))
        if not observation.legal or Vote in observation.legal:
            return Vote(party=party, accept=approve)
        return Accept(party=party) if approve else Reject(party=party)

    def _act_offer(self, observation: Observation) -> Action:
        party = self.view.party
        standing = observation.standing_offer
        if (
            standing is not None
            and observation.standing_offer_by != party
            and (not observation.legal or Accept in observation.legal)
            and self.utility_of(standing) >= self.reservation
            and self.respond(observation)
        ):
            return Accept(party=party)
        outcome = self.propose(observation)
        if outcome is None:
            return EndNegotiation(party=party)
        outcome = tuple(outcome)
        # actions are immutable: repeating an offer repeats the same object (no new dataclass)
        last = self._last_offer
        if last is None or last.outcome != outcome or last.party != party:
            last = self._last_offer = Offer(party=party, outcome=outcome)
        return last

    # -- the methods strategies override ----------------------------------------------------

    def propose(self, observation: Observation) -> Outcome | None:
        """Return the outcome to offer, or None to end the negotiation (default: the best outcome)."""
        return self.outcome_at_or_above(self.best_utility)

    def respond(self, observation: Observation) -> bool:
        """Return whether to accept the standing offer (default: if it is worth at least the best outcome)."""
        assert observation.standing_offer is not None
        return self.utility_of(observation.standing_offer) >= self.best_utility - _TIE

    def vote(self, observation: Observation) -> bool:
        """Return whether to accept the mediator's proposal (default: it is at least as good as the draft)."""
        if observation.proposal is None:
            return False
        proposal = self.utility_of(observation.proposal)
        if observation.draft is None:
            return proposal >= self.reservation
        return proposal >= self.utility_of(observation.draft)

    def amend(self, observation: Observation) -> Mapping[str, Value]:
        """Return the edits to propose to the draft, ``{issue: value}``.

        Default: the one-issue edit that raises this party's utility the most (among edits that
        keep the outcome feasible), or none when no single change helps — a delegation
        redrafting the text in its own favour, one line at a time. Ties go to the first issue
        and value in the space's order.
        """
        if observation.draft is None:
            return {}
        draft = tuple(observation.draft)
        space = self.view.space
        best_utility = self.utility_of(draft) + _TIE
        best: dict[str, Value] = {}
        for position, issue in enumerate(space.issues):
            for value in issue.values:
                if value == draft[position]:
                    continue
                candidate = (*draft[:position], value, *draft[position + 1 :])
                utility = self.utility_of(candidate)
                if utility > best_utility and space.contains(candidate):
                    best_utility, best = utility, {issue.name: value}
        return best

    def approve(self, observation: Observation) -> bool:
        """Return whether to approve the final draft (default: its utility beats the reservation value)."""
        if observation.draft is None:
            return False
        return self.utility_of(observation.draft) > self.reservation

    # -- tools for strategies -----------------------------------------------------------------

    def utility_of(self, outcome: Outcome) -> float:
        """Return this party's (undiscounted) utility of ``outcome``."""
        if outcome is self._last_valued:  # the same tuple again (a standing offer is read twice a turn)
            return self._last_value
        memo = self._utility_memo
        value = memo.get(outcome)
        if value is None:
            if self._by_index is not None:
                value = float(self._by_index[self.view.space.index_of(outcome)])
            else:
                value = float(self.view.utility(outcome))
            memo[outcome] = value
        if type(outcome) is tuple:
            self._last_valued, self._last_value = outcome, value
        return value

    def index_of(self, outcome: Outcome) -> int:
        """Return the outcome's index in the outcome space."""
        return self.view.space.index_of(outcome)

    def opponent_offers(self, observation: Observation) -> list[Outcome]:
        """Return the offers other parties made, oldest first.

        This rescans the whole history; a strategy called every step should rather remember
        how much it has read and look only at ``observation.history[read:]`` (as the built-in
        agents do), so that a step costs the same at any round.
        """
        me = self.view.party
        return [outcome for party, outcome in observation.history if party != me]

    def own_offers(self, observation: Observation) -> list[Outcome]:
        """Return the offers this party made, oldest first."""
        me = self.view.party
        return [outcome for party, outcome in observation.history if party == me]

    def indices_between(self, low: float, high: float = np.inf) -> npt.NDArray[np.int64]:
        """Return the outcome indices whose utility lies in ``[low, high]``, best first."""
        start = int(np.searchsorted(self._negated, -high, side="left"))
        stop = int(np.searchsorted(self._negated, -low, side="right"))
        return self.sorted_indices[start:stop]

    def utility_at_or_above(self, target: float) -> float | None:
        """Return the lowest utility >= ``target`` (the best one if target is above it); None if below reservation."""
        if not self.sorted_utilities.size:
            return None
        target = min(float(target), self.best_utility)
        stop = int(np.searchsorted(self._negated, -target, side="right"))
        utility = float(self.sorted_utilities[max(stop - 1, 0)])
        return utility if utility >= self.reservation else None

    def outcome_at_or_above(self, target: float, *, window: float = 0.0) -> Outcome | None:
        """Return an outcome whose utility is the closest at or above ``target`` (within ``window``).

        Targets above the best utility give a best outcome. Ties (outcomes within ``window``
        of the closest utility, or exactly equal) are broken by :meth:`opponent_utility`
        when the strategy models its opponent, else with the rng. Returns None when the
        outcome would be worth less than the reservation value (the caller should end).
        """
        utility = self.utility_at_or_above(target)
        if utility is None:
            return None
        candidates = self.indices_between(utility - _TIE, utility + max(window, 0.0) + _TIE)
        index = int(self.choose(candidates))
        outcome = self._outcome_memo.get(index)
        if outcome is None:
            outcome = self._outcome_memo[index] = self.view.space.outcome(index)
        return outcome

    def choose(self, candidates: npt.NDArray[np.int64]) -> int:
        """Return one of ``candidates``: the best for the opponent model if any, else a random one."""
        if candidates.size == 1:
            return int(candidates[0])
        scores = self.opponent_utility(candidates)
        if scores is not None:
            top = np.flatnonzero(scores >= scores.max() - _TIE)
            return int(candidates[top[int(self.rng.integers(top.size))]])
        return int(candidates[int(self.rng.integers(candidates.size))])

    def opponent_utility(self, indices: npt.NDArray[np.int64]) -> npt.NDArray[np.float64] | None:
        """Return the modelled opponent utility of ``indices`` (None: this strategy has no model)."""
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class AgentSpec:
    """A registered agent: its name, how to make one, what it does and where it comes from.

    ``protocols`` lists the protocols the agent plays well (``"sao"``, ``"mediation"``);
    every agent can act under both, through the base-class defaults.
    """

    name: str
    factory: Callable[..., Negotiator]
    description: str
    source: str
    params: Mapping[str, Any] | None = None
    protocols: tuple[str, ...] = ("sao", "mediation")

    def __post_init__(self) -> None:
        if not self.name or not isinstance(self.name, str):
            raise ValueError(f"an agent spec needs a non-empty name, got {self.name!r}")
        object.__setattr__(self, "params", dict(self.params or {}))

    def make(self, **params: Any) -> Negotiator:
        """Return a new negotiator, with ``params`` overriding the spec's defaults."""
        merged = {**(self.params or {}), **params}
        negotiator = self.factory(**merged)
        negotiator.name = self.name
        return negotiator
