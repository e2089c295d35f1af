"""The one loop everyone uses (CLI, tournaments, the server later): ``run`` and ``negotiate``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

import numpy as np

from summitry._rng import make_rng
from summitry.errors import MechanismSetupError
from summitry.model import Scenario

from ._machine import MechanismCore
from .base import Mechanism, NegotiatorProtocol
from .clock import Clock
from .events import Event, Trace, TraceHeader
from .policy import Failure, apply_action, apply_transition, call_negotiator, start_negotiator
from .registry import make_mechanism
from .state import Status, deadline_for

__all__ = ["negotiate", "negotiator_rngs", "run"]


def negotiator_rngs(seed: int | None, count: int) -> list[np.random.Generator]:
    """Return the ``count`` independent generators ``run`` gives the negotiators (in party order) for ``seed``."""
    return make_rng(seed).spawn(count)


def run(
    mechanism_or_factory: Mechanism | Callable[[], Mechanism],
    negotiators: Sequence[NegotiatorProtocol],
    *,
    seed: int | None,
    clock: Clock | None = None,
    on_event: Callable[[Event], None] | None = None,
    agents: Sequence[str] | None = None,
    keep_events: bool = True,
) -> Trace:
    """Return the finished trace of one negotiation between ``negotiators`` (in scenario party order).

    Resets the mechanism with ``seed``, starts each negotiator with its private view and a
    child random generator derived from ``seed``, then loops observe → act (through the
    failure policy) → step until the negotiation is over. ``clock`` measures each action
    against the mechanism's per-action time limit (default: the mechanism's own clock).
    ``on_event`` is called with every event as it is appended (for live display).
    ``agents`` is what the trace header records for each negotiator (default: its ``name``);
    the CLI records the agent as written (``boulware:exponent=0.1``) so that
    ``replay --rerun`` can rebuild it.

    ``keep_events=False`` is for a run whose trace nobody keeps (no trace file, no store, no
    figure): events still go to ``on_event`` as they happen, but neither the returned trace
    (header and result only; ``trace.omitted`` counts the events) nor the mechanism keeps
    them, so memory stays flat over any number of rounds. The offer history that
    observations show is still complete unless every negotiator declares
    ``needs_full_history = False`` (it reads only the offers made since its own previous
    turn, as the built-in agents do); then the mechanism keeps only the recent offers.
    Negotiators that do not say are given the whole history.

    With a built-in mechanism, the trace is what keeps the events: the mechanism lets go of
    its own references to them as the run goes (see ``MechanismCore.forget``), so after ``run``
    its ``events`` hold only the last few.

    Raises:
        MechanismSetupError: the number of negotiators does not match the parties.
    """
    mechanism = _mechanism(mechanism_or_factory)
    parties = mechanism.parties
    if len(negotiators) != len(parties):
        raise MechanismSetupError(
            f"negotiators: expected one per party {list(parties)} ({len(parties)}), got {len(negotiators)}"
        )
    clock = clock if clock is not None else mechanism.clock
    mechanism.reset(seed)
    trace = Trace(
        TraceHeader(
            scenario=mechanism.scenario.name,
            protocol=mechanism.name,
            parties=parties,
            agents=tuple(agents) if agents is not None else tuple(_name(n) for n in negotiators),
            seed=seed,
            settings=mechanism.settings(),
        )
    )

    # a built-in mechanism (its step, next_party and status not redefined by a subclass) is
    # driven through its transition, which gives the step's events without building a
    # StepResult; its events are numbered in order, so the trace takes them without checking
    builtin = isinstance(mechanism, MechanismCore) and all(
        getattr(type(mechanism), name) is getattr(MechanismCore, name) for name in ("step", "next_party", "status")
    )
    forgetter = None if keep_events else _Forgetter(mechanism, negotiators, on_event)
    record = _recorder(trace, on_event, checked=not builtin) if forgetter is None else forgetter
    record(mechanism.events)
    rngs = negotiator_rngs(seed, len(parties))
    by_party = dict(zip(parties, negotiators, strict=True))
    for party, negotiator, rng in zip(parties, negotiators, rngs, strict=True):
        failure = start_negotiator(negotiator, mechanism.private_view(party), rng, party=party)
        if failure is not None:
            record(mechanism.fail(failure.party, failure.reason, failure.detail).events)
            trace.finish(mechanism.result(), omitted=0 if forgetter is None else forgetter.seen)
            return trace
    time_limit = mechanism.time_limit
    observe, fail = mechanism.observe, mechanism.fail
    if isinstance(mechanism, MechanismCore) and builtin:
        transition = mechanism._transition
        # the trace keeps the events (or nobody does): the mechanism's own copies go now and then
        kept = mechanism._events
        while mechanism._status is Status.RUNNING:  # the loop below, with the properties read directly
            turn = parties[mechanism._turn]
            action = call_negotiator(by_party[turn], observe(turn), time_limit=time_limit, clock=clock)
            events = action if isinstance(action, Failure) else apply_transition(transition, action)
            if isinstance(events, Failure):
                events = fail(turn, events.reason, events.detail).events
            record(events)
            if forgetter is None and len(kept) >= _LET_GO_EVERY:
                mechanism.forget()
                kept = mechanism._events
    else:
        status = mechanism.status
        while status is Status.RUNNING:
            acting = mechanism.next_party
            assert acting is not None  # reason: a running mechanism always names who acts next
            action = call_negotiator(by_party[acting], observe(acting), time_limit=time_limit, clock=clock)
            result = action if isinstance(action, Failure) else apply_action(mechanism, action)
            if isinstance(result, Failure):
                result = fail(acting, result.reason, result.detail)
            record(result.events)
            status = result.status
    trace.finish(mechanism.result(), omitted=0 if forgetter is None else forgetter.seen)
    return trace


def _recorder(
    trace: Trace, on_event: Callable[[Event], None] | None, *, checked: bool
) -> Callable[[tuple[Event, ...]], None]:
    """Return what records a step's events: into the trace (checking their numbering), then to ``on_event``."""
    extend = trace.extend if checked else trace.extend_unchecked
    if on_event is None:
        return extend  # nothing to notify: no extra call layer
    notify = on_event

    def record(events: tuple[Event, ...]) -> None:
        extend(events)
        for event in events:
            notify(event)

    return record


