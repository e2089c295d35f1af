"""What a negotiation looks like from outside (PublicState) and to one negotiator (Observation)."""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from summitry.errors import HistoryNotKeptError, MechanismSetupError
from summitry.model import Outcome, OutcomeSpace, Scenario, UtilityFunction

from .actions import Action

__all__ = [
    "DEFAULT_ROUNDS",
    "Deadline",
    "Observation",
    "OfferHistory",
    "PrivateView",
    "PublicState",
    "Request",
    "Status",
    "deadline_for",
]


class Status(enum.Enum):
    """Where a negotiation is, and so how it ended: one enum, never a set of flags or a free-text reason.

    .. versionchanged:: 0.1 the only record of how a negotiation ended (``PublicState`` and
       ``Result`` keep the enum; their ``reason`` is derived from it).
    """

    RUNNING = "running"
    AGREED = "agreed"
    ENDED = "ended"  # a party walked away (EndNegotiation)
    TIMED_OUT = "timed_out"  # the deadline passed with no agreement
    FAILED = "failed"  # a negotiator failed and the failure policy ended the negotiation

    @property
    def reason(self) -> str:
        """Return the word reports print for it: "deadline" for TIMED_OUT, else the value ("agreed", ...)."""
        return "deadline" if self is Status.TIMED_OUT else self.value

    @classmethod
    def parse(cls, text: str) -> Status:
        """Return the status named by its value ("timed_out") or its reason word ("deadline").

        Raises:
            ValueError: no status has that name.
        """
        for status in cls:
            if text in (status.value, status.reason):
                return status
        names = ", ".join(status.value for status in cls)
        raise ValueError(f"status: expected one of {names} (or 'deadline'), got {text!r}")


class Request(enum.Enum):
    """What the mechanism asks of the negotiator whose turn it is."""

    OFFER = "offer"  # SAO: accept the standing offer, make an offer, or end
    VOTE = "vote"  # mediation: vote on the mediator's proposal against the current draft
    AMEND = "amend"  # mediation (amendments): propose edits to the draft, or none
    APPROVE = "approve"  # mediation: final approval vote on the draft


@dataclass(frozen=True, slots=True, kw_only=True)
class Deadline:
    """A deadline in rounds and/or wall-clock seconds (at least one of them).

    Raises:
        MechanismSetupError: neither is given, or one is not positive.

    .. versionchanged:: 0.1 a bad deadline is a setup error (MechanismSetupError), not a model error.
    """

    rounds: int | None = None
    seconds: float | None = None

    def __post_init__(self) -> None:
        if self.rounds is None and self.seconds is None:
            raise MechanismSetupError("a deadline needs rounds, seconds or both")
        if self.rounds is not None and (isinstance(self.rounds, bool) or int(self.rounds) < 1):
            raise MechanismSetupError(f"deadline rounds must be a positive integer, got {self.rounds!r}")
        if self.seconds is not None and not float(self.seconds) > 0:
            raise MechanismSetupError(f"deadline seconds must be > 0, got {self.seconds!r}")

    def relative_time(self, round_: int, elapsed: float) -> float:
        """Return t ∈ [0, 1]: the larger of the round fraction and the time fraction used."""
        fractions = []
        if self.rounds is not None:
            fractions.append(round_ / self.rounds)
        if self.seconds is not None:
            fractions.append(elapsed / self.seconds)
        return min(1.0, max(0.0, *fractions))


