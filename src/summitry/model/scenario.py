"""Scenarios: an outcome space, the parties with their private utilities, and default settings."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from summitry.errors import InvalidScenarioError

from .outcome_space import OutcomeSpace
from .utility import UtilityFunction

__all__ = ["Party", "Scenario"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Party:
    """One side of a negotiation: a name and its private utility function."""

    name: str
    utility: UtilityFunction
    description: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise InvalidScenarioError(f"a party needs a non-empty name, got {self.name!r}")

    @property
    def reservation_value(self) -> float:
        """Return what this party gets with no agreement."""
        return float(self.utility.reservation_value)


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """An outcome space, parties with private utilities, and default protocol settings.

    ``rounds`` / ``seconds`` are the default deadline; ``protocol`` the default protocol name.
    """

    name: str
    space: OutcomeSpace
    parties: tuple[Party, ...]
    description: str = ""
    rounds: int | None = 100
    seconds: float | None = None
    protocol: str = "sao"

    def __post_init__(self) -> None:
        parties = tuple(self.parties)
        object.__setattr__(self, "parties", parties)
        if not self.name or not isinstance(self.name, str):
            raise InvalidScenarioError(f"a scenario needs a non-empty name, got {self.name!r}")
        if len(parties) < 2:
            raise InvalidScenarioError(f"scenario {self.name!r}: needs at least two parties, got {len(parties)}")
        names = [p.name for p in parties]
        if len(set(names)) != len(names):
            raise InvalidScenarioError(f"scenario {self.name!r}: duplicate party names {names}")
        for party in parties:
            if party.utility.space != self.space:
                raise InvalidScenarioError(
                    f"scenario {self.name!r}: party {party.name!r}'s utility is over a different outcome space"
                )
        if self.rounds is not None and (not isinstance(self.rounds, int) or self.rounds < 1):
            raise InvalidScenarioError(
                f"scenario {self.name!r}: rounds must be a positive integer, got {self.rounds!r}"
            )
        if self.seconds is not None and not self.seconds > 0:
            raise InvalidScenarioError(f"scenario {self.name!r}: seconds must be > 0, got {self.seconds!r}")

    @property
    def party_names(self) -> tuple[str, ...]:
        """Return the parties' names, in order."""
        return tuple(p.name for p in self.parties)

    @property
    def reserved_values(self) -> npt.NDArray[np.float64]:
        """Return each party's reservation value, in party order."""
        return np.array([p.reservation_value for p in self.parties], dtype=float)

    def party(self, name: str) -> Party:
        """Return the party called ``name``.

        Raises:
            InvalidScenarioError: no party has that name.
        """
        for p in self.parties:
            if p.name == name:
                return p
        raise InvalidScenarioError(f"scenario {self.name!r} has no party {name!r}; parties: {list(self.party_names)}")

    def utilities(self, indices: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """Return the utility matrix, shape ``(len(indices), parties)``."""
        idx = np.asarray(indices, dtype=np.int64).reshape(-1)
        return (
            np.column_stack([p.utility.batch(idx) for p in self.parties])
            if idx.size
            else np.zeros((0, len(self.parties)))
        )
