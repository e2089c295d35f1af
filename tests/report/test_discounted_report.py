"""A summit report on a discounted scenario labels both utilities and measures in one space."""

from __future__ import annotations

from pathlib import Path

from summitry.formats import write_native
from summitry.formats.summit_files import load_summit
from summitry.report.html import write_report
from summitry.report.summit_run import run_summit
from tests.analysis.test_discounts import discounted_toy

SUMMIT = """\
name: toy
title: Toy summit
timezone: UTC
meetings:
  - id: talks
    title: Toy talks
    date: 2020-01-01
    start: "10:00"
    duration: 1h
    kind: plenary
    venue: Here
    participants: [A, B]
    negotiation: {{scenario: {scenario}, protocol: sao, rounds: 20, seed: 0}}
"""


def test_report_gives_undiscounted_utilities_beside_the_discounted_ones(tmp_path: Path) -> None:
    """The explanation compares undiscounted utilities with the Nash point and names the paid ones."""
    scenario = discounted_toy(0.5)
    path = write_native(scenario, tmp_path / "toy.yaml")
    summit = tmp_path / "toy-summit.yaml"
    summit.write_text(SUMMIT.format(scenario=path), encoding="utf-8")
    outcome = run_summit(load_summit(str(summit)))
    (report,) = outcome.negotiations
    result = report.trace.result
    assert result is not None and result.agreement is not None
    plain = [float(p.utility(result.agreement)) for p in scenario.parties]
    assert report.metrics.utilities == tuple(plain)
    assert report.metrics.discounted_utilities == result.utilities
    expected = " and ".join(f"{p} {u:.2f}" for p, u in zip(scenario.party_names, plain, strict=True))
    paid = " and ".join(f"{u:.2f}" for u in result.utilities)
    assert f"utilities {expected} (discounted for time: {paid})" in report.explanation
    page = write_report(outcome, tmp_path / "out").report.read_text("utf-8")
    assert "Discounted utility paid" in page and f"{plain[0]:.3f}" in page and f"{result.utilities[0]:.3f}" in page
    assert "distances and the figure are undiscounted" in page
