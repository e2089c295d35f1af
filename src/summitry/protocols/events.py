"""Traces: the append-only event log of one negotiation.

A trace is the single source of truth of a negotiation. It has a header (scenario, protocol,
parties, agents, seed, settings), a list of events, and once the negotiation is over a
:class:`Result`. ``summitry.protocols.replay`` rebuilds a trace's state from it.

Event kinds are one enum, :class:`EventKind` (a ``StrEnum``: each kind is its string, so
traces stay readable and ``event.kind == "offer"`` holds):

- actions: ``offer``, ``accept``, ``reject``, ``end``, ``vote``, ``amend``, ``approve``;
- mechanism events: ``start``, ``proposal``, ``draft``, ``late`` (an action arrived after the
  wall-clock deadline and was not applied; ``data.late`` records it, in every protocol),
  ``deadline`` (mediation reached its deadline and asks for final approval), ``failure`` (a
  negotiator failed, see ``policy``), ``agreement``, ``timeout`` (the negotiation ended at the
  deadline with no agreement).

Timing: a mechanism reads its clock once per step, and every event of that step carries that
time (seconds since ``reset``), which is what lets ``replay`` reproduce wall-clock
deadlines exactly.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import chain, repeat
from typing import Any

from summitry.errors import TraceError
from summitry.model import Outcome

from .actions import Accept, Action, Amend, EndNegotiation, Offer, Reject, Vote
from .state import Status

__all__ = ["ACTION_KINDS", "Event", "EventKind", "Result", "Trace", "TraceHeader", "action_of"]


class EventKind(enum.StrEnum):
    """What an event records; the value is the string written in trace files."""

    START = "start"
    OFFER = "offer"
    ACCEPT = "accept"
    REJECT = "reject"
    END = "end"
    VOTE = "vote"
    AMEND = "amend"
    APPROVE = "approve"
    PROPOSAL = "proposal"
    DRAFT = "draft"
    LATE = "late"
    DEADLINE = "deadline"
    FAILURE = "failure"
    AGREEMENT = "agreement"
    TIMEOUT = "timeout"


ACTION_KINDS = frozenset(
    {
        EventKind.OFFER,
        EventKind.ACCEPT,
        EventKind.REJECT,
        EventKind.END,
        EventKind.VOTE,
        EventKind.AMEND,
        EventKind.APPROVE,
    }
)
"""Event kinds that record a negotiator's action (and are re-applied by ``replay``)."""


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
    kind: EventKind
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

    ``status`` is how it ended (AGREED, ENDED, TIMED_OUT or FAILED); ``utilities`` are in
    scenario party order: the (discounted, where a discount applies) utility of the
    agreement, or each party's reservation value when there is none.

    .. versionchanged:: 0.1 keeps the :class:`Status` (``reason`` is derived from it).
    """

    agreement: Outcome | None
    utilities: tuple[float, ...]
    status: Status
    rounds: int
    steps: int
    time: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "utilities", tuple(float(u) for u in self.utilities))
        if not isinstance(self.status, Status) or self.status is Status.RUNNING:
            raise TraceError(f"result status: expected agreed|ended|timed_out|failed, got {self.status!r}")
        if (self.agreement is None) == (self.status is Status.AGREED):
            raise TraceError(f"result: status {self.status.value!r} does not fit agreement {self.agreement!r}")

    @property
    def reason(self) -> str:
        """Return how it ended as reports word it: "agreed", "deadline", "ended" or "failed"."""
        return self.status.reason


class Trace:
    """The append-only event log of one negotiation: header, events and (once over) the result.

    A run that was asked to keep no events (``run(..., keep_events=False)``) returns a trace
    with the header and the result only; ``omitted`` says how many events it did not keep,
    and such a trace cannot be written or replayed.

    A long trace keeps its older events packed as plain tuples of their fields (built back
    into equal :class:`Event` objects by :attr:`events`): a tuple of plain values is one
    object Python's cycle collector stops walking, where every kept ``Event`` would be walked
    at each full collection, a cost per step that grew with the trace.
    """

    __slots__ = ("_events", "_omitted", "_packed", "_result", "header")

    def __init__(self, header: TraceHeader, events: tuple[Event, ...] = (), result: Result | None = None) -> None:
        self.header = header
        self._events: list[Event | tuple[Any, ...]] = []  # packed tuples first (``_packed`` of them), then Events
        self._packed = 0
        self._result: Result | None = None
        self._omitted = 0
        for event in events:
            self.append(event)
        if result is not None:
            self.finish(result)

    @property
    def events(self) -> tuple[Event, ...]:
        """Return the events so far, in order."""
        events, packed = self._events, self._packed
        if not packed:
            return tuple(events)  # type: ignore[arg-type]  # reason: nothing packed yet: all Events
        from ._fast import make_event  # the builder of every step's events (_fast imports this module)

        return (*map(_unpack, events[:packed], repeat(make_event)), *events[packed:])  # type: ignore[arg-type]

    @property
    def result(self) -> Result | None:
        """Return the result, or None while the negotiation runs."""
        return self._result

    @property
    def omitted(self) -> int:
        """Return how many events the run did not keep (0: the trace is complete)."""
        return self._omitted

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
        if len(self._events) - self._packed >= _PACK_EVERY:
            self._pack()

    def extend(self, events: tuple[Event, ...] | list[Event]) -> None:
        """Append several events in order.

        Raises:
            TraceError: as :meth:`append`.
        """
        size = len(self._events)
        if self._result is None and events and events[0].index == size and events[-1].index == size + len(events) - 1:
            self.extend_unchecked(events)  # the common case (a mechanism's step): numbering checked once
            return
        for event in events:
            self.append(event)

    def extend_unchecked(self, events: tuple[Event, ...] | list[Event]) -> None:
        """Append events that are known to be the next ones, in order (``run`` with a built-in mechanism).

        The caller vouches for what :meth:`extend` would check: the trace is not finished and
        the events' indices follow on from the last one.
        """
        kept = self._events
        kept.extend(events)
        if len(kept) - self._packed >= _PACK_EVERY:
            self._pack()

    def _pack(self) -> None:
        """Pack the events appended since the last packing into tuples of their fields."""
        kept, start = self._events, self._packed
        kept[start:] = map(_pack, kept[start:])  # type: ignore[arg-type]  # reason: those are all Events
        self._packed = len(kept)

    def finish(self, result: Result, *, omitted: int = 0) -> None:
        """Record the result (and how many events the run did not keep); a trace is finished once.

        Raises:
            TraceError: the trace already has a result, or ``omitted`` events with some kept.
        """
        if self._result is not None:
            raise TraceError("the trace already has a result")
        if omitted and self._events:
            raise TraceError(f"a trace keeps all its events or none: {len(self._events)} kept, {omitted} omitted")
        self._result = result
        self._omitted = int(omitted)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Trace):
            return NotImplemented
        return (
            self.header == other.header
            and len(self._events) == len(other._events)
            and self.events == other.events
            and self._result == other._result
            and self._omitted == other._omitted
        )

    def __repr__(self) -> str:
        return (
            f"Trace({self.header.scenario!r}, {self.header.protocol!r}, {len(self._events)} events, "
            f"result={self._result!r})"
        )


_PACK_EVERY = 64
"""Events a trace holds as ``Event`` objects before it packs them (see :class:`Trace`).

