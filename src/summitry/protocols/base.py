"""The two contracts of the engine: Mechanism (the rules) and NegotiatorProtocol (a strategy).

Mechanisms see negotiators only through the structural :class:`NegotiatorProtocol`, so the
``protocols`` layer never imports ``agents``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

import numpy as np

from summitry.model import Scenario

from .actions import Action
from .clock import Clock
from .events import Event, Result
from .state import Observation, PrivateView, PublicState, Status

__all__ = ["Mechanism", "NegotiatorProtocol", "RunnableMechanism", "StepResult"]


@runtime_checkable
class NegotiatorProtocol(Protocol):
    """A strategy acting for one party. It sees its own utility and the public state only.

    The structural contract the mechanisms rely on. ``summitry.Negotiator`` (in
    ``summitry.agents``) is the base class that satisfies it; any object with these members
    does too.
    """

    name: str

    def start(self, view: PrivateView, rng: np.random.Generator) -> None:
        """Receive this party's private view and a seeded random generator, once, before acting."""
        ...

    def act(self, observation: Observation) -> Action:
        """Return the action for ``observation.request`` (legal kinds in ``observation.legal``)."""
        ...


class StepResult:
    """What one step did: the new public state, the events it appended, and the status.

    Built as ``StepResult(state, events, status)``; a mechanism may instead pass
    ``state=None`` and a zero-argument ``state_factory``, and the state is then built on
    first access (most callers only look at ``status`` and ``events``).

    .. versionchanged:: 0.1 ``state`` may be computed lazily, to keep steps cheap.
    """

    __slots__ = ("_factory", "_state", "events", "status")

    def __init__(
        self,
        state: PublicState | None,
        events: tuple[Event, ...],
        status: Status,
        *,
        state_factory: Callable[[], PublicState] | None = None,
    ) -> None:
        if state is None and state_factory is None:
            raise TypeError("StepResult needs a state or a state_factory")
        self._state = state
        self._factory = state_factory
        self.events = events
        self.status = status

    @property
    def state(self) -> PublicState:
        """Return the public state after the step."""
        if self._state is None:
            assert self._factory is not None  # reason: checked in __init__
            self._state = self._factory()
        return self._state

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StepResult):
            return NotImplemented
        return (self.state, self.events, self.status) == (other.state, other.events, other.status)

    def __repr__(self) -> str:
        return f"StepResult(state={self.state!r}, events={self.events!r}, status={self.status!r})"


class Mechanism(Protocol):
    """A protocol's rules as a deterministic state machine (given a seed): what ``run``, ``replay`` and the checks call.

    The built-in mechanisms (``SAO``, ``Mediation``) implement it; a third-party mechanism
    that does can be registered with :func:`~summitry.protocols.register_protocol` and is then
    run, traced, replayed and checked (``check_mechanism``) like the built-ins.

    .. versionchanged:: 0.1 one contract: ``RunnableMechanism`` (the setup, log and result
       that ``run`` needs) merged into it; attributes are read-only properties.
    """

    @property
    def name(self) -> str:
        """Return the protocol's registered name (recorded in traces)."""
        ...

    @property
    def scenario(self) -> Scenario:
        """Return the scenario being negotiated."""
        ...

    @property
    def parties(self) -> tuple[str, ...]:
        """Return the party names, in scenario order."""
        ...

    @property
    def clock(self) -> Clock:
        """Return the clock the mechanism reads (once per step)."""
        ...

    @property
    def time_limit(self) -> float | None:
        """Return the seconds one negotiator may take for one action (None: no limit)."""
        ...

    @property
    def status(self) -> Status:
        """Return where the negotiation is."""
        ...

    @property
    def next_party(self) -> str | None:
        """Return whose turn it is (None once over)."""
        ...

    @property
    def events(self) -> tuple[Event, ...]:
        """Return every event since the last reset."""
        ...

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

    def fail(self, party: str, reason: str, detail: str = "") -> StepResult:
        """Record that ``party``'s negotiator failed and apply the failure policy (see ``policy``).

        The built-in mechanisms end the negotiation with no agreement (status FAILED).
        """
        ...

    def settings(self) -> dict[str, Any]:
        """Return the settings that rebuild the mechanism through the registry (plain JSON values)."""
        ...

    def private_view(self, party: str) -> PrivateView:
        """Return what ``party``'s negotiator is told at the start."""
        ...

    def state(self) -> PublicState:
        """Return the public state now."""
        ...

    def result(self) -> Result:
        """Return the Result once the negotiation is over."""
        ...


RunnableMechanism = Mechanism
"""The former name of :class:`Mechanism`'s setup/log/result part, now one contract (kept as an alias)."""
