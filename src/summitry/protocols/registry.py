"""The protocols by name: register a mechanism, and build one from a protocol name and its settings.

``SAO`` and ``Mediation`` register here exactly as a third-party protocol would::

    register_protocol("my-protocol", MyMechanism)   # MyMechanism(scenario, *, deadline, clock, **settings)

A registered protocol is what ``negotiate(..., protocol=name)``, traces, ``replay`` and
``check_mechanism`` (run over every registered protocol in the tests) work with.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from summitry.errors import MechanismSetupError, UnknownProtocolError
from summitry.model import Scenario

from .base import Mechanism
from .clock import Clock
from .mediation import Mediation
from .sao import SAO
from .state import Deadline

__all__ = ["PROTOCOLS", "MechanismFactory", "make_mechanism", "protocol_names", "register_protocol"]

MechanismFactory = Callable[..., Mechanism]
"""Builds a mechanism: ``factory(scenario, *, deadline: Deadline, clock: Clock | None, **settings)``.

``settings`` are the mechanism's own ``settings()`` minus ``rounds``/``seconds`` (which make the
deadline); a mechanism class is a factory.
"""

_REGISTRY: dict[str, MechanismFactory] = {}

PROTOCOLS: Mapping[str, MechanismFactory] = MappingProxyType(_REGISTRY)
"""Every registered protocol by name (read-only; add one with :func:`register_protocol`)."""


def register_protocol(name: str, factory: MechanismFactory, *, replace: bool = False) -> MechanismFactory:
    """Register ``factory`` as the protocol ``name``; return the factory (usable as a class decorator's body).

    Raises:
        MechanismSetupError: the name is empty or taken (pass ``replace=True`` to overwrite).
    """
    if not isinstance(name, str) or not name.strip():
        raise MechanismSetupError(f"a protocol needs a non-empty name, got {name!r}")
    if name in _REGISTRY and not replace:
        raise MechanismSetupError(f"a protocol named {name!r} is already registered; pass replace=True to overwrite it")
    _REGISTRY[name] = factory
    return factory


def protocol_names() -> list[str]:
    """Return the registered protocol names, sorted."""
    return sorted(_REGISTRY)


def make_mechanism(
    protocol: str, scenario: Scenario, *, settings: Mapping[str, Any], clock: Clock | None = None
) -> Mechanism:
    """Return a fresh mechanism for ``protocol`` built from ``settings`` (as ``settings()`` gives them).

    Raises:
        UnknownProtocolError: no protocol has that name (with a "did you mean").
        MechanismSetupError: the settings do not fit the protocol.
    """
    try:
        factory = _REGISTRY[protocol]
    except KeyError:
        close = difflib.get_close_matches(str(protocol), _REGISTRY, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise UnknownProtocolError(f"No protocol {protocol!r}; the protocols are {protocol_names()}.{hint}") from None
    options = dict(settings)
    deadline = Deadline(rounds=options.pop("rounds", None), seconds=options.pop("seconds", None))
    try:
        return factory(scenario, deadline=deadline, clock=clock, **options)
    except TypeError as exc:
        raise MechanismSetupError(f"settings for {protocol!r}: {exc}") from None


register_protocol("sao", SAO)
register_protocol("mediation", Mediation)
