"""Commitments, phases and road-maps: what each party promised and in which order it is done.

A party's *exposure* after a phase is what it has given so far (the cost of its own
commitments done up to and including that phase) minus what it has received so far (the
value to it of the other parties' commitments done so far), in its own terms. An ongoing
commitment counts from the phase in which it starts and is observed from then on.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from summitry.errors import CyclicPrerequisiteError, RoadmapError, UnknownCommitmentError

__all__ = [
    "EXPOSURE_MEANING",
    "Checkpoint",
    "Commitment",
    "CommitmentKind",
    "Phase",
    "RoadMap",
    "check_commitments",
    "exposure_profile",
]

EXPOSURE_MEANING = (
    "Exposure = what a party has given so far minus what it has received, in its own utility: "
    "positive means it has given more than it got back (it loses that much if the others stop now); "
    "negative means it is ahead. The plan keeps the largest exposure of any party after any phase small."
)
"""One sentence that says what an exposure number and its sign mean (printed beside every exposure table)."""


class CommitmentKind(enum.Enum):
    """Whether a commitment is done once or kept over time (e.g. a test moratorium)."""

    ONE_OFF = "one-off"
    ONGOING = "ongoing"


@dataclass(frozen=True, slots=True, kw_only=True)
class Commitment:
    """One promise of one party: what it is, what it is worth to each party and what it costs.

    ``value`` maps parties to what the commitment is worth to them; a value to the owner
    itself is allowed but does not count in exposure (the owner's side is ``cost``).
    """

    id: str
    owner: str
    description: str = ""
    value: Mapping[str, float] = field(default_factory=dict)
    cost: float = 0.0
    duration_days: int = 0
    prerequisites: tuple[str, ...] = ()
    verifiable: bool = True
    reversible: bool = True
    kind: CommitmentKind = CommitmentKind.ONE_OFF

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id.strip():
            raise RoadmapError(f"a commitment needs a non-empty id, got {self.id!r}")
        where = f"commitment {self.id!r}"
        if not isinstance(self.owner, str) or not self.owner.strip():
            raise RoadmapError(f"{where}: field 'owner': expected a party name, got {self.owner!r}")
        values = dict(self.value)
        for party, amount in values.items():
            if not isinstance(amount, int | float) or isinstance(amount, bool) or not math.isfinite(amount):
                raise RoadmapError(f"{where}: field 'value' for {party!r}: expected a finite number, got {amount!r}")
        object.__setattr__(self, "value", MappingProxyType({p: float(a) for p, a in values.items()}))
        cost = self.cost
        if not isinstance(cost, int | float) or isinstance(cost, bool) or not math.isfinite(cost) or cost < 0:
            raise RoadmapError(f"{where}: field 'cost': expected a finite number >= 0, got {cost!r}")
        object.__setattr__(self, "cost", float(cost))
        days = self.duration_days
        if not isinstance(days, int) or isinstance(days, bool) or days < 0:
            raise RoadmapError(f"{where}: field 'duration_days': expected a whole number >= 0, got {days!r}")
        prerequisites = tuple(self.prerequisites)
        object.__setattr__(self, "prerequisites", prerequisites)
        if self.id in prerequisites:
            raise CyclicPrerequisiteError(f"{where} lists itself as a prerequisite: {self.id} -> {self.id}")
        if len(set(prerequisites)) != len(prerequisites):
            raise RoadmapError(f"{where}: field 'prerequisites': duplicate ids in {list(prerequisites)}")
        if not isinstance(self.kind, CommitmentKind):
            object.__setattr__(self, "kind", CommitmentKind(self.kind))

    @property
    def ongoing(self) -> bool:
        """Return whether the commitment is kept over time rather than done once."""
        return self.kind is CommitmentKind.ONGOING

    def value_to(self, party: str) -> float:
        """Return what the commitment is worth to ``party`` (0 when not listed)."""
        return self.value.get(party, 0.0)


def check_commitments(commitments: Iterable[Commitment], parties: Sequence[str] | None = None) -> None:
    """Check that ids are unique, prerequisites exist and form no cycle, and parties are known.

    Raises:
        RoadmapError: duplicate ids, or an owner / valued party not in ``parties``.
        UnknownCommitmentError: a prerequisite names no commitment (both ids are named).
        CyclicPrerequisiteError: prerequisites form a cycle (named as ``a -> b -> a``).
    """
    items = list(commitments)
    by_id: dict[str, Commitment] = {}
    for commitment in items:
        if commitment.id in by_id:
            raise RoadmapError(f"commitment id {commitment.id!r} is used twice; ids must be unique")
        by_id[commitment.id] = commitment
    if parties is not None:
        known = set(parties)
        for commitment in items:
            if commitment.owner not in known:
                raise RoadmapError(
                    f"commitment {commitment.id!r}: owner {commitment.owner!r} is not a party "
                    f"(parties: {', '.join(parties)})"
                )
            for party in commitment.value:
                if party not in known:
                    raise RoadmapError(
                        f"commitment {commitment.id!r}: field 'value' names {party!r}, which is not a party "
                        f"(parties: {', '.join(parties)})"
                    )
    for commitment in items:
        for prerequisite in commitment.prerequisites:
            if prerequisite not in by_id:
                raise UnknownCommitmentError(
                    f"commitment {commitment.id!r}: prerequisite {prerequisite!r} is not a commitment"
                    f"{_suggestion(prerequisite, by_id)}"
                )
    cycle = _find_cycle(by_id)
    if cycle:
        raise CyclicPrerequisiteError(f"prerequisites form a cycle: {' -> '.join(cycle)}")


def _suggestion(name: str, known: Mapping[str, object]) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(known), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _find_cycle(by_id: Mapping[str, Commitment]) -> list[str]:
    # Iterative depth-first search; returns the cycle as [a, b, ..., a] (a needs b needs ... a).
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(by_id, white)
    for root in by_id:
        if colour[root] != white:
            continue
        path: list[str] = [root]
        stack = [iter(by_id[root].prerequisites)]
        colour[root] = grey
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                colour[path.pop()] = black
                stack.pop()
            elif colour[nxt] == grey:
                return [*path[path.index(nxt) :], nxt]
            elif colour[nxt] == white:
                colour[nxt] = grey
                path.append(nxt)
                stack.append(iter(by_id[nxt].prerequisites))
    return []


def exposure_profile(phases: Sequence[Sequence[Commitment]], parties: Sequence[str]) -> tuple[Mapping[str, float], ...]:
    """Return each party's exposure after each phase (given minus received, in its own terms)."""
    given = dict.fromkeys(parties, 0.0)
    received = dict.fromkeys(parties, 0.0)
    profile: list[Mapping[str, float]] = []
    for commitments in phases:
        for commitment in commitments:
            if commitment.owner in given:
                given[commitment.owner] += commitment.cost
            for party in parties:
                if party != commitment.owner:
                    received[party] += commitment.value_to(party)
        profile.append(MappingProxyType({p: given[p] - received[p] for p in parties}))
    return tuple(profile)


@dataclass(frozen=True, slots=True, kw_only=True)
class Checkpoint:
    """The verification after a phase: what must be verified, and the ongoing commitments observed."""

    after_phase: int
    opens: date
    closes: date
    verify: tuple[str, ...] = ()
    observe: tuple[str, ...] = ()
    unverifiable: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("verify", "observe", "unverifiable"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if self.closes < self.opens:
            raise RoadmapError(
                f"checkpoint after phase {self.after_phase}: closes {self.closes} before it opens {self.opens}"
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class Phase:
    """One step of a road-map: commitments carried out together, then a verification checkpoint."""

    number: int
    commitments: tuple[Commitment, ...]
    start: date
    end: date
    checkpoint: Checkpoint

    def __post_init__(self) -> None:
        object.__setattr__(self, "commitments", tuple(self.commitments))
        if self.number < 1:
            raise RoadmapError(f"phase numbers start at 1, got {self.number}")
        if not self.commitments:
            raise RoadmapError(f"phase {self.number}: has no commitments")
        if self.end < self.start:
            raise RoadmapError(f"phase {self.number}: ends {self.end} before it starts {self.start}")
        if self.checkpoint.after_phase != self.number:
            raise RoadmapError(
                f"phase {self.number}: its checkpoint is for phase {self.checkpoint.after_phase}, "
                f"expected {self.number}"
            )

    @property
    def ids(self) -> tuple[str, ...]:
        """Return the ids of the phase's commitments."""
        return tuple(c.id for c in self.commitments)


@dataclass(frozen=True, slots=True, kw_only=True)
class RoadMap:
    """An ordered plan: phases of commitments, the parties, its start date and each party's exposure.

    ``exposure[k][party]`` is the party's exposure after phase ``k + 1`` (computed, not given).
    """

    phases: tuple[Phase, ...]
    parties: tuple[str, ...]
    start: date
    exposure: tuple[Mapping[str, float], ...] = field(init=False)
    _phase_of: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        phases = tuple(self.phases)
        parties = tuple(self.parties)
        object.__setattr__(self, "phases", phases)
        object.__setattr__(self, "parties", parties)
        if len(set(parties)) != len(parties) or len(parties) < 2:
            raise RoadmapError(f"a road-map needs two or more distinct parties, got {list(parties)}")
        commitments = [c for phase in phases for c in phase.commitments]
        check_commitments(commitments, parties)
        phase_of: dict[str, int] = {}
        previous_end: date | None = None
        for expected, phase in enumerate(phases, start=1):
            if phase.number != expected:
                raise RoadmapError(f"phase {phase.number} is in position {expected}; phases must be numbered 1, 2, ...")
            if phase.start < self.start:
                raise RoadmapError(
                    f"phase {phase.number}: starts {phase.start}, before the road-map start {self.start}"
                )
            if previous_end is not None and phase.start <= previous_end:
                raise RoadmapError(
                    f"phase {phase.number}: starts {phase.start}, "
                    f"expected after phase {expected - 1} ends {previous_end}"
                )
            previous_end = phase.end
            for commitment in phase.commitments:
                phase_of[commitment.id] = phase.number
        for commitment in commitments:
            for prerequisite in commitment.prerequisites:
                if phase_of[prerequisite] >= phase_of[commitment.id]:
                    raise RoadmapError(
                        f"commitment {commitment.id!r} (phase {phase_of[commitment.id]}) needs {prerequisite!r} "
                        f"(phase {phase_of[prerequisite]}) in an earlier phase"
                    )
        object.__setattr__(self, "_phase_of", MappingProxyType(phase_of))
        object.__setattr__(self, "exposure", exposure_profile([p.commitments for p in phases], parties))

    @property
    def commitments(self) -> tuple[Commitment, ...]:
        """Return every commitment, in phase order."""
        return tuple(c for phase in self.phases for c in phase.commitments)

    @property
    def max_exposure(self) -> float:
        """Return the largest exposure of any party after any phase (0.0 for an empty road-map)."""
        return max((v for step in self.exposure for v in step.values()), default=0.0)

    def phase_of(self, commitment_id: str) -> int:
        """Return the number of the phase holding ``commitment_id``.

        Raises:
            UnknownCommitmentError: no commitment has this id.
        """
        try:
            return self._phase_of[commitment_id]
        except KeyError:
            raise UnknownCommitmentError(
                f"no commitment {commitment_id!r} in the road-map{_suggestion(commitment_id, self._phase_of)}"
            ) from None

    def commitment(self, commitment_id: str) -> Commitment:
        """Return the commitment with id ``commitment_id``.

        Raises:
            UnknownCommitmentError: no commitment has this id.
        """
        number = self.phase_of(commitment_id)
        return next(c for c in self.phases[number - 1].commitments if c.id == commitment_id)
