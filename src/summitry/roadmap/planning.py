"""Plan a road-map: put commitments into phases so that no party is ever far ahead, then date them.

The objective, lexicographic: minimise the largest exposure of any party after any phase;
then the number of phases; then put reversible and verifiable steps early and irreversible
ones late. Prerequisites go in strictly earlier phases. The optimisation is done by
:mod:`summitry.roadmap.solver` (OR-Tools CP-SAT).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta

from summitry.errors import RoadmapError

from .commitments import Checkpoint, Commitment, Phase, RoadMap, check_commitments
from .solver import assign_phases

__all__ = ["DEFAULT_PHASE_GAP_DAYS", "build_road_map", "plan"]

log = logging.getLogger(__name__)

DEFAULT_PHASE_GAP_DAYS = 14
"""Days of the verification checkpoint between the end of a phase and the start of the next."""


def plan(
    commitments: Iterable[Commitment],
    parties: Sequence[str],
    *,
    start: date,
    max_phases: int | None = None,
    phase_gap_days: int = DEFAULT_PHASE_GAP_DAYS,
) -> RoadMap:
    """Return the road-map that keeps every party's largest exposure as small as possible.

    Args:
        commitments: what the parties promised (ids unique, prerequisites among them).
        parties: the parties, in the order reports list them.
        start: the day phase 1 starts.
        max_phases: at most this many phases (default: as many as useful).
        phase_gap_days: days of verification checkpoint after each phase.

    Raises:
        RoadmapError: bad parties, ids, owners or arguments.
        UnknownCommitmentError: a prerequisite names no commitment.
        CyclicPrerequisiteError: prerequisites form a cycle.
        PlanningError: no plan fits ``max_phases`` or the solver failed.
    """
    items = list(commitments)
    parties = tuple(parties)
    if len(parties) < 2 or len(set(parties)) != len(parties):
        raise RoadmapError(f"a road-map needs two or more distinct parties, got {list(parties)}")
    if max_phases is not None and max_phases < 1:
        raise RoadmapError(f"max_phases: expected a whole number >= 1, got {max_phases}")
    if phase_gap_days < 0:
        raise RoadmapError(f"phase_gap_days: expected a whole number >= 0, got {phase_gap_days}")
    check_commitments(items, parties)
    assignment = assign_phases(items, parties, max_phases=max_phases)
    if not assignment.optimal:
        log.warning("road-map of %d commitments: the solver's budget ran out; the plan may not be optimal", len(items))
    elif not assignment.tie_break_optimal:
        log.info("road-map of %d commitments: the early/late tie-break is the best found, not proven", len(items))
    phase_of = {c.id: p for c, p in zip(items, assignment.phases, strict=True)}
    return build_road_map(items, phase_of, parties, start=start, phase_gap_days=phase_gap_days)


def build_road_map(
    commitments: Sequence[Commitment],
    phase_of: Mapping[str, int],
    parties: Sequence[str],
    *,
    start: date,
    phase_gap_days: int = DEFAULT_PHASE_GAP_DAYS,
) -> RoadMap:
    """Return the dated road-map for a given phase of each commitment (phases numbered 1..n).

    Each phase lasts as long as its longest commitment; a checkpoint of ``phase_gap_days``
    follows, and the next phase starts the day after the checkpoint closes. Within a phase,
    commitments keep the order they were given in.

    Raises:
        RoadmapError: a commitment has no phase, or the phases are not numbered 1..n.
    """
    missing = [c.id for c in commitments if c.id not in phase_of]
    if missing:
        raise RoadmapError(f"commitments without a phase: {', '.join(missing)}")
    count = max(phase_of.values(), default=0)
    groups: list[list[Commitment]] = [[] for _ in range(count)]
    for commitment in commitments:
        number = phase_of[commitment.id]
        if number < 1:
            raise RoadmapError(f"commitment {commitment.id!r}: phase {number}; phases are numbered from 1")
        groups[number - 1].append(commitment)
    phases: list[Phase] = []
    observed: list[str] = []
    day = start
    for number, group in enumerate(groups, start=1):
        if not group:
            raise RoadmapError(f"phase {number} has no commitments; phases must be numbered 1..{count} without gaps")
        end = day + timedelta(days=max(c.duration_days for c in group))
        observed += [c.id for c in group if c.ongoing and c.verifiable]
        checkpoint = Checkpoint(
            after_phase=number,
            opens=end,
            closes=end + timedelta(days=phase_gap_days),
            verify=tuple(c.id for c in group if c.verifiable and not c.ongoing),
            observe=tuple(observed),
            unverifiable=tuple(c.id for c in group if not c.verifiable),
        )
        phases.append(Phase(number=number, commitments=tuple(group), start=day, end=end, checkpoint=checkpoint))
        day = checkpoint.closes + timedelta(days=1)
    return RoadMap(phases=tuple(phases), parties=tuple(parties), start=start)
