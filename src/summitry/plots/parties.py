"""Figures for three or more parties: pairwise panels and parallel coordinates, never a projected line.

A frontier of n ≥ 3 parties has no order along which a line could be drawn; projected onto
two parties it is a cloud. These helpers draw it as points in pairwise panels, or as one
polyline per outcome across one vertical axis per party (parallel coordinates).
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["MAX_PARALLEL_LINES", "draw_parallel", "pairs", "spread_rows"]

MAX_PARALLEL_LINES = 400
"""Most frontier outcomes drawn as lines in a parallel-coordinates view (an even subset beyond)."""


def pairs(parties: int) -> list[tuple[int, int]]:
    """Return every pair of party positions (i < j), in order: the panels of a pairwise view."""
    return list(combinations(range(parties), 2))


def spread_rows(values: npt.NDArray[np.float64], limit: int) -> npt.NDArray[np.float64]:
    """Return at most ``limit`` rows of ``values``, evenly spread (deterministic)."""
    if values.shape[0] <= limit:
        return values
    return values[np.unique(np.linspace(0, values.shape[0] - 1, limit).astype(np.int64))]


def draw_parallel(
    axes: Any,
    names: tuple[str, ...],
    frontier: npt.NDArray[np.float64],
    reserved: tuple[float, ...],
) -> None:
    """Draw parallel coordinates: one vertical axis per party, the frontier outcomes as grey polylines.

    Each party's reservation value is a short dark tick on its axis. Callers add their own
    polylines (offers, agreement, solution points) with ``axes.plot(range(n), utilities)``.
    """
    n = len(names)
    x = np.arange(n)
    shown = spread_rows(frontier, MAX_PARALLEL_LINES)
    for k, row in enumerate(shown):
        axes.plot(x, row, "-", color="#9ecae1", lw=0.6, alpha=0.5, label="Pareto frontier" if k == 0 else None)
    for position in x:
        axes.axvline(position, color="#444444", lw=0.8)
    axes.scatter(x, reserved, marker="_", s=400, c="#333333", linewidths=2, label="reservation values", zorder=4)
    axes.set_xticks(x, list(names))
    axes.set_xlim(-0.2, n - 0.8)
    axes.set_ylabel("utility")
