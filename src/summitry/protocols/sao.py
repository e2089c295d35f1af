"""Stacked alternating offers (SAO), bilateral and multilateral, as a deterministic state machine.

Parties act in scenario order. The first must make an offer (or end the negotiation); each
next party accepts the standing offer, replaces it with its own offer (which rejects it and
resets the acceptances), or ends the negotiation. An offer is agreed once every other party
has accepted it in turn. A round is every party acting once. At the deadline (rounds and/or
wall-clock seconds) or on EndNegotiation there is no agreement and each party gets its
reservation value. With a discount factor δ an agreement at relative time t is worth u·δ^t.

An action that arrives once the wall-clock deadline has passed is not applied: the
negotiation times out, and the late action is recorded in a ``late`` event (as in every
protocol) so that a replay reproduces it.
"""

from __future__ import annotations

from typing import Any

from summitry.errors import IllegalActionError
from summitry.model import Outcome, Scenario

from ._fast import make_event, make_observation, make_offer_history
from ._machine import DEFAULT_TIME_LIMIT, NO_DATA, MechanismCore
from .actions import Accept, Action, EndNegotiation, Offer
from .clock import Clock
from .events import Event, EventKind
from .state import Deadline, Observation, PublicState, Request, Status

__all__ = ["SAO"]

_FIRST: tuple[type, ...] = (Offer, EndNegotiation)
_LATER: tuple[type, ...] = (Offer, Accept, EndNegotiation)
_NONE: tuple[type, ...] = ()


