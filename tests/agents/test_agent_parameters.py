"""Agents with parameters: ``name:param=value`` on the command line, checked against the agent's factory."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from summitry.agents import make_negotiator, negotiator_from_text, parse_agent
from summitry.cli import _register, app
from summitry.errors import AgentParameterError, UnknownAgentError


def test_parse_agent_reads_names_and_typed_values() -> None:
    assert parse_agent("boulware") == ("boulware", {})
    assert parse_agent(" boulware:exponent=0.1 ") == ("boulware", {"exponent": 0.1})
    assert parse_agent("tit-for-tat:window=3:kindness=0") == ("tit-for-tat", {"window": 3, "kindness": 0})
    assert parse_agent("x:flag=true:label=slow") == ("x", {"flag": True, "label": "slow"})


def test_parameters_reach_the_agent() -> None:
    agent = negotiator_from_text("boulware:exponent=0.05")
    assert agent.exponent == pytest.approx(0.05)
    assert agent.name == "boulware"


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("boulware:exponant=0.1", AgentParameterError, r"agent 'boulware' takes no parameter 'exponant'; .*exponent"),
        ("boulware:0.1", AgentParameterError, r"expected param=value after ':'"),
        ("boulwar:exponent=0.1", UnknownAgentError, r"Did you mean 'boulware'"),
    ],
)
def test_bad_parameters_are_named(text: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        negotiator_from_text(text)


def test_factory_rejections_become_parameter_errors() -> None:
    with pytest.raises(AgentParameterError, match="agent 'hardliner'"):
        make_negotiator("hardliner", tolerance=-1.0)


def test_cli_takes_agent_parameters() -> None:
    _register()
    runner = CliRunner()
    args = ["negotiate", "hanoi-deal", "--agents", "boulware:exponent=0.1,conceder", "--seed", "2", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["agents"] == ["boulware:exponent=0.1", "conceder"]
    bad = runner.invoke(app, ["negotiate", "hanoi-deal", "--agents", "boulware:exponant=0.1,conceder"])
    assert bad.exit_code == 2
    assert bad.stderr.startswith("error: agent 'boulware' takes no parameter 'exponant'")
