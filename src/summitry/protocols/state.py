"""What a negotiation looks like from outside (PublicState) and to one negotiator (Observation)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from summitry.errors import ModelError
from summitry.model import Outcome, OutcomeSpace, UtilityFunction

from .actions import Action

__all__ = ["Deadline", "Observation", "PrivateView", "PublicState", "Request", "Status"]


class Status(enum.Enum):
    """Where a negotiation is: one enum, never a set of flags."""

    RUNNING = "running"
    AGREED = "agreed"
    ENDED = "ended"  # a party walked away (EndNegotiation)
    TIMED_OUT = "timed_out"  # the deadline passed with no agreement
    FAILED = "failed"  # a negotiator failed and the failure policy ended the negotiation


class Request(enum.Enum):
    """What the mechanism asks of the negotiator whose turn it is."""

    OFFER = "offer"  # SAO: accept the standing offer, make an offer, or end
    VOTE = "vote"  # mediation: vote on the mediator's proposal against the current draft
    AMEND = "amend"  # mediation (amendments): propose edits to the draft, or none
    APPROVE = "approve"  # mediation: final approval vote on the draft


@dataclass(frozen=True, slots=True, kw_only=True)
class Deadline:
    """A deadline in rounds and/or wall-clock seconds (at least one of them)."""

    rounds: int | None = None
    seconds: float | None = None

    def __post_init__(self) -> None:
        if self.rounds is None and self.seconds is None:
            raise ModelError("a deadline needs rounds, seconds or both")
        if self.rounds is not None and (isinstance(self.rounds, bool) or int(self.rounds) < 1):
            raise ModelError(f"deadline rounds must be a positive integer, got {self.rounds!r}")
        if self.seconds is not None and not float(self.seconds) > 0:
            raise ModelError(f"deadline seconds must be > 0, got {self.seconds!r}")

    def relative_time(self, round_: int, elapsed: float) -> float:
        """Return t ∈ [0, 1]: the larger of the round fraction and the time fraction used."""
        fractions = []
        if self.rounds is not None:
            fractions.append(round_ / self.rounds)
        if self.seconds is not None:
            fractions.append(elapsed / self.seconds)
        return min(1.0, max(0.0, *fractions))


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

    ``history`` is the public offer history: ``(party, outcome)`` pairs in the order made.
    In mediation ``draft`` is the current single text and ``proposal`` the change being voted on.
    """

    request: Request
    party: str
    round: int
    step: int
    time: float  # relative time t in [0, 1]
    standing_offer: Outcome | None = None
    standing_offer_by: str | None = None
    history: tuple[tuple[str, Outcome], ...] = ()
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
    reason: str  # "running" | "agreed" | "deadline" | "ended" | "failed"
    active: tuple[str, ...]  # parties still taking part
    last_action: Action | None = None
