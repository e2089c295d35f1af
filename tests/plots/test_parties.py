"""Figures of three or more parties show every party and draw no line through a projected frontier."""

from __future__ import annotations

import numpy as np
import pytest

from summitry.agents import negotiator_from_text
from summitry.analysis import analyze
from summitry.model import IntegerIssue, OutcomeSpace, Party, Scenario, TableUtility
from summitry.plots import utility_space_figure
from summitry.plots.negotiation import negotiation_figure
from summitry.plots.parties import pairs
from summitry.protocols import negotiate


def _scenario(parties: int) -> Scenario:
    space = OutcomeSpace(issues=(IntegerIssue(name="a", low=0, high=6), IntegerIssue(name="b", low=0, high=6)))
    rng = np.random.default_rng(parties)
    return Scenario(
        name=f"{parties}-way",
        space=space,
        parties=tuple(
            Party(
                name=f"party{k}",
                utility=TableUtility(space=space, table=rng.random(space.cardinality), reservation_value=0.1),
            )
            for k in range(parties)
        ),
    )


def _long_lines(axes: object) -> list[object]:
    """Lines with more than two points (reference lines such as axvline have two)."""
    return [line for line in axes.get_lines() if len(line.get_xdata()) > 2]  # type: ignore[attr-defined]


@pytest.mark.parametrize("parties", [3, 4])
def test_utility_space_has_a_panel_for_every_pair_and_points_only(parties: int) -> None:
    """n parties: n(n-1)/2 panels, every party on some axis, the frontier drawn as points."""
    figure = utility_space_figure(analyze(_scenario(parties)))
    shown = [axes for axes in figure.axes if axes.get_visible()]
    assert len(shown) == len(pairs(parties)) == parties * (parties - 1) // 2
    labels = {(axes.get_xlabel(), axes.get_ylabel()) for axes in shown}
    assert labels == {(f"utility of party{i}", f"utility of party{j}") for i, j in pairs(parties)}
    assert all(not _long_lines(axes) for axes in shown)


def test_two_parties_keep_one_panel_with_the_frontier_line() -> None:
    """Two parties: one panel, the frontier's staircase drawn as a line."""
    figure = utility_space_figure(analyze(_scenario(2)))
    (axes,) = [a for a in figure.axes if a.get_visible()]
    assert len(_long_lines(axes)) == 1


def test_negotiation_of_three_parties_is_drawn_in_parallel_coordinates() -> None:
    """One axis per party; every polyline crosses all of them; the agreement is one of them."""
    scenario = _scenario(3)
    trace = negotiate(scenario, [negotiator_from_text("conceder") for _ in range(3)], rounds=30, seed=0)
    assert trace.result is not None and trace.result.agreement is not None
    space_axes = negotiation_figure(trace, scenario, analyze(scenario)).axes[0]
    assert [t.get_text() for t in space_axes.get_xticklabels()] == list(scenario.party_names)
    polylines = [line for line in space_axes.get_lines() if len(line.get_xdata()) > 2]
    assert polylines and all(list(line.get_xdata()) == [0, 1, 2] for line in polylines)
    (agreement,) = [line for line in polylines if line.get_label() == "agreement"]
    expected = [float(p.utility(trace.result.agreement)) for p in scenario.parties]
    assert np.allclose(agreement.get_ydata(), expected)
