"""The utility-space picture of a scenario: outcomes, Pareto frontier, solution points, reservations.

matplotlib is imported lazily (Agg backend) when a figure is drawn, so importing summitry
never pulls it in.
"""

from __future__ import annotations

import os

import numpy as np
import numpy.typing as npt

from summitry.analysis import ScenarioAnalysis

from ._png import png_bytes

__all__ = ["MAX_DRAWN_OUTCOMES", "plot_utility_space", "sample_outcome_utilities"]

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


def plot_utility_space(analysis: ScenarioAnalysis, path: str | os.PathLike[str] | None = None) -> bytes:
    """Draw the scenario in the utility space of its first two parties and return the PNG bytes.

    Shows the outcomes (grey), the Pareto frontier (blue line, rational part solid), the
    four solution points and each party's reservation value (dashed). With more than two
    parties the title says only the first two are drawn. When ``path`` is given the PNG is
    also written there, atomically (temporary file in the same folder, then renamed).
    """
    # A bare Figure renders PNGs with the Agg canvas and leaves pyplot's global backend alone.
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 6), dpi=100)
    axes = figure.add_subplot()
    utilities, drawn = sample_outcome_utilities(analysis)
    x_name, y_name = analysis.parties[0], analysis.parties[1]
    if utilities.size:
        axes.scatter(utilities[:, 0], utilities[:, 1], s=4, c="#bbbbbb", label="outcomes", rasterized=True)
    frontier = analysis.frontier_utilities
    if frontier.size:
        order = np.lexsort((frontier[:, 1], frontier[:, 0]))
        axes.plot(frontier[order, 0], frontier[order, 1], "-", color="#1f77b4", lw=1, alpha=0.6)
        axes.scatter(frontier[:, 0], frontier[:, 1], s=14, c="#1f77b4", label="Pareto frontier", zorder=3)
    points = analysis.points()
    for layer, (name, (label, marker, colour, size)) in enumerate(_MARKERS.items()):
        point = points[name]
        if point is None:
            continue
        axes.scatter(
            [point.utilities[0]], [point.utilities[1]], s=size, marker=marker, c=colour, label=label,
            zorder=4 + layer, edgecolors="black", linewidths=0.6,
        )  # fmt: skip
    axes.axvline(analysis.reserved[0], ls="--", color="#555555", lw=1, label=f"reservation values ({x_name}, {y_name})")
    axes.axhline(analysis.reserved[1], ls="--", color="#555555", lw=1)
    axes.set_xlabel(f"utility of {x_name}")
    axes.set_ylabel(f"utility of {y_name}")
    title = f"{analysis.name}: {analysis.outcomes:,} outcomes, {frontier.shape[0]} on the frontier"
    if drawn < analysis.scenario.space.cardinality:
        title += f"\n(dots: {drawn:,} evenly spread outcomes)"
    if len(analysis.parties) > 2:
        title += f"\n(first two of {len(analysis.parties)} parties shown)"
    axes.set_title(title, fontsize=10)
    axes.legend(loc="lower left", fontsize=8, framealpha=0.85)
    axes.grid(True, alpha=0.3)
    return png_bytes(figure, path)
