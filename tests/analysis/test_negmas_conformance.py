"""summitry's analysis agrees with NegMAS 0.16 on every shared GENIUS and GeniusWeb scenario.

Both libraries get the same utility tables (summitry's, GENIUS semantics) and the same
reservation values. NegMAS's frontier keeps only individually rational outcomes, so it is
compared with the rational part of summitry's. NegMAS uses max(reservation, minimum
utility) as the disagreement point, so Nash, Kalai–Smorodinsky and egalitarian are compared
only where every reservation value is at least that party's minimum utility.

Above 20,000 outcomes NegMAS's utility-function frontier (which calls every utility function
outcome by outcome in Python) takes minutes, so there its numpy frontier
(``pareto_frontier_numpy``) over the same utility table is used instead, filtered to the
individually rational outcomes; the solution points are still NegMAS's own functions.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from summitry.analysis import analyze, scenario_utilities

negmas = pytest.importorskip("negmas")
from negmas.preferences import MappingUtilityFunction  # noqa: E402
from negmas.preferences.ops import (  # noqa: E402
    kalai_points,
    ks_points,
    max_welfare_points,
    nash_points,
    pareto_frontier,
    pareto_frontier_numpy,
)

pytestmark = pytest.mark.negmas

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "scenarios"
MAX_OUTCOMES = 20_000
TOLERANCE = 1e-6


def _folders() -> list[Path]:
    if not SHARED.is_dir():
        return []
    kinds = [SHARED / kind for kind in ("genius", "geniusweb") if (SHARED / kind).is_dir()]
    return sorted(p for kind in kinds for p in kind.iterdir() if p.is_dir())


def _in(vector: tuple[float, ...], found: tuple) -> bool:  # type: ignore[type-arg]
    return any(np.allclose(vector, point, atol=TOLERANCE, rtol=0) for point, _ in found)


def _rows(vectors: object, parties: int) -> np.ndarray:
    """Return the distinct utility vectors (rounded to 1e-9), sorted."""
    return np.unique(np.round(np.asarray(vectors, dtype=float).reshape(-1, parties), 9), axis=0)


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/scenarios is absent")
@pytest.mark.parametrize("folder", _folders(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_frontier_and_points_agree_with_negmas(folder: Path) -> None:
    """Rational frontier and max welfare always agree; Nash, KS and egalitarian where comparable."""
    formats = pytest.importorskip("summitry.formats")
    if not hasattr(formats, "load_scenario"):
        pytest.skip("summitry.formats.load_scenario does not exist yet")
    scenario = formats.load_scenario(folder)
    result = analyze(scenario)
    utilities = scenario_utilities(scenario)
    reserved = scenario.reserved_values
    outcomes = [(i,) for i in range(utilities.shape[0])]
    ufuns = [
        MappingUtilityFunction(dict(zip(outcomes, utilities[:, j].tolist(), strict=True)), reserved_value=float(r))
        for j, r in enumerate(reserved)
    ]

    # the individually rational frontier, as a set of utility vectors
    if scenario.space.cardinality > MAX_OUTCOMES:
        frontier = utilities[pareto_frontier_numpy(utilities)]
        theirs = [tuple(row) for row in frontier if (row >= reserved).all()]
    else:
        theirs, _ = pareto_frontier(ufuns, outcomes=outcomes)
    ours = result.frontier_utilities[result.rational]
    k = len(scenario.parties)
    assert _rows(ours, k).shape == _rows(theirs, k).shape
    assert np.allclose(_rows(ours, k), _rows(theirs, k), atol=TOLERANCE, rtol=0)

    # max welfare over every outcome: NegMAS's own (unfiltered) frontier
    everything = [tuple(row) for row in utilities[pareto_frontier_numpy(utilities)]]
    welfare = max_welfare_points(ufuns, everything, outcomes=outcomes)
    assert result.max_welfare is not None and _in(result.max_welfare.utilities, welfare)

    comparable = bool((reserved >= utilities.min(axis=0)).all())
    if not comparable or not theirs:
        return
    nash = nash_points(ufuns, list(theirs), outcomes=outcomes)
    if result.nash is not None:
        assert _in(result.nash.utilities, nash)
    else:  # summitry needs a strict gain for every party; NegMAS then finds a zero product at best
        assert all(np.prod(np.subtract(point, reserved)) <= TOLERANCE for point, _ in nash)

    egalitarian = kalai_points(ufuns, list(theirs), outcomes=outcomes)
    assert result.egalitarian is not None and _in(result.egalitarian.utilities, egalitarian)

    # NegMAS's ks_points minimises the spread max−min of (uᵢ − rᵢ)/(maxᵢ − rᵢ); summitry
    # maximises the minimum (DESIGN §6). Each answer must be optimal for its own objective
    # against the other's, and they coincide whenever both objectives pick the same point.
    best = utilities.max(axis=0)
    kalai = ks_points(ufuns, list(theirs), outcomes=outcomes)
    assert result.kalai_smorodinsky is not None and kalai

    def ratios(point: tuple[float, ...]) -> np.ndarray:
        return (np.asarray(point) - reserved) / (best - reserved)

    mine = ratios(result.kalai_smorodinsky.utilities)
    for point, _ in kalai:
        other = ratios(point)
        assert mine.min() >= other.min() - TOLERANCE
        assert np.ptp(mine) >= np.ptp(other) - TOLERANCE
        if abs(mine.min() - other.min()) <= TOLERANCE and abs(np.ptp(mine) - np.ptp(other)) <= TOLERANCE:
            assert np.allclose(mine, other, atol=TOLERANCE)
