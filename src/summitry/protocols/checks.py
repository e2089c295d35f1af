"""Conformance checks for mechanisms: determinism, replay == live, illegal actions refused.

``check_mechanism(factory)`` is what the conformance tests run over every registered
protocol (``protocol_names()``); a third-party mechanism can run it too. It drives the
mechanism with seeded random negotiators (``RandomActor``) that try every legal kind of action.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import numpy as np

from summitry.errors import IllegalActionError, MechanismFinishedError

from .actions import Accept, Action, Amend, EndNegotiation, Offer, Reject, Vote
from .base import Mechanism, NegotiatorProtocol
from .clock import Clock, FakeClock
from .events import Trace
from .replay import replay
from .run import run
from .state import Observation, PrivateView, PublicState, Request

__all__ = ["RandomActor", "check_mechanism"]


class RandomActor:
    """A seeded negotiator that picks a random legal action (rarely walking away).

    Offers are random feasible outcomes, votes are coin flips, amendments edit one random issue.
    """

    name = "random-actor"

    def __init__(self, end_probability: float = 0.0) -> None:
        self.end_probability = end_probability
        self._view: PrivateView | None = None
        self._rng = np.random.default_rng(0)

    def start(self, view: PrivateView, rng: np.random.Generator) -> None:
        """Remember the view and the generator."""
        self._view = view
        self._rng = rng

    def act(self, observation: Observation) -> Action:
        """Return a random legal action."""
        assert self._view is not None  # reason: start() is always called first
        party, space, rng = observation.party, self._view.space, self._rng
        if EndNegotiation in observation.legal and rng.random() < self.end_probability:
            return EndNegotiation(party=party)
        if observation.request is Request.OFFER:
            if Accept in observation.legal and rng.random() < 0.3:
                return Accept(party=party)
            return Offer(party=party, outcome=space.outcome(int(space.sample(1, rng)[0])))
        if observation.request is Request.AMEND:
            if rng.random() < 0.5:
                return Amend(party=party, changes={})
            issue = space.issues[int(rng.integers(len(space.issues)))]
            return Amend(party=party, changes={issue.name: issue.values[int(rng.integers(issue.cardinality))]})
        return Vote(party=party, accept=bool(rng.random() < 0.7))


def check_mechanism(
    factory: Callable[[Clock], Mechanism],
    *,
    seeds: Sequence[int] = (0, 1, 2),
    negotiators: Callable[[], Sequence[NegotiatorProtocol]] | None = None,
) -> None:
    """Check a mechanism's contract; return None when it holds.

    ``factory(clock)`` must build a fresh mechanism using ``clock``. For each seed: two runs
    give equal traces (determinism), replaying the trace rebuilds the live final state, and
    stepping after the end is refused. On a fresh mechanism: an action by the wrong party,
    an illegal kind of action and an invalid outcome/amendment are refused.

    Raises:
        AssertionError: the contract is broken (the message says how).
    """
    for seed in seeds:
        traces: list[Trace] = []
        finals: list[PublicState] = []
        for _ in range(2):
            mechanism = factory(FakeClock(auto_step=0.001))
            actors: list[NegotiatorProtocol] = (
                list(negotiators()) if negotiators else [RandomActor(0.02) for _ in mechanism.parties]
            )
            traces.append(run(mechanism, actors, seed=seed))
            finals.append(mechanism.state())
        if traces[0] != traces[1]:
            raise AssertionError(f"seed {seed}: two runs with the same seed gave different traces")
        replayed = replay(traces[0], mechanism.scenario)
        if _comparable(replayed) != _comparable(finals[0]):
            raise AssertionError(f"seed {seed}: replay gives {replayed}, the live run ended in {finals[0]}")
        _expect(MechanismFinishedError, partial(_end, mechanism), "after end")
    _check_refusals(factory(FakeClock()))


def _end(mechanism: Mechanism) -> object:
    return mechanism.step(EndNegotiation(party=mechanism.parties[0]))


def _check_refusals(mechanism: Mechanism) -> None:
    state = mechanism.reset(0)
    party = state.next_party
    assert party is not None  # reason: a fresh mechanism is running
    other = next(p for p in mechanism.parties if p != party)
    legal = mechanism.legal_actions(party)
    if mechanism.legal_actions(other):
        raise AssertionError(f"{other!r} may act although it is {party!r}'s turn")
    _expect(IllegalActionError, lambda: mechanism.step(EndNegotiation(party=other)), "wrong party")
    kinds: list[Action] = [Offer(party=party, outcome=()), Accept(party=party), Reject(party=party)]
    kinds += [Vote(party=party, accept=True), Amend(party=party, changes={})]
    for action in kinds:
        if type(action) not in legal:
            _expect(IllegalActionError, partial(mechanism.step, action), f"illegal kind {type(action).__name__}")
    if Offer in legal:
        _expect(
            IllegalActionError, lambda: mechanism.step(Offer(party=party, outcome=("no such value",))), "bad outcome"
        )
    if Amend in legal:
        bad = Amend(party=party, changes={"no such issue": 1})
        _expect(IllegalActionError, lambda: mechanism.step(bad), "bad amendment")


def _expect(error: type[Exception], call: Callable[[], object], what: str) -> None:
    try:
        call()
    except error:
        return
    raise AssertionError(f"{what}: expected {error.__name__}, nothing was raised")


def _comparable(state: PublicState) -> tuple[object, ...]:
    # last_action may differ in class (Accept replayed as Vote in mediation); compare the rest.
    fields = ("status", "step", "round", "time", "next_party", "standing_offer", "accepted_by", "agreement")
    return tuple(getattr(state, f) for f in fields)
