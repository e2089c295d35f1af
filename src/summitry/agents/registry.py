"""The registry of built-in agents: look them up by name, make them with parameters.

``make_negotiator("boulware", exponent=0.1)`` returns a fresh negotiator; an unknown name
raises :class:`~summitry.errors.UnknownAgentError` listing every name, with a "did you mean".
On the command line and in summit files an agent is written ``name`` or
``name:param=value:param=value`` (``boulware:exponent=0.1``); :func:`negotiator_from_text`
reads that form.
"""

from __future__ import annotations

import difflib
import inspect
import math
import types
import typing
from typing import Any

from summitry.errors import AgentParameterError, UnknownAgentError

from .base import AgentSpec, Negotiator
from .bayesian import BayesianNegotiator
from .hardheaded import HardHeaded
from .hardliner import Hardliner
from .micro import MiCRO
from .random_agent import RandomNegotiator
from .time_based import Boulware, Conceder, LinearConcession
from .tit_for_tat import NaiveTitForTat, RelativeTitForTat
from .voting import AnnealingVoter, GreedyVoter

__all__ = [
    "DEFAULT_VOTER",
    "REGISTRY",
    "agent_names",
    "agent_spec",
    "make_negotiator",
    "negotiator_from_text",
    "parse_agent",
    "register",
    "sao_agent_names",
]

_FSJ = "Faratin, Sierra & Jennings (1998), Negotiation decision functions for autonomous agents"

REGISTRY: dict[str, AgentSpec] = {}
"""Every registered agent by name (built-ins plus whatever :func:`register` added)."""

DEFAULT_VOTER = "greedy-voter"
"""The voter used in mediation when no agent is named."""


def register(spec: AgentSpec, *, replace: bool = False) -> AgentSpec:
    """Add ``spec`` to the registry and return it.

    Raises:
        ValueError: the name is taken (pass ``replace=True`` to overwrite).
    """
    if spec.name in REGISTRY and not replace:
        raise ValueError(f"an agent named {spec.name!r} is already registered; pass replace=True to overwrite it")
    REGISTRY[spec.name] = spec
    return spec


def agent_names() -> list[str]:
    """Return the registered agent names, in registration order."""
    return list(REGISTRY)


def sao_agent_names() -> list[str]:
    """Return the names of the agents meant for alternating offers (voters excluded)."""
    return [name for name, spec in REGISTRY.items() if "sao" in spec.protocols]


def agent_spec(name: str) -> AgentSpec:
    """Return the spec registered as ``name``.

    Raises:
        UnknownAgentError: no such agent; the message lists them all and suggests the closest.
    """
    try:
        return REGISTRY[name]
    except KeyError:
        pass
    names = agent_names()
    close = difflib.get_close_matches(str(name), names, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise UnknownAgentError(f"No agent {name!r}.{hint} The agents are: {', '.join(names)}")


def make_negotiator(name: str, **params: Any) -> Negotiator:
    """Return a new negotiator of the agent registered as ``name``, with ``params`` passed to its factory.

    Raises:
        UnknownAgentError: no such agent.
        AgentParameterError: a parameter the agent does not take, or a value its factory refuses.
    """
    spec = agent_spec(name)
    accepted = _parameters(spec)
    unknown = sorted(set(params) - accepted) if accepted is not None else []
    if unknown:
        known = ", ".join(sorted(accepted)) if accepted else "none"
        raise AgentParameterError(f"agent {name!r} takes no parameter {unknown[0]!r}; its parameters: {known}")
    params = {key: _typed(name, key, value, _annotation(spec, key)) for key, value in params.items()}
    try:
        negotiator = spec.make(**params)
    except (TypeError, ValueError) as exc:
        raise AgentParameterError(f"agent {name!r}: {exc}") from exc
    return negotiator


def parse_agent(text: str) -> tuple[str, dict[str, Any]]:
    """Return the name and parameters of ``name`` or ``name:param=value:param=value``.

    Values are read as integers, then floats, then ``true``/``false``, else kept as text.

    Raises:
        AgentParameterError: a parameter without ``=`` or without a name.
    """
    name, *assignments = [part.strip() for part in text.strip().split(":")]
    params: dict[str, Any] = {}
    for assignment in assignments:
        key, sep, raw = assignment.partition("=")
        if not sep or not key.strip():
            raise AgentParameterError(f"agent {text!r}: expected param=value after ':', got {assignment!r}")
        params[key.strip()] = _value(raw.strip())
    return name, params


def negotiator_from_text(text: str) -> Negotiator:
    """Return a new negotiator from ``name:param=value:...``, ``file.py:Class`` or ``module:Class``.

    See :func:`summitry.agents.resolution.resolve_agent` for every form.
    """
    from .resolution import negotiator_from_text as from_text  # reason: resolution builds on this module

    return from_text(text)


def _parameters(spec: AgentSpec) -> set[str] | None:
    """Return the keyword parameters the agent's factory takes (None if it takes any keyword at all).

    A class whose ``__init__`` passes ``**kwargs`` on is followed up its bases, so that
    ``Boulware(**kwargs) -> TimeBased(exponent, floor, window)`` reports all of them.
    """
    factory = spec.factory
    callables = (
        [klass.__dict__["__init__"] for klass in factory.__mro__ if "__init__" in klass.__dict__]
        if isinstance(factory, type)
        else [factory]
    )
    names: set[str] = set()
    for function in callables:
        try:
            signature = inspect.signature(function)
        except (TypeError, ValueError):
            return None
        forwards = False
        for parameter in signature.parameters.values():
            if parameter.kind is inspect.Parameter.VAR_KEYWORD:
                forwards = True
            elif parameter.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD):
                names.add(parameter.name)
        if not forwards:
            return names - {"self", "name"}
    return None


