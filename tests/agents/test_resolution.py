"""Agents as text: registered names with parameters, classes in files or modules, extra prefixes."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from summitry.agents import Boulware, Conceder, register_prefix, resolve_agent
from summitry.agents.resolution import AgentFactory
from summitry.cli import _register, app
from summitry.errors import AgentParameterError, UnknownAgentError

AGENT_FILE = """
from summitry.agents import Boulware


class Patient(Boulware):
    def __init__(self, *, patience: int = 1, **kwargs):
        super().__init__(**kwargs)
        self.patience = patience
"""


@pytest.fixture
def agent_file(tmp_path: Path) -> Path:
    path = tmp_path / "my_agents.py"
    path.write_text(AGENT_FILE, encoding="utf-8")
    return path


def test_registered_names_keep_their_parameters() -> None:
    factory = resolve_agent("boulware:exponent=0.05")
    negotiator = factory.make()
    assert isinstance(negotiator, Boulware) and negotiator.exponent == 0.05
    assert factory.label == "boulware:exponent=0.05" and negotiator.name == "boulware"


def test_a_class_in_a_file_relative_to_a_base_folder(agent_file: Path) -> None:
    factory = resolve_agent("my_agents.py:Patient:patience=3:exponent=0.5", base=agent_file.parent)
    negotiator = factory.make()
    assert type(negotiator).__name__ == "Patient"
    assert (negotiator.patience, negotiator.exponent) == (3, 0.5)
    assert negotiator.name == "my_agents.py:Patient:patience=3:exponent=0.5"
    assert type(resolve_agent(f"{agent_file}:Patient").make()) is type(negotiator)  # imported once


def test_a_class_in_a_module() -> None:
    assert isinstance(resolve_agent("summitry.agents:Conceder").make(), Conceder)


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("bouleware", UnknownAgentError, "Did you mean 'boulware'"),
        ("boulware:speed=2", AgentParameterError, "takes no parameter 'speed'"),
        ("missing.py:X", UnknownAgentError, "no such file"),
        ("my_agents.py:Patiently", UnknownAgentError, r"no class 'Patiently' there \(classes: Boulware, Patient\)"),
        ("no_such_module_xyz:Agent", UnknownAgentError, "cannot import module 'no_such_module_xyz'"),
    ],
)
def test_bad_agent_texts_say_what_is_wrong(agent_file: Path, text: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        resolve_agent(text, base=agent_file.parent)


def test_prefixes_extend_the_syntax() -> None:
    register_prefix("test-prefix", lambda rest, base: AgentFactory(label=rest, make_one=Conceder), replace=True)
    assert isinstance(resolve_agent("test-prefix:anything").make(), Conceder)
    with pytest.raises(ValueError, match="name of a registered agent"):
        register_prefix("boulware", lambda rest, base: AgentFactory(label=rest, make_one=Conceder))


def test_negotiate_takes_user_classes(agent_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _register()
    monkeypatch.chdir(agent_file.parent)
    result = CliRunner().invoke(
        app, ["negotiate", "hanoi-deal", "--agents", "my_agents.py:Patient,summitry.agents:Conceder", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert '"agents": ["my_agents.py:Patient", "summitry.agents:Conceder"]' in result.output
