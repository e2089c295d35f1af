"""Actions a negotiator may take: Offer, Accept, Reject, EndNegotiation, Vote, Amend.

Every action names the party that takes it; the mechanism refuses an action whose party is
not the one it is waiting for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Union

from summitry.model import Outcome, Value

__all__ = ["Accept", "Action", "Amend", "EndNegotiation", "Offer", "Reject", "Vote"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Offer:
    """Propose ``outcome`` (replacing, and so rejecting, any standing offer)."""

    party: str
    outcome: Outcome


@dataclass(frozen=True, slots=True, kw_only=True)
class Accept:
    """Accept the standing offer (SAO) or the current draft."""

    party: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Reject:
    """Reject the standing offer without proposing (only where a protocol allows it)."""

    party: str


@dataclass(frozen=True, slots=True, kw_only=True)
class EndNegotiation:
    """Walk away: the negotiation ends with no agreement."""

    party: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Vote:
    """Mediation: accept (True) or reject (False) the mediator's proposal against the current draft."""

    party: str
    accept: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Amend:
    """Mediation (amendments variant): propose edits to the draft, ``{issue: value}``; empty = no edit."""

    party: str
    changes: Mapping[str, Value]


Action = Union[Offer, Accept, Reject, EndNegotiation, Vote, Amend]