Fewer than the collector's youngest generation holds (700 new objects): an event is packed
while young, so full collections, which walk every live object of the process, stay as rare
as in a run that keeps no trace."""

_KINDS: dict[str, EventKind] = {kind.value: kind for kind in EventKind}


def _pack(event: Event) -> tuple[Any, ...]:
    """Return an event's fields as a tuple of plain values: the kind as its string, the data as keys and values.

    The collector stops walking a tuple only when nothing in it is a container other than
    such a tuple (an empty dict is enough to keep it walked), hence the data as one flat
    tuple ``(key, value, key, value, ...)``: pairs in it would be younger than it and keep
    it walked until a full collection.
    """
    kind = event.kind
    data = event.data
    return (
        event.index,
        event.step,
        event.round,
        event.time,
        event.party,
        kind._value_ if type(kind) is EventKind else kind,
        event.outcome,
        tuple(chain.from_iterable(data.items())) if data else None,
    )


def _unpack(packed: tuple[Any, ...], build: Callable[..., Event]) -> Event:
    """Return the Event that :func:`_pack` packed, made by ``build`` (equal field by field; its data a new dict)."""
    index, step, round_, time, party, kind, outcome, data = packed
    return build(
        index,
        step,
        round_,
        time,
        party,
        _KINDS.get(kind, kind),
        outcome,
        {} if data is None else dict(zip(data[::2], data[1::2], strict=True)),
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
    if kind == EventKind.OFFER:
        if event.outcome is None:
            raise TraceError(f"event {event.index}: an offer needs an outcome, got none")
        return Offer(party=party, outcome=tuple(event.outcome))
    if kind == EventKind.ACCEPT:
        return Accept(party=party)
    if kind == EventKind.REJECT:
        return Reject(party=party)
    if kind == EventKind.END:
        return EndNegotiation(party=party)
    if kind == EventKind.AMEND:
        changes = event.data.get("changes")
        if not isinstance(changes, Mapping):
            raise TraceError(f"event {event.index}: an amend needs data.changes as a mapping, got {changes!r}")
        return Amend(party=party, changes=dict(changes))
    accept = event.data.get("accept")
    if not isinstance(accept, bool):
        raise TraceError(f"event {event.index}: a {kind} needs data.accept true|false, got {accept!r}")
    return Vote(party=party, accept=accept)
