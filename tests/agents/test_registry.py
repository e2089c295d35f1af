"""The agent registry: names, making negotiators, helpful errors."""

from __future__ import annotations

import pytest

from summitry.agents import REGISTRY, AgentSpec, Negotiator, agent_names, make_negotiator, register, sao_agent_names
from summitry.errors import UnknownAgentError

BUILT_IN = [
    "boulware",
    "linear",
    "conceder",
    "hardliner",
    "random",
    "naive-tit-for-tat",
    "tit-for-tat",
    "micro",
    "hardheaded",
    "bayesian",
    "greedy-voter",
    "annealing-voter",
]


def test_every_built_in_is_registered() -> None:
    """All built-in names are registered, voters excluded from the SAO list."""
    assert set(BUILT_IN) <= set(agent_names())
    assert "greedy-voter" not in sao_agent_names()
    assert "boulware" in sao_agent_names()


@pytest.mark.parametrize("name", BUILT_IN)
def test_make_negotiator_returns_a_named_negotiator(name: str) -> None:
    """make_negotiator returns a fresh Negotiator carrying the registered name and a documented source."""
    negotiator = make_negotiator(name)
    assert isinstance(negotiator, Negotiator)
    assert negotiator.name == name
    assert make_negotiator(name) is not negotiator
    assert REGISTRY[name].source and REGISTRY[name].description


def test_parameters_override_defaults() -> None:
    """Keyword parameters reach the agent's constructor."""
    assert make_negotiator("boulware", exponent=0.1).exponent == 0.1  # type: ignore[attr-defined]


def test_unknown_agent_suggests_the_closest_name() -> None:
    """A misspelt name raises UnknownAgentError with a did-you-mean and the full list."""
    with pytest.raises(UnknownAgentError, match="Did you mean 'boulware'") as info:
        make_negotiator("bouleware")
    assert "hardheaded" in str(info.value)
    assert isinstance(info.value, LookupError)


def test_register_refuses_duplicates() -> None:
    """Registering a taken name needs replace=True."""
    with pytest.raises(ValueError, match="already registered"):
        register(AgentSpec(name="boulware", factory=Negotiator, description="x", source="y"))