def _annotation(spec: AgentSpec, key: str) -> Any:
    """Return the annotated type of parameter ``key`` of the agent's factory (None when not annotated)."""
    factory = spec.factory
    callables = (
        [klass.__dict__["__init__"] for klass in factory.__mro__ if "__init__" in klass.__dict__]
        if isinstance(factory, type)
        else [factory]
    )
    for function in callables:
        try:
            hints = typing.get_type_hints(function)
        except Exception:
            return None
        if key in hints:
            return hints[key]
    return None


_TYPE_WORDS = {bool: "true or false", int: "an integer", float: "a number", str: "text"}


def _typed(agent: str, key: str, value: Any, annotation: Any) -> Any:
    """Return ``value`` converted to ``annotation`` (bool, int, float, str or an optional of them).

    Raises:
        AgentParameterError: the value does not fit; names the parameter, the type and the value.
    """
    kinds = [annotation]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        kinds = [k for k in typing.get_args(annotation) if k is not type(None)]
    kinds = [k for k in kinds if k in _TYPE_WORDS]
    if not kinds:
        return value  # not a plain type: the factory checks it
    for kind in kinds:
        if kind is bool and isinstance(value, bool):
            return value
        if kind is int and isinstance(value, int) and not isinstance(value, bool):
            return value
        if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
            if math.isfinite(number):
                return number
        if kind is str and isinstance(value, str):
            return value
    expected = " or ".join(f"{_TYPE_WORDS[k]} ({k.__name__})" for k in kinds)
    raise AgentParameterError(f"agent {agent!r}: parameter {key!r} expects {expected}, got {value!r}")


def _value(raw: str) -> Any:
    for cast in (int, float):
        try:
            return cast(raw)
        except ValueError:
            pass
    lowered = raw.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    return raw


def _builtins() -> None:
    specs = [
        AgentSpec(
            name="boulware",
            factory=Boulware,
            params={"exponent": 0.2},
            description="Time-based, concedes late: target = max − (max − reserve)·t^(1/e), e = 0.2; AC_next",
            source=_FSJ,
        ),
        AgentSpec(
            name="linear",
            factory=LinearConcession,
            params={"exponent": 1.0},
            description="Time-based, concedes linearly in time (e = 1); AC_next",
            source=_FSJ,
        ),
        AgentSpec(
            name="conceder",
            factory=Conceder,
            params={"exponent": 5.0},
            description="Time-based, concedes early (e = 5); AC_next",
            source=_FSJ,
        ),
        AgentSpec(
            name="hardliner",
            factory=Hardliner,
            params={"tolerance": 0.0},
            description="Offers only its best outcome; accepts only that",
            source="Baseline of GENIUS/NegMAS (ToughNegotiator); Baarslag et al. (2013)",
        ),
        AgentSpec(
            name="random",
            factory=RandomNegotiator,
            params={"p_accept": 0.5},
            description="Seeded random offers above reservation; accepts acceptable offers with probability 0.5",
            source="Baseline of GENIUS/NegMAS (RandomNegotiator)",
        ),
        AgentSpec(
            name="naive-tit-for-tat",
            factory=NaiveTitForTat,
            params={"kindness": 0.01},
            description="Concedes (own utility) what the opponent's last offer conceded, plus 1% of its range a round",
            source=_FSJ + " (absolute tit-for-tat)",
        ),
        AgentSpec(
            name="tit-for-tat",
            factory=RelativeTitForTat,
            params={"window": 2, "kindness": 0.01},
            description="Mirrors the opponent's relative concession over 2 offers, plus 1% of its range per round",
            source=_FSJ + " (relative tit-for-tat); Baarslag, Hindriks & Jonker (2013)",
        ),
        AgentSpec(
            name="micro",
            factory=MiCRO,
            description="Concedes one outcome at a time, only as often as the opponent makes new offers",
            source=(
                "de Jonge (2022), An Analysis of the Linear Bilateral ANAC Domains Using the MiCRO Benchmark Strategy"
            ),
        ),
        AgentSpec(
            name="hardheaded",
            factory=HardHeaded,
            params={"exponent": 0.2, "window": 0.05},
            description="Boulware target; a frequency opponent model picks, near the target, the best for the opponent",
            source="van Krimpen, Looije & Hajizadeh (2013), HardHeaded (ANAC 2011 winner)",
        ),
        AgentSpec(
            name="bayesian",
            factory=BayesianNegotiator,
            params={"exponent": 0.2, "window": 0.05},
            description="Boulware target; a Bayesian opponent model (issue rankings, value shapes) picks near it",
            source=(
                "Hindriks & Tykhonov (2008), Opponent modelling in automated multi-issue negotiation "
                "using Bayesian learning"
            ),
        ),
        AgentSpec(
            name="greedy-voter",
            factory=GreedyVoter,
            description="Mediation: accepts a proposal iff it is at least as good as the draft",
            source="Klein, Faratin, Sayama & Bar-Yam (2003), Negotiating complex contracts (hill climber)",
            protocols=("mediation",),
        ),
        AgentSpec(
            name="annealing-voter",
            factory=AnnealingVoter,
            params={"temperature": 0.1},
            description="Mediation: also accepts a loss Δ with probability exp(−Δ/T), T = 0.1·range·(1 − t)",
            source="Klein, Faratin, Sayama & Bar-Yam (2003), Negotiating complex contracts (annealer)",
            protocols=("mediation",),
        ),
    ]
    for spec in specs:
        register(spec)


_builtins()
