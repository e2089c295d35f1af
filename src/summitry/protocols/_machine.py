"""What every mechanism shares: parties, deadline, clock, the event log, failures and the result."""

from __future__ import annotations

import contextlib
import math
from functools import partial
from typing import Any

from summitry.errors import IllegalActionError, InvalidOutcomeError, MechanismFinishedError, MechanismSetupError
from summitry.model import Outcome, Scenario

from ._fast import make_event, make_step_result
from .actions import Action
from .base import StepResult
from .clock import Clock, MonotonicClock
from .events import Event, EventKind, Result
from .state import Deadline, PrivateView, PublicState, Status

__all__ = ["DEFAULT_TIME_LIMIT", "NO_DATA", "MechanismCore"]

DEFAULT_TIME_LIMIT = 60.0
"""Seconds a negotiator may take for one action before the failure policy removes it."""

_CACHE_LIMIT = 1 << 16

NO_DATA: dict[str, Any] = {}
"""The ``data`` of every event that carries none: one shared, never-modified empty mapping (an
empty dict per event would be 64 bytes each, 128 MB over a 10^6-round negotiation)."""


class MechanismCore:
    """Shared state and bookkeeping of the mechanisms (not a mechanism by itself).

    Subclasses implement ``step``, ``observe``, ``legal_actions`` and ``_public`` (the
    protocol-specific part of the public state).
    """

    name = "mechanism"

    def __init__(
        self,
        scenario: Scenario,
        *,
        deadline: Deadline,
        clock: Clock | None = None,
        discount: float | None = None,
        time_limit: float | None = DEFAULT_TIME_LIMIT,
    ) -> None:
        if not isinstance(deadline, Deadline):
            raise MechanismSetupError(f"deadline: expected a Deadline, got {deadline!r}")
        if discount is not None and not 0.0 < float(discount) <= 1.0:
            raise MechanismSetupError(f"discount: expected a factor in (0, 1], got {discount!r}")
        if time_limit is not None and not float(time_limit) > 0:
            raise MechanismSetupError(f"time_limit: expected seconds > 0 or None, got {time_limit!r}")
        self.scenario = scenario
        self.deadline = deadline
        self.clock: Clock = clock if clock is not None else MonotonicClock()
        self.discount = None if discount is None else float(discount)
        self.time_limit = None if time_limit is None else float(time_limit)
        self._seconds = deadline.seconds
        self._rounds_limit = deadline.rounds
        self.parties: tuple[str, ...] = scenario.party_names
        self._n = len(self.parties)
        self._space = scenario.space
        self._utility = tuple(p.utility for p in scenario.parties)
        self._reserved = tuple(p.reservation_value for p in scenario.parties)
        self._factors: tuple[float | None, ...] = tuple(
            self.discount if self.discount is not None else p.utility.discount_factor for p in scenario.parties
        )
        self._valid: dict[Any, Outcome | str] = {}
        self._events: list[Event] = []
        self._forgotten = 0  # events let go since the reset (see forget); their indices stay taken
        self._started = False
        self._start = 0.0
        self._time = 0.0
        self._step = 0
        self._round = 0
        self._status = Status.RUNNING
        self._agreement: Outcome | None = None
        self._final_t = 0.0
        self._active: tuple[str, ...] = self.parties
        self._last_action: Any = None
        self._turn = 0

    # -- setup ----------------------------------------------------------------------------

    def settings(self) -> dict[str, Any]:
        """Return the settings that rebuild this mechanism (plain JSON values)."""
        return {
            "rounds": self.deadline.rounds,
            "seconds": self.deadline.seconds,
            "discount": self.discount,
            "time_limit": self.time_limit,
        }

    def private_view(self, party: str) -> PrivateView:
        """Return what ``party``'s negotiator is told at the start: its own side only."""
        index = self._index(party)
        return PrivateView(
            party=party,
            index=index,
            parties=self.parties,
            space=self._space,
            utility=self._utility[index],
            reservation_value=self._reserved[index],
            deadline=self.deadline,
            protocol=self.name,
            discount_factor=self._factors[index],
        )

    def _reset_core(self) -> None:
        self._events = []
        self._forgotten = 0
        self._started = True
        self._start = self.clock.now()
        self._time = 0.0
        self._step = 0
        self._round = 0
        self._status = Status.RUNNING
        self._agreement = None
        self._final_t = 0.0
        self._active = self.parties
        self._last_action = None

    # -- the log --------------------------------------------------------------------------

    @property
    def events(self) -> tuple[Event, ...]:
        """Return every event since the last ``reset`` (since the last :meth:`forget`, if it was called)."""
        return tuple(self._events)

    def forget(self, *, offers: bool = False) -> int:
        """Let go of the events kept so far (and, with ``offers``, of old offers); return how many events.

        ``run(..., keep_events=False)`` calls this now and then: each step's events are still
        returned by ``step`` (and passed to ``on_event``), but the mechanism no longer keeps
        them, so its memory stays flat over any number of rounds. Event indices keep counting
        from the start. ``offers=True`` also lets the offer history that observations show
        drop all but its recent entries (SAO; see :class:`~summitry.protocols.state.OfferHistory`):
        ``run`` asks for it only when every negotiator declares ``needs_full_history = False``.
        """
        events = self._events
        count = len(events)
        self._forgotten += count
        self._events = []
        return count

    def _emit(
        self, party: str | None, kind: EventKind, outcome: Outcome | None = None, data: dict[str, Any] | None = None
    ) -> Event:
        events = self._events
        event = make_event(
            self._forgotten + len(events),
            self._step,
            self._round,
            self._time,
            party,
            kind,
            outcome,
            NO_DATA if data is None else data,
        )
        events.append(event)
        return event

    def _since(self, first_event: int) -> tuple[Event, ...]:
        """Return the events appended since the log held ``first_event`` of them."""
        events = self._events
        return (events[-1],) if len(events) == first_event + 1 else tuple(events[first_event:])

    def _result_of(self, events: tuple[Event, ...]) -> StepResult:
        # the public state is built only if someone asks; the capture keeps it as of now
        return make_step_result(events, self._status, partial(self._state_of, self._capture()))

    # -- the transition -------------------------------------------------------------------

    def step(self, action: Action) -> StepResult:
        """Apply one action; return the events it appended, the status and (built on demand) the public state.

        Raises:
            MechanismFinishedError: the negotiation is over (or was never reset).
            IllegalActionError: the action is not legal now (the protocol's ``_transition`` says why).
        """
        return self._result_of(self._transition(action))

    def _transition(self, action: Action) -> tuple[Event, ...]:  # pragma: no cover - every mechanism overrides it
        """Apply one action and return the events it appended (``run`` calls this directly)."""
        raise NotImplementedError

    # -- time -----------------------------------------------------------------------------

    def _read_clock(self) -> float:
        self._time = self.clock.now() - self._start
        return self._time

    def relative_time(self) -> float:
        """Return t ∈ [0, 1] now (reads the clock)."""
        return self._relative(self._round, self.clock.now() - self._start)

    def _relative(self, round_: int, elapsed: float) -> float:
        # Deadline.relative_time, without building a list on every observation
        rounds, seconds = self._rounds_limit, self._seconds
        if seconds is None:
            t = round_ / rounds  # type: ignore[operator]
        elif rounds is None:
            t = elapsed / seconds
        else:
            t = max(round_ / rounds, elapsed / seconds)
        return 0.0 if t < 0.0 else 1.0 if t > 1.0 else t

    def _out_of_time(self, elapsed: float) -> bool:
        seconds = self.deadline.seconds
        return seconds is not None and elapsed >= seconds

    # -- checks ---------------------------------------------------------------------------

    def _index(self, party: str) -> int:
        try:
            return self.parties.index(party)
        except ValueError:
            raise IllegalActionError(f"party: expected one of {list(self.parties)}, got {party!r}") from None

    def _check_running(self, what: str) -> None:
        if not self._started:
            raise MechanismFinishedError(f"{what}: call reset(seed) before the first step")
        if self._status is not Status.RUNNING:
            raise MechanismFinishedError(f"{what}: the negotiation is over ({self._status.reason})")

    def _canonical(self, party: str, outcome: object) -> Outcome:
        """Return ``outcome`` as a canonical, valid, feasible outcome, or refuse it.

        Outcomes already seen are looked up, not validated again: a tuple by itself, an
        ``{issue: value}`` dict (as the server's envoys send them) by its items.
        """
        key: Any = outcome
        try:
            key = frozenset(outcome.items()) if isinstance(outcome, dict) else outcome
            found = self._valid.get(key)
        except TypeError:  # unhashable: a list, a dict with a list in it, ...
            found = None
            outcome = key = tuple(outcome) if isinstance(outcome, list) else outcome
        if found is None:
            found = self._validate(outcome)
            if len(self._valid) >= _CACHE_LIMIT:
                self._valid.clear()
            with contextlib.suppress(TypeError):  # reason: unhashable outcomes are refused anyway
                self._valid[key] = found
        if isinstance(found, str):
            raise IllegalActionError(f"{party}: outcome {outcome!r} {found}")
        return found

    def _validate(self, outcome: object) -> Outcome | str:
        if not isinstance(outcome, tuple | list | dict):
            return (
                f"is not an outcome: expected a tuple of {len(self._space.issues)} values, got {type(outcome).__name__}"
            )
        try:
            index = self._space.index_of(outcome)  # type: ignore[arg-type]
        except InvalidOutcomeError as exc:
            return f"is not in the outcome space: {exc}"
        if not bool(self._space.feasible([index])[0]):
            return "breaks a hard constraint of the outcome space (infeasible)"
        return self._space.outcome(index)

    # -- endings --------------------------------------------------------------------------

    def _utilities(self, outcome: Outcome | None, t: float) -> list[float]:
        if outcome is None:
            return list(self._reserved)
        out = []
        for utility, factor in zip(self._utility, self._factors, strict=True):
            u = float(utility(outcome))
            out.append(u * factor**t if factor is not None and factor != 1.0 and math.isfinite(u) else u)
        return out

    def _finish(self, status: Status, agreement: Outcome | None = None) -> None:
        self._status = status
        self._agreement = agreement
        self._final_t = self._relative(self._round, self._time)

    def fail(self, party: str, reason: str, detail: str = "") -> StepResult:
        """Record that ``party``'s negotiator failed, and end the negotiation with no agreement.

        The policy (DESIGN §5): a failing negotiator walks away, so in every protocol
        (bilateral and multilateral) the negotiation ends with status FAILED and each
        party gets its reservation value.

        Raises:
            MechanismFinishedError: the negotiation is already over.
            IllegalActionError: ``party`` is not one of the parties.
        """
        self._check_running("fail")
        self._index(party)
        first = len(self._events)
        self._read_clock()
        self._active = tuple(p for p in self._active if p != party)
        self._emit(party, EventKind.FAILURE, None, {"reason": reason, "detail": detail})
        self._finish(Status.FAILED)
        return self._result_of(self._since(first))

    def result(self) -> Result:
        """Return the result so far (call it once the status is not RUNNING).

        Raises:
            MechanismFinishedError: the negotiation is still running.
        """
        if self._status is Status.RUNNING:
            raise MechanismFinishedError("result: the negotiation is still running")
        utilities = self._utilities(self._agreement, self._final_t)
        return Result(
            agreement=self._agreement,
            utilities=tuple(utilities),
            status=self._status,
            rounds=self._rounds_done(),
            steps=self._step,
            time=self._time,
        )

    @property
    def next_party(self) -> str | None:
        """Return the party whose turn it is (None once the negotiation is over)."""
        return self.parties[self._turn] if self._status is Status.RUNNING else None

    @property
    def status(self) -> Status:
        """Return where the negotiation is."""
        return self._status

    def state(self) -> PublicState:
        """Return the public state now."""
        return self._state_of(self._capture())

    def _rounds_done(self) -> int:
        return self._round

    def _capture(self) -> tuple[Any, ...]:
        """Return what the public state is built from, as of now: one tuple, cheap to make every step.

        The shared fields, then the protocol's own (:meth:`_public`); :meth:`_state_of` builds
        the state from it.
        """
        return (
            self._status, self._step, self._round, self._time, self._turn,
            self._agreement, self._active, self._last_action, *self._public(),
        )  # fmt: skip

    def _state_of(self, captured: tuple[Any, ...]) -> PublicState:
        """Return the public state captured by :meth:`_capture`."""
        status, step, round_, time, turn, agreement, active, last_action, standing, standing_by, accepted = captured
        return PublicState(
            protocol=self.name,
            parties=self.parties,
            status=status,
            step=step,
            round=round_,
            time=time,
            next_party=self.parties[turn] if status is Status.RUNNING else None,
            agreement=agreement,
            active=active,
            last_action=last_action,
            standing_offer=standing,
            standing_offer_by=standing_by,
            accepted_by=accepted,
        )

    def _public(self) -> tuple[Any, Any, tuple[str, ...]]:  # pragma: no cover - every mechanism overrides it
        """Return the protocol-specific public fields: (standing_offer, standing_offer_by, accepted_by)."""
        raise NotImplementedError
