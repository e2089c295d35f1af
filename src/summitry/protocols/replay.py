"""Checking a trace against the engine: ``replay`` re-applies its actions, ``rerun`` re-asks its agents.

Both rebuild the mechanism from the trace's header (protocol and settings, through the
protocol registry), reset it with the recorded seed and drive it with a clock that replays
the recorded times, so that wall-clock deadlines fall where they fell. Every event the
mechanism produces must equal the recorded one; the first that does not is reported.

- :func:`replay` re-applies the recorded actions (and failures, and late actions): it checks
  that the trace is a possible run of the protocol and rebuilds its final state.
- :func:`rerun` starts the given negotiators (rebuilt from the recorded agents) with the
  recorded seed and checks that they make exactly the recorded actions. A recorded "slow"
  failure is re-applied as recorded (time taken is not reproducible); with a wall-clock
  deadline, an agent that reads the time sees the recorded times, not the original ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from summitry.errors import MechanismSetupError, ProtocolError, TraceError, UnknownNameError
from summitry.model import Scenario

from .base import NegotiatorProtocol, RunnableMechanism
from .clock import FakeClock
from .events import ACTION_KINDS, Event, EventKind, Trace, TraceHeader, action_of
from .policy import Failure, apply_action, call_negotiator, start_negotiator
from .registry import make_mechanism
from .run import negotiator_rngs
from .state import PublicState, Status

__all__ = ["replay", "rerun"]


def replay(trace: Trace, scenario: Scenario) -> PublicState:
    """Return the final public state rebuilt by re-applying ``trace``'s actions to a fresh mechanism.

    Each recorded action (and each recorded failure, and each late action recorded in a
    ``late`` event) is re-applied at its recorded time, and the events the
    mechanism produces must equal the recorded ones.

    Raises:
        TraceError: the trace does not fit the scenario, or the replay diverges from it.
    """
    clock = FakeClock()
    mechanism = _rebuild(trace.header, scenario, clock)
    recorded = trace.events
    position = _follow(recorded, mechanism.events, 0, "replay")
    while position < len(recorded):
        event = recorded[position]
        clock.current = event.time
        if event.kind == EventKind.FAILURE and event.party is not None:
            result = mechanism.fail(event.party, str(event.data.get("reason", "")), str(event.data.get("detail", "")))
        elif event.kind in ACTION_KINDS and event.party is not None:
            result = mechanism.step(action_of(event))
        elif event.kind == EventKind.LATE and isinstance(event.data.get("late"), Mapping):
            result = mechanism.step(action_of(_late_action_event(event)))
        else:
            raise TraceError(f"event {event.index}: {event.kind!r} was expected to be produced by the mechanism")
        if not result.events:
            raise TraceError(f"event {event.index}: replaying {event.kind!r} produced no event")
        position = _follow(recorded, result.events, position, "replay")
    return _final(trace, mechanism)


def rerun(trace: Trace, scenario: Scenario, negotiators: Sequence[NegotiatorProtocol]) -> PublicState:
    """Return the final state after re-running ``negotiators`` as recorded; they must act exactly as recorded.

    ``negotiators`` are fresh negotiators for the recorded agents, in party order. They are
    started with the generators ``run`` gave them (from the recorded seed) and asked to act;
    each step must produce the recorded events.

    Raises:
        TraceError: the first event where the rerun differs from the trace (or the trace
            does not fit the scenario).
        MechanismSetupError: not one negotiator per party.
    """
    header = trace.header
    if len(negotiators) != len(header.parties):
        raise MechanismSetupError(
            f"negotiators: expected one per party {list(header.parties)} ({len(header.parties)}), "
            f"got {len(negotiators)}"
        )
    clock = FakeClock()
    mechanism = _rebuild(header, scenario, clock)
    recorded = trace.events
    position = _follow(recorded, mechanism.events, 0, "rerun")
    parties = mechanism.parties
    by_party = dict(zip(parties, negotiators, strict=True))
    for party, negotiator, rng in zip(parties, negotiators, negotiator_rngs(header.seed, len(parties)), strict=True):
        failure = start_negotiator(negotiator, mechanism.private_view(party), rng, party=party)
        if failure is not None:
            clock.current = _time_at(recorded, position)
            failed = mechanism.fail(party, failure.reason, failure.detail)
            position = _follow(recorded, failed.events, position, "rerun")
            break
    steady = FakeClock()  # measures each action: time taken is not rerun
    while mechanism.status is Status.RUNNING:
        turn = mechanism.next_party
        assert turn is not None  # reason: a running mechanism always names who acts next
        clock.current = _time_at(recorded, position)
        expected = recorded[position] if position < len(recorded) else None
        if _is_slow_failure(expected, turn):
            assert expected is not None  # reason: checked by _is_slow_failure
            outcome = mechanism.fail(turn, "slow", str(expected.data.get("detail", "")))
            position = _follow(recorded, outcome.events, position, "rerun")
            continue
        action = call_negotiator(by_party[turn], mechanism.observe(turn), time_limit=None, clock=steady)
        result = action if isinstance(action, Failure) else apply_action(mechanism, action)
        if isinstance(result, Failure):
            result = mechanism.fail(turn, result.reason, result.detail)
        position = _follow(recorded, result.events, position, "rerun")
    if position != len(recorded):
        raise TraceError(
            f"rerun ends after event {position - 1} ({recorded[position - 1].kind}), "
            f"but the trace goes on to event {len(recorded) - 1}"
        )
    return _final(trace, mechanism)


def _rebuild(header: TraceHeader, scenario: Scenario, clock: FakeClock) -> RunnableMechanism:
    if header.scenario != scenario.name or tuple(header.parties) != scenario.party_names:
        raise TraceError(
            f"trace header: expected scenario {header.scenario!r} with parties {list(header.parties)}, "
            f"got {scenario.name!r} with {list(scenario.party_names)}"
        )
    try:
        mechanism = make_mechanism(header.protocol, scenario, settings=header.settings, clock=clock)
    except (ProtocolError, UnknownNameError) as exc:
        raise TraceError(f"trace header: cannot rebuild the {header.protocol!r} mechanism: {exc}") from None
    mechanism.reset(header.seed)
    return mechanism


def _final(trace: Trace, mechanism: RunnableMechanism) -> PublicState:
    state = mechanism.state()
    if trace.result is not None and trace.result.status is not state.status:
        raise TraceError(
            f"trace result: recorded status {trace.result.status.value!r}, replay gives {state.status.value!r}"
        )
    if trace.result is not None and trace.result.agreement != state.agreement:
        raise TraceError(
            f"trace result: recorded agreement {trace.result.agreement!r}, replay gives {state.agreement!r}"
        )
    return state


def _late_action_event(event: Event) -> Event:
    """Return the action event recorded inside a late (``timeout``/``deadline``) event."""
    late = event.data["late"]
    outcome = late.get("outcome")
    return Event(
        index=event.index,
        step=event.step,
        round=event.round,
        time=event.time,
        party=event.party,
        kind=_late_kind(late.get("kind"), event.index),
        outcome=None if outcome is None else tuple(outcome),
        data=late,
    )


def _is_slow_failure(event: Event | None, party: str) -> bool:
    if event is None or event.kind != EventKind.FAILURE:
        return False
    return event.party == party and event.data.get("reason") == "slow"


def _late_kind(kind: object, index: int) -> EventKind:
    try:
        return EventKind(str(kind))
    except ValueError:
        raise TraceError(f"event {index}: data.late.kind: expected an action kind, got {kind!r}") from None


def _time_at(recorded: tuple[Event, ...], position: int) -> float:
    if not recorded:
        return 0.0
    return recorded[min(position, len(recorded) - 1)].time


def _follow(recorded: tuple[Event, ...], produced: Sequence[Event], start: int, verb: str) -> int:
    """Return the position after ``produced``, which must equal the recorded events from ``start``."""
    for offset, event in enumerate(produced):
        position = start + offset
        if position >= len(recorded):
            raise TraceError(f"{verb} produces event {position} ({_short(event)}) beyond the recorded {len(recorded)}")
        if recorded[position] != event:
            raise TraceError(
                f"{verb} diverges at event {position}: the trace records {_short(recorded[position])}, "
                f"the {verb} gives {_short(event)}"
            )
    return start + len(produced)


def _short(event: Event) -> str:
    text = f"{event.kind} by {event.party}" if event.party is not None else event.kind
    text += f" at step {event.step}, round {event.round}, t={event.time:g}"
    if event.outcome is not None:
        text += f", outcome {list(event.outcome)!r}"
    if event.data:
        text += f", data {dict(event.data)!r}"
    return text
