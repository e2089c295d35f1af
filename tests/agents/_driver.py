"""Drive a bilateral SAO negotiation through the engine (``summitry.protocols.run.negotiate``) for agent tests.

The engine's failure policy records a negotiator's exception instead of raising it; this
driver turns any recorded failure back into a test failure, so agent bugs are not hidden.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from summitry.model import Outcome, Scenario
from summitry.protocols import NegotiatorProtocol
from summitry.protocols.run import negotiate


@dataclass
class DriverResult:
    """What a driven negotiation produced."""

    agreement: Outcome | None
    utilities: tuple[float, ...]
    reason: str
    rounds: int
    history: list[tuple[str, Outcome]] = field(default_factory=list)


def drive(
    scenario: Scenario, negotiators: list[NegotiatorProtocol], *, rounds: int = 50, seed: int = 0
) -> DriverResult:
    """Return the result of alternating offers between the negotiators on ``scenario``."""
    trace = negotiate(scenario, negotiators, protocol="sao", rounds=rounds, seed=seed)
    failures = [event for event in trace.events if event.kind == "failure"]
    assert not failures, f"a negotiator failed: {failures[0].party}: {dict(failures[0].data)}"
    result = trace.result
    assert result is not None
    history = [(str(e.party), tuple(e.outcome)) for e in trace.events if e.kind == "offer" and e.outcome is not None]
    return DriverResult(result.agreement, tuple(result.utilities), result.reason, result.rounds, history)
