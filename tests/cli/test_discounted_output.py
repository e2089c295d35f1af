"""negotiate/mediate on a discounted scenario: both utilities, named, and distances said to be undiscounted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import summitry.cli
from summitry.cli import app
from summitry.formats import load_scenario, write_native
from tests.analysis.test_discounts import discounted_toy

summitry.cli._register()
runner = CliRunner()


@pytest.fixture
def toy_file(tmp_path: Path) -> Path:
    return write_native(discounted_toy(0.5), tmp_path / "toy.yaml")


@pytest.mark.parametrize("command", ["negotiate", "mediate"])
def test_json_names_undiscounted_and_discounted_utilities(command: str, toy_file: Path) -> None:
    """``utilities`` are the scenario's utilities of the agreement; ``discounted_utilities`` are lower."""
    agents = "boulware" if command == "negotiate" else "greedy-voter"
    result = runner.invoke(app, [command, str(toy_file), "--agents", agents, "--rounds", "20", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["reason"] == "agreed"
    scenario = load_scenario(str(toy_file))
    outcome = tuple(payload["agreement"][name] for name in scenario.space.issue_names)
    plain = [float(p.utility(outcome)) for p in scenario.parties]
    assert payload["utilities"] == pytest.approx(plain)
    assert payload["distance_space"] == "undiscounted"
    paid = payload["discounted_utilities"]
    assert len(paid) == 2 and all(0 < d < u for d, u in zip(paid, plain, strict=True))
    if payload["pareto_distance"] == 0.0:  # on the frontier: the undiscounted point is a frontier point
        from summitry.analysis import analyze

        analysis = analyze(scenario)
        assert analysis.is_pareto_optimal(scenario.space.index_of(outcome))


def test_text_shows_both_and_says_where_distances_are_measured(toy_file: Path) -> None:
    """Each party's line gives both utilities; the distance line names the space."""
    result = runner.invoke(app, ["negotiate", str(toy_file), "--agents", "boulware", "--rounds", "20"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    party_lines = [line for line in lines if line.startswith("  a ") or line.startswith("  b ")]
    assert len(party_lines) == 2 and all("utility " in x and " discounted " in x for x in party_lines)
    assert lines[-1].startswith("distance (between undiscounted utilities) to the Pareto frontier")
