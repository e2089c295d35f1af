"""A live session: the mechanism, the built-in agents and the clock of one negotiation, in memory.

A :class:`LiveSession` is rebuilt from the session's log (on start-up, after a crash, or
when a finished session is read): the mechanism is reset with the stored seed and every
logged action is re-applied with the clock held at the logged time, exactly as
:func:`summitry.protocols.replay` does; each built-in agent is started with the same seeded
generator and shown the same observations again, so it carries on where it was. Every
produced event must equal the logged one.

Methods that change the negotiation return the new log entries *without* keeping them:
the hub writes them to the store first and only then calls :meth:`LiveSession.commit`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any, cast

from summitry._rng import make_rng
from summitry.agents import negotiator_from_text
from summitry.errors import IllegalActionError, StoreError
from summitry.model import Scenario
from summitry.protocols import (
    Accept,
    Amend,
    EndNegotiation,
    Event,
    NegotiatorProtocol,
    Offer,
    Reject,
    Request,
    Status,
    Vote,
    make_mechanism,
)
from summitry.protocols.base import RunnableMechanism, StepResult
from summitry.protocols.events import ACTION_KINDS, action_of
from summitry.protocols.policy import Failure, apply_action, call_negotiator, start_negotiator
from summitry.protocols.state import Deadline
from summitry.store import LogEntry, SessionRecord, chain_hash
from summitry.store.repository import ActionKey, event_of, event_record

from .problems import Conflict

__all__ = ["AGENT_STEPS_PER_CALL", "LiveSession", "SessionClock"]

AGENT_STEPS_PER_CALL = 200
"""Built-in agents' actions taken in one go before the rest is handed back to the hub."""


class SessionClock:
    """Seconds since the session was created, by the server's wall clock (survives a restart).

    ``fixed`` holds the clock at a logged time while a log is re-applied.
    """

    def __init__(self, origin: float) -> None:
        self.origin = origin
        self.fixed: float | None = None

    def now(self) -> float:
        """Return the session time: the fixed time while replaying, else wall time since the origin."""
        return self.fixed if self.fixed is not None else time.time() - self.origin


