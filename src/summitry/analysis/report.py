"""One-call analysis of a scenario, and how far an agreement is from each landmark.

:func:`analyze` computes the Pareto frontier once (chunked for big spaces) and derives the
four bargaining points and the opposition from it. :func:`agreement_metrics` then measures
an agreement (or no agreement) against that analysis, and :func:`result_metrics` does the
same for a finished negotiation's result; the CLI, the negotiation engine, the summit report
and the tournament all use these.

Discounts: every analysis number lives in the space of undiscounted utilities
(:data:`DISTANCE_SPACE`); the discounted utilities a protocol paid are reported beside the
undiscounted ones, never instead of them (:class:`AgreementMetrics`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt

from summitry.errors import InvalidOutcomeError
from summitry.model import Outcome, Scenario

from .bargaining import (
    BargainingPoint,
    distance,
    distance_to_frontier,
    egalitarian_row,
    frontier_point,
    kalai_smorodinsky_row,
    max_welfare_row,
    nash_row,
    opposition,
)
from .pareto import scenario_frontier

__all__ = [
    "DISTANCE_SPACE",
    "POINT_LABELS",
    "POINT_NAMES",
    "AgreementMetrics",
    "FinishedNegotiation",
    "ScenarioAnalysis",
    "agreement_metrics",
    "analyze",
    "result_metrics",
]

DISTANCE_SPACE = "undiscounted"
"""The utility space every distance, frontier and solution point is measured in.

