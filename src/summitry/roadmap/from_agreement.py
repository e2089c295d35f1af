"""From an agreement to commitments: a catalogue maps each (issue, value) to what it implies."""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from summitry.errors import RoadmapError, UnknownCommitmentError

from .commitments import Commitment, check_commitments

__all__ = ["Catalogue", "commitments_for"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Catalogue:
    """For one scenario: a pool of commitments, and for each issue and value the ids it implies.

    ``implies[issue][value]`` lists commitment ids (empty for e.g. ``none``). Prerequisites
    refer to commitments of the pool; one only applies when both commitments are in the deal.
    """

    name: str
    parties: tuple[str, ...]
    commitments: tuple[Commitment, ...]
    implies: Mapping[str, Mapping[str, tuple[str, ...]]]
    description: str = ""
    _by_id: Mapping[str, Commitment] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "parties", tuple(self.parties))
        object.__setattr__(self, "commitments", tuple(self.commitments))
        check_commitments(self.commitments, self.parties)
        by_id = {c.id: c for c in self.commitments}
        implies: dict[str, Mapping[str, tuple[str, ...]]] = {}
        for issue, table in self.implies.items():
            row: dict[str, tuple[str, ...]] = {}
            for value, ids in table.items():
                row[str(value)] = tuple(ids)
                for commitment_id in ids:
                    if commitment_id not in by_id:
                        raise UnknownCommitmentError(
                            f"catalogue {self.name!r}: {issue}={value} implies {commitment_id!r}, "
                            f"which is not a commitment of the catalogue{_close(commitment_id, by_id)}"
                        )
            implies[issue] = MappingProxyType(row)
        object.__setattr__(self, "implies", MappingProxyType(implies))
        object.__setattr__(self, "_by_id", MappingProxyType(by_id))

    def commitment(self, commitment_id: str) -> Commitment:
        """Return the commitment with this id.

        Raises:
            UnknownCommitmentError: the catalogue has no such commitment.
        """
        try:
            return self._by_id[commitment_id]
        except KeyError:
            raise UnknownCommitmentError(
                f"catalogue {self.name!r} has no commitment {commitment_id!r}{_close(commitment_id, self._by_id)}"
            ) from None


def commitments_for(agreement: Mapping[str, object], catalogue: Catalogue) -> list[Commitment]:
    """Return the commitments an agreement implies, in catalogue order, with prerequisites kept inside it.

    Every issue of the catalogue must be settled by the agreement, and every value must be
    one the catalogue knows. A commitment implied by several (issue, value) pairs appears once.

    Raises:
        RoadmapError: an issue is missing or unknown, or a value is not in the catalogue.
    """
    unknown = [issue for issue in agreement if issue not in catalogue.implies]
    if unknown:
        raise RoadmapError(
            f"agreement: issue {unknown[0]!r} is not in catalogue {catalogue.name!r}"
            f"{_close(unknown[0], catalogue.implies)} (issues: {', '.join(catalogue.implies)})"
        )
    missing = [issue for issue in catalogue.implies if issue not in agreement]
    if missing:
        raise RoadmapError(f"agreement: no value for issue(s) {', '.join(missing)} of catalogue {catalogue.name!r}")
    chosen: set[str] = set()
    for issue, value in agreement.items():
        table = catalogue.implies[issue]
        key = str(value)
        if key not in table:
            raise RoadmapError(
                f"agreement: {issue}={value!r} is not in catalogue {catalogue.name!r}; "
                f"expected one of {', '.join(table)}"
            )
        chosen.update(table[key])
    selected = [c for c in catalogue.commitments if c.id in chosen]
    return [_within(c, chosen) for c in selected]


def _within(commitment: Commitment, chosen: set[str]) -> Commitment:
    """Return the commitment with only the prerequisites that are part of the deal."""
    kept = tuple(p for p in commitment.prerequisites if p in chosen)
    if kept == commitment.prerequisites:
        return commitment
    return dataclasses.replace(commitment, prerequisites=kept)


def _close(name: str, known: Mapping[str, object] | Sequence[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""
