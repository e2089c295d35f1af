"""The protocols by name: build a mechanism from a protocol name and its settings."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from summitry.errors import MechanismSetupError, UnknownProtocolError
from summitry.model import Scenario

from ._machine import MechanismCore
from .clock import Clock
from .mediation import Mediation
from .sao import SAO
from .state import Deadline

__all__ = ["PROTOCOLS", "make_mechanism", "protocol_names"]

PROTOCOLS: Mapping[str, type[MechanismCore]] = {"sao": SAO, "mediation": Mediation}


def protocol_names() -> list[str]:
    """Return the registered protocol names."""
    return sorted(PROTOCOLS)


def make_mechanism(
    protocol: str, scenario: Scenario, *, settings: Mapping[str, Any], clock: Clock | None = None
) -> MechanismCore:
    """Return a fresh mechanism for ``protocol`` built from ``settings`` (as ``settings()`` gives them).

    Raises:
        UnknownProtocolError: no protocol has that name (with a "did you mean").
        MechanismSetupError: the settings do not fit the protocol.
    """
    try:
        cls = PROTOCOLS[protocol]
    except KeyError:
        close = difflib.get_close_matches(str(protocol), PROTOCOLS, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise UnknownProtocolError(f"No protocol {protocol!r}; the protocols are {protocol_names()}.{hint}") from None
    options = dict(settings)
    try:
        deadline = Deadline(rounds=options.pop("rounds", None), seconds=options.pop("seconds", None))
        return cls(scenario, deadline=deadline, clock=clock, **options)
    except TypeError as exc:
        raise MechanismSetupError(f"settings for {protocol!r}: {exc}") from None