The analysis of a scenario does not depend on when an agreement is reached, so it lives in
the space of *undiscounted* utilities; a time discount (GENIUS's ``u·δ^t``) only changes
what a party is paid, which :attr:`AgreementMetrics.discounted_utilities` reports beside.
"""

POINT_NAMES = ("nash", "kalai_smorodinsky", "max_welfare", "egalitarian")
"""The solution points an analysis carries, in display order."""

POINT_LABELS = {
    "nash": "Nash",
    "kalai_smorodinsky": "Kalai–Smorodinsky",
    "max_welfare": "max welfare",
    "egalitarian": "egalitarian",
}
"""How reports, tables and figures name each solution point."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ScenarioAnalysis:
    """What was possible in a scenario: frontier, solution points, reservation values, opposition.

    ``frontier_indices`` are ascending outcome indices; ``frontier_utilities`` has one row
    per frontier outcome (one column per party); ``rational[j]`` says whether frontier
    outcome j gives every party at least its reservation value. ``outcomes`` counts the
    feasible outcomes (finite utility for every party, hard constraints kept); ``best`` and
    ``worst`` are each party's extreme utilities over them.
    """

    scenario: Scenario = field(repr=False, compare=False)
    parties: tuple[str, ...]
    reserved: tuple[float, ...]
    outcomes: int
    frontier_indices: npt.NDArray[np.int64] = field(repr=False)
    frontier_utilities: npt.NDArray[np.float64] = field(repr=False)
    rational: npt.NDArray[np.bool_] = field(repr=False)
    best: tuple[float, ...]
    worst: tuple[float, ...]
    nash: BargainingPoint | None
    kalai_smorodinsky: BargainingPoint | None
    max_welfare: BargainingPoint | None
    egalitarian: BargainingPoint | None
    opposition: float

    def __post_init__(self) -> None:
        n = self.frontier_indices.shape[0]
        if self.frontier_utilities.shape != (n, len(self.parties)) or self.rational.shape != (n,):
            raise InvalidOutcomeError(
                f"analysis of {self.scenario.name!r}: frontier arrays disagree: {n} indices, utilities of shape "
                f"{self.frontier_utilities.shape}, {self.rational.shape[0]} rational flags"
            )
        for array in (self.frontier_indices, self.frontier_utilities, self.rational):
            array.setflags(write=False)

    @property
    def name(self) -> str:
        """Return the scenario's name."""
        return self.scenario.name

    def points(self) -> dict[str, BargainingPoint | None]:
        """Return the four solution points keyed by name (nash, kalai_smorodinsky, ...)."""
        return {name: getattr(self, name) for name in POINT_NAMES}

    def is_pareto_optimal(self, index: int) -> bool:
        """Return whether outcome ``index`` is on the Pareto frontier."""
        position = int(np.searchsorted(self.frontier_indices, index))
        return position < self.frontier_indices.shape[0] and int(self.frontier_indices[position]) == int(index)


def analyze(scenario: Scenario, *, chunk_size: int = 1 << 20) -> ScenarioAnalysis:
    """Return the analysis of ``scenario``: its frontier, the four solution points and more.

    Memory is bounded by ``chunk_size`` outcomes at a time (see
    :func:`summitry.analysis.scenario_frontier`), so spaces of 10⁷ outcomes are fine.
    """
    front = scenario_frontier(scenario, chunk_size=chunk_size)
    reserved = scenario.reserved_values
    u = front.utilities

    def point(row: int | None) -> BargainingPoint | None:
        return frontier_point(scenario, front, row)

    return ScenarioAnalysis(
        scenario=scenario,
        parties=scenario.party_names,
        reserved=tuple(float(r) for r in reserved),
        outcomes=front.outcomes,
        frontier_indices=front.indices,
        frontier_utilities=u,
        rational=np.all(u >= reserved, axis=1) if u.size else np.zeros(0, dtype=bool),
        best=tuple(float(b) for b in front.best),
        worst=tuple(float(w) for w in front.worst),
        nash=point(nash_row(u, reserved)),
        kalai_smorodinsky=point(kalai_smorodinsky_row(u, reserved, front.best)),
        max_welfare=point(max_welfare_row(u)),
        egalitarian=point(egalitarian_row(u, reserved)),
        opposition=opposition(u, front.best, front.worst),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class AgreementMetrics:
    """How good an agreement (or no agreement) is, measured in undiscounted utility space.

    The rule (as GENIUS reports results): ``utilities`` are each party's *undiscounted*
    utility of the agreement (its reservation value when there is none), and every other
    number here — ``welfare``, ``pareto_optimal``, ``rational``, ``to_frontier`` and
    ``to_points`` — is computed from them, in the space of :data:`DISTANCE_SPACE`, where the
    frontier and the solution points live. ``discounted_utilities`` are what each party was
    actually paid once a discount factor is applied (``u·δ^t`` at the agreement's relative
    time t); they equal ``utilities`` when no discount applies.

    ``index`` is None for no agreement. ``to_points`` maps each solution point's name to the
    Euclidean distance from ``utilities`` to that point's (None where the point does not exist).

    .. versionchanged:: 0.1
       ``discounted_utilities`` added, so that discounted and undiscounted values are never
       mixed without a label.
    """

    index: int | None
    utilities: tuple[float, ...]
    discounted_utilities: tuple[float, ...]
    welfare: float
    pareto_optimal: bool
    rational: bool
    to_frontier: float
    to_points: dict[str, float | None]

    @property
    def discounted(self) -> bool:
        """Return whether a discount changed what some party was paid."""
        return any(
            not (math.isclose(u, d, rel_tol=1e-12, abs_tol=1e-12) or (math.isnan(u) and math.isnan(d)))
            for u, d in zip(self.utilities, self.discounted_utilities, strict=True)
        )


class FinishedNegotiation(Protocol):
    """What :func:`result_metrics` reads from a result, e.g. a :class:`summitry.protocols.Result`.

    ``utilities`` are what the protocol paid each party: discounted where a discount applies.
    """

    @property
    def agreement(self) -> Outcome | None:
        """Return the agreed outcome, or None."""
        ...

    @property
    def utilities(self) -> tuple[float, ...]:
        """Return each party's (possibly discounted) utility of the ending."""
        ...


def agreement_metrics(
    analysis: ScenarioAnalysis, index: int | None, *, discounted_utilities: Sequence[float] | None = None
) -> AgreementMetrics:
    """Return the distances of outcome ``index`` (None: no agreement) to the frontier and each point.

    ``discounted_utilities`` are what a protocol paid each party (see
    :attr:`AgreementMetrics.discounted_utilities`); left out, they equal the undiscounted
    utilities. Distances are always measured between undiscounted utilities.

    Raises:
        InvalidOutcomeError: ``index`` is not an outcome of the scenario's space, or
            ``discounted_utilities`` does not hold one value per party.
    """
    if index is None:
        utilities = np.asarray(analysis.reserved, dtype=float)
        optimal = False
    else:
        index = int(index)
        space = analysis.scenario.space
        if not 0 <= index < space.cardinality:
            raise InvalidOutcomeError(f"outcome index {index} is outside 0..{space.cardinality - 1}")
        utilities = analysis.scenario.utilities(np.array([index], dtype=np.int64))[0]
        optimal = analysis.is_pareto_optimal(index)
    plain = tuple(float(x) for x in utilities)
    if discounted_utilities is None:
        paid = plain
    else:
        paid = tuple(float(x) for x in discounted_utilities)
        if len(paid) != len(plain):
            raise InvalidOutcomeError(
                f"discounted utilities: expected one per party {list(analysis.parties)}, got {len(paid)}: {list(paid)}"
            )
    reserved = np.asarray(analysis.reserved, dtype=float)
    to_points = {
        name: (None if p is None else distance(utilities, p.utilities)) for name, p in analysis.points().items()
    }
    return AgreementMetrics(
        index=index,
        utilities=plain,
        discounted_utilities=paid,
        welfare=float(utilities.sum()),
        pareto_optimal=optimal,
        rational=bool((utilities >= reserved).all()),
        to_frontier=distance_to_frontier(utilities, analysis.frontier_utilities),
        to_points=to_points,
    )


def result_metrics(analysis: ScenarioAnalysis, result: FinishedNegotiation) -> AgreementMetrics:
    """Return the metrics of a finished negotiation: both undiscounted and discounted utilities.

    ``result`` is a :class:`summitry.protocols.Result` (or anything with its ``agreement``
    and ``utilities``). Its ``utilities`` are what the protocol paid (discounted where a
    discount applies) and become :attr:`AgreementMetrics.discounted_utilities`; the
    undiscounted ``utilities`` and every distance are computed from the scenario.

    Raises:
        InvalidOutcomeError: the agreement is not an outcome of the analysed scenario.
    """
    agreement = result.agreement
    index = None if agreement is None else analysis.scenario.space.index_of(agreement)
    return agreement_metrics(analysis, index, discounted_utilities=result.utilities)