class _Forgetter:
    """Records a step's events by passing them on and counting them; now and then the mechanism lets go of its own."""

    __slots__ = ("_due", "_forget", "_notify", "_offers", "seen")

    def __init__(
        self, mechanism: Mechanism, negotiators: Sequence[NegotiatorProtocol], on_event: Callable[[Event], None] | None
    ) -> None:
        self.seen = 0
        self._due = _FORGET_EVERY
        self._notify = on_event
        self._forget = mechanism.forget if isinstance(mechanism, MechanismCore) else None
        self._offers = not any(getattr(n, "needs_full_history", True) for n in negotiators)

    def __call__(self, events: tuple[Event, ...]) -> None:
        self.seen += len(events)
        if self._notify is not None:
            for event in events:
                self._notify(event)
        if self.seen >= self._due and self._forget is not None:
            self._forget(offers=self._offers)
            self._due = self.seen + _FORGET_EVERY


_FORGET_EVERY = 4096
"""Events a run that keeps none lets its mechanism hold before it asks it to forget them."""


_LET_GO_EVERY = 64
"""Events a run that keeps its trace lets its mechanism hold too (the trace packs its own; see ``Trace``)."""


def _name(negotiator: NegotiatorProtocol) -> str:
    return str(getattr(negotiator, "name", type(negotiator).__name__))


def _mechanism(mechanism_or_factory: Mechanism | Callable[[], Mechanism]) -> Mechanism:
    """Return the mechanism given, or the one the zero-argument factory builds."""
    if hasattr(mechanism_or_factory, "step"):
        return cast(Mechanism, mechanism_or_factory)
    return mechanism_or_factory()


def negotiate(
    scenario: Scenario,
    negotiators: Sequence[NegotiatorProtocol],
    *,
    protocol: str | None = None,
    rounds: int | None = None,
    seconds: float | None = None,
    seed: int | None = 0,
    **options: Any,
) -> Trace:
    """Return the finished trace of ``negotiators`` negotiating ``scenario`` under ``protocol``.

    The deadline defaults to the scenario's (``rounds``/``seconds``), else 100 rounds
    (:func:`~summitry.protocols.state.deadline_for`); the protocol to the scenario's.
    ``options`` go to the mechanism (``clock``, ``discount``, ``time_limit``, and for
    mediation ``amendments``, ``initial_draft``, ``annealing``). The trace's ``result``
    holds the agreement, utilities, status and rounds.
    """
    rounds, seconds = deadline_for(scenario, rounds, seconds)
    clock = options.pop("clock", None)
    settings = {"rounds": rounds, "seconds": seconds, **options}
    mechanism = make_mechanism(protocol or scenario.protocol, scenario, settings=settings, clock=clock)
    return run(mechanism, negotiators, seed=seed)
