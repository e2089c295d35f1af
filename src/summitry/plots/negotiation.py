"""The picture of one negotiation: offers in utility space over the frontier, and offers over time.

Two parties: the left panel is their utility plane. Three or more: it is a parallel-coordinates
view, one vertical axis per party, every outcome a polyline across them, so that every party
is shown and no line is drawn through a projection of an n-dimensional frontier.
matplotlib is imported lazily (a bare ``Figure``, Agg canvas) when a figure is drawn.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from summitry.analysis import ScenarioAnalysis, result_metrics
from summitry.model import Scenario
from summitry.protocols import Trace

from ._png import png_bytes
from .parties import draw_parallel
from .utility_space import sample_outcome_utilities

__all__ = ["negotiation_figure", "plot_negotiation"]

_STYLES = ("-", "--", ":", "-.")
_COLOURS = ("#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#e377c2")


def plot_negotiation(
    trace: Trace, scenario: Scenario, analysis: ScenarioAnalysis, path: str | os.PathLike[str] | None = None
) -> bytes:
    """Draw a negotiation and return the PNG bytes (also written atomically to ``path`` if given).

    Left: with two parties, their utility space — outcomes (grey), the Pareto frontier, each
    party's offers (mediation: the mediator's proposals), the agreement and the Nash point;
    with three or more, the same in parallel coordinates (one axis per party). Right: the
    utility of each offer to each party over the rounds.

    Everything is drawn in undiscounted utilities (the space of the frontier and the Nash
    point); where a discount applies, the axes say so and the agreement's legend entry gives
    the discounted utilities each party was paid.
    """
    return png_bytes(negotiation_figure(trace, scenario, analysis), path)


def negotiation_figure(trace: Trace, scenario: Scenario, analysis: ScenarioAnalysis) -> Any:
    """Return the matplotlib ``Figure`` of a negotiation (see :func:`plot_negotiation`)."""
    from matplotlib.figure import Figure

    parties = scenario.party_names
    by: dict[str, list[tuple[int, tuple[float, ...]]]] = {}
    for event in trace.events:
        if event.outcome is None or event.kind not in ("offer", "proposal", "draft", "start"):
            continue
        who = event.party or ("mediator" if event.kind == "proposal" else "draft")
        utilities = tuple(float(p.utility(event.outcome)) for p in scenario.parties)
        by.setdefault(who, []).append((event.round + 1, utilities))  # rounds from 1, as the CLI and pages show them

    figure = Figure(figsize=(13, 5.5), dpi=100)
    space_axes, time_axes = figure.subplots(1, 2)
    result = trace.result
    agreed: tuple[float, ...] | None = None
    agreement_label = "agreement"
    discounted = False
    if result is not None and result.agreement is not None:
        metrics = result_metrics(analysis, result)
        agreed, discounted = metrics.utilities, metrics.discounted
        if discounted:
            agreement_label += " (discounted: " + ", ".join(f"{u:.2f}" for u in metrics.discounted_utilities) + ")"
    unit = "undiscounted utility" if discounted else "utility"
    if len(parties) == 2:
        _plane(space_axes, analysis, by, agreed, agreement_label, unit)
    else:
        _parallel(space_axes, analysis, by, agreed, agreement_label, unit)
    if result is None:
        ending = "still running"
    elif result.agreement is not None:
        ending = f"agreement after {result.rounds} round" + ("" if result.rounds == 1 else "s")
    else:
        ending = f"no agreement ({result.reason})"
    space_axes.set_title(f"{scenario.name} ({trace.header.protocol}): {ending}", fontsize=10)
    space_axes.grid(True, alpha=0.3)
    for k, (who, items) in enumerate(by.items()):
        values = np.array([u for _, u in items])
        rounds = [r for r, _ in items]
        style = _STYLES[k % len(_STYLES)]
        for j, party in enumerate(parties):
            time_axes.plot(
                rounds, values[:, j], style, color=_COLOURS[j % len(_COLOURS)], lw=1, label=f"{who} → {party}"
            )
    time_axes.set_xlabel("round")
    time_axes.set_ylabel(unit)
    time_axes.set_title("utility of the offers to each party (colour) over time", fontsize=10)
    if by:
        time_axes.legend(loc="best", fontsize=7, framealpha=0.85)
    time_axes.grid(True, alpha=0.3)
    figure.tight_layout()
    return figure


def _plane(
    axes: Any,
    analysis: ScenarioAnalysis,
    by: dict[str, list[tuple[int, tuple[float, ...]]]],
    agreed: tuple[float, ...] | None,
    agreement_label: str,
    unit: str,
) -> None:
    parties = analysis.parties
    cloud, _ = sample_outcome_utilities(analysis, limit=20_000)
    if cloud.size:
        axes.scatter(cloud[:, 0], cloud[:, 1], s=3, c="#cccccc", label="outcomes", rasterized=True)
    frontier = analysis.frontier_utilities
    if frontier.size:
        order = np.lexsort((frontier[:, 1], frontier[:, 0]))
        axes.plot(frontier[order, 0], frontier[order, 1], "-", color="#1f77b4", lw=1, label="Pareto frontier")
    for k, (who, items) in enumerate(by.items()):
        values = np.array([u for _, u in items])
        colour = _COLOURS[k % len(_COLOURS)]
        axes.plot(values[:, 0], values[:, 1], ".-", color=colour, alpha=0.6, lw=0.8, label=f"offers by {who}")
    if analysis.nash is not None:
        nash = analysis.nash.utilities
        axes.scatter([nash[0]], [nash[1]], marker="*", s=200, c="gold", edgecolors="black", label="Nash", zorder=5)
    if agreed is not None:
        axes.scatter([agreed[0]], [agreed[1]], marker="X", s=160, c="black", label=agreement_label, zorder=6)
    axes.axvline(analysis.reserved[0], ls=":", color="#555555", lw=1)
    axes.axhline(analysis.reserved[1], ls=":", color="#555555", lw=1)
    axes.set_xlabel(f"{unit} of {parties[0]}")
    axes.set_ylabel(f"{unit} of {parties[1]}")
    axes.legend(loc="lower left", fontsize=7, framealpha=0.85)


def _parallel(
    axes: Any,
    analysis: ScenarioAnalysis,
    by: dict[str, list[tuple[int, tuple[float, ...]]]],
    agreed: tuple[float, ...] | None,
    agreement_label: str,
    unit: str,
) -> None:
    parties = analysis.parties
    x = np.arange(len(parties))
    draw_parallel(axes, parties, analysis.frontier_utilities, analysis.reserved)
    for k, (who, items) in enumerate(by.items()):
        colour = _COLOURS[k % len(_COLOURS)]
        for j, (_, utilities) in enumerate(items[-15:]):  # the last offers, where the parties converge
            axes.plot(x, utilities, "-", color=colour, lw=0.9, alpha=0.55, label=f"offers by {who}" if j == 0 else None)
    if analysis.nash is not None:
        axes.plot(x, analysis.nash.utilities, "--", color="goldenrod", lw=2.2, marker="*", ms=12, label="Nash")
    if agreed is not None:
        axes.plot(x, agreed, "-", color="black", lw=2.6, marker="X", ms=9, label=agreement_label, zorder=6)
    axes.set_ylabel(f"{unit} (one axis per party)")
    axes.legend(loc="lower left", fontsize=7, framealpha=0.85)
