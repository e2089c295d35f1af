"""The utility-space picture of a scenario: outcomes, Pareto frontier, solution points, reservations.

Two parties are drawn in one panel; three or more in one panel per pair of parties (the
frontier as points, never as a line through a projection). matplotlib is imported lazily
(a bare ``Figure``, Agg canvas) when a figure is drawn, so importing summitry never pulls it in.
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np
import numpy.typing as npt

from summitry.analysis import ScenarioAnalysis

from ._png import png_bytes
from .parties import pairs

__all__ = ["MAX_DRAWN_OUTCOMES", "plot_utility_space", "sample_outcome_utilities", "utility_space_figure"]

MAX_DRAWN_OUTCOMES = 100_000
"""Most outcomes drawn as dots; bigger spaces are shown by an evenly spread subset."""

_MARKERS = {  # drawn in this order, so that coinciding points stay visible (Nash on top)
    "max_welfare": ("max welfare", "s", "#9467bd", 170),
    "egalitarian": ("egalitarian", "^", "#ff7f0e", 130),
    "kalai_smorodinsky": ("Kalai–Smorodinsky", "D", "#2ca02c", 80),
    "nash": ("Nash", "*", "#d62728", 150),
}


def sample_outcome_utilities(
    analysis: ScenarioAnalysis, limit: int = MAX_DRAWN_OUTCOMES
) -> tuple[npt.NDArray[np.float64], int]:
    """Return the utilities of up to ``limit`` feasible outcomes, and how many were looked at.

    Small spaces give every outcome; larger ones an evenly spaced subset of indices
    (deterministic, no randomness).
    """
    space = analysis.scenario.space
    if space.cardinality <= limit:
        indices = np.arange(space.cardinality, dtype=np.int64)
    else:
        indices = np.unique(np.linspace(0, space.cardinality - 1, limit).astype(np.int64))
    indices = indices[space.feasible(indices)]
    utilities = analysis.scenario.utilities(indices)
    utilities = utilities[np.isfinite(utilities).all(axis=1)]
    return utilities, int(indices.size)


def utility_space_figure(analysis: ScenarioAnalysis) -> Any:
    """Return the matplotlib ``Figure`` of the scenario's utility space (see :func:`plot_utility_space`)."""
    # A bare Figure renders PNGs with the Agg canvas and leaves pyplot's global backend alone.
    from matplotlib.figure import Figure

    utilities, drawn = sample_outcome_utilities(analysis)
    panels = pairs(len(analysis.parties))
    columns = min(3, len(panels))
    rows = math.ceil(len(panels) / columns)
    figure = Figure(figsize=(7 if columns == 1 else 5.2 * columns, 6 if rows == 1 else 4.8 * rows), dpi=100)
    grid = figure.subplots(rows, columns, squeeze=False)
    for k, (x, y) in enumerate(panels):
        _panel(grid[k // columns][k % columns], analysis, utilities, x, y, legend=k == 0, pairwise=len(panels) > 1)
    for k in range(len(panels), rows * columns):
        grid[k // columns][k % columns].set_visible(False)
    frontier = analysis.frontier_utilities
    title = f"{analysis.name}: {analysis.outcomes:,} outcomes, {frontier.shape[0]} on the frontier"
    if drawn < analysis.scenario.space.cardinality:
        title += f"\n(dots: {drawn:,} evenly spread outcomes)"
    if len(panels) > 1:
        title += f"\n{len(analysis.parties)} parties: one panel per pair; the frontier is a set of points in each"
        figure.suptitle(title, fontsize=11)
    else:
        grid[0][0].set_title(title, fontsize=10)
    figure.tight_layout()
    return figure


def _panel(
    axes: Any,
    analysis: ScenarioAnalysis,
    utilities: npt.NDArray[np.float64],
    x: int,
    y: int,
    *,
    legend: bool,
    pairwise: bool,
) -> None:
    x_name, y_name = analysis.parties[x], analysis.parties[y]
    if utilities.size:
        axes.scatter(utilities[:, x], utilities[:, y], s=4, c="#bbbbbb", label="outcomes", rasterized=True)
    frontier = analysis.frontier_utilities
    if frontier.size:
        if not pairwise:  # two parties: the frontier is a staircase, drawn in order
            order = np.lexsort((frontier[:, y], frontier[:, x]))
            axes.plot(frontier[order, x], frontier[order, y], "-", color="#1f77b4", lw=1, alpha=0.6)
        axes.scatter(frontier[:, x], frontier[:, y], s=14, c="#1f77b4", label="Pareto frontier", zorder=3)
    points = analysis.points()
    for layer, (name, (label, marker, colour, size)) in enumerate(_MARKERS.items()):
        point = points[name]
        if point is None:
            continue
        axes.scatter(
            [point.utilities[x]], [point.utilities[y]], s=size, marker=marker, c=colour, label=label,
            zorder=4 + layer, edgecolors="black", linewidths=0.6,
        )  # fmt: skip
    axes.axvline(analysis.reserved[x], ls="--", color="#555555", lw=1, label="reservation values")
    axes.axhline(analysis.reserved[y], ls="--", color="#555555", lw=1)
    axes.set_xlabel(f"utility of {x_name}")
    axes.set_ylabel(f"utility of {y_name}")
    if legend:
        axes.legend(loc="lower left", fontsize=8, framealpha=0.85)
    axes.grid(True, alpha=0.3)


def plot_utility_space(analysis: ScenarioAnalysis, path: str | os.PathLike[str] | None = None) -> bytes:
    """Draw the scenario in utility space and return the PNG bytes.

    Shows the outcomes (grey), the Pareto frontier (blue), the four solution points and each
    party's reservation value (dashed). Two parties share one panel, with the frontier's
    staircase drawn as a line; three or more get one panel per pair of parties, where the
    frontier is drawn as points only (a projection has no order to draw a line along). When
    ``path`` is given the PNG is also written there, atomically.
    """
    return png_bytes(utility_space_figure(analysis), path)
