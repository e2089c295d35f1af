"""``summitry agents``: every registered agent with its parameters, defaults and description."""

from __future__ import annotations

import importlib.util
import json

import pytest
from typer.testing import CliRunner

import summitry.cli
import summitry.cli.agents
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


def test_agents_without_negmas_ends_with_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without NegMAS the list ends with the commands that install it: the released package, and in a clone."""
    monkeypatch.setattr(summitry.cli.agents, "_negmas_installed", lambda: False)
    result = runner.invoke(app, ["agents"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (
        "NegMAS negotiators (negmas:package.module:Class) need: pip install 'summitry[negmas]' "
        "(in a clone of summitry: .venv/bin/pip install -e '.[negmas]')"
    )


def test_agents_json() -> None:
    """``--json`` gives one object: the agents with their parameters, and the negmas: form when installed."""
    result = runner.invoke(app, ["agents", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert [row["name"] for row in payload["agents"]] == list(REGISTRY)
    hardheaded = next(row for row in payload["agents"] if row["name"] == "hardheaded")
    assert hardheaded["parameters"]["exponent"] == 0.2 and hardheaded["parameters"]["window"] == 0.05
