"""Every pair of built-in SAO negotiators runs on small scenarios without error."""

from __future__ import annotations

import itertools

import pytest

from summitry.agents import make_negotiator, sao_agent_names
from summitry.formats import load_scenario
from summitry.model import Scenario

from ._driver import drive
from .conftest import make_scenario


@pytest.mark.parametrize("scenario", [make_scenario(), load_scenario("hanoi-deal")], ids=lambda s: s.name)
def test_every_pair_negotiates_without_error(scenario: Scenario) -> None:
    """All ordered pairs finish (agreement or not) with no failure, and agreements beat both reservations."""
    names = sao_agent_names()
    for first, second in itertools.product(names, repeat=2):
        result = drive(scenario, [make_negotiator(first), make_negotiator(second)], rounds=30, seed=1)
        assert result.reason in {"agreed", "deadline", "ended"}, (first, second, result.reason)
        if result.agreement is not None:
            for party, utility in zip(scenario.parties, result.utilities, strict=True):
                assert utility >= party.reservation_value - 1e-9, (first, second)
