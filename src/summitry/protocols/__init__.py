"""Protocols: mechanisms as deterministic state machines, actions, observations, traces."""

from __future__ import annotations

from .actions import Accept, Action, Amend, EndNegotiation, Offer, Reject, Vote
from .base import Mechanism, NegotiatorProtocol, RunnableMechanism, StepResult
from .checks import check_mechanism
from .clock import Clock, FakeClock, MonotonicClock
from .events import Event, EventKind, Result, Trace, TraceHeader
from .mediation import Mediation
from .policy import Failure, call_negotiator
from .registry import PROTOCOLS, MechanismFactory, make_mechanism, protocol_names, register_protocol
from .replay import replay, rerun
from .run import negotiate, run
from .sao import SAO
from .state import Deadline, Observation, PrivateView, PublicState, Request, Status

__all__ = [
    "PROTOCOLS",
    "SAO",
    "Accept",
    "Action",
    "Amend",
    "Clock",
    "Deadline",
    "EndNegotiation",
    "Event",
    "EventKind",
    "Failure",
    "FakeClock",
    "Mechanism",
    "MechanismFactory",
    "Mediation",
    "MonotonicClock",
    "NegotiatorProtocol",
    "Observation",
    "Offer",
    "PrivateView",
    "PublicState",
    "Reject",
    "Request",
    "Result",
    "RunnableMechanism",
    "Status",
    "StepResult",
    "Trace",
    "TraceHeader",
    "Vote",
    "call_negotiator",
    "check_mechanism",
    "make_mechanism",
    "negotiate",
    "protocol_names",
    "register_protocol",
    "replay",
    "rerun",
    "run",
]
