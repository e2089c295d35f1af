"""The two contracts of the engine: Mechanism (the rules) and Negotiator (a strategy).

Mechanisms see negotiators only through the structural :class:`Negotiator` protocol, so the
``protocols`` layer never imports ``agents``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from .actions import Action
from .state import Observation, PrivateView, PublicState, Status

__all__ = ["Mechanism", "Negotiator", "StepResult"]


@runtime_checkable
class Negotiator(Protocol):
    """A strategy acting for one party. It sees its own utility and the public state only."""

    name: str

    def start(self, view: PrivateView, rng: np.random.Generator) -> None:
        """Receive this party's private view and a seeded random generator, once, before acting."""
        ...

    def act(self, observation: Observation) -> Action:
        """Return the action for ``observation.request`` (legal kinds in ``observation.legal``)."""
        ...


@dataclass(frozen=True, slots=True)
class StepResult:
    """What one step did: the new public state, the events it appended, and the status."""

    state: PublicState
    events: tuple[object, ...]
    status: Status


class Mechanism(Protocol):
    """A deterministic state machine (given a seed) implementing one protocol."""

    name: str

    def reset(self, seed: int | None = None) -> PublicState:
        """Start afresh; return the initial public state."""
        ...

    def legal_actions(self, party: str) -> tuple[type, ...]:
        """Return the action types ``party`` may take now (empty if it is not its turn)."""
        ...

    def observe(self, party: str) -> Observation:
        """Return what ``party`` sees now (its request, the public history, the standing offer)."""
        ...

    def step(self, action: Action) -> StepResult:
        """Apply one action (refusing illegal ones with IllegalActionError)."""
        ...
