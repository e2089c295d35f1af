"""Property: no agent ever offers below its reservation value or an invalid outcome."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summitry.agents import make_negotiator, sao_agent_names
from summitry.model import Scenario
from tests.strategies import scenarios

from ._driver import drive


@pytest.mark.parametrize("name", sao_agent_names())
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios(max_parties=2), opponent=st.sampled_from(sao_agent_names()), seed=st.integers(0, 100))
def test_offers_are_valid_and_above_reservation(name: str, scenario: Scenario, opponent: str, seed: int) -> None:
    """Whatever the scenario and opponent, offers are valid outcomes worth at least the reservation value."""
    result = drive(scenario, [make_negotiator(name), make_negotiator(opponent)], rounds=15, seed=seed)
    first = scenario.parties[0]
    for party, outcome in result.history:
        assert scenario.space.contains(outcome)
        if party == first.name:
            assert first.utility(outcome) >= first.reservation_value - 1e-9
    if result.agreement is not None:
        for party in scenario.parties:
            assert party.utility(result.agreement) >= party.reservation_value - 1e-9
