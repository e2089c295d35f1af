"""The figure of one negotiation: its offers over the rounds, numbered as the CLI and the pages number them."""

from __future__ import annotations

from summitry.agents import negotiator_from_text
from summitry.analysis import analyze
from summitry.formats import load_scenario
from summitry.plots.negotiation import negotiation_figure
from summitry.protocols import negotiate


def test_offers_are_drawn_over_rounds_numbered_from_1() -> None:
    """Three rounds of hardliners: each party's offers at rounds 1, 2, 3 (the trace stores 0, 1, 2)."""
    scenario = load_scenario("hanoi-deal")
    trace = negotiate(scenario, [negotiator_from_text("hardliner") for _ in range(2)], rounds=3, seed=0)
    assert sorted({e.round for e in trace.events if e.kind == "offer"}) == [0, 1, 2]
    time_axes = negotiation_figure(trace, scenario, analyze(scenario)).axes[1]
    lines = time_axes.get_lines()
    assert len(lines) == 4  # two parties' offers, each in both utilities
    assert all(list(line.get_xdata()) == [1, 2, 3] for line in lines)
