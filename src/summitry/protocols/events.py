"""Traces: the append-only event log of one negotiation, and ``replay`` that rebuilds its state.

A trace is the single source of truth of a negotiation. It has a header (scenario, protocol,
parties, agents, seed, settings), a list of events, and once the negotiation is over a
:class:`Result`. Replaying a trace re-applies the recorded actions to a fresh mechanism and
checks that every event it produces matches the recorded one.

Event kinds:

- actions: ``offer``, ``accept``, ``reject``, ``end``, ``vote``, ``amend``, ``approve``;
- mechanism events: ``start``, ``proposal``, ``draft``, ``deadline`` (mediation reached its
  deadline and asks for final approval), ``failure`` (a negotiator failed, see ``policy``),
  ``agreement``, ``timeout``.

Timing: a mechanism reads its clock once per step, and every event of that step carries that
time (seconds since ``reset``), which is what lets :func:`replay` reproduce wall-clock
deadlines exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from summitry.errors import ProtocolError, TraceError, UnknownNameError
from summitry.model import Outcome, Scenario

from .actions import Accept, Action, Amend, EndNegotiation, Offer, Reject, Vote
from .clock import FakeClock
from .state import PublicState

__all__ = ["ACTION_KINDS", "Event", "Result", "Trace", "TraceHeader", "action_of", "replay"]

ACTION_KINDS = frozenset({"offer", "accept", "reject", "end", "vote", "amend", "approve"})
"""Event kinds that record a negotiator's action (and are re-applied by :func:`replay`)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """One thing that happened: an action, or something the mechanism did.

    ``time`` is seconds since the start (from the injected clock); ``data`` holds plain JSON
    values only (the policy's failure reason, a vote, utilities at the end, ...).
    """

    index: int
    step: int
    round: int
    time: float
    party: str | None
    kind: str
    outcome: Outcome | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class TraceHeader:
    """What was run: scenario, protocol, parties (in scenario order), agents, seed, settings."""

    scenario: str
    protocol: str
    parties: tuple[str, ...]
    agents: tuple[str, ...]
    seed: int | None
    settings: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "parties", tuple(self.parties))
        object.__setattr__(self, "agents", tuple(self.agents))
        if len(self.agents) not in (0, len(self.parties)):
            raise TraceError(
                f"trace header: expected one agent per party ({len(self.parties)}), got {len(self.agents)}"
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class Result:
    """How a negotiation ended.

    ``utilities`` are in scenario party order: the (discounted, where a discount applies)
    utility of the agreement, or each party's reservation value when there is none.
    ``reason`` is "agreed", "deadline", "ended" or "failed".
    """

    agreement: Outcome | None
    utilities: tuple[float, ...]
    reason: str
    rounds: int
    steps: int
    time: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "utilities", tuple(float(u) for u in self.utilities))
        if self.reason not in ("agreed", "deadline", "ended", "failed"):
            raise TraceError(f"result reason: expected agreed|deadline|ended|failed, got {self.reason!r}")
        if (self.agreement is None) == (self.reason == "agreed"):
            raise TraceError(f"result: reason {self.reason!r} does not fit agreement {self.agreement!r}")


class Trace:
    """The append-only event log of one negotiation: header, events and (once over) the result."""

    __slots__ = ("_events", "_result", "header")

    def __init__(self, header: TraceHeader, events: tuple[Event, ...] = (), result: Result | None = None) -> None:
        self.header = header
        self._events: list[Event] = []
        self._result: Result | None = None
        for event in events:
            self.append(event)
        if result is not None:
            self.finish(result)

    @property
    def events(self) -> tuple[Event, ...]:
        """Return the events so far, in order."""
        return tuple(self._events)

    @property
    def result(self) -> Result | None:
        """Return the result, or None while the negotiation runs."""
        return self._result

    def __len__(self) -> int:
        return len(self._events)

    def append(self, event: Event) -> None:
        """Append one event.

        Raises:
            TraceError: the trace is finished, or the event's index is not the next one.
        """
        if self._result is not None:
            raise TraceError(f"event {event.index} ({event.kind}): the trace is already finished")
        if event.index != len(self._events):
            raise TraceError(f"event index: expected {len(self._events)}, got {event.index} ({event.kind})")
        self._events.append(event)

    def extend(self, events: tuple[Event, ...] | list[Event]) -> None:
        """Append several events in order.

        Raises:
            TraceError: as :meth:`append`.
        """
        size = len(self._events)
        if self._result is None and events and events[0].index == size and events[-1].index == size + len(events) - 1:
            self._events.extend(events)  # the common case (a mechanism's step): one list call
            return
        for event in events:
            self.append(event)

    def finish(self, result: Result) -> None:
        """Record the result; a trace is finished once.

        Raises:
            TraceError: the trace already has a result.
        """
        if self._result is not None:
            raise TraceError("the trace already has a result")
        self._result = result

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Trace):
            return NotImplemented
        return self.header == other.header and self._events == other._events and self._result == other._result

    __hash__ = None  # type: ignore[assignment]  # reason: mutable (append-only) container

    def __repr__(self) -> str:
        return (
            f"Trace({self.header.scenario!r}, {self.header.protocol!r}, {len(self._events)} events, "
            f"result={self._result!r})"
        )


def action_of(event: Event) -> Action:
    """Return the action an action event records (``approve`` and ``vote`` give a Vote).

    Raises:
        TraceError: the event does not record an action, or lacks what it needs.
    """
    party = event.party
    if party is None or event.kind not in ACTION_KINDS:
        raise TraceError(f"event {event.index}: kind {event.kind!r} by {party!r} is not a negotiator's action")
    kind = event.kind
    if kind == "offer":
        if event.outcome is None:
            raise TraceError(f"event {event.index}: an offer needs an outcome, got none")
        return Offer(party=party, outcome=tuple(event.outcome))
    if kind == "accept":
        return Accept(party=party)
    if kind == "reject":
        return Reject(party=party)
    if kind == "end":
        return EndNegotiation(party=party)
    if kind == "amend":
        changes = event.data.get("changes")
        if not isinstance(changes, Mapping):
            raise TraceError(f"event {event.index}: an amend needs data.changes as a mapping, got {changes!r}")
        return Amend(party=party, changes=dict(changes))
    accept = event.data.get("accept")
    if not isinstance(accept, bool):
        raise TraceError(f"event {event.index}: a {kind} needs data.accept true|false, got {accept!r}")
    return Vote(party=party, accept=accept)


def replay(trace: Trace, scenario: Scenario) -> PublicState:
    """Return the final public state rebuilt by re-applying ``trace``'s actions to a fresh mechanism.

    The mechanism is built from the header (protocol and settings) with a clock that
    replays the recorded times, reset with the recorded seed; each recorded action (and each
    recorded failure, and each late action recorded in a ``timeout``/``deadline`` event) is
    re-applied, and the events the mechanism produces must equal the recorded ones.

    Raises:
        TraceError: the trace does not fit the scenario, or the replay diverges from it.
    """
    from .registry import make_mechanism  # deferred: the mechanisms import this module

    header = trace.header
    if header.scenario != scenario.name or tuple(header.parties) != scenario.party_names:
        raise TraceError(
            f"trace header: expected scenario {header.scenario!r} with parties {list(header.parties)}, "
            f"got {scenario.name!r} with {list(scenario.party_names)}"
        )
    clock = FakeClock()
    try:
        mechanism = make_mechanism(header.protocol, scenario, settings=header.settings, clock=clock)
    except (ProtocolError, UnknownNameError) as exc:
        raise TraceError(f"trace header: cannot rebuild the {header.protocol!r} mechanism: {exc}") from None
    mechanism.reset(header.seed)
    recorded = trace.events
    produced: list[Event] = list(mechanism.events)
    position = len(produced)
    _compare(recorded, produced, 0, trace)
    while position < len(recorded):
        event = recorded[position]
        clock.current = event.time
        if event.kind == "failure" and event.party is not None:
            result = mechanism.fail(event.party, str(event.data.get("reason", "")), str(event.data.get("detail", "")))
        elif event.kind in ACTION_KINDS and event.party is not None:
            result = mechanism.step(action_of(event))
        elif event.kind in ("timeout", "deadline") and isinstance(event.data.get("late"), Mapping):
            late = event.data["late"]
            late_event = Event(
                index=event.index,
                step=event.step,
                round=event.round,
                time=event.time,
                party=event.party,
                kind=str(late.get("kind")),
                outcome=None if late.get("outcome") is None else tuple(late["outcome"]),
                data=late,
            )
            result = mechanism.step(action_of(late_event))
        else:
            raise TraceError(f"event {event.index}: {event.kind!r} was expected to be produced by the mechanism")
        if not result.events:
            raise TraceError(f"event {event.index}: replaying {event.kind!r} produced no event")
        _compare(recorded, list(result.events), position, trace)
        position += len(result.events)
    state = mechanism.state()
    if trace.result is not None and trace.result.reason != state.reason:
        raise TraceError(f"trace result: recorded reason {trace.result.reason!r}, replay gives {state.reason!r}")
    if trace.result is not None and trace.result.agreement != state.agreement:
        raise TraceError(
            f"trace result: recorded agreement {trace.result.agreement!r}, replay gives {state.agreement!r}"
        )
    return state


def _compare(recorded: tuple[Event, ...], produced: list[Event], start: int, trace: Trace) -> None:
    for offset, event in enumerate(produced):
        position = start + offset
        if position >= len(recorded):
            raise TraceError(f"replay produced event {position} ({event.kind}) beyond the recorded {len(recorded)}")
        if recorded[position] != event:
            raise TraceError(
                f"replay diverges at event {position}: recorded {_short(recorded[position])}, "
                f"replay gives {_short(event)}"
            )


def _short(event: Event) -> str:
    return (
        f"{event.kind} by {event.party} at step {event.step}, round {event.round}, t={event.time:g}"
        f" outcome={event.outcome!r} data={dict(event.data)!r}"
    )
