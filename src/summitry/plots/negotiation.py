"""The picture of one negotiation: offers in utility space over the frontier, and offers over time.

matplotlib is imported lazily (a bare ``Figure``, Agg canvas) when a figure is drawn.
"""

from __future__ import annotations

import os

import numpy as np

from summitry.analysis import ScenarioAnalysis, result_metrics
from summitry.model import Scenario
from summitry.protocols import Trace

from ._png import png_bytes
from .utility_space import sample_outcome_utilities

__all__ = ["plot_negotiation"]

_STYLES = ("-", "--", ":", "-.")


def plot_negotiation(
    trace: Trace, scenario: Scenario, analysis: ScenarioAnalysis, path: str | os.PathLike[str] | None = None
) -> bytes:
    """Draw a negotiation and return the PNG bytes (also written atomically to ``path`` if given).

    Left: the utility space of the first two parties — outcomes (grey), the Pareto frontier,
    each party's offers (mediation: the mediator's proposals), the agreement and the Nash
    point. Right: the utility of each offer to each party over the rounds.

    Everything is drawn in undiscounted utilities (the space of the frontier and the Nash
    point); where a discount applies, the axes say so and the agreement's legend entry gives
    the discounted utilities each party was paid.
    """
    from matplotlib.figure import Figure

    parties = scenario.party_names
    by: dict[str, list[tuple[int, tuple[float, ...]]]] = {}
    for event in trace.events:
        if event.outcome is None or event.kind not in ("offer", "proposal", "draft", "start"):
            continue
        who = event.party or ("mediator" if event.kind == "proposal" else "draft")
        utilities = tuple(float(p.utility(event.outcome)) for p in scenario.parties)
        by.setdefault(who, []).append((event.round, utilities))

    figure = Figure(figsize=(13, 5.5), dpi=100)
    space_axes, time_axes = figure.subplots(1, 2)
    cloud, _ = sample_outcome_utilities(analysis, limit=20_000)
    if cloud.size:
        space_axes.scatter(cloud[:, 0], cloud[:, 1], s=3, c="#cccccc", label="outcomes", rasterized=True)
    frontier = analysis.frontier_utilities
    if frontier.size:
        order = np.lexsort((frontier[:, 1], frontier[:, 0]))
        space_axes.plot(frontier[order, 0], frontier[order, 1], "-", color="#1f77b4", lw=1, label="Pareto frontier")
    colours = ["#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]
    for k, (who, items) in enumerate(by.items()):
        values = np.array([u for _, u in items])
        colour = colours[k % len(colours)]
        space_axes.plot(values[:, 0], values[:, 1], ".-", color=colour, alpha=0.6, lw=0.8, label=f"offers by {who}")
        rounds = [r for r, _ in items]
        style = _STYLES[k % len(_STYLES)]
        for j, party in enumerate(parties):
            time_axes.plot(rounds, values[:, j], style, color=colours[j % len(colours)], lw=1, label=f"{who} → {party}")
    if analysis.nash is not None:
        nash = analysis.nash.utilities
        space_axes.scatter(
            [nash[0]], [nash[1]], marker="*", s=200, c="gold", edgecolors="black", label="Nash", zorder=5
        )
    result = trace.result
    discounted = False
    if result is not None and result.agreement is not None:
        metrics = result_metrics(analysis, result)
        agreed = metrics.utilities
        discounted = metrics.discounted
        label = "agreement"
        if discounted:
            label += " (discounted: " + ", ".join(f"{u:.2f}" for u in metrics.discounted_utilities) + ")"
        space_axes.scatter([agreed[0]], [agreed[1]], marker="X", s=160, c="black", label=label, zorder=6)
    space_axes.axvline(analysis.reserved[0], ls=":", color="#555555", lw=1)
    space_axes.axhline(analysis.reserved[1], ls=":", color="#555555", lw=1)
    unit = "undiscounted utility" if discounted else "utility"
    space_axes.set_xlabel(f"{unit} of {parties[0]}")
    space_axes.set_ylabel(f"{unit} of {parties[1]}")
    if result is None:
        ending = "still running"
    elif result.agreement is not None:
        ending = f"agreement after {result.rounds} rounds"
    else:
        ending = f"no agreement ({result.reason})"
    space_axes.set_title(f"{scenario.name} ({trace.header.protocol}): {ending}", fontsize=10)
    space_axes.legend(loc="lower left", fontsize=7, framealpha=0.85)
    space_axes.grid(True, alpha=0.3)
    time_axes.set_xlabel("round")
    time_axes.set_ylabel(unit)
    time_axes.set_title("utility of the offers to each party (colour) over time", fontsize=10)
    if by:
        time_axes.legend(loc="best", fontsize=7, framealpha=0.85)
    time_axes.grid(True, alpha=0.3)
    figure.tight_layout()
    return png_bytes(figure, path)