class SAO(MechanismCore):
    """Stacked alternating offers between the scenario's parties, in scenario order.

    Args:
        scenario: the outcome space and the parties.
        deadline: rounds and/or seconds.
        clock: where time comes from (a ``FakeClock`` in tests); read once per step.
        discount: a discount factor for every party, overriding each utility's own.
        time_limit: seconds one negotiator may take for one action (enforced by ``run``).
    """

    name = "sao"

    def __init__(
        self,
        scenario: Scenario,
        *,
        deadline: Deadline,
        clock: Clock | None = None,
        discount: float | None = None,
        time_limit: float | None = DEFAULT_TIME_LIMIT,
    ) -> None:
        super().__init__(scenario, deadline=deadline, clock=clock, discount=discount, time_limit=time_limit)
        self._max_steps = None if deadline.rounds is None else deadline.rounds * self._n
        self._turn = 0
        self._standing: Outcome | None = None
        self._standing_by: str | None = None
        self._accepted: list[str] = []
        self._history: list[tuple[str, Outcome]] = []
        self._history_start = 0  # position of _history[0] in the whole offer history (see forget)
        self._redefined_legal = type(self).legal_actions is not SAO.legal_actions

    def reset(self, seed: int | None = None) -> PublicState:
        """Start afresh (SAO uses no randomness; ``seed`` is accepted for the contract)."""
        self._reset_core()
        self._turn = 0
        self._standing = None
        self._standing_by = None
        self._accepted = []
        self._history = []
        self._history_start = 0
        self._emit(None, EventKind.START, None, {"parties": list(self.parties), "seed": seed})
        return self.state()

    # -- queries --------------------------------------------------------------------------

    def legal_actions(self, party: str) -> tuple[type, ...]:
        """Return the action types ``party`` may take now (empty if it is not its turn)."""
        if self._status is not Status.RUNNING or not self._started or party != self.parties[self._turn]:
            return _NONE
        return _FIRST if self._standing is None else _LATER

    def observe(self, party: str) -> Observation:
        """Return what ``party`` sees: request OFFER on its turn, the standing offer and the history."""
        history = self._history
        round_ = self._round
        seconds = self._seconds
        # legal_actions (unless a subclass redefines it) and _relative, inlined: this runs on every step
        if self._redefined_legal:
            legal = self.legal_actions(party)
        elif self._status is not Status.RUNNING or not self._started or party != self.parties[self._turn]:
            legal = _NONE
        else:
            legal = _FIRST if self._standing is None else _LATER
        if seconds is None:
            t = round_ / self._rounds_limit  # type: ignore[operator]
        else:
            elapsed = (self.clock.now() - self._start) / seconds
            t = elapsed if self._rounds_limit is None else max(round_ / self._rounds_limit, elapsed)
        return make_observation(
            Request.OFFER,
            party,
            round_,
            self._step,
            0.0 if t < 0.0 else 1.0 if t > 1.0 else t,
            self._standing,
            self._standing_by,
            # a view, not a copy: O(1) at any length
            make_offer_history(history, self._history_start + len(history), self._history_start),
            None,
            None,
            legal,
        )

    def forget(self, *, offers: bool = False) -> int:
        """Let go of the events kept so far; with ``offers``, of all but the recent offers too.

        The offers kept are at least the last ``max(1024, 4 × parties)``: more than every party
        has made since its own previous turn, which is what a negotiator declaring
        ``needs_full_history = False`` reads. Views handed out earlier keep the log they saw.
        """
        if offers:
            history = self._history
            keep = max(_RECENT_OFFERS, 4 * self._n)
            if len(history) > 2 * keep:
                self._history_start += len(history) - keep
                self._history = history[-keep:]  # a new list: earlier views still see theirs
        return super().forget()

    def _public(self) -> tuple[Outcome | None, str | None, tuple[str, ...]]:
        return self._standing, self._standing_by, tuple(self._accepted)

    def _rounds_done(self) -> int:
        return -(-self._step // self._n)

    # -- the transition -------------------------------------------------------------------

    def _transition(self, action: Action) -> tuple[Event, ...]:
        """Apply one action; return the events it appended (``step`` wraps this in a StepResult).

        Raises:
            MechanismFinishedError: the negotiation is over (or was never reset).
            IllegalActionError: wrong party, a kind of action SAO does not allow now, or an
                outcome that is not a feasible outcome of the space.
        """
        if self._status is not Status.RUNNING or not self._started:
            self._check_running("step")
        party = self.parties[self._turn]
        if getattr(action, "party", None) != party:
            raise IllegalActionError(
                f"party: it is the turn of {party!r}, got an action by {getattr(action, 'party', None)!r}"
            )
        offer = action if isinstance(action, Offer) else None
        if isinstance(action, Accept):
            if self._standing is None:
                raise IllegalActionError(f"{party}: nothing to accept yet; the first party must make an Offer")
        elif offer is None and not isinstance(action, EndNegotiation):
            name = type(action).__name__
            raise IllegalActionError(
                f"{party}: SAO allows Offer, Accept or EndNegotiation, got {name}"
                + (" (to reject, make an Offer)" if name == "Reject" else "")
            )
        first = len(self._events)
        self._time = elapsed = self.clock.now() - self._start
        if self._seconds is not None and elapsed >= self._seconds:
            late: dict[str, Any] = {"kind": _KIND[type(action)]}
            if offer is not None:
                outcome: object = offer.outcome
                late["outcome"] = list(outcome) if isinstance(outcome, tuple | list) else outcome
            self._finish(Status.TIMED_OUT)
            self._emit(party, EventKind.LATE, None, {"late": late, "utilities": list(self._reserved)})
            return self._since(first)
        self._last_action = action
        if offer is not None:
            canonical = self._canonical(party, offer.outcome)
            self._standing = canonical
            self._standing_by = party
            self._accepted.clear()
            self._history.append((party, canonical))
            # the common step, written out: one event, emitted and returned without helper calls
            events = self._events
            index = self._forgotten + len(events)
            event = make_event(index, self._step, self._round, elapsed, party, _OFFER, canonical, NO_DATA)
            events.append(event)
            step = self._step = self._step + 1
            self._turn = step % self._n
            self._round = step // self._n
            if self._max_steps is None or step < self._max_steps:
                return (event,)
            self._finish(Status.TIMED_OUT)
            self._emit(None, EventKind.TIMEOUT, None, {"utilities": list(self._reserved)})
            return self._since(first)
        if isinstance(action, Accept):
            self._accepted.append(party)
            self._emit(party, EventKind.ACCEPT, self._standing)
            if len(self._accepted) == self._n - 1:
                self._finish(Status.AGREED, self._standing)
                self._emit(
                    None,
                    EventKind.AGREEMENT,
                    self._standing,
                    {"utilities": self._utilities(self._standing, self._final_t)},
                )
        else:
            self._finish(Status.ENDED)
            self._emit(party, EventKind.END)
        self._step += 1
        self._turn = self._step % self._n
        self._round = self._step // self._n
        if self._status is Status.RUNNING and self._max_steps is not None and self._step >= self._max_steps:
            self._finish(Status.TIMED_OUT)
            self._emit(None, EventKind.TIMEOUT, None, {"utilities": list(self._reserved)})
        return self._since(first)


_OFFER = EventKind.OFFER
_RECENT_OFFERS = 1024
_KIND: dict[type, str] = {Offer: "offer", Accept: "accept", EndNegotiation: "end"}
