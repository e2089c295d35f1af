"""Fast construction of the frozen Event and Observation objects made on every step.

A frozen dataclass's generated ``__init__`` sets each field through ``object.__setattr__``,
which costs about a third of a whole SAO step. These builders create the same objects by
calling the slots' descriptors directly (no ``__post_init__`` exists to skip). They are
equal to, and indistinguishable from, objects built the ordinary way (tested). If a field is
ever added to either class, the builders fall back to the ordinary constructor. A trace
builds its packed events back with :func:`make_event` too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import Any

from .base import StepResult
from .events import Event, EventKind
from .state import Observation, OfferHistory

__all__ = ["make_event", "make_observation", "make_offer_history", "make_step_result"]

_EVENT_FIELDS = ("index", "step", "round", "time", "party", "kind", "outcome", "data")
_OBSERVATION_FIELDS = (
    "request",
    "party",
    "round",
    "step",
    "time",
    "standing_offer",
    "standing_offer_by",
    "history",
    "draft",
    "proposal",
    "legal",
)
_new = object.__new__


def _setters(cls: type, expected: tuple[str, ...]) -> tuple[Any, ...] | None:
    names = tuple(f.name for f in fields(cls))
    if names != expected or hasattr(cls, "__post_init__"):
        return None
    return tuple(cls.__dict__[name].__set__ for name in names)


_E = _setters(Event, _EVENT_FIELDS)
_O = _setters(Observation, _OBSERVATION_FIELDS)


def make_event(
    index: int, step: int, round_: int, time: float, party: str | None, kind: EventKind, outcome: Any, data: Any
) -> Event:
    """Return ``Event(index=…, step=…, …)``, built without the frozen ``__init__``."""
    if _E is None:
        return Event(
            index=index, step=step, round=round_, time=time, party=party, kind=kind, outcome=outcome, data=data
        )
    event = _new(Event)
    s = _E
    s[0](event, index)
    s[1](event, step)
    s[2](event, round_)
    s[3](event, time)
    s[4](event, party)
    s[5](event, kind)
    s[6](event, outcome)
    s[7](event, data)
    return event


def make_observation(
    request: Any,
    party: str,
    round_: int,
    step: int,
    time: float,
    standing_offer: Any,
    standing_offer_by: str | None,
    history: Sequence[Any],
    draft: Any,
    proposal: Any,
    legal: tuple[type, ...],
) -> Observation:
    """Return ``Observation(request=…, party=…, …)``, built without the frozen ``__init__``."""
    if _O is None:
        return Observation(
            request=request, party=party, round=round_, step=step, time=time, standing_offer=standing_offer,
            standing_offer_by=standing_offer_by, history=history, draft=draft, proposal=proposal, legal=legal,
        )  # fmt: skip
    observation = _new(Observation)
    s = _O
    s[0](observation, request)
    s[1](observation, party)
    s[2](observation, round_)
    s[3](observation, step)
    s[4](observation, time)
    s[5](observation, standing_offer)
    s[6](observation, standing_offer_by)
    s[7](observation, history)
    s[8](observation, draft)
    s[9](observation, proposal)
    s[10](observation, legal)
    return observation


_STEP_RESULT_SLOTS = ("_factory", "_state", "events", "status")
_R = (
    tuple(StepResult.__dict__[name].__set__ for name in _STEP_RESULT_SLOTS)
    if tuple(sorted(StepResult.__slots__)) == _STEP_RESULT_SLOTS
    else None
)


def make_step_result(events: tuple[Any, ...], status: Any, state_factory: Any) -> StepResult:
    """Return ``StepResult(None, events, status, state_factory=state_factory)``, built without ``__init__``."""
    if _R is None:
        return StepResult(None, events, status, state_factory=state_factory)
    result = _new(StepResult)
    s = _R
    s[0](result, state_factory)
    s[1](result, None)
    s[2](result, events)
    s[3](result, status)
    return result


_H = (
    tuple(OfferHistory.__dict__[name].__set__ for name in ("_items", "_size", "_start"))
    if OfferHistory.__slots__ == ("_items", "_size", "_start")
    else None
)


def make_offer_history(items: Sequence[Any], size: int, start: int) -> OfferHistory:
    """Return ``OfferHistory(items, size, start)``, built without calling ``__init__``."""
    if _H is None:
        return OfferHistory(items, size, start)
    view = _new(OfferHistory)
    _H[0](view, items)
    _H[1](view, size)
    _H[2](view, start)
    return view