class OfferHistory(Sequence[tuple[str, Outcome]]):
    """The public offer history as of one moment: the first ``size`` entries of an append-only log.

    A mechanism hands every observation a view of its own offer log instead of a copy, so
    observing costs the same at round 10 and at round 10^6. The log is only ever appended to
    (a reset starts a new one), so a view never changes: it behaves as the tuple of its
    ``(party, outcome)`` pairs, compares equal to that tuple, hashes like it, and pickles as
    it. Slicing returns a tuple of just the slice (``history[seen:]`` is what an agent reads
    to catch up incrementally).

    A run that keeps no trace may let the oldest offers go (see ``run(keep_events=False)`` and
    ``needs_full_history``): then ``items`` holds the entries from position ``start`` on, the
    view still has its full length and numbering, and reading an entry before ``start``
    raises :class:`~summitry.errors.HistoryNotKeptError` (never a wrong or missing offer).

    .. versionadded:: 0.1 ``Observation.history`` was a tuple rebuilt on every step.
    .. versionchanged:: 0.1 ``start``: the oldest offers may have been let go.
    """

    __slots__ = ("_items", "_size", "_start")

    def __init__(self, items: Sequence[tuple[str, Outcome]] = (), size: int | None = None, start: int = 0) -> None:
        """View entries ``start`` to ``size`` (default: all) of a log whose entries from ``start`` on are ``items``."""
        self._items = items
        self._start = start
        self._size = start + len(items) if size is None else size

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, index: int) -> tuple[str, Outcome]: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[tuple[str, Outcome], ...]: ...

    def __getitem__(self, index: int | slice) -> Any:
        size, first = self._size, self._start
        if isinstance(index, slice):
            span = range(*index.indices(size))
            if not span:
                return ()
            lowest = span[0] if span.step > 0 else span[-1]
            if lowest < first:
                self._not_kept(lowest)
            if span.step > 0:
                return tuple(self._items[span.start - first : span.stop - first : span.step])
            return tuple(self._items[i - first] for i in span)
        position = index + size if index < 0 else index
        if not 0 <= position < size:
            raise IndexError(f"history index {index} out of range (the history has {size} offers)")
        if position < first:
            self._not_kept(position)
        return self._items[position - first]

    def _not_kept(self, position: int) -> None:
        raise HistoryNotKeptError(
            f"history entry {position}: this run kept only the offers from {self._start} on (it keeps no trace, "
            "and every negotiator declared needs_full_history = False); a negotiator that reads older offers "
            "must declare needs_full_history = True"
        )

    def __iter__(self) -> Iterator[tuple[str, Outcome]]:
        if self._start:
            self._not_kept(0)
        return itertools.islice(self._items, self._size)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, OfferHistory) and other._start == self._start:
            if other._items is self._items or other._size != self._size:
                return other._size == self._size
            kept = self._size - self._start
            return all(a == b for a, b in zip(self._items[:kept], other._items[:kept], strict=True))
        if not isinstance(other, OfferHistory | tuple):
            return NotImplemented
        return len(other) == self._size and all(a == b for a, b in zip(self, other, strict=False))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return repr(tuple(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return (OfferHistory, (tuple(self),))


DEFAULT_ROUNDS = 100
"""The deadline, in rounds, when neither the caller nor the scenario gives one."""


def deadline_for(
    scenario: Scenario, rounds: int | None = None, seconds: float | None = None
) -> tuple[int | None, float | None]:
    """Return the deadline ``(rounds, seconds)`` to run ``scenario`` with: the one given, else the scenario's.

    When neither the caller nor the scenario gives a deadline, it is :data:`DEFAULT_ROUNDS`
    rounds. Every entry point (``negotiate``, the CLI, tournaments, the server) uses this one rule.
    """
    if rounds is None and seconds is None:
        rounds, seconds = scenario.rounds, scenario.seconds
        if rounds is None and seconds is None:
            rounds = DEFAULT_ROUNDS
    return rounds, seconds


@dataclass(frozen=True, slots=True, kw_only=True)
class PrivateView:
    """What one negotiator is told when the negotiation starts: its own side only."""

    party: str
    index: int  # position of this party in the scenario's party order
    parties: tuple[str, ...]
    space: OutcomeSpace
    utility: UtilityFunction
    reservation_value: float
    deadline: Deadline
    protocol: str
    discount_factor: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Observation:
    """What one negotiator sees when asked to act.

    ``history`` is the public offer history: ``(party, outcome)`` pairs in the order made (a
    tuple, or an :class:`OfferHistory` view that behaves as one).
    In mediation ``draft`` is the current single text and ``proposal`` the change being voted on.
    """

    request: Request
    party: str
    round: int
    step: int
    time: float  # relative time t in [0, 1]
    standing_offer: Outcome | None = None
    standing_offer_by: str | None = None
    history: Sequence[tuple[str, Outcome]] = ()
    draft: Outcome | None = None
    proposal: Outcome | None = None
    legal: tuple[type, ...] = field(default=())


@dataclass(frozen=True, slots=True, kw_only=True)
class PublicState:
    """The public state of a mechanism: what replaying its trace rebuilds."""

    protocol: str
    parties: tuple[str, ...]
    status: Status
    step: int
    round: int
    time: float
    next_party: str | None
    standing_offer: Outcome | None
    standing_offer_by: str | None
    accepted_by: tuple[str, ...]
    agreement: Outcome | None
    active: tuple[str, ...]  # parties still taking part
    last_action: Action | None = None

    @property
    def reason(self) -> str:
        """Return the status as reports word it ("running", "agreed", "deadline", "ended", "failed")."""
        return self.status.reason