class LiveSession:
    """One session's negotiation in memory, rebuilt from its log (see the module docstring)."""

    def __init__(
        self, record: SessionRecord, scenario: Scenario, entries: Sequence[LogEntry], keys: Sequence[ActionKey] = ()
    ) -> None:
        self.record = record
        self.id = record.id
        self.scenario = scenario
        self.lock = threading.Lock()  # not re-entrant: the event loop holds it across a write (Hub.change_async)
        self.clock = SessionClock(record.created_at)
        self.mechanism: RunnableMechanism = make_mechanism(
            record.protocol, scenario, settings=record.settings, clock=self.clock
        )
        self.deadline = Deadline(rounds=record.settings.get("rounds"), seconds=record.settings.get("seconds"))
        self.entries: list[LogEntry] = []
        self.keys: dict[tuple[str, str], ActionKey] = {(k.party, k.key): k for k in keys}
        self.agents: dict[str, NegotiatorProtocol] = {
            party: negotiator_from_text(str(spec["agent"]))
            for party, spec in record.parties.items()
            if spec.get("kind") == "agent"
        }
        self.turn_started = 0.0
        self.cache: dict[str, Any] = {}
        """What the views compute once per session (the public scenario), by name."""
        self.settled: tuple[str, str | None] = ("running", None)
        """The status and the next party as of the committed entries (read without the lock: the
        mechanism runs ahead of the log while a change is being written)."""
        self.pending_start: list[LogEntry] = []
        self._rebuild(list(entries))

    # -- rebuilding from the log ------------------------------------------------------------

    def _rebuild(self, entries: list[LogEntry]) -> None:
        clock, mechanism = self.clock, self.mechanism
        clock.fixed = 0.0
        mechanism.reset(self.record.seed)
        produced: list[Event] = list(mechanism.events)
        rngs = make_rng(self.record.seed).spawn(len(mechanism.parties))
        failures: list[Failure] = []
        for party, rng in zip(mechanism.parties, rngs, strict=True):
            agent = self.agents.get(party)
            if agent is not None:
                failure = start_negotiator(agent, mechanism.private_view(party), rng, party=party)
                if failure is not None:
                    failures.append(failure)
        if not entries:  # a new session: its first events are still to be logged
            for failure in failures[:1]:
                produced.extend(_events(mechanism.fail(failure.party, failure.reason, failure.detail)))
            clock.fixed = None
            self.pending_start = self._entries_for(produced)
            return
        logged = [e for e in entries if e.kind != "letter"]
        position = 0
        self._expect(logged, produced, position)
        position = len(produced)
        while position < len(logged):
            record = logged[position].record
            clock.fixed = float(record["time"])
            events = self._replay_one(record)
            self._expect(logged, events, position)
            position += len(events)
        clock.fixed = None
        self.entries = entries
        self.turn_started = float(logged[-1].record["time"]) if logged else 0.0
        self._settle()

    def _replay_one(self, record: Mapping[str, Any]) -> list[Event]:
        mechanism = self.mechanism
        kind, party = str(record["kind"]), record.get("party")
        if kind == "failure" and party is not None:
            data = record.get("data") or {}
            return _events(mechanism.fail(party, str(data.get("reason", "")), str(data.get("detail", ""))))
        late = (record.get("data") or {}).get("late")
        if kind in ACTION_KINDS and party is not None:
            action_record = record
        elif kind == "late" and isinstance(late, Mapping) and party is not None:
            action_record = {**record, "kind": late.get("kind"), "outcome": late.get("outcome"), "data": late}
        else:
            raise StoreError(f"session {self.id}: log entry {record.get('position')} ({kind}) cannot be re-applied")
        agent = self.agents.get(party)
        if agent is not None:  # show the agent what it saw then, so that its own state is rebuilt
            call_negotiator(agent, mechanism.observe(party), time_limit=None, clock=self.clock)
        return _events(mechanism.step(action_of(event_of(action_record))))

    def _expect(self, logged: list[LogEntry], produced: Sequence[Event], start: int) -> None:
        for offset, event in enumerate(produced):
            position = start + offset
            if position >= len(logged):
                raise StoreError(
                    f"session {self.id}: re-applying the log produced event {position} ({event.kind}) beyond it"
                )
            recorded = dict(logged[position].record)
            fresh = event_record(int(recorded["position"]), event)
            if recorded != fresh:
                raise StoreError(
                    f"session {self.id}: the log diverges at entry {recorded['position']}: "
                    f"logged {recorded['kind']}, re-applied {fresh['kind']}"
                )

    # -- queries ----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Return whether the negotiation is still going on."""
        return self.mechanism.status is Status.RUNNING

    @property
    def status(self) -> str:
        """Return the status's name (running, agreed, ended, timed_out, failed)."""
        return self.mechanism.status.value

    @property
    def head(self) -> str:
        """Return the hash of the last committed log entry."""
        return self.entries[-1].hash if self.entries else self.record.head

    def request(self) -> Request | None:
        """Return what the mechanism asks of the party whose turn it is (None once over)."""
        party = self.mechanism.next_party
        return None if party is None else self.mechanism.observe(party).request

    def agent_turn(self) -> bool:
        """Return whether a built-in agent is to act now."""
        return self.running and self.mechanism.next_party in self.agents

    def due(self) -> float | None:
        """Return the session time at which the clock must intervene (deadline or stalled turn), if any."""
        if not self.running or self.agent_turn():
            return None
        mechanism = self.mechanism
        times = []
        seconds = self.deadline.seconds
        if seconds is not None and self.request() is not Request.APPROVE:
            times.append(float(seconds))
        if mechanism.time_limit is not None:
            times.append(self.turn_started + mechanism.time_limit)
        return min(times) if times else None

    # -- changes (each returns the new entries; the hub stores them, then commits) ---------

    def act(self, party: str, action: Any) -> list[LogEntry]:
        """Apply ``party``'s action (then the built-in agents' turns); return the new entries.

        Raises:
            Conflict: the negotiation is over, it is not ``party``'s turn, or the mechanism
                refused the action (the reason says why).
        """
        mechanism = self.mechanism
        if not self.running:
            raise Conflict(f"the negotiation is over ({mechanism.state().reason})")
        legal = mechanism.legal_actions(party)
        if not legal:
            raise Conflict(f"it is not your turn: the mechanism waits for {mechanism.next_party!r}")
        if type(action) not in legal:
            names = ", ".join(_KINDS.get(t, t.__name__) for t in legal)
            raise Conflict(f"{_KINDS.get(type(action), type(action).__name__)} is not legal now; legal: {names}")
        try:
            events = _events(mechanism.step(action))
        except IllegalActionError as exc:
            raise Conflict(str(exc)) from None
        events.extend(self.drive_agents())
        return self._entries_for(events)

    def drive_agents(self, limit: int = AGENT_STEPS_PER_CALL) -> list[Event]:
        """Let built-in agents act while it is their turn (at most ``limit`` actions); return the events."""
        mechanism, out = self.mechanism, cast(list[Event], [])
        for _ in range(limit):
            if mechanism.status is not Status.RUNNING:
                break
            party = mechanism.next_party
            agent = self.agents.get(party) if party is not None else None
            if agent is None or party is None:
                break
            action = call_negotiator(agent, mechanism.observe(party), time_limit=mechanism.time_limit, clock=self.clock)
            result = action if isinstance(action, Failure) else apply_action(mechanism, action)
            if isinstance(result, Failure):
                result = mechanism.fail(party, result.reason, result.detail)
            out.extend(_events(result))
        return out

    def agents_entries(self) -> list[LogEntry]:
        """Return the entries of the built-in agents' next actions (see :meth:`drive_agents`)."""
        return self._entries_for(self.drive_agents())

    def expire(self) -> list[LogEntry]:
        """Apply the server clock: past the deadline, close the negotiation; past a turn's time limit, fail the party.

        A wall-clock deadline that passes with nobody acting is applied as a late action by
        the party whose turn it is (the mechanism records it as not applied, in the ``timeout``
        or ``deadline`` event); a party that lets its per-action time limit pass fails
        (reason "slow"), by the failure policy.
        """
        due = self.due()
        if due is None or self.clock.now() < due:
            return []
        mechanism = self.mechanism
        party = mechanism.next_party
        assert party is not None  # reason: due() is None once the negotiation is over
        seconds = self.deadline.seconds
        if seconds is not None and self.clock.now() >= seconds and self.request() is not Request.APPROVE:
            events = _events(mechanism.step(EndNegotiation(party=party)))
        else:
            limit = mechanism.time_limit or 0.0
            events = _events(mechanism.fail(party, "slow", f"no action within {limit:g} s"))
        events.extend(self.drive_agents())
        return self._entries_for(events)

    def letter(self, sender: str, to: Sequence[str], text: str) -> list[LogEntry]:
        """Return the log entry of a letter from ``sender`` to the parties ``to``."""
        record = {
            "position": self._next_position(0),
            "kind": "letter",
            "party": sender,
            "time": round(self.clock.now(), 6),
            "data": {"to": list(to), "text": text},
        }
        return [LogEntry(record["position"], record, chain_hash(self.head, record))]  # type: ignore[arg-type]

    def commit(self, entries: Sequence[LogEntry]) -> None:
        """Keep ``entries`` (already stored) as part of the log."""
        self.entries.extend(entries)
        for entry in reversed(entries):
            if entry.kind != "letter":
                self.turn_started = float(entry.record["time"])
                break
        self._settle()

    def _settle(self) -> None:
        self.settled = (self.mechanism.status.value, self.mechanism.next_party)

    # -- helpers ----------------------------------------------------------------------------

    def _next_position(self, offset: int) -> int:
        return len(self.entries) + offset

    def _entries_for(self, events: Sequence[Event]) -> list[LogEntry]:
        out: list[LogEntry] = []
        head = self.head
        for offset, event in enumerate(events):
            record = event_record(self._next_position(offset), event)
            head = chain_hash(head, record)
            out.append(LogEntry(record["position"], record, head))
        return out


def _events(result: StepResult) -> list[Event]:
    return cast(list[Event], list(result.events))


_KINDS: dict[type, str] = {
    Offer: "offer",
    Accept: "accept",
    Reject: "reject",
    EndNegotiation: "end",
    Vote: "vote",
    Amend: "amend",
}
