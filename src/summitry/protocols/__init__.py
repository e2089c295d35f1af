"""Protocols: mechanisms as deterministic state machines, actions, observations, traces."""

from __future__ import annotations

from .actions import Accept, Action, Amend, EndNegotiation, Offer, Reject, Vote
from .base import Mechanism, Negotiator, StepResult
from .clock import Clock, FakeClock, MonotonicClock
from .state import Deadline, Observation, PrivateView, PublicState, Request, Status

__all__ = [
    "Accept",
    "Action",
    "Amend",
    "Clock",
    "Deadline",
    "EndNegotiation",
    "FakeClock",
    "Mechanism",
    "MonotonicClock",
    "Negotiator",
    "Observation",
    "Offer",
    "PrivateView",
    "PublicState",
    "Reject",
    "Request",
    "Status",
    "StepResult",
    "Vote",
]
