"""Tournament figures: the ranking with 95% intervals, and the results of each scenario in utility space.

matplotlib is imported lazily when a figure is drawn.
"""

from __future__ import annotations

import math
import os

import numpy as np

from summitry.analysis import ScenarioAnalysis
from summitry.tournament.scoring import Scores

from ._png import png_bytes

__all__ = ["plot_ranking", "plot_scenario_results"]


def plot_ranking(scores: Scores, path: str | os.PathLike[str] | None = None) -> bytes:
    """Return (and write to ``path``) a PNG of each agent's mean utility with its 95% interval, best on top."""
    from matplotlib.figure import Figure

    agents = list(reversed(scores.ranking))
    figure = Figure(figsize=(7, 1.2 + 0.45 * len(agents)), dpi=100)
    axes = figure.add_subplot()
    means = np.array([a.stats["utility"].mean for a in agents])
    lows = np.array([a.stats["utility"].low for a in agents])
    highs = np.array([a.stats["utility"].high for a in agents])
    positions = np.arange(len(agents))
    errors = np.vstack([np.nan_to_num(means - lows), np.nan_to_num(highs - means)])
    axes.errorbar(means, positions, xerr=errors, fmt="o", color="#1f77b4", ecolor="#555555", capsize=4)
    axes.set_yticks(positions, [a.agent for a in agents])
    which = "discounted utility" if scores.discounted else "utility"
    axes.set_xlabel(f"mean {which} (95% bootstrap interval)")
    axes.set_title(f"{scores.name}: ranking")
    axes.grid(axis="x", alpha=0.3)
    figure.tight_layout()
    return png_bytes(figure, path)


def plot_scenario_results(
    scores: Scores, scenario: str, analysis: ScenarioAnalysis | None, path: str | os.PathLike[str] | None = None
) -> bytes:
    """Return (and write) a PNG of the scenario's results in the first two parties' utility space.

    Agreements are dots coloured by the agent of the first party; no-agreements land on the
    reservation point. The Pareto frontier is drawn when ``analysis`` is given.
    """
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 6), dpi=100)
    axes = figure.add_subplot()
    if analysis is not None and analysis.frontier_utilities.size:
        front = analysis.frontier_utilities
        order = np.argsort(front[:, 0])
        axes.plot(front[order, 0], front[order, 1], "-", color="#999999", label="Pareto frontier", zorder=1)
    outcomes = scores.outcomes.get(scenario, [])
    firsts = sorted({agents[0] for agents, _, _ in outcomes})
    for agent in firsts:
        points = np.array([u[:2] for agents, u, agreed in outcomes if agents[0] == agent and agreed], dtype=float)
        if points.size:
            axes.scatter(points[:, 0], points[:, 1], s=18, alpha=0.6, label=f"{agent} as first party", zorder=2)
    failed = [u[:2] for _, u, agreed in outcomes if not agreed]
    if failed:
        x, y = failed[0]
        if math.isfinite(x) and math.isfinite(y):
            axes.scatter([x], [y], marker="x", color="black", s=60, label=f"no agreement ({len(failed)})", zorder=3)
    parties = analysis.parties if analysis is not None else ("party 1", "party 2")
    axes.set_xlabel(f"utility of {parties[0]} (undiscounted)")
    axes.set_ylabel(f"utility of {parties[1]} (undiscounted)")
    axes.set_title(f"{scores.name}: {scenario}")
    axes.legend(loc="lower left", fontsize=8)
    axes.grid(alpha=0.3)
    figure.tight_layout()
    return png_bytes(figure, path)
