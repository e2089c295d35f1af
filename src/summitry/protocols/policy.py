"""The failure policy: the ONE place where a negotiator's exceptions and garbage are caught.

A negotiator fails when it

- raises an exception (``reason="raised"``),
- takes longer than the per-action time limit (``reason="slow"``). Time is measured with the
  injected clock *after the call returns*: no thread interrupts a negotiator, so a negotiator
  that never returns hangs the run; one that returns late is removed. This keeps runs
  deterministic under a ``FakeClock`` and needs no threads;
- returns something that is not an action, an action for another party, or a kind of action
  that is not legal now (``reason="garbage"``),
- or makes an action that the mechanism refuses (an outcome outside the space, an infeasible
  outcome, ...; ``reason="illegal"``).

The failure is returned as a :class:`Failure`; ``run`` records it in the trace with the
mechanism's ``fail`` and the mechanism applies the policy: the failing party walks away, so
the negotiation ends with no agreement (status FAILED), in bilateral and multilateral
protocols alike. The process carries on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar, cast

import numpy as np

from summitry.errors import IllegalActionError

from .actions import Accept, Action, Amend, EndNegotiation, Offer, Reject, Vote
from .base import Mechanism, NegotiatorProtocol, StepResult
from .clock import Clock
from .state import Observation, PrivateView

__all__ = ["Failure", "apply_action", "apply_transition", "call_negotiator", "start_negotiator"]

log = logging.getLogger(__name__)

Applied = TypeVar("Applied")

_ACTION_TYPES = (Offer, Accept, Reject, EndNegotiation, Vote, Amend)


@dataclass(frozen=True, slots=True, kw_only=True)
class Failure:
    """A negotiator's failure: whose, why ("raised", "slow", "garbage", "illegal") and the detail."""

    party: str
    reason: str
    detail: str


def call_negotiator(
    negotiator: NegotiatorProtocol, observation: Observation, *, time_limit: float | None, clock: Clock
) -> Action | Failure:
    """Return the negotiator's action for ``observation``, or a :class:`Failure` if it failed.

    The action is of a legal kind for ``observation.party`` and names that party.
    """
    party = observation.party
    started = clock.now()
    try:
        action: object = negotiator.act(observation)
    except Exception as exc:  # the one sanctioned catch (STYLE C7): recorded, then the policy applies
        log.debug("negotiator for %s raised", party, exc_info=True)
        return Failure(party=party, reason="raised", detail=f"{type(exc).__name__}: {exc}")
    took = clock.now() - started
    if time_limit is not None and took > time_limit:
        return Failure(party=party, reason="slow", detail=f"took {took:.3f} s, the limit is {time_limit:g} s")
    kind = type(action)
    if kind in observation.legal and getattr(action, "party", None) == party:
        return cast(Action, action)  # the common case, checked first: a legal kind is an Action
    if not isinstance(action, _ACTION_TYPES):
        return Failure(party=party, reason="garbage", detail=f"expected an Action, got {_describe(action)}")
    if action.party != party:
        return Failure(party=party, reason="garbage", detail=f"acted as party {action.party!r}, expected {party!r}")
    if kind not in observation.legal:
        legal = ", ".join(t.__name__ for t in observation.legal)
        return Failure(party=party, reason="garbage", detail=f"{kind.__name__} is not legal now (legal: {legal})")
    return action


def apply_action(mechanism: Mechanism, action: Action) -> StepResult | Failure:
    """Return the mechanism's step result for ``action``, or a ``Failure`` if it refused it."""
    return apply_transition(mechanism.step, action)


def apply_transition(transition: Callable[[Action], Applied], action: Action) -> Applied | Failure:
    """Return what ``transition(action)`` returns, or a ``Failure`` if the mechanism refused the action.

    ``transition`` is a mechanism's ``step``, or (in ``run``) its step reduced to the events it appends.
    """
    try:
        return transition(action)
    except IllegalActionError as exc:
        return Failure(party=action.party, reason="illegal", detail=str(exc))


def start_negotiator(
    negotiator: NegotiatorProtocol, view: PrivateView, rng: np.random.Generator, *, party: str
) -> Failure | None:
    """Start ``negotiator`` with its private view and rng; return a ``Failure`` if it raised."""
    try:
        negotiator.start(view, rng)
    except Exception as exc:  # the one sanctioned catch (STYLE C7): recorded, then the policy applies
        log.debug("negotiator for %s raised in start", party, exc_info=True)
        return Failure(party=party, reason="raised", detail=f"start: {type(exc).__name__}: {exc}")
    return None


def _describe(value: object) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text[:80]}{'...' if len(text) > 80 else ''}"
