"""``summitry agents``: every registered agent with its parameters, defaults and description."""

from __future__ import annotations

import importlib.util
import json

from typer.testing import CliRunner

import summitry.cli
from summitry.agents import REGISTRY
from summitry.cli import app

summitry.cli._register()
runner = CliRunner()


def test_agents_lists_every_agent_with_parameters_and_description() -> None:
    """Each registry name appears with its parameters (defaults as the registry makes them) and description."""
    result = runner.invoke(app, ["agents"])
    assert result.exit_code == 0, result.output
    for name, spec in REGISTRY.items():
        line = next(line for line in result.stdout.splitlines() if line.startswith(name + " "))
        for key, value in (spec.params or {}).items():
            assert f"{key}={value}" in line
        assert spec.description in result.stdout
    assert "exponent=0.2, floor=None, window=0.0" in next(
        line for line in result.stdout.splitlines() if line.startswith("boulware ")
    )
    if importlib.util.find_spec("negmas") is not None:
        assert "negmas:package.module:Class" in result.stdout and "summitry[negmas] is installed" in result.stdout


def test_agents_json() -> None:
    """``--json`` gives one object: the agents with their parameters, and the negmas: form when installed."""
    result = runner.invoke(app, ["agents", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert [row["name"] for row in payload["agents"]] == list(REGISTRY)
    hardheaded = next(row for row in payload["agents"] if row["name"] == "hardheaded")
    assert hardheaded["parameters"]["exponent"] == 0.2 and hardheaded["parameters"]["window"] == 0.05
